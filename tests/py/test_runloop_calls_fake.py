"""System calls against the fake target, which answers exactly what the
scenario says: control messages field by field (timestamps in script time,
struct sock_extended_err), ints written as 0xffffffff, --non_fatal,
--timeout_secs, and calls no target of packetdrill's interface can make."""
import errno
import socket
import struct
import subprocess

import pytest

from conftest import BUILD, ROOT

FAKE = BUILD / "tests" / "libfake-target.so"
RUNLOOP = ROOT / "tests" / "runloop"
PKT = (RUNLOOP / "calls-errqueue.pkt").read_text()

# Linux's numbers (the fake writes raw bytes; the script uses names).
SOL_SOCKET, SCM_TIMESTAMPING = socket.SOL_SOCKET, 37
SOL_IP, IP_RECVERR = 0, 11
SO_EE_ORIGIN_TIMESTAMPING, SCM_TSTAMP_SND = 4, 0
CLOCK_BASE_SECS = 1000  # the fake's clock at script time 0


def timestamping(secs, nsecs):
    return struct.pack("<qqqqqq", CLOCK_BASE_SECS + secs, nsecs, 0, 0, 0, 0).hex()


def extended_err(ee_errno=errno.ENOMSG, origin=SO_EE_ORIGIN_TIMESTAMPING, ee_type=0,
                 code=0, info=SCM_TSTAMP_SND, data=1999):
    return struct.pack("<IBBBBII", ee_errno, origin, ee_type, code, 0, info, data).hex()


def scenario(cmsgs=None, lowat=-1, write=1000):
    if cmsgs is None:
        cmsgs = [(SOL_SOCKET, SCM_TIMESTAMPING, timestamping(0, 110000000)),
                 (SOL_IP, IP_RECVERR, extended_err())]
    c = " ".join(f"cmsg={lv}:{ty}:{hx}" for lv, ty, hx in cmsgs)
    return "\n".join([
        "call socket 3", "call accept 4", f"call recvmsg 0 {c}",
        f"call getsockopt 0 int={lowat}", f"call write {write}",
        "emit after=1 delay=0 flags=S. seq=0 ack=1 win=65535 opts=mss:1460,nop,nop,sackOK,nop,wscale:7",
        "emit after=2 delay=10000 flags=P. seq=1 ack=1 len=1000", ""])


def run(vwire, tmp_path, pkt=PKT, fake=None, extra=(), timeout=60):
    if not FAKE.exists():
        pytest.fail(f"{FAKE} is not built: run make")
    (tmp_path / "t.pkt").write_text(pkt)
    (tmp_path / "t.fake").write_text(fake if fake is not None else scenario())
    return subprocess.run([str(vwire), f"--target={FAKE}", f"--so_flags={tmp_path / 't.fake'}",
                           *extra, str(tmp_path / "t.pkt")],
                          capture_output=True, text=True, timeout=timeout)


def line_of(text, needle):
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


RECVMSG_LINE = line_of(PKT, "recvmsg(4")


def test_pass(vwire, tmp_path):
    p = run(vwire, tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""


@pytest.mark.parametrize("field,kw", [
    ("ee_errno", {"ee_errno": errno.EIO}), ("ee_origin", {"origin": 3}),
    ("ee_type", {"ee_type": 1}), ("ee_code", {"code": 2}),
    ("ee_info", {"info": 1}), ("ee_data", {"data": 3999}),
])
def test_extended_err_field(vwire, tmp_path, field, kw):
    fake = scenario([(SOL_SOCKET, SCM_TIMESTAMPING, timestamping(0, 110000000)),
                     (SOL_IP, IP_RECVERR, extended_err(**kw))])
    p = run(vwire, tmp_path, fake=fake)
    assert p.returncode == 1
    assert f"t.pkt:{RECVMSG_LINE}: runtime error in recvmsg call: Bad recvmsg cmsg 2 {field}:" in p.stderr


@pytest.mark.parametrize("nsecs,ok", [(110000000, True), (113000000, True),
                                      (107000000, True), (115000000, False),
                                      (100000000, False)])
def test_timestamp_within_tolerance(vwire, tmp_path, nsecs, ok):
    fake = scenario([(SOL_SOCKET, SCM_TIMESTAMPING, timestamping(0, nsecs)),
                     (SOL_IP, IP_RECVERR, extended_err())])
    p = run(vwire, tmp_path, fake=fake)
    assert p.returncode == (0 if ok else 1), p.stderr
    if not ok:
        assert "Bad recvmsg cmsg 1 timestamp: expected: 0.110000 sec" in p.stderr


def test_missing_and_extra_cmsg(vwire, tmp_path):
    p = run(vwire, tmp_path, fake=scenario([(SOL_SOCKET, SCM_TIMESTAMPING, timestamping(0, 110000000))]))
    assert p.returncode == 1
    assert "cmsg 2: expected cmsg_level 0 cmsg_type 11 but the target returned no more" in p.stderr
    three = [(SOL_SOCKET, SCM_TIMESTAMPING, timestamping(0, 110000000)),
             (SOL_IP, IP_RECVERR, extended_err()), (SOL_IP, IP_RECVERR, extended_err())]
    p = run(vwire, tmp_path, fake=scenario(three))
    assert p.returncode == 1
    assert "expects 2 control messages but the target returned more" in p.stderr


def test_short_cmsg_data(vwire, tmp_path):
    p = run(vwire, tmp_path, fake=scenario([(SOL_SOCKET, SCM_TIMESTAMPING, timestamping(0, 110000000)),
                                            (SOL_IP, IP_RECVERR, "2a000000")]))
    assert p.returncode == 1
    assert "expected a struct sock_extended_err but got 4 bytes" in p.stderr


@pytest.mark.parametrize("lowat,ok", [(-1, True), (-2, False), (0, False)])
def test_all_ones_int(vwire, tmp_path, lowat, ok):
    p = run(vwire, tmp_path, fake=scenario(lowat=lowat))
    assert p.returncode == (0 if ok else 1), p.stderr
    if not ok:
        assert f"Bad getsockopt optval: expected: 4294967295 actual: {lowat}" in p.stderr


def test_non_fatal_syscall(vwire, tmp_path):
    fake = scenario(write=999)
    p = run(vwire, tmp_path, fake=fake)
    assert p.returncode == 1
    line = line_of(PKT, "write(4")
    want = f"t.pkt:{line}: runtime error in write call: Expected result 1000 but got 999"
    assert want in p.stderr
    p = run(vwire, tmp_path, fake=fake, extra=["--non_fatal=packet"])
    assert p.returncode == 1
    for flag in ("--non_fatal=syscall", "--non_fatal=packet,syscall", "--non_fatal"):
        p = run(vwire, tmp_path, fake=fake, extra=[flag])
        assert p.returncode == 0, (flag, p.stderr)
        assert want in p.stderr


def test_non_fatal_packet(vwire, tmp_path):
    fake = scenario().replace("flags=P. seq=1 ack=1 len=1000", "flags=P. seq=1 ack=1 len=900")
    p = run(vwire, tmp_path, fake=fake)
    assert p.returncode == 1
    line = line_of(PKT, "> P.")
    assert f"t.pkt:{line}: error handling packet:" in p.stderr
    p = run(vwire, tmp_path, fake=fake, extra=["--non_fatal=syscall"])
    assert p.returncode == 1
    p = run(vwire, tmp_path, fake=fake, extra=["--non_fatal=packet"])
    assert p.returncode == 0, p.stderr
    assert f"t.pkt:{line}: error handling packet:" in p.stderr


def test_non_fatal_bad_value(vwire, tmp_path):
    p = run(vwire, tmp_path, extra=["--non_fatal=packets"])
    assert p.returncode == 2
    assert "bad value for --non_fatal" in p.stderr


def test_timeout_secs(vwire, tmp_path):
    slow = PKT.replace("0   socket(", "`sleep 5`\n0   socket(", 1)
    p = run(vwire, tmp_path, pkt=slow, extra=["--timeout_secs=1"], timeout=30)
    assert p.returncode == 1
    assert "time limit of 1 s exceeded" in p.stdout + p.stderr
    for bad in ("0", "x", "-3"):
        p = run(vwire, tmp_path, extra=[f"--timeout_secs={bad}"])
        assert p.returncode == 2
        assert "bad value for --timeout_secs" in p.stderr


def test_timeout_env_still_works(vwire, tmp_path):
    slow = PKT.replace("0   socket(", "`sleep 5`\n0   socket(", 1)
    (tmp_path / "t.pkt").write_text(slow)
    (tmp_path / "t.fake").write_text(scenario())
    p = subprocess.run([str(vwire), f"--target={FAKE}", f"--so_flags={tmp_path / 't.fake'}",
                        str(tmp_path / "t.pkt")], capture_output=True, text=True, timeout=30,
                       env={"VWIRE_TIMEOUT_SECS": "1", "PATH": "/usr/bin:/bin"})
    assert p.returncode == 1
    assert "time limit of 1 s exceeded" in p.stdout + p.stderr


@pytest.mark.parametrize("call", ["getsockname(4, ..., ...) = 0", "getpeername(4, ..., ...) = 0"])
def test_call_outside_the_interface(vwire, tmp_path, call):
    name = call.split("(")[0]
    pkt = PKT.replace("+0  write(4, ..., 1000) = 1000", "+0  " + call, 1)
    p = run(vwire, tmp_path, pkt=pkt)
    assert p.returncode == 1
    assert f"t.pkt:{line_of(pkt, name)}: runtime error in {name} call: {name}() is not part of packetdrill's target interface" in p.stderr


def test_sendmsg_cmsg_needs_level_and_type(vwire, tmp_path):
    bad = PKT.replace("+0  write(4, ..., 1000) = 1000",
                      "+0  sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 1000}], "
                      "msg_control=[{cmsg_level=SOL_SOCKET, cmsg_data=1}]}, 0) = 1000", 1)
    p = run(vwire, tmp_path, pkt=bad)
    assert p.returncode == 1
    assert "needs cmsg_level and cmsg_type" in p.stderr
    good = bad.replace("cmsg_level=SOL_SOCKET, cmsg_data=1", "cmsg_level=SOL_SOCKET, cmsg_type=SO_MARK, cmsg_data=1")
    fake = scenario().replace("call write 1000", "call sendmsg 1000")
    p = run(vwire, tmp_path, pkt=good, fake=fake)
    assert p.returncode == 0, p.stderr
