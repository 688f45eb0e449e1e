#!/usr/bin/python3
"""How late does this machine's Linux retransmit a SYN past its 1 s RTO?

Measured without vwire, at a TUN device in a throw-away namespace, so the
answer is the kernel's own timer (see KNOWN-DIFFERENCES.tsv). Two clocks:
when a read of the TUN device returns (as vwire stamps a packet), and the
kernel's own receive timestamp on a packet socket bound to the device (as
a sniffer such as packetdrill's stamps it, the moment the packet is
queued for transmission). Root only:
    unshare -n /usr/bin/python3 harness/targets/kernel/measure-syn-rto.py
"""
import fcntl
import os
import select
import socket
import struct
import subprocess
import time

TUNSETIFF = 0x400454ca
IFF_TUN, IFF_NO_PI = 0x0001, 0x1000
ETH_P_ALL = 0x0003
SO_TIMESTAMPNS = 35

fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", b"tun7", IFF_TUN | IFF_NO_PI))
subprocess.run("ip link set lo up && ip link set tun7 up && "
               "ip addr add 10.7.0.1/16 dev tun7", shell=True, check=True)
sniffer = socket.socket(socket.AF_PACKET, socket.SOCK_DGRAM, socket.htons(ETH_P_ALL))
sniffer.bind(("tun7", 0))
sniffer.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
sniffer.setblocking(False)


def is_syn(p, port=None):
    """An IPv4 TCP SYN (to `port`, if given)."""
    return (len(p) >= 40 and p[0] >> 4 == 4 and p[9] == socket.IPPROTO_TCP and p[33] & 0x02
            and (port is None or struct.unpack("!H", p[22:24])[0] == port))


def sniffed_syns(port):
    """Kernel timestamps (seconds, wall clock) of the SYNs to `port` queued
    so far."""
    stamps = []
    while True:
        try:
            p, anc, _, _ = sniffer.recvmsg(2048, 64)
        except BlockingIOError:
            return stamps
        for level, kind, data in anc:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS and is_syn(p, port):
                sec, nsec = struct.unpack("qq", data[:16])
                stamps.append(sec + nsec / 1e9)


def syn_times(port):
    """Send a SYN nobody answers; when tun7's reader sees it and its retry,
    and the kernel's timestamps of both."""
    s = socket.socket()
    s.setblocking(False)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_SYNCNT, 1)
    try:
        s.connect(("10.7.0.2", port))
    except BlockingIOError:
        pass
    stamps, end = [], time.monotonic() + 1.3
    while time.monotonic() < end and len(stamps) < 2:
        if select.select([fd], [], [], 0.05)[0]:
            p = os.read(fd, 2048)
            now = time.monotonic()
            if is_syn(p):
                stamps.append(now)
    s.close()
    return stamps, sniffed_syns(port)


late, kernel_late = [], []
for trial in range(8):
    t, k = syn_times(8000 + trial)
    if len(t) == 2:
        late.append((t[1] - t[0] - 1.0) * 1000)
    if len(k) == 2:
        kernel_late.append((k[1] - k[0] - 1.0) * 1000)
    time.sleep(0.011 * trial)  # start the next one at another tick phase
print("SYN retransmit lateness past 1 s (ms), TUN reader:",
      " ".join("%.1f" % x for x in late))
print("the same, kernel timestamps (packet socket):",
      " ".join("%.1f" % x for x in kernel_late))
