"""System calls as packetdrill makes them, on real stacks: the built-in
one always, Linux through the kernel target where there is root and TUN.
The same script must get the same verdict from both, and a changed
expectation must fail at the right line with the right words."""
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import ROOT

RUNLOOP = ROOT / "tests" / "runloop"


def _kernel_missing():
    if os.geteuid() != 0:
        return "kernel target needs root (network namespace + TUN)"
    if not os.path.exists("/dev/net/tun"):
        return "kernel target needs /dev/net/tun"
    return None


TARGETS = [
    pytest.param([], id="vstack"),
    # Linux runs in real time: on a loaded machine, and several times slower
    # under ASan (make asan), its SYN-ACK can come later than the default
    # 4 ms tolerance. These tests check calls, not timing.
    pytest.param(["--target=kernel", "--tolerance_usecs=200000"], id="kernel",
                 marks=pytest.mark.skipif(_kernel_missing() is not None,
                                          reason=_kernel_missing() or "")),
]


def run(vwire, tmp_path, name, text=None, target=(), extra=()):
    """Copy tests/runloop/NAME (or write TEXT under that name) into tmp_path
    and run it from there, as the corpus scripts run from their folder."""
    script = tmp_path / name
    script.write_text(text if text is not None else (RUNLOOP / name).read_text())
    return subprocess.run([str(vwire), *target, *extra, name], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


def line_of(text, needle):
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("name", ["calls-fd-map.pkt", "calls-cmsg-inq.pkt",
                                  "calls-sendfile.pkt"])
def test_script_passes(vwire, tmp_path, target, name):
    p = run(vwire, tmp_path, name, target=target)
    assert p.returncode == 0, p.stdout + p.stderr


@pytest.mark.parametrize("target", TARGETS)
def test_unmapped_fd_is_not_another_sockets_live_fd(vwire, tmp_path, target):
    # Closing the listener by its script number 5 works; closing it a
    # second time, or by the target's own number, does not.
    text = (RUNLOOP / "calls-fd-map.pkt").read_text()
    bad = text.replace("+0  close(5) = 0", "+0  close(5) = 0\n+0  close(5) = 0")
    p = run(vwire, tmp_path, "calls-fd-map.pkt", bad, target)
    assert p.returncode == 1
    second = len(bad.splitlines()) - bad.splitlines()[::-1].index("+0  close(5) = 0")
    assert f"calls-fd-map.pkt:{second}: runtime error in close call" in p.stderr
    assert "errno 9" in p.stderr


CMSG_CASES = [
    ("cmsg_data=2000}", "cmsg_data=2001}",
     "Bad recvmsg cmsg 1 cmsg_data: expected: 2001 actual: 2000"),
    ("cmsg_data=2000}]", "cmsg_data=2000},\n {cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ, cmsg_data=0}]",
     "Bad recvmsg cmsg 2: expected cmsg_level 6 cmsg_type 36 but the target returned no more"),
    ("cmsg_type=TCP_CM_INQ,\n                              cmsg_data=2000",
     "cmsg_type=TCP_NODELAY,\n                              cmsg_data=2000",
     "Bad recvmsg cmsg 1: expected cmsg_level 6 cmsg_type 1 actual: cmsg_level 6 cmsg_type 36"),
]


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("old,new,words", CMSG_CASES)
def test_cmsg_mismatch(vwire, tmp_path, target, old, new, words):
    text = (RUNLOOP / "calls-cmsg-inq.pkt").read_text()
    assert old in text
    p = run(vwire, tmp_path, "calls-cmsg-inq.pkt", text.replace(old, new, 1), target)
    assert p.returncode == 1, p.stderr
    line = line_of(text, "recvmsg(4")
    assert f"calls-cmsg-inq.pkt:{line}: runtime error in recvmsg call:" in p.stderr
    assert words in p.stderr


@pytest.mark.parametrize("target", TARGETS)
def test_cmsg_unasked_for_is_a_failure(vwire, tmp_path, target):
    text = (RUNLOOP / "calls-cmsg-inq.pkt").read_text()
    empty = text.replace("""msg_control=[{cmsg_level=SOL_TCP, cmsg_type=TCP_CM_INQ,
                              cmsg_data=2000}]""", "msg_control=[]", 1)
    assert empty != text
    p = run(vwire, tmp_path, "calls-cmsg-inq.pkt", empty, target)
    assert p.returncode == 1
    assert "the script expects 0 control messages but the target returned more" in p.stderr


@pytest.mark.parametrize("target", TARGETS)
def test_efault_for_null_buffer(vwire, tmp_path, target):
    text = (RUNLOOP / "calls-fd-map.pkt").read_text()
    wrong = text.replace("write(9, NULL, 1000) = -1 EFAULT (Bad address)",
                         "write(9, NULL, 1000) = 1000")
    p = run(vwire, tmp_path, "calls-fd-map.pkt", wrong, target)
    assert p.returncode == 1
    assert f"calls-fd-map.pkt:{line_of(text, 'write(9, NULL')}:" in p.stderr
    assert "errno 14" in p.stderr


@pytest.mark.parametrize("target", TARGETS)
def test_sendfile_count_reaches_the_wire(vwire, tmp_path, target):
    text = (RUNLOOP / "calls-sendfile.pkt").read_text()
    wrong = text.replace("count=5", "count=3", 1)
    p = run(vwire, tmp_path, "calls-sendfile.pkt", wrong, target)
    assert p.returncode == 1
    assert f"calls-sendfile.pkt:{line_of(text, 'sendfile(4, 7, [0], 5)')}:" in p.stderr
    assert "Expected result 5 but got 3" in p.stderr


@pytest.mark.skipif(_kernel_missing() is not None, reason=_kernel_missing() or "")
def test_sendmsg_control_reaches_linux(vwire, tmp_path):
    # Linux's TCP sendmsg refuses a SOL_SOCKET cmsg it does not know with
    # EINVAL: the control buffer the script describes got there intact.
    text = (RUNLOOP / "calls-fd-map.pkt").read_text()
    call = ("+0  sendmsg(9, {msg_name(...)=..., msg_iov(1)=[{..., 1000}], "
            "msg_control=[{cmsg_level=SOL_SOCKET, cmsg_type=%s, cmsg_data=1}]}, 0) = %s\n")
    anchor = "+0  write(9, ..., 1000) = 1000\n"
    refused = text.replace(anchor, call % ("SO_REUSEPORT", "-1 EINVAL (Invalid argument)") + anchor)
    kernel = TARGETS[1].values[0]  # with its tolerance for real time
    p = run(vwire, tmp_path, "calls-fd-map.pkt", refused, kernel)
    assert p.returncode == 0, p.stderr
    wrong = text.replace(anchor, call % ("SO_REUSEPORT", "1000") + anchor)
    p = run(vwire, tmp_path, "calls-fd-map.pkt", wrong, kernel)
    assert p.returncode == 1
    assert "runtime error in sendmsg call: Expected result 1000 but got -1 with errno 22" in p.stderr
