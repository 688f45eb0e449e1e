"""The run loop's timing and number mapping follow packetdrill's
conventions, checked against the fake target (virtual time, canned
packets): blocking calls' end times, the remote's ISN, outbound SACK
blocks, a new socket's connection."""
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAKE = ROOT / "build" / "tests" / "libfake-target.so"

HANDSHAKE = """\
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
+0  > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 7>
+.1 < . 1:1(0) ack 1 win 257
"""
HANDSHAKE_FAKE = """\
call socket 3
emit after=1 delay=0 flags=S. seq=0 ack=1 win=65535 opts=mss:1460,nop,nop,sackOK,nop,wscale:7
"""


def run(vwire, tmp_path, pkt, fake):
    if not FAKE.exists():
        pytest.fail(f"{FAKE} is not built: run make")
    (tmp_path / "t.pkt").write_text(pkt)
    (tmp_path / "t.fake").write_text(fake)
    cmd = [str(vwire), f"--target={FAKE}", f"--so_flags={tmp_path / 't.fake'}",
           str(tmp_path / "t.pkt")]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("start,returns,ok", [
    # "+a...b": starts a after the previous event (0.100), ends b after it.
    ("+.05...0.200", 300000, True),
    ("+.05...0.200", 250000, False),   # the end is not 0.200 after the start
    ("+.05...0.150", 250000, True),
    # "a...b": both absolute.
    ("0.15...0.250", 250000, True),
    ("0.15...0.250", 400000, False),
])
def test_blocking_end_time_counts_from_previous_event(vwire, tmp_path, start, returns, ok):
    pkt = HANDSHAKE + f"{start} accept(3, ..., ...) = 4\n"
    fake = HANDSHAKE_FAKE + f"call accept 4 block=time:{returns}\n"
    p = run(vwire, tmp_path, pkt, fake)
    assert (p.returncode == 0) == ok, p.stderr
    if not ok:
        assert "timing error: expected system call return" in p.stderr


def test_remote_isn_relative_after_syn(vwire, tmp_path):
    # The script's SYN carries its ISN as on the wire; the SYN-ACK's ack is
    # absolute (ISN + 1); later numbers count from the ISN.
    pkt = HANDSHAKE.replace("< S 0:0(0)", "< S 5000:5000(0)").replace(
        "> S. 0:0(0) ack 1 ", "> S. 0:0(0) ack 5001 ")
    pkt += "+0  accept(3, ..., ...) = 4\n+0  < P. 1:101(100) ack 1 win 257\n"
    pkt += "+0  > . 1:1(0) ack 101\n"
    fake = ("call socket 3\ncall accept 4\n"
            "emit after=1 delay=0 flags=S. seq=0 ack=5001 win=65535 "
            "opts=mss:1460,nop,nop,sackOK,nop,wscale:7\n"
            "emit after=3 delay=0 flags=. seq=1 ack=5101 win=65535\n")
    p = run(vwire, tmp_path, pkt, fake)
    assert p.returncode == 0, p.stderr
    # Written absolute after the SYN, the ack is wrong.
    p = run(vwire, tmp_path, pkt.replace("ack 101", "ack 5101"), fake)
    assert p.returncode == 1
    assert "tcp_ack_seq: expected: 5101" in p.stderr and "actual: 101" in p.stderr


def test_outbound_sack_blocks_relative_to_remote_isn(vwire, tmp_path):
    pkt = HANDSHAKE.replace("< S 0:0(0)", "< S 7000:7000(0)").replace(
        "> S. 0:0(0) ack 1 ", "> S. 0:0(0) ack 7001 ")
    pkt += "+0  accept(3, ..., ...) = 4\n+0  < P. 1001:2001(1000) ack 1 win 257\n"
    pkt += "+0  > . 1:1(0) ack 1 <nop,nop,sack 1001:2001>\n"
    fake = ("call socket 3\ncall accept 4\n"
            "emit after=1 delay=0 flags=S. seq=0 ack=7001 win=65535 "
            "opts=mss:1460,nop,nop,sackOK,nop,wscale:7\n"
            "emit after=3 delay=0 flags=. seq=1 ack=7001 win=65535 opts=nop,nop,sack:8001-9001\n")
    p = run(vwire, tmp_path, pkt, fake)
    assert p.returncode == 0, p.stderr
    p = run(vwire, tmp_path, pkt.replace("sack 1001:2001", "sack 1001:2002"), fake)
    assert p.returncode == 1
    # The actual block is printed in the script's numbers too.
    assert "expected: sack 1001:2002 actual: sack 1001:2001" in p.stderr


def test_outbound_syn_seq_is_the_isn(vwire, tmp_path):
    # A SYN-ACK written with any seq: its seq is the ISN later numbers
    # count from (the fake's ISN is not 1234).
    pkt = HANDSHAKE.replace("> S. 0:0(0)", "> S. 1234:1234(0)")
    pkt += "+0  accept(3, ..., ...) = 4\n+0  write(4, ..., 10) = 10\n+0  > P. 1:11(10) ack 1\n"
    fake = HANDSHAKE_FAKE + ("call accept 4\ncall write 10\n"
                             "emit after=2 delay=0 flags=P. seq=1 ack=1 len=10\n")
    p = run(vwire, tmp_path, pkt, fake)
    assert p.returncode == 0, p.stderr
