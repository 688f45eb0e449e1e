"""The command fast path (harness/command_fast.c) on the forms suites and
the corpus use: `sh FILE` and a FILE ending in a multi-line
`exec sysctl -q ...`. The verdict is the one the real shell and sysctl
give (VWIRE_COMMAND_FAST=0), the line after `exec` never runs, and the
fast path does it without exec'ing sh or sysctl."""
import os
import shutil
import subprocess

import pytest

KNOBS = ("exec sysctl -q net.ipv4.tcp_timestamps=0 \\\n\tnet.ipv4.tcp_sack=1\n"
         "sysctl -q net.ipv4.tcp_timestamps=1\n")  # after exec: must not run
SCRIPT = """0 `sh knobs.sh`
+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 32792 <mss 1000,sackOK,TS val 100 ecr 0,nop,wscale 7>
+0 > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 7>
"""

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not os.path.exists("/usr/sbin/sysctl"),
    reason="commands are isolated (and sysctls reach the target) only as root with procps")


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "knobs.sh").write_text(KNOBS)
    (tmp_path / "ts.pkt").write_text(SCRIPT)
    return tmp_path


def _env(fast):
    return dict(os.environ, VWIRE_COMMAND_FAST=fast,
                PATH="/usr/sbin:/usr/bin:/sbin:/bin")


@pytest.mark.parametrize("fast", ["1", "0"])
def test_exec_sysctl_reaches_target_and_ends_the_file(vwire, folder, fast):
    p = subprocess.run([str(vwire), "ts.pkt"], cwd=folder, env=_env(fast),
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr


def test_fast_path_execs_nothing(vwire, folder):
    if not shutil.which("strace"):
        pytest.skip("needs strace")
    counts = {}
    for fast in ("1", "0"):
        log = folder / f"strace.{fast}"
        subprocess.run(["strace", "-f", "-e", "trace=execve", "-o", str(log),
                        str(vwire), "ts.pkt"], cwd=folder, env=_env(fast),
                       capture_output=True, timeout=60, check=True)
        counts[fast] = log.read_text().count("execve(")
    assert counts["1"] == 1       # bin/vwire itself only
    assert counts["0"] >= 3       # vwire, sh, sysctl
