"""More lines the command fast path (harness/command_fast.c) takes without
giving up the whole command to sh: `echo ARGS > FILE` (written in-process),
a comment after a command, `$PPID` in a command word (a script named after
vwire's pid), and a nested script that an earlier line of the same command
rewrote (run as it is then, not as it was read). Each gives the verdict
the real shell gives (VWIRE_COMMAND_FAST=0)."""
import os
import shutil
import subprocess

import pytest

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not os.path.exists("/usr/sbin/sysctl"),
    reason="commands are isolated (and sysctls reach the target) only as root with procps")

# The SYN-ACK tells whether the command turned SACK off on the target.
NO_SACK = """0 `{command}`
+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
+0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 7>
"""

KNOB_ON = "#!/bin/sh\nsysctl -q net.ipv4.tcp_sack=1\n"
KNOB_OFF = "#!/bin/sh\nsysctl -q net.ipv4.tcp_sack=0\n"


def _env(fast):
    return dict(os.environ, VWIRE_COMMAND_FAST=fast, PATH="/usr/sbin:/usr/bin:/sbin:/bin")


def run(vwire, folder, text, fast, trace=None):
    (folder / "t.pkt").write_text(text)
    argv = [str(vwire), "t.pkt"]
    env = _env(fast)
    if trace:
        argv = ["strace", "-f", "-e", "trace=execve", "-o", str(trace)] + argv
        env["ASAN_OPTIONS"] = "detect_leaks=0"  # LeakSanitizer cannot run traced
    return subprocess.run(argv, cwd=folder, env=env, capture_output=True, text=True,
                          timeout=60)


def executable(path, text):
    path.write_text(text)
    path.chmod(0o755)


@pytest.mark.parametrize("fast", ["1", "0"])
@pytest.mark.parametrize("command,sack_off", [
    ("echo 0 > /proc/sys/net/ipv4/tcp_sack", True),
    ("sysctl -q net.ipv4.tcp_sack=0    # no SACK-permitted", True),
    ("sysctl -q net.ipv4.tcp_sack=1 # sysctl -q net.ipv4.tcp_sack=0", False),
    ("sysctl -q net.ipv4.tcp_sack=\"0\"  #comment", True),
])
def test_echo_and_comments_reach_the_target(vwire, tmp_path, fast, command, sack_off):
    r = run(vwire, tmp_path, NO_SACK.format(command=command), fast)
    assert r.returncode == (0 if sack_off else 1), r.stderr


@pytest.mark.parametrize("fast", ["1", "0"])
def test_echo_writes_the_file_as_sh(vwire, tmp_path, fast):
    (tmp_path / "out.txt").write_text("old text, longer than the new\n")
    r = run(vwire, tmp_path, '0 `echo "a  b" c > out.txt\necho >empty.txt`\n', fast)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out.txt").read_text() == "a  b c\n"
    assert (tmp_path / "empty.txt").read_text() == "\n"


@pytest.mark.parametrize("fast", ["1", "0"])
def test_echo_that_cannot_write_fails_as_sh(vwire, tmp_path, fast):
    r = run(vwire, tmp_path, "0 `echo x > no/such/dir/f`\n", fast)
    assert r.returncode == 1
    assert "cannot create no/such/dir/f" in r.stderr, r.stderr
    assert "command failed with exit status 2" in r.stderr, r.stderr


# The first command (sh: printf, ';') writes a script named after $PPID;
# the second runs it by that name.
PPID_SCRIPT = ("printf '#!/bin/sh\\necho 0 > /proc/sys/net/ipv4/tcp_sack\\n' > r_$PPID.sh; "
               "chmod +x r_$PPID.sh`\n+0 `./r_${PPID}.sh")


@pytest.mark.parametrize("fast", ["1", "0"])
def test_ppid_names_the_same_script(vwire, tmp_path, fast):
    r = run(vwire, tmp_path, NO_SACK.format(command=PPID_SCRIPT), fast)
    assert r.returncode == 0, r.stderr


def test_ppid_script_runs_without_exec(vwire, tmp_path):
    if not shutil.which("strace"):
        pytest.skip("needs strace")
    log = tmp_path / "strace"
    r = run(vwire, tmp_path, NO_SACK.format(command=PPID_SCRIPT), "1", trace=log)
    assert r.returncode == 0, r.stderr
    execs = [line for line in log.read_text().splitlines() if "execve(" in line]
    # vwire, then the first command's sh and chmod (printf is sh's own):
    # the second command, its script's echo too, runs in-process
    assert not any('execve("./r_' in e or 'execve("/bin/sh' in e and "-c" not in e
                   for e in execs), execs
    assert len(execs) == 3, execs


@pytest.mark.parametrize("fast", ["1", "0"])
def test_nested_script_changed_by_an_earlier_line(vwire, tmp_path, fast):
    executable(tmp_path / "knob.sh", KNOB_ON)
    executable(tmp_path / "knob0.sh", KNOB_OFF)
    r = run(vwire, tmp_path, NO_SACK.format(command="cp knob0.sh knob.sh\n./knob.sh"), fast)
    assert r.returncode == 0, r.stderr
