"""The kernel target (lib/vwire-kernel.so) against this machine's Linux.

The .so is driven in a child process (tests/kernel/kernel_driver.py): its
init unshares the network namespace of the process that loads it, which
must never be pytest's. Needs root and /dev/net/tun; skipped otherwise.
"""
import json
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import LIB, ROOT, VWIRE

PYTHON = "/usr/bin/python3"
KERNEL_SO = LIB / "vwire-kernel.so"
DRIVER = ROOT / "tests" / "kernel" / "kernel_driver.py"
SCRIPTS = ROOT / "tests" / "kernel"
NEEDS = "kernel target: needs root or CAP_NET_ADMIN"


def _why_not():
    if os.geteuid() != 0:
        return ("kernel target tests need root (a network namespace and a TUN "
                "device): run them as root")
    if not os.path.exists("/dev/net/tun"):
        return "kernel target tests need /dev/net/tun (the tun module: modprobe tun)"
    if not os.access("/dev/net/tun", os.R_OK | os.W_OK):
        # Root of a user namespace only: the device is the real root's.
        return "kernel target tests need read-write access to /dev/net/tun"
    return None


pytestmark = pytest.mark.skipif(_why_not() is not None,
                                reason=_why_not() or "")


@pytest.fixture(scope="module")
def kernel_so():
    if not KERNEL_SO.exists():
        pytest.fail(f"{KERNEL_SO} is not built: run make")
    return KERNEL_SO


def _driver_env():
    """An ASan build of the .so needs the ASan runtime loaded first into
    the (uninstrumented) Python that drives it."""
    env = dict(os.environ)
    if os.environ.get("SAN") == "1":
        cc = shutil.which("cc") or "cc"
        libs = [subprocess.run([cc, f"-print-file-name={name}"], capture_output=True,
                               text=True, check=False).stdout.strip()
                for name in ("libasan.so", "libubsan.so")]
        env["LD_PRELOAD"] = " ".join(lib for lib in libs if os.path.isabs(lib))
        env["ASAN_OPTIONS"] = "detect_leaks=0"
    return env


def drive(kernel_so, scenario, prefix=()):
    proc = subprocess.run([*prefix, PYTHON, str(DRIVER), str(kernel_so),
                           scenario], capture_output=True, text=True,
                          timeout=30, check=False, env=_driver_env())
    try:
        report = json.loads(proc.stdout.strip().splitlines()[-1])
    except (IndexError, json.JSONDecodeError):
        pytest.fail(f"driver gave no report: rc {proc.returncode}\n"
                    f"{proc.stdout}\n{proc.stderr}")
    return proc, report


def test_handshake_data_close_time_wait(kernel_so):
    proc, r = drive(kernel_so, "session")
    assert proc.returncode == 0, r.get("failed", proc.stderr)
    # Script numbering: the first socket is 3, the accepted one 4.
    assert (r["listen_fd"], r["accept_fd"]) == (3, 4)
    syn = r["synack"]
    assert (syn["src"], syn["dst"]) == ("192.168.0.1", "192.0.2.1")
    assert 2 in syn["options"] and 4 in syn["options"]  # MSS, SACK-perm
    assert r["data"]["payload"] == "hello"
    states = {(c["fd"], c["state"]) for c in r["established"]}
    assert states == {(3, "LISTEN"), (4, "ESTABLISHED")}
    tw = [c for c in r["after_close"] if c["state"] == "TIME_WAIT"]
    assert tw == [{"fd": -1, "state": "TIME_WAIT",
                   "local": "192.168.0.1:8080", "remote": "192.0.2.1:50000"}]


def test_command_changes_namespace_sysctl_not_host(kernel_so):
    host_before = pathlib.Path("/proc/sys/net/ipv4/tcp_sack").read_text()
    proc, r = drive(kernel_so, "command_sysctl")
    assert proc.returncode == 0, r.get("failed", proc.stderr)
    assert r["command"][0] == "0"           # the command saw its own write
    assert "192.168.0.1/16" in r["command"][1]  # ...in the namespace's tun0
    assert r["sack_in_synack"] is False     # ...and the kernel obeyed it
    assert pathlib.Path("/proc/sys/net/ipv4/tcp_sack").read_text() == \
        host_before


def test_ipv6_interface_noise_is_filtered(kernel_so):
    proc, r = drive(kernel_so, "quiet_v6")
    assert proc.returncode == 0, r.get("failed", proc.stderr)
    assert "fd3d:a0b:17d6::1/64" in r["addr"]
    assert "tentative" not in r["addr"]      # DAD is off
    [only] = r["received"]                   # the unicast datagram alone
    assert only.startswith("6") and bytes.fromhex(only).endswith(b"script")


def test_without_configure_uses_defaults_and_script_fd_numbers(kernel_so):
    proc, r = drive(kernel_so, "lazy")
    assert proc.returncode == 0, r.get("failed", proc.stderr)
    assert r["own_fds"] == [3, 4, 5]         # the process's own 3, 4, 5...
    assert (r["listen_fd"], r["accept_fd"]) == (3, 4)  # ...do not show


def test_write_after_reset_is_epipe_not_sigpipe(kernel_so):
    proc, r = drive(kernel_so, "epipe")
    assert proc.returncode == 0, (proc.returncode, r, proc.stderr)
    assert r["errnos"] == ["ECONNRESET", "EPIPE"] and r["alive"]


def test_packet_is_stamped_when_linux_sent_it(kernel_so):
    """A packet read 50 ms after Linux sent it keeps its sending time (the
    kernel's timestamp, as packetdrill's sniffer has), so a loaded machine's
    late reader does not make Linux look late."""
    proc, r = drive(kernel_so, "sent_time")
    assert proc.returncode == 0, r.get("failed", proc.stderr)
    assert r["sent_before_read_usecs"] is not None
    assert 45000 <= r["sent_before_read_usecs"] < 1000000


@pytest.mark.skipif(shutil.which("setpriv") is None, reason="no setpriv")
def test_init_without_capabilities_fails_clearly(kernel_so):
    proc, r = drive(kernel_so, "session",
                    prefix=("setpriv", "--inh-caps=-all",
                            "--bounding-set=-all"))
    assert proc.returncode == 3 and r["init"] == "failed"
    assert NEEDS in proc.stderr


# ---- bin/vwire --target=kernel on this folder's own scripts -------------

def run_vwire(script, *flags):
    if not VWIRE.exists():
        pytest.fail(f"{VWIRE} is not built: run make")
    # Real time on a shared machine: these check behaviour, not timing
    # (bench-kernel.sh runs the corpus with packetdrill's tolerance).
    proc = subprocess.run([str(VWIRE), "--target=kernel", "--tolerance_usecs=50000",
                           *flags, script.name],
                          cwd=script.parent, capture_output=True, text=True,
                          timeout=120, check=False)
    if "not available in this build" in proc.stderr:
        pytest.skip("bin/vwire cannot run scripts yet (run loop missing)")
    return proc


@pytest.mark.parametrize("name", ["passive-data.pkt", "active-close-time-wait.pkt",
                                  "remote-close.pkt", "sysctl-command.pkt"])
def test_script_passes_on_kernel(kernel_so, name):
    host_ts = pathlib.Path("/proc/sys/net/ipv4/tcp_timestamps").read_text()
    proc = run_vwire(SCRIPTS / name)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # sysctl-command.pkt turned timestamps off in its namespace only.
    assert pathlib.Path("/proc/sys/net/ipv4/tcp_timestamps").read_text() == host_ts


def test_wrong_expectation_fails_on_kernel(kernel_so, tmp_path):
    # The same exchange expecting TIME-WAIT where Linux is in FIN-WAIT-2.
    text = (SCRIPTS / "active-close-time-wait.pkt").read_text()
    lines = text.splitlines()
    cut = next(i for i, l in enumerate(lines) if "TCP_FIN_WAIT2" in l)
    lines[cut] = lines[cut].replace("TCP_FIN_WAIT2", "TCP_TIME_WAIT")
    bad = tmp_path / "wrong-state.pkt"
    bad.write_text("\n".join(lines) + "\n")
    proc = run_vwire(bad)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f"wrong-state.pkt:{cut + 1}" in proc.stdout + proc.stderr


def test_vwire_reports_init_failure_as_target_error(kernel_so):
    if shutil.which("setpriv") is None:
        pytest.skip("no setpriv")
    if not VWIRE.exists():
        pytest.fail(f"{VWIRE} is not built: run make")
    script = SCRIPTS / "passive-data.pkt"
    proc = subprocess.run(["setpriv", "--inh-caps=-all", "--bounding-set=-all",
                           str(VWIRE), "--target=kernel", script.name],
                          cwd=script.parent, capture_output=True, text=True,
                          timeout=60, check=False)
    if "not available in this build" in proc.stderr:
        pytest.skip("bin/vwire cannot run scripts yet (run loop missing)")
    assert proc.returncode != 0, proc.stdout
    assert NEEDS in proc.stderr
