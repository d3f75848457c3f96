#!/usr/bin/python3
"""Real-client smoke test: download a file between two BitTorrent clients
whose only way of finding each other is the tracker under test.

Flow:
  1. random payload file + PRIVATE torrent announcing only to --tracker
     (made with mktorrent -p; libtorrent's create_torrent is the fallback)
  2. optional --before-seed-hook CMD <hex-info-hash>  (e.g. whitelist it)
  3. libtorrent seeder; wait for its first successful announce
  4. downloader: a second libtorrent session or aria2c, on loopback; or
     Transmission, qBittorrent or rtorrent in the network namespace
     --client-netns (they refuse loopback peers), with the seeder on
     --seed-host in the namespace this script runs in
  5. wait for completion (bounded by --timeout-s), compare SHA-256; for the
     clients in a namespace also scrape the tracker: it must know the
     seeder and the client

Result line on stdout:
  OK <client> <url> sha256=<hex> seconds=<download seconds>
  FAIL <client> <url> reason=<text>        (+ diagnostics on stderr)
Exit status 0 on success, 1 on failure, 2 on usage errors.

Run with Debian's /usr/bin/python3 (it has python3-libtorrent); a pyenv
python3 on PATH usually does not.

Nothing but the tracker's address is ever contacted: DHT, LSD, UPnP,
NAT-PMP and PEX are off (the torrent is private as well), no DHT bootstrap
nodes are configured and all sockets of both clients are bound to loopback
or, with namespaces, to addresses that exist only in the caller's
namespaces (private ones, the only non-loopback tracker addresses accepted).

Limitation: aria2, Transmission and rtorrent cannot use udp:// trackers
over IPv6 (rejected up front).
"""

import argparse
import collections
import hashlib
import ipaddress
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import types
import urllib.parse
import urllib.request

try:
    import libtorrent as lt
except ImportError:  # pragma: no cover - environment problem, explain it
    sys.stderr.write(
        "error: python module 'libtorrent' not found; run this script with "
        "/usr/bin/python3 (Debian package python3-libtorrent)\n")
    sys.exit(2)

VERBOSE = False
T0 = time.monotonic()


def log(msg):
    if VERBOSE:
        sys.stderr.write("[%7.2fs] %s\n" % (time.monotonic() - T0, msg))
        sys.stderr.flush()


class Failure(Exception):
    """A test failure (as opposed to a usage error)."""


# --------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------

def parse_tracker_url(url, in_netns=False):
    """Return (scheme, host, port, family); only loopback IP literals are
    accepted so that the test can never talk to anything else, or, when the
    clients run in network namespaces made by the test, private addresses
    (which only exist inside those namespaces)."""
    u = urllib.parse.urlsplit(url)
    if u.scheme not in ("http", "udp"):
        raise ValueError("tracker URL must be http:// or udp://, got %r" % url)
    if not u.hostname or u.port is None:
        raise ValueError("tracker URL needs an explicit host and port: %r" % url)
    try:
        addr = ipaddress.ip_address(u.hostname)
    except ValueError:
        raise ValueError("tracker host must be an IP literal (127.0.0.1 or [::1]),"
                         " got %r" % u.hostname)
    if not (addr.is_loopback or (in_netns and addr.is_private)):
        raise ValueError("tracker host must be a loopback address%s, got %s"
                         % (" or a private one" if in_netns else "", addr))
    family = socket.AF_INET6 if addr.version == 6 else socket.AF_INET
    return u.scheme, str(addr), u.port, family


def bracket(host):
    """host as it must appear in host:port strings."""
    return "[%s]" % host if ":" in host else host


def free_port(family, host, taken=()):
    """A port that is currently free for both TCP and UDP on host.

    libtorrent listens on TCP and UDP (uTP, UDP trackers) with the same
    port number, so both must be free.  There is an unavoidable small race
    between closing the probe sockets and the client binding the port."""
    for _ in range(50):
        with socket.socket(family, socket.SOCK_STREAM) as t:
            t.bind((host, 0))
            port = t.getsockname()[1]
            if port in taken:
                continue
            try:
                with socket.socket(family, socket.SOCK_DGRAM) as u:
                    u.bind((host, port))
            except OSError:
                continue
            return port
    raise Failure("could not find a free port on %s" % host)


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_random_file(path, size):
    h = hashlib.sha256()
    with open(path, "wb") as f:
        left = size
        while left:
            chunk = os.urandom(min(left, 1 << 20))
            f.write(chunk)
            h.update(chunk)
            left -= len(chunk)
    return h.hexdigest()


def tail(path, n):
    try:
        with open(path, "r", errors="replace") as f:
            return list(collections.deque(f, maxlen=n))
    except OSError as e:
        return ["(cannot read %s: %s)\n" % (path, e)]


# --------------------------------------------------------------------------
# torrent creation
# --------------------------------------------------------------------------

def make_torrent(data_path, torrent_path, tracker_url, maker):
    """Create a private single-file torrent that announces only to tracker_url."""
    if maker == "mktorrent" and shutil.which("mktorrent") is None:
        log("mktorrent not found, falling back to libtorrent.create_torrent")
        maker = "libtorrent"
    if maker == "mktorrent":
        # -l 18: 256 KiB pieces (mktorrent's default, stated for clarity);
        # -t 1: one hashing thread, this may run on a busy build machine.
        cmd = ["mktorrent", "-p", "-a", tracker_url, "-l", "18", "-t", "1",
               "-o", torrent_path, data_path]
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           universal_newlines=True)
        if r.returncode != 0:
            raise Failure("mktorrent failed (%d): %s" % (r.returncode, r.stdout.strip()))
    else:
        fs = lt.file_storage()
        lt.add_files(fs, data_path)
        # v1-only torrent: the tracker protocol under test is BEP 3/15 with
        # 20-byte info hashes.
        ct = lt.create_torrent(fs, 256 * 1024, flags=lt.create_torrent.v1_only)
        ct.add_tracker(tracker_url)
        ct.set_priv(True)
        lt.set_piece_hashes(ct, os.path.dirname(data_path))
        with open(torrent_path, "wb") as f:
            f.write(lt.bencode(ct.generate()))
    ti = lt.torrent_info(torrent_path)
    if not ti.priv():
        raise Failure("created torrent is not private")
    return ti, maker


# --------------------------------------------------------------------------
# libtorrent peers
# --------------------------------------------------------------------------

ALERT_MASK = (lt.alert_category.error | lt.alert_category.status |
              lt.alert_category.tracker | lt.alert_category.connect |
              lt.alert_category.peer | lt.alert_category.storage)


class LtPeer:
    """One libtorrent session with one torrent, plus a record of recent
    alerts for diagnostics."""

    def __init__(self, name, host, port):
        self.name = name
        self.events = collections.deque(maxlen=40)          # all alerts
        self.tracker_events = collections.deque(maxlen=15)  # tracker alerts only
        self.replies = 0        # successful tracker announces
        self.last_reply = None  # monotonic time of the last one
        self.errors = 0         # failed tracker announces
        self.last_error = None
        self.last_error_msg = None
        self.finished = False
        self.finished_at = None  # monotonic time of torrent_finished_alert
        self.handle = None
        settings = {
            "listen_interfaces": "%s:%d" % (bracket(host), port),
            # fail loudly instead of silently binding port+1, +2, ...
            "max_retry_port_bind": 0,
            # no peer sources other than the tracker, no router poking
            "enable_dht": False,
            "dht_bootstrap_nodes": "",
            "enable_lsd": False,
            "enable_upnp": False,
            "enable_natpmp": False,
            "enable_ip_notifier": False,
            # MANDATORY on loopback: every swarm member is 127.0.0.1 (or ::1)
            # and the tracker also hands each client its own address.  With
            # the default (False) libtorrent treats same-IP peers as one
            # peer: the seeder first dials itself, then drops the downloader's
            # incoming connection, and the download never starts (verified
            # with both libtorrent and aria2 downloaders).
            "allow_multiple_connections_per_ip": True,
            # ssrf_mitigation (default on) rejects HTTP trackers on loopback
            # whose path does not start with /announce; don't depend on it.
            "ssrf_mitigation": False,
            # keep tracker timeouts short so failures surface within the
            # test timeout, and don't hang in shutdown on a dead tracker
            "tracker_completion_timeout": 10,
            "tracker_receive_timeout": 5,
            "stop_tracker_timeout": 2,
            "peer_connect_timeout": 5,
            # Peer wire over TCP only.  libtorrent prefers uTP for outgoing
            # connections, and uTP over loopback is ~10x slower here (64 MiB:
            # 9.4 s vs 0.8 s).  The UDP socket still exists (udp:// trackers
            # work without uTP).
            "enable_outgoing_utp": False,
            "enable_incoming_utp": False,
            "alert_mask": ALERT_MASK,
            "alert_queue_size": 10000,
            "user_agent": "kubetracker-realclient/libtorrent-" + lt.__version__,
        }
        # flags=0: do NOT add the default plugins (ut_pex, ut_metadata,
        # smart_ban).  The torrent is private anyway, which also disables PEX,
        # but this keeps the tracker the one and only peer source.
        self.ses = lt.session(settings, 0)
        self._wait_listening(host, port)

    def _wait_listening(self, host, port, timeout=10):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for a in self.poll(0.2):
                if isinstance(a, lt.listen_failed_alert):
                    raise Failure("%s: cannot listen on %s:%d: %s"
                                  % (self.name, host, port, a.message()))
                if isinstance(a, lt.listen_succeeded_alert) and \
                        a.socket_type == lt.socket_type_t.tcp:
                    log("%s: listening on %s:%d" % (self.name, host, port))
                    return
        raise Failure("%s: no listen_succeeded_alert within %ds" % (self.name, timeout))

    def add(self, ti, save_path):
        atp = lt.add_torrent_params()
        atp.ti = ti
        atp.save_path = save_path
        # start right away: not auto-managed (no queueing), not paused
        atp.flags &= ~(lt.torrent_flags.auto_managed | lt.torrent_flags.paused)
        self.handle = self.ses.add_torrent(atp)

    def poll(self, wait_s):
        """Wait up to wait_s for alerts, record them and return them."""
        self.ses.wait_for_alert(int(wait_s * 1000))
        alerts = self.ses.pop_alerts()
        now = time.monotonic()
        for a in alerts:
            line = "%7.2fs %s: %s" % (now - T0, type(a).__name__, a.message())
            self.events.append(line)
            if isinstance(a, lt.tracker_reply_alert):
                self.replies += 1
                self.last_reply = now
                self.tracker_events.append(line)
                log("%s: %s" % (self.name, line))
            elif isinstance(a, (lt.tracker_error_alert, lt.tracker_warning_alert,
                                lt.scrape_failed_alert)):
                if isinstance(a, lt.tracker_error_alert):
                    self.errors += 1
                    self.last_error = now
                    self.last_error_msg = a.message()
                self.tracker_events.append(line)
                log("%s: %s" % (self.name, line))
            elif isinstance(a, lt.tracker_announce_alert):
                self.tracker_events.append(line)
            elif isinstance(a, lt.torrent_finished_alert):
                self.finished = True
                self.finished_at = now
                log("%s: %s" % (self.name, line))
            elif isinstance(a, (lt.file_error_alert, lt.torrent_error_alert)):
                log("%s: %s" % (self.name, line))
        return alerts

    def reannounce(self):
        # ignore_min_interval: a forced re-announce would otherwise be
        # delayed to honour the tracker's "min interval".
        self.handle.force_reannounce(0, -1, lt.reannounce_flags_t.ignore_min_interval)

    def flush(self, timeout=5):
        """Make sure all downloaded data has been handed to the OS."""
        self.handle.flush_cache()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(isinstance(a, lt.cache_flushed_alert) for a in self.poll(0.2)):
                return
        log("%s: no cache_flushed_alert within %ds (continuing)" % (self.name, timeout))

    def diagnostics(self):
        out = ["--- libtorrent %s ---" % self.name]
        if self.handle is not None and self.handle.is_valid():
            s = self.handle.status()
            out.append("state=%s progress=%.1f%% peers=%d seeds=%d "
                       "announcing_to_trackers=%s current_tracker=%r"
                       % (s.state, s.progress * 100, s.num_peers, s.num_seeds,
                          s.announcing_to_trackers, s.current_tracker))
            if s.errc.value():
                out.append("torrent error: %s" % s.errc.message())
            for t in self.handle.trackers():
                out.append("tracker entry: %s" % describe_tracker_entry(t))
        out.append("tracker alerts (last %d):" % len(self.tracker_events))
        out.extend("  " + e for e in self.tracker_events)
        out.append("all alerts (last %d):" % len(self.events))
        out.extend("  " + e for e in self.events)
        return out

    def close(self, timeout=2.5):
        # Pausing makes libtorrent send event=stopped, which leaves the
        # tracker's swarm clean for the next test.  Wait for the tracker's
        # answer before destroying the session: destroying it right after
        # pause() races with that announce, and then shutdown sometimes
        # stalls for the full stop_tracker_timeout (seen with udp://).
        t = time.monotonic()
        try:
            self.ses.pause()
            if self.replies > 0:  # event=stopped only follows a started
                answered = False
                while not answered and time.monotonic() - t < timeout:
                    answered = any(isinstance(a, (lt.tracker_reply_alert,
                                                  lt.tracker_error_alert))
                                   for a in self.poll(0.1))
        except Exception as e:
            log("%s: error while closing: %s" % (self.name, e))
        self.handle = None
        self.ses = None
        log("%s: session closed in %.2fs" % (self.name, time.monotonic() - t))


def describe_tracker_entry(t):
    """Python bindings return announce entries as dicts in libtorrent 2.0."""
    if isinstance(t, dict):
        keys = ("url", "fails", "verified", "message", "last_error",
                "updating", "start_sent", "complete_sent")
        return ", ".join("%s=%r" % (k, t[k]) for k in keys if k in t)
    return repr(t)


# --------------------------------------------------------------------------
# the test
# --------------------------------------------------------------------------

def wait_for_seeder_announce(seeder, deadline):
    """Block until the seeder's first announce has been answered.

    The tracker only hands out peers it has heard from; if the downloader
    announced before the seeder was registered it would get an empty peer
    list and (normally) not ask again before the tracker's interval."""
    retry_at = None
    while seeder.replies == 0:
        if time.monotonic() > deadline:
            raise Failure("seeder's announce was never answered successfully"
                          " (tracker errors: %d, last: %s)"
                          % (seeder.errors, seeder.last_error_msg))
        seeder.poll(0.2)
        s = seeder.handle.status()
        if s.errc.value():
            raise Failure("seeder torrent error: %s" % s.errc.message())
        # After a tracker error (e.g. hash not yet whitelisted because a
        # reload is still in progress) libtorrent backs off for a while;
        # retry sooner ourselves.
        if seeder.last_error is not None and retry_at is None:
            retry_at = time.monotonic() + 1.0
        if retry_at is not None and time.monotonic() >= retry_at:
            log("seeder: retrying announce after tracker error")
            seeder.reannounce()
            seeder.last_error = None
            retry_at = None
    s = seeder.handle.status()
    if not s.is_seeding:
        raise Failure("seeder is not seeding after hash check (state=%s)" % s.state)


def download_libtorrent(seeder, ti, dl_dir, host, family, taken_ports, deadline, peers):
    port = free_port(family, host, taken_ports)
    leecher = LtPeer("downloader", host, port)
    peers.append(leecher)
    leecher.add(ti, dl_dir)
    last_kick = time.monotonic()
    while True:
        if time.monotonic() > deadline:
            raise Failure("download did not finish in time")
        seeder.poll(0)
        leecher.poll(0.2)
        s = leecher.handle.status()
        if s.errc.value():
            raise Failure("downloader torrent error: %s" % s.errc.message())
        if leecher.finished or s.is_seeding:
            break
        # Safety net: if an announce was answered but no peer connection
        # exists (e.g. the tracker replied before it knew the seeder), ask
        # the tracker again instead of waiting for its (long) interval.
        now = time.monotonic()
        if s.num_peers == 0 and leecher.last_reply is not None \
                and now - leecher.last_reply > 5 and now - last_kick > 5:
            log("downloader: no peers 5s after tracker reply, re-announcing")
            leecher.reannounce()
            last_kick = now
    leecher.flush()
    # On finishing, libtorrent announces event=completed.  Let that round
    # trip finish: an event=stopped sent (at close) while it is still in
    # flight sometimes gets no answer, stalling shutdown for
    # stop_tracker_timeout.  The outcome is not part of the verdict.
    if leecher.finished_at is None:
        leecher.finished_at = time.monotonic()
    wait_until = min(deadline, time.monotonic() + 3)
    while time.monotonic() < wait_until and not any(
            t is not None and t >= leecher.finished_at
            for t in (leecher.last_reply, leecher.last_error)):
        seeder.poll(0)
        leecher.poll(0.1)


def download_aria2(seeder, torrent_path, dl_dir, tmp, scheme, host, family,
                   taken_ports, deadline, diag):
    aria2c = shutil.which("aria2c")
    if aria2c is None:
        raise Failure("aria2c not found (apt-get install aria2)")
    log_path = os.path.join(tmp, "aria2.log")
    out_path = os.path.join(tmp, "aria2.out")
    diag["aria2_log"] = log_path
    diag["aria2_out"] = out_path
    listen_port = free_port(family, host, taken_ports)
    taken_ports.add(listen_port)
    v6 = family == socket.AF_INET6
    cmd = [
        aria2c,
        "--no-conf=true",                 # ignore ~/.aria2/aria2.conf
        "--dir=" + dl_dir,
        "--log=" + log_path,
        "--log-level=info",
        "--console-log-level=warn",
        "--summary-interval=0",
        "--seed-time=0",                  # exit as soon as the download is done
        "--bt-enable-lpd=false",
        "--enable-peer-exchange=false",
        "--bt-save-metadata=false",
        "--listen-port=%d" % listen_port,
        "--bt-tracker-connect-timeout=5",
        "--bt-tracker-timeout=10",
        # aria2 otherwise obeys the tracker's interval (opentracker: ~30 min)
        # and would never re-ask if its first answer lacked the seeder.
        "--bt-tracker-interval=10",
        "--file-allocation=none",
        "--allow-overwrite=true",
        "--auto-file-renaming=false",
        "--async-dns=false",              # IP literals only; never read resolv.conf
        "--all-proxy=",                   # belt and braces, env is cleaned too
        "--stop-with-process=%d" % os.getpid(),  # die with us even on SIGKILL
        "--interface=" + host,            # bind every socket (BT, DHT) to loopback
    ]
    if scheme == "udp":
        # aria2 sends UDP-tracker traffic through its DHT socket, so DHT must
        # be on for udp:// trackers.  No --dht-entry-point and a fresh routing
        # table file mean there is nobody to bootstrap from, i.e. no DHT
        # traffic; the torrent is private, so aria2 does not use DHT for it.
        dht_port = free_port(family, host, taken_ports)
        taken_ports.add(dht_port)
        # (aria2 logs an ERROR "Failed to load DHT routing table" because
        # the file does not exist yet; that is expected and harmless.)
        # Only the IPv4 DHT socket carries UDP-tracker traffic in aria2, so
        # udp://[::1] is rejected up front in main().
        cmd += ["--enable-dht=true", "--enable-dht6=false",
                "--dht-listen-port=%d" % dht_port,
                "--dht-file-path=" + os.path.join(tmp, "dht.dat")]
    else:
        cmd += ["--enable-dht=false", "--enable-dht6=false"]
    if not v6:
        cmd += ["--disable-ipv6=true"]
    cmd.append(torrent_path)
    diag["aria2_cmd"] = " ".join(shlex.quote(c) for c in cmd)
    log("starting: " + diag["aria2_cmd"])

    env = {k: v for k, v in os.environ.items()
           if not k.lower().endswith("_proxy")}
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    diag["aria2_proc"] = proc
    while True:
        rc = proc.poll()
        if rc is not None:
            break
        if time.monotonic() > deadline:
            raise Failure("aria2c did not finish in time")
        seeder.poll(0.2)  # doubles as the sleep; keeps seeder alerts for diagnostics
    if rc != 0:
        raise Failure("aria2c exited with status %d" % rc)


# --------------------------------------------------------------------------
# clients in a network namespace of their own
# --------------------------------------------------------------------------
# Transmission, qBittorrent and rtorrent refuse peers on loopback, so they run
# in the network namespace --client-netns with the address --client-host,
# while the seeder runs where this script runs (another namespace).  Each one
# is started from a configuration written here (DHT, PEX and local discovery
# off; bound to --client-host) and returns (argv, its log file).  None of
# them exits after finishing: the download is done when the SHA-256 matches.

# The client's namespace holds one client at a time, so fixed ports are free.
NETNS_CLIENT_PORT = 51413
QBITTORRENT_WEBUI_PORT = 58080


def transmission_command(ctx):
    """transmission-daemon in the foreground; the torrent is picked up from
    its watch directory."""
    config = os.path.join(ctx.tmp, "transmission")
    watch = os.path.join(ctx.tmp, "transmission-watch")
    os.mkdir(config)
    os.mkdir(watch)
    v6 = ctx.family == socket.AF_INET6
    settings = {
        "bind-address-ipv4": "0.0.0.0" if v6 else ctx.client_host,
        "bind-address-ipv6": ctx.client_host if v6 else "::",
        "peer-port": NETNS_CLIENT_PORT,
        "peer-port-random-on-start": False,
        "port-forwarding-enabled": False,
        "dht-enabled": False,
        "pex-enabled": False,
        "lpd-enabled": False,
        # Transmission 3.00 stalls with a libtorrent 2.0 seeder over uTP.
        "utp-enabled": False,
        "rpc-enabled": False,
        "blocklist-enabled": False,
        "download-dir": ctx.dl_dir,
        "incomplete-dir-enabled": False,
        "watch-dir-enabled": True,
        "watch-dir": watch,
        "start-added-torrents": True,
        "message-level": 3,
    }
    with open(os.path.join(config, "settings.json"), "w") as f:
        json.dump(settings, f, indent=1)
    shutil.copy(ctx.torrent_path, watch)
    log_path = os.path.join(ctx.tmp, "transmission.log")
    return (["transmission-daemon", "--foreground", "--config-dir", config,
             "--logfile", log_path], log_path)


def qbittorrent_command(ctx):
    """qbittorrent-nox with a profile of ours (legal notice accepted) and the
    torrent on its command line."""
    profile = os.path.join(ctx.tmp, "qbittorrent")
    config_dir = os.path.join(profile, "qBittorrent", "config")
    os.makedirs(config_dir)
    with open(os.path.join(config_dir, "qBittorrent.conf"), "w") as f:
        f.write("\n".join([
            "[LegalNotice]",
            "Accepted=true",
            "",
            "[BitTorrent]",
            "Session\\DHTEnabled=false",
            "Session\\PeXEnabled=false",
            "Session\\LSDEnabled=false",
            "Session\\Port=%d" % NETNS_CLIENT_PORT,
            "Session\\InterfaceAddress=%s" % ctx.client_host,
            "Session\\DefaultSavePath=%s" % ctx.dl_dir,
            "Session\\TempPathEnabled=false",
            "",
            "[Preferences]",
            "Connection\\UPnP=false",
            "WebUI\\Address=127.0.0.1",
            "WebUI\\Port=%d" % QBITTORRENT_WEBUI_PORT,
            "",
        ]))
    log_path = os.path.join(profile, "qBittorrent", "data", "logs", "qbittorrent.log")
    return (["qbittorrent-nox", "--profile=" + profile, "--save-path=" + ctx.dl_dir,
             "--skip-dialog=true", ctx.torrent_path], log_path)


def rtorrent_command(ctx):
    """rtorrent as a daemon (it needs no terminal then) from an rc file."""
    session = os.path.join(ctx.tmp, "rtorrent-session")
    os.mkdir(session)
    rc = os.path.join(ctx.tmp, "rtorrent.rc")
    log_path = os.path.join(ctx.tmp, "rtorrent.log")
    settings = [
        "system.daemon.set = true",
        "session.path.set = " + session,
        "directory.default.set = " + ctx.dl_dir,
        "network.port_range.set = %d-%d" % (NETNS_CLIENT_PORT, NETNS_CLIENT_PORT),
        "network.port_random.set = no",
        "dht.mode.set = disable",
        "protocol.pex.set = no",
        "trackers.use_udp.set = yes",
        'log.open_file = "client", ' + log_path,
        'log.add_output = "info", "client"',
        'log.add_output = "tracker_debug", "client"',
        "load.start = " + ctx.torrent_path,
    ]
    # rtorrent 0.9.8 binds IPv4 addresses only; the namespace has no other
    # IPv6 address than the client's anyway.
    if ctx.family == socket.AF_INET:
        settings.append("network.bind_address.set = " + ctx.client_host)
    with open(rc, "w") as f:
        f.write("\n".join(settings) + "\n")
    return ["rtorrent", "-n", "-o", "import=" + rc], log_path


# Found by hand; they never announce, so the download would only time out.
UDP_IPV4_ONLY = {
    "transmission": "Transmission 3.00 opens no IPv6 UDP socket without a"
                    " global IPv6 address",
    "rtorrent": "rtorrent 0.9.8 cannot parse a bracketed host in udp:// URLs",
}

NETNS_CLIENTS = {
    "transmission": transmission_command,
    "qbittorrent": qbittorrent_command,
    "rtorrent": rtorrent_command,
}


def download_in_netns(seeder, ctx, want, got_path, deadline, diag):
    command, client_log = NETNS_CLIENTS[ctx.client](ctx)
    cmd = ["ip", "netns", "exec", ctx.client_netns] + command
    out_path = os.path.join(ctx.tmp, "client.out")
    diag["client_cmd"] = " ".join(shlex.quote(c) for c in cmd)
    diag["client_log"] = client_log
    diag["client_out"] = out_path
    log("starting: " + diag["client_cmd"])
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env["HOME"] = ctx.tmp  # rtorrent and qBittorrent look for files there
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out,
                                stderr=subprocess.STDOUT, env=env,
                                start_new_session=True)
    diag["client_proc"] = proc
    while not (os.path.isfile(got_path) and os.path.getsize(got_path) == ctx.size
               and sha256_file(got_path) == want):
        rc = proc.poll()
        if rc is not None:
            raise Failure("%s exited with status %d before finishing" % (ctx.client, rc))
        if time.monotonic() > deadline:
            raise Failure("%s did not finish in time" % ctx.client)
        seeder.poll(0.5)  # doubles as the sleep; keeps seeder alerts for diagnostics


def peers_known_to_tracker(tracker_url, info_hash_hex):
    """complete + incomplete for the torrent from the tracker's HTTP scrape
    on the same port (a udp:// tracker here also serves HTTP)."""
    u = urllib.parse.urlsplit(tracker_url)
    info_hash = bytes.fromhex(info_hash_hex)
    url = "http://%s/scrape?info_hash=%s" % (u.netloc, urllib.parse.quote(info_hash))
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=5) as reply:
        entry = lt.bdecode(reply.read())[b"files"].get(info_hash, {})
    return entry.get(b"complete", 0) + entry.get(b"incomplete", 0)


def stop_process(proc):
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def run(args):
    scheme, tracker_host, port, family = parse_tracker_url(args.tracker, args.client_netns)
    host = args.seed_host or tracker_host
    start = time.monotonic()
    deadline = start + args.timeout_s
    tmp = tempfile.mkdtemp(prefix="kt-realclient-", dir=args.workdir)
    peers = []
    diag = {"tmp": tmp}
    taken_ports = {port}
    ok = False
    try:
        src_dir = os.path.join(tmp, "seed")
        dl_dir = os.path.join(tmp, "download")
        os.mkdir(src_dir)
        os.mkdir(dl_dir)
        name = "payload-%d.bin" % os.getpid()
        data_path = os.path.join(src_dir, name)
        torrent_path = os.path.join(tmp, name + ".torrent")

        want = write_random_file(data_path, int(args.size_mib * 1024 * 1024))
        ti, maker = make_torrent(data_path, torrent_path, args.tracker, args.maker)
        info_hash = str(ti.info_hashes().v1)
        diag["info_hash"] = info_hash
        log("torrent %s made with %s: info_hash=%s pieces=%d private=%s"
            % (torrent_path, maker, info_hash, ti.num_pieces(), ti.priv()))

        if args.before_seed_hook:
            hook = shlex.split(args.before_seed_hook) + [info_hash]
            log("running hook: %s" % hook)
            r = subprocess.run(hook, env=dict(os.environ, INFO_HASH=info_hash))
            if r.returncode != 0:
                raise Failure("--before-seed-hook exited with %d" % r.returncode)

        seed_port = free_port(family, host, taken_ports)
        taken_ports.add(seed_port)
        seeder = LtPeer("seeder", host, seed_port)
        peers.append(seeder)
        seeder.add(ti, src_dir)
        wait_for_seeder_announce(seeder, deadline)
        log("seeder registered with tracker")

        # The seeder keeps serving from libtorrent's own threads; the wait
        # loops below only drain its alerts (for the diagnostics).
        t_dl = time.monotonic()
        got_path = os.path.join(dl_dir, ti.files().file_path(0))
        if args.client == "libtorrent":
            download_libtorrent(seeder, ti, dl_dir, host, family, taken_ports,
                                deadline, peers)
        elif args.client == "aria2":
            download_aria2(seeder, torrent_path, dl_dir, tmp, scheme, host, family,
                           taken_ports, deadline, diag)
        else:
            ctx = types.SimpleNamespace(
                client=args.client, client_netns=args.client_netns,
                client_host=args.client_host, family=family, tmp=tmp,
                dl_dir=dl_dir, torrent_path=torrent_path, size=ti.total_size())
            download_in_netns(seeder, ctx, want, got_path, deadline, diag)
            log("%s: file complete, checksum matches" % args.client)
            # The seeder's address came from the tracker, which recorded the
            # client's announce before answering it: the fresh torrent's
            # swarm there is the seeder and the client.
            known = peers_known_to_tracker(args.tracker, info_hash)
            if known < 2:
                raise Failure("the tracker knows %d peers of the torrent, not the"
                              " seeder and %s" % (known, args.client))
        dl_seconds = time.monotonic() - t_dl

        if not os.path.isfile(got_path):
            raise Failure("downloaded file missing: %s" % got_path)
        got = sha256_file(got_path)
        if got != want:
            raise Failure("sha256 mismatch: got %s want %s" % (got, want))
        print("OK %s %s sha256=%s seconds=%.2f"
              % (args.client, args.tracker, got, dl_seconds), flush=True)
        log("total %.2fs" % (time.monotonic() - start))
        ok = True
        return 0
    except Failure as e:
        print("FAIL %s %s reason=%s" % (args.client, args.tracker, e), flush=True)
        print_diagnostics(peers, diag)
        return 1
    finally:
        stop_process(diag.get("aria2_proc"))
        stop_process(diag.get("client_proc"))
        for p in reversed(peers):
            p.close()
        del peers[:]
        if args.keep or (not ok and args.keep_on_failure):
            sys.stderr.write("kept work dir %s\n" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def print_diagnostics(peers, diag):
    lines = ["=== diagnostics ==="]
    if "info_hash" in diag:
        lines.append("info_hash=%s workdir=%s" % (diag["info_hash"], diag["tmp"]))
    for p in peers:
        try:
            lines.extend(p.diagnostics())
        except Exception as e:  # never let diagnostics hide the real failure
            lines.append("(diagnostics for %s failed: %s)" % (p.name, e))
    if "client_cmd" in diag:
        lines.append("--- client ---")
        lines.append("cmd: " + diag["client_cmd"])
        lines.append("stdout/stderr tail:")
        lines.extend("  " + l.rstrip("\n") for l in tail(diag["client_out"], 20))
        lines.append("log tail:")
        lines.extend("  " + l.rstrip("\n") for l in tail(diag["client_log"], 60))
    if "aria2_cmd" in diag:
        lines.append("--- aria2c ---")
        lines.append("cmd: " + diag["aria2_cmd"])
        lines.append("stdout/stderr tail:")
        lines.extend("  " + l.rstrip("\n") for l in tail(diag["aria2_out"], 20))
        # tracker-related lines are the interesting ones; show them apart
        # from the plain tail because peer chatter can push them out
        log_lines = tail(diag["aria2_log"], 5000)
        trk = [l for l in log_lines if "racker" in l or "nnounce" in l or "UDP" in l]
        lines.append("log, tracker-related lines (last 25):")
        lines.extend("  " + l.rstrip("\n") for l in trk[-25:])
        if any("udp is not supported yet" in l for l in log_lines):
            lines.append("hint: 'udp is not supported yet' means aria2's DHT socket"
                         " (which carries UDP-tracker traffic) is not enabled")
        lines.append("log tail:")
        lines.extend("  " + l.rstrip("\n") for l in log_lines[-40:])
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()


def main(argv=None):
    global VERBOSE
    ap = argparse.ArgumentParser(
        description="Download a random file from a libtorrent seeder through "
                    "the given tracker and verify it.")
    ap.add_argument("--tracker", required=True,
                    help="http://127.0.0.1:PORT/announce or udp://127.0.0.1:PORT/announce"
                         " (or [::1])")
    ap.add_argument("--client", default="libtorrent",
                    choices=("libtorrent", "aria2") + tuple(NETNS_CLIENTS),
                    help="downloading client (default: libtorrent); %s run in"
                         " --client-netns" % ", ".join(NETNS_CLIENTS))
    ap.add_argument("--seed-host", default=None,
                    help="address the seeder binds (default: the tracker's)")
    ap.add_argument("--client-netns", default=None,
                    help="network namespace (made by the caller) the client runs in")
    ap.add_argument("--client-host", default=None,
                    help="the client's address in --client-netns")
    ap.add_argument("--size-mib", type=float, default=4.0,
                    help="payload size in MiB (default: 4)")
    ap.add_argument("--timeout-s", type=float, default=90.0,
                    help="overall time limit in seconds (default: 90)")
    ap.add_argument("--workdir", default=None,
                    help="parent dir for the temporary directory (default: system temp)")
    ap.add_argument("--before-seed-hook", metavar="CMD", default=None,
                    help="command run (no shell; split like a shell would) with the "
                         "torrent's 40-hex-digit info hash appended as last argument "
                         "(also in $INFO_HASH) before seeding starts, e.g. to "
                         "whitelist the hash; non-zero exit fails the test")
    ap.add_argument("--maker", choices=("mktorrent", "libtorrent"), default="mktorrent",
                    help="torrent creator (default: mktorrent, falls back to libtorrent)")
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    ap.add_argument("--keep-on-failure", action="store_true",
                    help="keep the temporary directory only if the test fails")
    ap.add_argument("-v", "--verbose", action="store_true", help="progress log on stderr")
    args = ap.parse_args(argv)
    VERBOSE = args.verbose
    if args.size_mib <= 0 or args.timeout_s <= 0:
        ap.error("--size-mib and --timeout-s must be positive")
    try:
        scheme, _, _, family = parse_tracker_url(args.tracker, args.client_netns)
    except ValueError as e:
        ap.error(str(e))
    in_netns = args.client in NETNS_CLIENTS
    if in_netns != bool(args.client_netns and args.client_host and args.seed_host):
        ap.error("%s need --client-netns, --client-host and --seed-host (and the"
                 " other clients none of them)" % ", ".join(NETNS_CLIENTS))
    if args.client == "aria2" and scheme == "udp" and family == socket.AF_INET6:
        # aria2 1.36 wires its UDP-tracker client to the IPv4 DHT socket only
        # (DHTSetup.cc); over IPv6 it fails with "udp is not supported yet".
        ap.error("aria2 cannot announce to UDP trackers over IPv6; "
                 "use --client libtorrent for udp://[::1]")
    if args.client in UDP_IPV4_ONLY and scheme == "udp" and family == socket.AF_INET6:
        ap.error("%s cannot announce to UDP trackers over IPv6: %s"
                 % (args.client, UDP_IPV4_ONLY[args.client]))
    if args.workdir:
        os.makedirs(args.workdir, exist_ok=True)

    # Turn SIGTERM/SIGHUP into a normal exit so the finally-blocks clean up.
    def _terminate(signum, _frame):
        raise SystemExit(128 + signum)
    signal.signal(signal.SIGTERM, _terminate)
    signal.signal(signal.SIGHUP, _terminate)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
