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


def _traced_env(fast):
    # LeakSanitizer cannot run under ptrace: an ASan build (make asan)
    # traced by strace would fail at exit for that reason alone.
    return dict(_env(fast), ASAN_OPTIONS="detect_leaks=0")


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
                        str(vwire), "ts.pkt"], cwd=folder, env=_traced_env(fast),
                       capture_output=True, timeout=60, check=True)
        counts[fast] = log.read_text().count("execve(")
    assert counts["1"] == 1       # bin/vwire itself only
    assert counts["0"] >= 3       # vwire, sh, sysctl


PLAIN = """0 `ls -d /proc/sys/net/ipv4
uname -s > /dev/null
ls /no/such/file 2>&1
true`
+0 `ls /no/such/file 2> /dev/null`
"""


@pytest.mark.parametrize("fast", ["1", "0"])
def test_plain_lines_output_and_status(vwire, folder, fast):
    # Run without a shell in between, plain lines print, redirect and
    # fail as sh makes them: ls's error on stdout (2>&1), then status 2.
    (folder / "plain.pkt").write_text(PLAIN)
    p = subprocess.run([str(vwire), "plain.pkt"], cwd=folder, env=_env(fast),
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    out = p.stdout.splitlines()
    assert out[0] == "/proc/sys/net/ipv4"
    assert "No such file" in out[1] and len(out) == 2, p.stdout
    assert "command failed with exit status 2" in p.stderr, p.stderr


def test_plain_lines_exec_no_shell(vwire, folder):
    if not shutil.which("strace"):
        pytest.skip("needs strace")
    (folder / "plain.pkt").write_text(PLAIN)
    log = folder / "strace.plain"
    subprocess.run(["strace", "-f", "-e", "trace=execve", "-o", str(log),
                    str(vwire), "plain.pkt"], cwd=folder, env=_traced_env("1"),
                   capture_output=True, timeout=60)
    text = log.read_text()
    assert text.count('execve("/usr/bin/ls"') == 3
    assert text.count('execve("/usr/bin/uname"') == 1
    # true is one of sh's builtins: sh runs it, not /usr/bin/true
    assert text.count('execve("/bin/sh"') == 1 and '["sh", "-c", "true\\n"]' in text


SYSCTL_TREE = """0 `cat /proc/sys/net/ipv4/tcp_sack; echo 0 > /proc/sys/net/ipv4/tcp_sack`
+0 `cat /proc/sys/net/ipv4/tcp_sack; rm /proc/sys/net/ipv4/tcp_sack; echo x > /proc/sys/net/new`
+0 `cat /proc/sys/net/ipv4/tcp_sack; ls /proc/sys/net`
+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
+0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 7>
"""


@pytest.mark.parametrize("overlay", ["1", "0"])
def test_sysctl_tree_of_each_command(vwire, folder, overlay):
    # Each command sees the target's values (harness/command_scratch.c: an
    # overlay of a shared tree, or with VWIRE_SCRATCH_OVERLAY=0 a full
    # copy): a write reaches the target (no SACK-permitted in the SYN-ACK)
    # and the next command; a deleted file or a new one changes nothing.
    (folder / "tree.pkt").write_text(SYSCTL_TREE)
    p = subprocess.run([str(vwire), "tree.pkt"], cwd=folder,
                       env=dict(_env("1"), VWIRE_SCRATCH_OVERLAY=overlay),
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    out = p.stdout.splitlines()
    assert out[:3] == ["1", "0", "0"], p.stdout
    assert "ipv4" in out[3:] and "new" not in out[3:], p.stdout
