package dev.kubetracker.worker.protocol.udp;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * The few Linux libc calls of {@link BatchedUdpSocket}, through jnr-ffi. Pointers are passed as plain
 * addresses ({@code long}) into memory the caller owns, so a call allocates nothing. The constants are
 * Linux's, the same on x86-64 and arm64.
 */
public interface LibC {
    int AF_INET = 2;
    int AF_INET6 = 10;
    int SOCK_DGRAM = 2;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SO_SNDBUF = 7;
    int SO_RCVBUF = 8;
    int SO_REUSEPORT = 15;
    int SO_RCVTIMEO = 20;
    int IPPROTO_IPV6 = 41;
    int IPV6_V6ONLY = 26;
    int MSG_DONTWAIT = 0x40;
    int MSG_WAITFORONE = 0x10000;
    int SHUT_RD = 0;

    int EINTR = 4;
    int EAGAIN = 11;
    int EADDRINUSE = 98;
    int ENOBUFS = 105;

    int socket(int domain, int type, int protocol);

    int setsockopt(int fd, int level, int name, long value, int length);

    int bind(int fd, long address, int length);

    int getsockname(int fd, long address, long length);

    int recvmmsg(int fd, long vector, int count, int flags, long timeout);

    int sendmmsg(int fd, long vector, int count, int flags);

    int shutdown(int fd, int how);

    int close(int fd);

    String strerror(int errno);

    /** The loaded library with the jnr runtime that holds each thread's errno after a call. */
    final class Loaded {
        public final LibC libc;
        public final Runtime runtime;

        private Loaded(LibC libc) {
            this.libc = libc;
            this.runtime = Runtime.getRuntime(libc);
        }

        public int errno() {
            return runtime.getLastError();
        }

        public String lastError() {
            int errno = errno();
            return libc.strerror(errno) + " (errno " + errno + ")";
        }
    }

    /**
     * Linux's libc, loaded once; throws an {@link UnsupportedOperationException} saying why it cannot be
     * had here (another OS, a platform without jffi's native library, no writable temp directory).
     */
    static Loaded load() {
        if (Holder.FAILURE != null) {
            throw new UnsupportedOperationException(Holder.FAILURE);
        }
        return Holder.LOADED;
    }

    /** Loads on first use, once. */
    final class Holder {
        private static final Loaded LOADED;
        private static final String FAILURE;

        static {
            Loaded loaded = null;
            String failure = null;
            String os = System.getProperty("os.name", "");
            if (!os.toLowerCase(java.util.Locale.ROOT).startsWith("linux")) {
                failure = "recvmmsg/sendmmsg need Linux, this is " + os;
            } else {
                try {
                    loaded = new Loaded(LibraryLoader.create(LibC.class).load("c"));
                } catch (LinkageError | RuntimeException e) {
                    failure = "libc cannot be loaded through jnr-ffi: " + e;
                }
            }
            LOADED = loaded;
            FAILURE = failure;
        }

        private Holder() {
        }
    }
}
