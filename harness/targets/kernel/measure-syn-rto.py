#!/usr/bin/python3
"""How late does this machine's Linux retransmit a SYN past its 1 s RTO?

Measured without vwire, at a TUN device in a throw-away namespace, so the
answer is the kernel's own timer (see KNOWN-DIFFERENCES.tsv). Root only:
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

fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", b"tun7", IFF_TUN | IFF_NO_PI))
subprocess.run("ip link set lo up && ip link set tun7 up && "
               "ip addr add 10.7.0.1/16 dev tun7", shell=True, check=True)


def syn_times(port):
    """Send a SYN nobody answers; the times tun7 shows it and its retry."""
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
            if len(p) >= 40 and p[9] == socket.IPPROTO_TCP and p[33] & 0x02:
                stamps.append(now)
    s.close()
    return stamps


late = []
for trial in range(8):
    t = syn_times(8000 + trial)
    if len(t) == 2:
        late.append((t[1] - t[0] - 1.0) * 1000)
    time.sleep(0.011 * trial)  # start the next one at another tick phase
print("SYN retransmit lateness past 1 s (ms):",
      " ".join("%.1f" % x for x in late))
