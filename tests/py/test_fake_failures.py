"""The run loop against the fake target: every kind of failure is caught
and reported with the right line and wording, and the passing variants
pass. Each case changes one thing in tests/runloop/handshake.{pkt,fake}."""
import json
import pathlib
import shutil
import subprocess

import pytest

from conftest import BUILD, ROOT

FAKE = BUILD / "tests" / "libfake-target.so"
RUNLOOP = ROOT / "tests" / "runloop"
BASE_PKT = (RUNLOOP / "handshake.pkt").read_text()
BASE_FAKE = (RUNLOOP / "handshake.fake").read_text()


def run(vwire, tmp_path, pkt=BASE_PKT, fake=BASE_FAKE, extra=(), name="t.pkt"):
    if not FAKE.exists():
        pytest.fail(f"{FAKE} is not built: run make")
    script = tmp_path / name
    script.write_text(pkt)
    scen = tmp_path / (name + ".fake")
    scen.write_text(fake)
    cmd = [str(vwire), f"--target={FAKE}", f"--so_flags={scen}", *extra, str(script)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    return p


def line_of(text, needle):
    for i, l in enumerate(text.splitlines(), 1):
        if needle in l:
            return i
    raise AssertionError(needle)


def test_pass(vwire, tmp_path):
    p = run(vwire, tmp_path)
    assert p.returncode == 0, p.stderr
    assert p.stderr == ""


# (what the fake does differently, the error text expected, the script line)
FIELD_CASES = [
    ("flags=S. seq=0 ack=1", "flags=. seq=0 ack=1", "tcp_syn", "> S."),
    ("flags=P. seq=1 ack=1 len=1000", "flags=P. seq=5 ack=1 len=1000", "tcp_seq", "> P."),
    ("flags=S. seq=0 ack=1", "flags=S. seq=0 ack=2", "tcp_ack_seq", "> S."),
    ("flags=P. seq=1 ack=1 len=1000", "flags=. seq=1 ack=1 len=1000", "tcp_psh", "> P."),
]


@pytest.mark.parametrize("old,new,field,where", FIELD_CASES)
def test_wrong_field(vwire, tmp_path, old, new, field, where):
    p = run(vwire, tmp_path, fake=BASE_FAKE.replace(old, new))
    assert p.returncode == 1
    line = line_of(BASE_PKT, where)
    assert f"t.pkt:{line}: error handling packet:" in p.stderr
    assert field in p.stderr
    assert "script packet:" in p.stderr and "actual packet:" in p.stderr


def test_wrong_window(vwire, tmp_path):
    pkt = BASE_PKT.replace("> P. 1:1001(1000) ack 1", "> P. 1:1001(1000) ack 1 win 65535")
    assert run(vwire, tmp_path, pkt=pkt).returncode == 0
    p = run(vwire, tmp_path, pkt=pkt.replace("win 65535", "win 1000"))
    assert p.returncode == 1 and "tcp_window" in p.stderr


@pytest.mark.parametrize("opts", [
    "mss:1400,nop,nop,sackOK,nop,wscale:7",
    "mss:1460,nop,nop,sackOK,nop,wscale:6",
    "mss:1460,nop,nop,nop,nop,wscale:7",
    "mss:1460,nop,nop,sackOK,nop,wscale:7,nop,nop,ts:1:2",
])
def test_wrong_option(vwire, tmp_path, opts):
    fake = BASE_FAKE.replace("mss:1460,nop,nop,sackOK,nop,wscale:7", opts)
    p = run(vwire, tmp_path, fake=fake)
    assert p.returncode == 1
    assert f"t.pkt:{line_of(BASE_PKT, '> S.')}:" in p.stderr
    assert "option" in p.stderr.lower()


def test_wrong_payload_length(vwire, tmp_path):
    p = run(vwire, tmp_path, fake=BASE_FAKE.replace("len=1000", "len=1200"))
    assert p.returncode == 1
    assert f"t.pkt:{line_of(BASE_PKT, '> P.')}:" in p.stderr


def test_segments_join_unless_strict(vwire, tmp_path):
    fake = BASE_FAKE.replace("emit after=2 delay=0 flags=P. seq=1 ack=1 len=1000",
                             "emit after=2 delay=0 flags=. seq=1 ack=1 len=500\n"
                             "emit after=2 delay=0 flags=P. seq=501 ack=1 len=500")
    assert run(vwire, tmp_path, fake=fake).returncode == 0
    p = run(vwire, tmp_path, fake=fake, extra=["--strict_segments"])
    assert p.returncode == 1


def test_packet_too_late(vwire, tmp_path):
    p = run(vwire, tmp_path, fake=BASE_FAKE.replace("after=2 delay=0", "after=2 delay=200000"))
    assert p.returncode == 1
    assert ("timing error: expected outbound packet at 0.100000 sec but happened at "
            "0.300000 sec; tolerance 0.004000 sec") in p.stderr


def test_packet_too_early(vwire, tmp_path):
    pkt = BASE_PKT.replace("+0  > P. 1:1001(1000)", "+.2 > P. 1:1001(1000)")
    p = run(vwire, tmp_path, pkt=pkt)
    assert p.returncode == 1
    assert "expected outbound packet at 0.300000 sec but happened at 0.100000 sec" in p.stderr


def test_tolerance_widens(vwire, tmp_path):
    fake = BASE_FAKE.replace("after=2 delay=0", "after=2 delay=3000")
    assert run(vwire, tmp_path, fake=fake).returncode == 0
    fake = BASE_FAKE.replace("after=2 delay=0", "after=2 delay=6000")
    assert run(vwire, tmp_path, fake=fake).returncode == 1
    assert run(vwire, tmp_path, fake=fake, extra=["--tolerance_usecs=7000"]).returncode == 0


def test_packet_missing(vwire, tmp_path):
    fake = "\n".join(l for l in BASE_FAKE.splitlines() if "len=1000" not in l)
    p = run(vwire, tmp_path, fake=fake)
    assert p.returncode == 1
    assert f"t.pkt:{line_of(BASE_PKT, '> P.')}: error handling packet: Timed out waiting for packet" in p.stderr


def test_unexpected_packet(vwire, tmp_path):
    fake = BASE_FAKE + "emit after=2 delay=0 flags=R. seq=1 ack=1\n"
    fake = fake.replace("emit after=2 delay=0 flags=P.", "emit after=2 delay=10 flags=P.")
    p = run(vwire, tmp_path, fake=fake)
    assert p.returncode == 1
    assert f"t.pkt:{line_of(BASE_PKT, '> P.')}: error handling packet:" in p.stderr
    assert "actual packet: 0.100000 R. 1:1(0) ack 1" in p.stderr


@pytest.mark.parametrize("fake_line,script_old,script_new,text", [
    ("call write 1000", "write(4, ..., 1000) = 1000", "write(4, ..., 1000) = 999",
     "runtime error in write call: Expected result 999 but got 1000 with errno 0 (Success)"),
    ("call write 1000", "call write 1000", None, None),
])
def test_call_result(vwire, tmp_path, fake_line, script_old, script_new, text):
    if script_new is None:
        return
    pkt = BASE_PKT.replace(script_old, script_new)
    p = run(vwire, tmp_path, pkt=pkt)
    assert p.returncode == 1
    assert f"t.pkt:{line_of(pkt, 'write(')}: {text}" in p.stderr


def test_call_errno(vwire, tmp_path):
    fake = BASE_FAKE.replace("call write 1000", "call write -1 errno=11")
    pkt = BASE_PKT.replace("write(4, ..., 1000) = 1000",
                           "write(4, ..., 1000) = -1 EAGAIN (Resource temporarily unavailable)")
    pkt = pkt.replace("+0  > P. 1:1001(1000) ack 1\n", "")
    assert run(vwire, tmp_path, pkt=pkt, fake=fake).returncode == 0
    fake = fake.replace("errno=11", "errno=32")
    p = run(vwire, tmp_path, pkt=pkt, fake=fake)
    assert p.returncode == 1
    assert "Expected errno 11 (Resource temporarily unavailable) but got 32 (Broken pipe)" in p.stderr


def test_out_parameter(vwire, tmp_path):
    pkt = BASE_PKT + "+0 getsockopt(4, SOL_SOCKET, SO_ERROR, [0], [4]) = 0\n"
    assert run(vwire, tmp_path, pkt=pkt, fake=BASE_FAKE + "call getsockopt 0 int=0\n").returncode == 0
    p = run(vwire, tmp_path, pkt=pkt, fake=BASE_FAKE + "call getsockopt 0 int=104\n")
    assert p.returncode == 1
    assert "Bad getsockopt optval: expected: 0 actual: 104" in p.stderr
    pkt = BASE_PKT + "+0 poll([{fd=4, events=POLLIN, revents=POLLIN}], 1, 0) = 1\n"
    assert run(vwire, tmp_path, pkt=pkt, fake=BASE_FAKE + "call poll 1 revents=1\n").returncode == 0
    p = run(vwire, tmp_path, pkt=pkt, fake=BASE_FAKE + "call poll 1 revents=4\n")
    assert p.returncode == 1 and "revents" in p.stderr


def test_blocking_call(vwire, tmp_path):
    # Starts at 0.100; "+0...0.200": returns 0.200 after the previous event.
    pkt = BASE_PKT.replace("+0  accept(3, ..., ...) = 4", "+0...0.200 accept(3, ..., ...) = 4")
    pkt = pkt.replace("+0  write(4", "+.2 write(4")
    fake = BASE_FAKE.replace("call accept 4", "call accept 4 block=time:300000")
    fake = fake.replace("after=2 delay=0", "after=2 delay=200000")
    p = run(vwire, tmp_path, pkt=pkt, fake=fake)
    assert p.returncode == 0, p.stderr
    p = run(vwire, tmp_path, pkt=pkt, fake=fake.replace("time:300000", "time:250000"))
    assert p.returncode == 1
    assert "expected system call return at 0.300000 sec but happened at 0.250000 sec" in p.stderr


def test_unmarked_blocking_call(vwire, tmp_path):
    fake = BASE_FAKE.replace("call accept 4", "call accept 4 block=time:900000")
    p = run(vwire, tmp_path, fake=fake)
    assert p.returncode == 1
    assert "call blocked" in p.stderr


def test_command(vwire, tmp_path):
    pkt = "`true`\n" + BASE_PKT
    assert run(vwire, tmp_path, pkt=pkt).returncode == 0
    pkt = BASE_PKT + "+0 `exit 3`\n"
    p = run(vwire, tmp_path, pkt=pkt)
    assert p.returncode == 1
    assert f"t.pkt:{line_of(pkt, 'exit 3')}: command failed with exit status 3" in p.stderr


def test_command_ppid_is_vwire(vwire, tmp_path):
    pkt = BASE_PKT + '+0 `test "$PPID" = "$PACKETDRILL_PID" && test -f t.pkt`\n'
    p = run(vwire, tmp_path, pkt=pkt)
    assert p.returncode == 0, p.stderr


def test_code_assert(vwire, tmp_path):
    pkt = BASE_PKT + "+0 %{\nassert tcpi_snd_cwnd == 10, tcpi_snd_cwnd\n}%\n"
    assert run(vwire, tmp_path, pkt=pkt).returncode == 0
    pkt = BASE_PKT + "+0 %{\nassert tcpi_snd_cwnd == 11, tcpi_snd_cwnd\n}%\n"
    p = run(vwire, tmp_path, pkt=pkt)
    assert p.returncode == 1
    assert "error in Python code" in p.stderr


def test_tcp_state(vwire, tmp_path):
    pkt = BASE_PKT + "+0 tcp_state(4) = TCP_ESTABLISHED\n"
    assert run(vwire, tmp_path, pkt=pkt, fake=BASE_FAKE + "conn fd=4 state=1\n").returncode == 0
    p = run(vwire, tmp_path, pkt=pkt, fake=BASE_FAKE + "conn fd=4 state=8\n")
    assert p.returncode == 1 and "Expected state TCP_ESTABLISHED but got TCP_CLOSE_WAIT" in p.stderr


def test_json_output(vwire, tmp_path):
    out = tmp_path / "r.json"
    p = run(vwire, tmp_path, fake=BASE_FAKE.replace("len=1000", "len=900"),
            extra=[f"--json={out}"])
    assert p.returncode == 1
    r = json.loads(out.read_text())
    for k in ["format", "script", "target", "ip_version", "verdict", "exit_code", "failure",
              "error_text", "events", "states", "pcap", "virtual_usecs", "wall_usecs"]:
        assert k in r
    assert r["verdict"] == "fail" and r["exit_code"] == 1
    assert r["failure"]["line"] == line_of(BASE_PKT, "> P.")
    assert r["events"][3]["direction"] == "inbound"
    assert r["events"][4]["fields"]["flags"] == "S."
    assert r["events"][-1]["status"] == "failed"


def test_deterministic_json(vwire, tmp_path):
    seen = set()
    for i in range(100):
        out = tmp_path / "d.json"
        assert run(vwire, tmp_path, extra=[f"--json={out}"]).returncode == 0
        r = json.loads(out.read_text())
        r.pop("wall_usecs")
        seen.add(json.dumps(r, sort_keys=True))
    assert len(seen) == 1


def test_pcap(vwire, tmp_path):
    cap = tmp_path / "r.pcap"
    assert run(vwire, tmp_path, extra=[f"--pcap={cap}"]).returncode == 0
    assert cap.stat().st_size > 24
    if shutil.which("tshark"):
        t = subprocess.run(["tshark", "-r", str(cap)], capture_output=True, text=True, timeout=60)
        assert t.returncode == 0
        assert len(t.stdout.strip().splitlines()) == 4  # S, S., ., P.


def test_several_scripts_one_crashing(vwire, tmp_path):
    good = tmp_path / "good.pkt"
    good.write_text(BASE_PKT)
    (tmp_path / "s.fake").write_text(BASE_FAKE)
    p = subprocess.run([str(vwire), f"--target={FAKE}", f"--so_flags={tmp_path / 's.fake'}",
                        str(good), str(good)], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0
    assert p.stdout.count("PASS ") == 2
    (tmp_path / "abort.fake").write_text("abort\n")
    crash = tmp_path / "crash.pkt"
    crash.write_text(f"--so_flags={tmp_path / 'abort.fake'}\n" + BASE_PKT)
    good2 = tmp_path / "good2.pkt"
    good2.write_text(f"--so_flags={tmp_path / 's.fake'}\n" + BASE_PKT)
    p = subprocess.run([str(vwire), f"--target={FAKE}", str(crash), str(good2)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1
    assert f"FAIL {crash}: killed by signal SIGABRT" in p.stdout
    assert f"PASS {good2}" in p.stdout
