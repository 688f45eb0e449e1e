"""-v / --verbose: every packet and every call, as it happens, with its
time, on the fake target; nothing of it without the flag."""
import subprocess

import pytest

from conftest import FAKE_TARGET as FAKE, fake_handshake


def run(vwire, tmp_path, *extra):
    script, fake = fake_handshake(tmp_path)
    return subprocess.run([str(vwire), *extra, f"--target={FAKE}", f"--so_flags={fake}", str(script)],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("flag", ["-v", "--verbose"])
def test_verbose_prints_every_packet_and_call_in_order(vwire, tmp_path, flag):
    r = run(vwire, tmp_path, flag)
    assert r.returncode == 0, r.stderr
    lines = (r.stdout + r.stderr).splitlines()
    want = [
        "0.000000 socket(...) returned 3",
        "0.000000 bind(...) returned 0",
        "0.000000 listen(...) returned 0",
        "0.000000 < 192.0.2.1:40000 > 192.168.0.1:8080 S 0:0(0) win 32792",
        "0.000000 > 192.168.0.1:8080 > 192.0.2.1:40000 S. 0:0(0) ack 1 win 65535",
        "0.100000 < 192.0.2.1:40000 > 192.168.0.1:8080 . 1:1(0) ack 1 win 257",
        "0.100000 accept(...) returned 4",
        "0.100000 write(...) returned 1000",
        "0.100000 > 192.168.0.1:8080 > 192.0.2.1:40000 P. 1:1001(1000) ack 1",
    ]
    events = [l for l in lines if l[:1].isdigit()]
    assert len(events) == len(want), lines
    for got, expected in zip(events, want):
        assert got.startswith(expected), (got, expected)


def test_quiet_without_the_flag(vwire, tmp_path):
    r = run(vwire, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "" and r.stderr == ""
