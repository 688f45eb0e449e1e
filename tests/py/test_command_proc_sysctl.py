"""A backtick command that writes /proc/sys/net/... directly (not through
sysctl) sets the built-in stack's knob and leaves the host's alone."""
import os
import pathlib
import subprocess

import pytest

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="commands are isolated (and sysctls reach the target) only as root")

SCRIPT = """`echo {value} > /proc/sys/net/ipv4/tcp_sack`
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 65535 <mss 1460,sackOK,nop,nop>
+0 > S. 0:0(0) ack 1 <mss 1460>
"""


@pytest.mark.parametrize("value,verdict", [("0", 0), ("1", 1)])
def test_proc_write_reaches_the_stack_not_the_host(vwire, tmp_path, value, verdict):
    knob = pathlib.Path("/proc/sys/net/ipv4/tcp_sack")
    host = knob.read_text()
    script = tmp_path / "sack.pkt"
    script.write_text(SCRIPT.format(value=value))
    r = subprocess.run([str(vwire), str(script)], capture_output=True, text=True, timeout=60)
    # SACK off: the SYN-ACK carries MSS alone, as the script expects; on: it
    # offers sackOK too, and the script fails on that packet.
    assert r.returncode == verdict, r.stderr
    if verdict:
        assert f"{script}:6: error handling packet" in r.stderr and "sackOK" in r.stderr
    assert knob.read_text() == host
