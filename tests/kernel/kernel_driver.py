"""Drives lib/vwire-kernel.so directly through ctypes, one scenario per run.

Run as a child process (the target unshares the network namespace of the
process that loads it): kernel_driver.py LIB SCENARIO. Prints one JSON
object with what it saw; exit 0 when the scenario's checks held, 1 when
one failed (the JSON says which), 3 when the target's init failed.
"""
import ctypes
import errno
import json
import os
import signal
import socket
import struct
import subprocess
import sys
import time

FIELDS = ["userdata", "free", "socket", "bind", "listen", "accept", "connect",
          "read", "readv", "recv", "recvfrom", "recvmsg", "write", "writev",
          "send", "sendto", "sendmsg", "fcntl", "ioctl", "close", "shutdown",
          "getsockopt", "setsockopt", "poll", "netdev_send", "netdev_receive",
          "usleep", "gettimeofday", "epoll_create", "epoll_ctl", "epoll_wait",
          "pipe", "splice"]

LOCAL, REMOTE = "192.168.0.1", "192.0.2.1"
TCP_STATES = {1: "ESTABLISHED", 2: "SYN_SENT", 3: "SYN_RECV", 4: "FIN_WAIT1",
              5: "FIN_WAIT2", 6: "TIME_WAIT", 7: "CLOSE", 8: "CLOSE_WAIT",
              9: "LAST_ACK", 10: "LISTEN", 11: "CLOSING"}
FIN, SYN, RST, PSH, ACK = 0x01, 0x02, 0x04, 0x08, 0x10


class NetConfig(ctypes.Structure):
    _fields_ = [("ip_mode", ctypes.c_int), ("local_ip", ctypes.c_char * 64),
                ("remote_ip", ctypes.c_char * 64),
                ("gateway_ip", ctypes.c_char * 64),
                ("netmask_ip", ctypes.c_char * 64), ("mtu", ctypes.c_int),
                ("seed", ctypes.c_uint64)]


class Conn(ctypes.Structure):
    _fields_ = [("fd", ctypes.c_int), ("family", ctypes.c_int),
                ("local_addr", ctypes.c_uint8 * 16),
                ("remote_addr", ctypes.c_uint8 * 16),
                ("local_port", ctypes.c_uint16),
                ("remote_port", ctypes.c_uint16), ("state", ctypes.c_int)]


class Failed(Exception):
    pass


def check(cond, what):
    if not cond:
        raise Failed(what)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def tcp4(src, dst, sport, dport, seq, ack, flags, payload=b"", opts=b""):
    """An IPv4 TCP segment with correct checksums."""
    off = (20 + len(opts)) // 4
    hdr = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off << 4, flags,
                      65535, 0, 0) + opts
    seg = hdr + payload
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, 6, len(seg))
    seg = seg[:16] + struct.pack("!H", csum(pseudo + seg)) + seg[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), 1, 0x4000, 64,
                     6, 0, socket.inet_aton(src), socket.inet_aton(dst))
    ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
    return ip + seg


def parse4(pkt):
    ihl = (pkt[0] & 15) * 4
    check(pkt[0] >> 4 == 4 and pkt[9] == 6, "not IPv4 TCP: %s" % pkt.hex())
    t = pkt[ihl:]
    sport, dport, seq, ack, off, flags = struct.unpack("!HHIIBB", t[:14])
    hl = (off >> 4) * 4
    return {"src": socket.inet_ntoa(pkt[12:16]),
            "dst": socket.inet_ntoa(pkt[16:20]), "sport": sport,
            "dport": dport, "seq": seq, "ack": ack, "flags": flags,
            "opts": t[20:hl], "payload": t[hl:]}


def opt_kinds(opts):
    kinds, i = [], 0
    while i < len(opts):
        k = opts[i]
        kinds.append(k)
        if k in (0, 1):
            i += 1
        else:
            i += max(opts[i + 1], 2)
    return kinds


class Target:
    def __init__(self, lib):
        self.so = ctypes.CDLL(lib, use_errno=True)
        self.tab = (ctypes.c_void_p * len(FIELDS))()
        self.so.packetdrill_interface_init(b"", ctypes.byref(self.tab))
        self.ud = ctypes.c_void_p(self.tab[0])

    def ok(self):
        return self.tab[FIELDS.index("socket")] is not None

    def fn(self, name, res, *args):
        proto = ctypes.CFUNCTYPE(res, ctypes.c_void_p, *args, use_errno=True)
        f = proto(self.tab[FIELDS.index(name)])
        return lambda *a: f(self.ud, *a)

    def configure(self, mode=4, local=LOCAL, remote=REMOTE, gw=LOCAL,
                  mask="255.255.0.0", mtu=1500):
        cfg = NetConfig(mode, local.encode(), remote.encode(), gw.encode(),
                        mask.encode(), mtu, 1)
        f = self.so.vwire_configure
        f.argtypes = [ctypes.c_void_p, ctypes.POINTER(NetConfig)]
        return f(self.ud, ctypes.byref(cfg))

    def socket(self, *a):
        return self.fn("socket", ctypes.c_int, ctypes.c_int, ctypes.c_int,
                       ctypes.c_int)(*a)

    def bind_listen(self, fd, ip, port):
        sa = struct.pack("!HH4s8x", socket.AF_INET, port, socket.inet_aton(ip))
        sa = struct.pack("=H", socket.AF_INET) + sa[2:]
        buf = ctypes.create_string_buffer(sa, len(sa))
        rc = self.fn("bind", ctypes.c_int, ctypes.c_int, ctypes.c_char_p,
                     ctypes.c_uint)(fd, buf, len(sa))
        check(rc == 0, "bind failed: errno %d" % ctypes.get_errno())
        rc = self.fn("listen", ctypes.c_int, ctypes.c_int, ctypes.c_int)(fd, 16)
        check(rc == 0, "listen failed: errno %d" % ctypes.get_errno())

    def accept(self, fd):
        return self.fn("accept", ctypes.c_int, ctypes.c_int, ctypes.c_void_p,
                       ctypes.c_void_p)(fd, None, None)

    def write(self, fd, data):
        return self.fn("write", ctypes.c_ssize_t, ctypes.c_int,
                       ctypes.c_char_p, ctypes.c_size_t)(fd, data, len(data))

    def close(self, fd):
        return self.fn("close", ctypes.c_int, ctypes.c_int)(fd)

    def send_pkt(self, pkt):
        rc = self.fn("netdev_send", ctypes.c_int, ctypes.c_char_p,
                     ctypes.c_size_t)(pkt, len(pkt))
        check(rc == 0, "netdev_send failed: errno %d" % ctypes.get_errno())

    def recv_pkt(self, timeout=1.0):
        """The next packet the kernel sent, or None after timeout."""
        f = self.fn("netdev_receive", ctypes.c_int, ctypes.c_void_p,
                    ctypes.POINTER(ctypes.c_size_t))
        buf = ctypes.create_string_buffer(65536)
        end = time.monotonic() + timeout
        while True:
            n = ctypes.c_size_t(len(buf))
            if f(buf, ctypes.byref(n)) == 0:
                return buf.raw[:n.value]
            check(ctypes.get_errno() == errno.EAGAIN,
                  "netdev_receive: errno %d" % ctypes.get_errno())
            if time.monotonic() > end:
                return None
            time.sleep(0.002)

    def connections(self):
        f = self.so.vwire_connections
        f.argtypes = [ctypes.c_void_p, ctypes.POINTER(Conn), ctypes.c_int]
        out = (Conn * 64)()
        n = f(self.ud, out, 64)
        check(n >= 0, "vwire_connections failed")
        res = []
        for c in out[:min(n, 64)]:
            res.append({"fd": c.fd, "state": TCP_STATES.get(c.state, c.state),
                        "local": "%s:%d" % (socket.inet_ntoa(bytes(c.local_addr[:4])), c.local_port),
                        "remote": "%s:%d" % (socket.inet_ntoa(bytes(c.remote_addr[:4])), c.remote_port)})
        return res


def handshake(t, report, port=8080, rport=50000):
    """Listener on fd 3, an accepted connection; returns (fd, iss, rcv)."""
    lfd = t.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    report["listen_fd"] = lfd
    t.bind_listen(lfd, LOCAL, port)
    t.send_pkt(tcp4(REMOTE, LOCAL, rport, port, 1000, 0, SYN,
                    opts=bytes([2, 4, 0x05, 0xb4, 1, 1, 4, 2])))
    p = t.recv_pkt()
    check(p is not None, "no SYN-ACK")
    sa = parse4(p)
    report["synack"] = {"flags": sa["flags"], "ack": sa["ack"],
                        "src": sa["src"], "dst": sa["dst"],
                        "options": opt_kinds(sa["opts"])}
    check(sa["flags"] == SYN | ACK and sa["ack"] == 1001, "bad SYN-ACK")
    iss = sa["seq"]
    t.send_pkt(tcp4(REMOTE, LOCAL, rport, port, 1001, iss + 1, ACK))
    afd = t.accept(lfd)
    report["accept_fd"] = afd
    check(afd >= 0, "accept failed: errno %d" % ctypes.get_errno())
    return afd, iss + 1, 1001


def scenario_session(t, report):
    """Handshake, data out, active close to TIME-WAIT, connection table."""
    afd, snd, rcv = handshake(t, report)
    report["established"] = t.connections()
    check(t.write(afd, b"hello") == 5, "write failed")
    d = parse4(t.recv_pkt())
    report["data"] = {"payload": d["payload"].decode(), "flags": d["flags"]}
    check(d["payload"] == b"hello" and d["seq"] == snd, "bad data segment")
    snd += 5
    t.send_pkt(tcp4(REMOTE, LOCAL, 50000, 8080, rcv, snd, ACK))
    check(t.close(afd) == 0, "close failed")
    f = parse4(t.recv_pkt())
    report["fin_flags"] = f["flags"]
    check(f["flags"] & FIN and f["seq"] == snd, "no FIN after close")
    t.send_pkt(tcp4(REMOTE, LOCAL, 50000, 8080, rcv, snd + 1, FIN | ACK))
    last = parse4(t.recv_pkt())
    check(last["flags"] == ACK and last["ack"] == rcv + 1, "FIN not ACKed")
    report["after_close"] = t.connections()


def scenario_command_sysctl(t, report):
    """A command sees and changes the namespace's sysctls, not the host's."""
    check(t.configure() == 0, "configure failed")
    out = subprocess.run(
        ["sh", "-c", "sysctl -q -w net.ipv4.tcp_sack=0 && "
         "sysctl -n net.ipv4.tcp_sack && ip -o -4 addr show dev tun0"],
        capture_output=True, text=True, check=False)
    report["command"] = out.stdout.split("\n")
    check(out.returncode == 0, "command failed: " + out.stderr)
    afd, _, _ = handshake(t, report)
    report["sack_in_synack"] = 4 in report["synack"]["options"]


def scenario_quiet_v6(t, report):
    """An IPv6 interface's own chatter never reaches netdev_receive; the
    script's unicast traffic does."""
    rc = t.configure(6, "fd3d:0a0b:17d6::1", "fd3d:fa7b:d17d::1",
                     "fd3d:0a0b:17d6:8888::1", "", 1520)
    check(rc == 0, "configure v6 failed")
    # Multicast the kernel puts on tun0 (all-nodes), then one unicast
    # datagram to the remote host.
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u.bind(("fd3d:a0b:17d6::1", 0))
    ifindex = socket.if_nametoindex("tun0")
    u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, ifindex)
    u.sendto(b"noise", ("ff02::1", 9, 0, ifindex))
    u.sendto(b"script", ("fd3d:fa7b:d17d::1", 9))
    report["received"] = []
    while True:
        p = t.recv_pkt(timeout=0.5)
        if p is None:
            break
        report["received"].append(p.hex())
    out = subprocess.run(["ip", "-o", "-6", "addr", "show", "dev", "tun0"],
                         capture_output=True, text=True, check=False)
    report["addr"] = out.stdout
    got = [bytes.fromhex(h) for h in report["received"]]
    check(len(got) == 1 and got[0].endswith(b"script"),
          "expected only the unicast datagram")


def scenario_lazy(t, report):
    """No configure: the first call sets up packetdrill's defaults."""
    fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(3)]
    report["own_fds"] = fds
    afd, _, _ = handshake(t, report)


def scenario_epipe(t, report):
    """Writing to a reset connection gives EPIPE, and no SIGPIPE kills us."""
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # as in bin/vwire; Python ignores it
    afd, snd, rcv = handshake(t, report)
    t.send_pkt(tcp4(REMOTE, LOCAL, 50000, 8080, rcv, snd, RST))
    report["errnos"] = []
    for _ in range(2):
        rc = t.write(afd, b"x")
        report["errnos"].append(errno.errorcode.get(ctypes.get_errno(), "?")
                                if rc < 0 else rc)
    report["alive"] = True


def scenario_sent_time(t, report):
    """A SYN-ACK left unread for 50 ms: vwire_sent_time gives when Linux
    sent it, not when it was read."""
    lfd = t.socket(socket.AF_INET, socket.SOCK_STREAM, 0)
    t.bind_listen(lfd, LOCAL, 8080)
    f = t.so.vwire_sent_time
    f.argtypes, f.restype = [ctypes.c_void_p], ctypes.c_int64
    t.send_pkt(tcp4(REMOTE, LOCAL, 50000, 8080, 1000, 0, SYN,
                    opts=bytes([2, 4, 0x05, 0xb4])))
    time.sleep(0.05)
    p = t.recv_pkt()
    read_at = int(time.time() * 1e6)
    check(p is not None and parse4(p)["flags"] == SYN | ACK, "no SYN-ACK")
    sent = f(t.ud)
    report["sent_before_read_usecs"] = read_at - sent if sent >= 0 else None


SCENARIOS = {"epipe": scenario_epipe, "sent_time": scenario_sent_time, "session": scenario_session, "command_sysctl":
             scenario_command_sysctl, "quiet_v6": scenario_quiet_v6,
             "lazy": scenario_lazy}


def main():
    lib, name = sys.argv[1], sys.argv[2]
    t = Target(lib)
    report = {"scenario": name}
    if not t.ok():
        report["init"] = "failed"
        print(json.dumps(report))
        return 3
    rc = 0
    try:
        SCENARIOS[name](t, report)
    except Failed as e:
        report["failed"] = str(e)
        rc = 1
    print(json.dumps(report))
    return rc


if __name__ == "__main__":
    sys.exit(main())
