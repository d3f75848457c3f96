/*
 * udp_ceiling: the fastest a single-threaded BEP 15 tracker could answer on this machine, as a ceiling for
 * bench/compare.sh. It keeps no state and does no tracker work: connection ids are a cheap mix of the source
 * address (checked, as a real tracker would), every announce gets the same peers from a static table, every
 * scrape the same counts. What is left is the part no tracker can skip: one socket, recvmmsg of up to 64
 * datagrams (blocking for the first), every reply built, one sendmmsg.
 *
 *   gcc -O2 -Wall -Wextra -Werror -o udp_ceiling udp_ceiling.c && ./udp_ceiling 36972
 *
 * Listens on 127.0.0.1:PORT; SIGTERM or SIGINT ends it cleanly.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BATCH 64
#define MAX_REQUEST 1500
#define MAX_PEERS 200
#define MAX_SCRAPE_HASHES 74
#define REPLY_SIZE (20 + 6 * MAX_PEERS)
#define PROTOCOL_ID 0x41727101980ULL
#define INTERVAL 1800

static volatile sig_atomic_t stopping;

static void on_signal(int sig) {
    (void)sig;
    stopping = 1;
}

static uint32_t get32(const unsigned char *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get64(const unsigned char *p) {
    return (uint64_t)get32(p) << 32 | get32(p + 4);
}

static void put32(unsigned char *p, uint32_t v) {
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static void put64(unsigned char *p, uint64_t v) {
    put32(p, v >> 32);
    put32(p + 4, (uint32_t)v);
}

/* A connection id from the source address: stateless, and the same for every request of that source. */
static uint64_t connection_id(const struct sockaddr_in *from) {
    uint64_t x = ((uint64_t)from->sin_addr.s_addr << 16 | from->sin_port) ^ 0x9E3779B97F4A7C15ULL;
    x ^= x >> 31;
    x *= 0xBF58476D1CE4E5B9ULL;
    return x ^ (x >> 29);
}

static unsigned char peers[6 * MAX_PEERS];

/* Builds the reply to one request in out; returns its length, or 0 to drop the request. */
static size_t answer(const unsigned char *in, size_t len, const struct sockaddr_in *from, unsigned char *out) {
    if (len < 16) {
        return 0;
    }
    uint32_t action = get32(in + 8);
    uint32_t transaction = get32(in + 12);
    if (action == 0) {
        if (get64(in) != PROTOCOL_ID) {
            return 0;
        }
        put32(out, 0);
        put32(out + 4, transaction);
        put64(out + 8, connection_id(from));
        return 16;
    }
    if (get64(in) != connection_id(from)) {
        return 0;
    }
    if (action == 1 && len >= 98) {
        int32_t numwant = (int32_t)get32(in + 92);
        uint32_t n = numwant < 0 || numwant > MAX_PEERS ? MAX_PEERS : (uint32_t)numwant;
        put32(out, 1);
        put32(out + 4, transaction);
        put32(out + 8, INTERVAL);
        put32(out + 12, 50);  /* leechers */
        put32(out + 16, 150); /* seeders */
        memcpy(out + 20, peers, 6 * n);
        return 20 + 6 * n;
    }
    if (action == 2) {
        size_t hashes = (len - 16) / 20;
        if (hashes > MAX_SCRAPE_HASHES) {
            hashes = MAX_SCRAPE_HASHES;
        }
        put32(out, 2);
        put32(out + 4, transaction);
        for (size_t i = 0; i < hashes; i++) {
            unsigned char *h = out + 8 + 12 * i;
            put32(h, 150);     /* seeders */
            put32(h + 4, 900); /* completed */
            put32(h + 8, 50);  /* leechers */
        }
        return 8 + 12 * hashes;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2 || atoi(argv[1]) <= 0 || atoi(argv[1]) > 65535) {
        fprintf(stderr, "usage: %s PORT\n", argv[0]);
        return 2;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: recvmmsg returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);

    for (int i = 0; i < MAX_PEERS; i++) { /* 10.0.x.y:6881+i, none of them the requester */
        unsigned char *p = peers + 6 * i;
        p[0] = 10;
        p[1] = 0;
        p[2] = (unsigned char)(i >> 8);
        p[3] = (unsigned char)(i + 1);
        p[4] = (unsigned char)((6881 + i) >> 8);
        p[5] = (unsigned char)(6881 + i);
    }

    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        perror("socket");
        return 1;
    }
    int size = 4 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)atoi(argv[1]));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        perror("bind");
        return 1;
    }

    static unsigned char requests[BATCH][MAX_REQUEST];
    static unsigned char replies[BATCH][REPLY_SIZE];
    static struct sockaddr_in sources[BATCH];
    static struct iovec request_iov[BATCH], reply_iov[BATCH];
    static struct mmsghdr in[BATCH], out[BATCH];
    for (int i = 0; i < BATCH; i++) {
        request_iov[i].iov_base = requests[i];
        request_iov[i].iov_len = MAX_REQUEST;
        in[i].msg_hdr.msg_iov = &request_iov[i];
        in[i].msg_hdr.msg_iovlen = 1;
        in[i].msg_hdr.msg_name = &sources[i];
    }

    while (!stopping) {
        for (int i = 0; i < BATCH; i++) {
            in[i].msg_hdr.msg_namelen = sizeof sources[i];
        }
        int n = recvmmsg(fd, in, BATCH, MSG_WAITFORONE, NULL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("recvmmsg");
            return 1;
        }
        int replies_count = 0;
        for (int i = 0; i < n; i++) {
            size_t len = answer(requests[i], in[i].msg_len, &sources[i], replies[replies_count]);
            if (len == 0) {
                continue;
            }
            reply_iov[replies_count].iov_base = replies[replies_count];
            reply_iov[replies_count].iov_len = len;
            struct msghdr *h = &out[replies_count].msg_hdr;
            memset(h, 0, sizeof *h);
            h->msg_iov = &reply_iov[replies_count];
            h->msg_iovlen = 1;
            h->msg_name = &sources[i];
            h->msg_namelen = sizeof sources[i];
            replies_count++;
        }
        for (int sent = 0; sent < replies_count;) {
            int k = sendmmsg(fd, out + sent, (unsigned)(replies_count - sent), 0);
            if (k < 0) {
                if (errno == EINTR) {
                    continue;
                }
                sent++; /* e.g. ICMP-reported error: skip that reply, as a tracker would */
                continue;
            }
            sent += k;
        }
    }
    close(fd);
    return 0;
}
