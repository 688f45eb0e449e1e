"""The command fast path does `tc qdisc VERB dev tun0 root ...` (fifos, a
bare fq, a deletion) and `ip tcp_metrics flush all` itself, over netlink
(harness/command_tc.c, command_metrics.c): the verdicts and the device's
state are those the real tc and ip give through the wrappers
(VWIRE_COMMAND_FAST=0), no tc, ip or sh is exec'd for them, and a request
the kernel refuses falls back to the real tc, whose complaint and status
the command shows."""
import os
import shutil
import subprocess

import pytest

# The same held-write and Fast Open cookie scripts the wrapper test runs.
from test_command_device import METRICS, QDISC as HOLD

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not os.path.exists("/usr/sbin/tc") or not shutil.which("ip"),
    reason="commands are isolated (and reach the target) only as root, with iproute2")


def _env(fast):
    return dict(os.environ, VWIRE_COMMAND_FAST=fast, PATH="/usr/sbin:/usr/bin:/sbin:/bin")


def run(vwire, folder, name, text, fast, env=None):
    (folder / name).write_text(text)
    return subprocess.run([str(vwire), name], cwd=folder, env=env or _env(fast),
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("fast", ["1", "0"])
@pytest.mark.parametrize("block,verdict", [
    ("tc qdisc add dev tun0 root pfifo limit 0", 0),
    ("tc qdisc replace dev tun0 root bfifo limit 0 > /dev/null", 0),
    # the deletion leaves the kernel's default qdisc: no limit, data at once
    ("tc qdisc add dev tun0 root pfifo limit 0\ntc qdisc del dev tun0 root", 1),
])
def test_fifo_lines_reach_the_target(vwire, tmp_path, fast, block, verdict):
    r = run(vwire, tmp_path, "hold.pkt", HOLD.format(block=block), fast)
    assert r.returncode == verdict, r.stderr
    if verdict:
        assert "expected outbound packet at 0.900000 sec but happened at 0.100000 sec" in r.stderr


STATE = """0 `{line}
tc qdisc show dev tun0 | grep -q '{shown}'`
"""


@pytest.mark.parametrize("fast", ["1", "0"])
@pytest.mark.parametrize("line,shown", [
    ("tc qdisc add dev tun0 root bfifo limit 3000", "bfifo [0-9a-f]*: root refcnt 2 limit 3000b"),
    ("tc qdisc replace dev tun0 root pfifo_head_drop limit 7", "pfifo_head_drop .* limit 7p"),
    # no limit given: the kernel's default (the device's queue length)
    ("tc qdisc change dev tun0 root pfifo", "qdisc pfifo_fast 0: root"),
    ("tc qdisc add dev tun0 root pfifo", "pfifo [0-9a-f]*: root refcnt 2 limit 500p"),
])
def test_device_state_is_what_tc_leaves(vwire, tmp_path, fast, line, shown):
    r = run(vwire, tmp_path, "state.pkt", STATE.format(line=line, shown=shown), fast)
    assert r.returncode == 0, r.stderr
    if "change" in line:
        # the kernel refuses to change a root qdisc the device lacks: tc
        # says so (the fast path then runs it), the device keeps its own
        assert "Qdisc not found" in r.stderr, r.stderr


@pytest.mark.parametrize("fast", ["1", "0"])
def test_refused_request_shows_tcs_complaint(vwire, tmp_path, fast):
    # a second exclusive add of tun0's root: the kernel refuses it
    r = run(vwire, tmp_path, "twice.pkt",
            "0 `tc qdisc add dev tun0 root pfifo limit 5\n"
            "tc qdisc add dev tun0 root pfifo limit 7`\n", fast)
    assert r.returncode == 1
    assert "Exclusivity flag on" in r.stderr and "exit status 2" in r.stderr, r.stderr


@pytest.mark.parametrize("fast", ["1", "0"])
@pytest.mark.parametrize("flush,verdict", [("ip tcp_metrics flush all", 0),
                                           ("ip tcpm flush all > /dev/null 2>&1", 0),
                                           ("ip tcp_metrics show > /dev/null", 1)])
def test_metrics_flush_forgets_fast_open_cookie(vwire, tmp_path, fast, flush, verdict):
    r = run(vwire, tmp_path, "metrics.pkt", METRICS.format(flush=flush), fast)
    assert r.returncode == verdict, r.stderr
    if verdict:
        assert "Expected result -1 but got 1000" in r.stderr


DEFAULTS = """0 `ip tcp_metrics flush all > /dev/null 2>&1
sysctl -q net.ipv4.tcp_timestamps=1
tc qdisc add dev tun0 root pfifo
tc qdisc replace dev tun0 root pfifo limit 0 2>/dev/null
exit 0`
"""


def test_in_process_lines_exec_nothing(vwire, tmp_path):
    if not shutil.which("strace"):
        pytest.skip("needs strace")
    (tmp_path / "defaults.pkt").write_text(DEFAULTS)
    execs = {}
    for fast in ("1", "0"):
        log = tmp_path / f"strace.{fast}"
        p = subprocess.run(["strace", "-f", "-e", "trace=execve", "-o", str(log),
                            str(vwire), "defaults.pkt"], cwd=tmp_path,
                           env=dict(_env(fast), ASAN_OPTIONS="detect_leaks=0"),
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        execs[fast] = [line for line in log.read_text().splitlines() if "execve(" in line]
    assert len(execs["1"]) == 1, execs["1"]  # bin/vwire itself only
    assert any('execve("/usr/sbin/tc"' in e for e in execs["0"]), execs["0"]
    assert any("/ip\"" in e for e in execs["0"]), execs["0"]
