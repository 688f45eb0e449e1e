"""State assertions on the built-in stack: tcp_state() by descriptor, by
the script's own connection (`...`) and by 4-tuple, through close() and
TIME-WAIT to CLOSE; a wrong one fails with its line; --json records the
transitions with their virtual times."""
import json
import subprocess
import time

from conftest import LISTENER

TUPLE = '"192.0.2.1:40000>192.168.0.1:8080"'
SCRIPT = LISTENER + f"""+0 tcp_state(3) = TCP_LISTEN
+0 < S 0:0(0) win 65535 <mss 1460>
+0 > S. 0:0(0) ack 1 <...>
+0 tcp_state(...) = TCP_SYN_RECV
+.01 < . 1:1(0) ack 1 win 65535
+0 accept(3, ..., ...) = 4
+0 tcp_state(4) = TCP_ESTABLISHED
+0 close(4) = 0
+0 > F. 1:1(0) ack 1
+0 tcp_state(...) = TCP_FIN_WAIT1
+.01 < . 1:1(0) ack 2 win 65535
+0 tcp_state({TUPLE}) = TCP_FIN_WAIT2
+0 < F. 1:1(0) ack 2 win 65535
+0 > . 2:2(0) ack 2
+0 tcp_state(...) = TCP_TIME_WAIT
+0 tcp_state({TUPLE}) = TCP_TIME_WAIT
+0 tcp_state(3) = TCP_LISTEN
+61 tcp_state(...) = TCP_CLOSE
"""


def run(vwire, tmp_path, text, *extra):
    script = tmp_path / "states.pkt"
    script.write_text(text)
    r = subprocess.run([str(vwire), *extra, str(script)], capture_output=True, text=True, timeout=60)
    return script, r


def test_every_state_through_time_wait(vwire, tmp_path):
    out = tmp_path / "s.json"
    began = time.monotonic()
    _, r = run(vwire, tmp_path, SCRIPT, f"--json={out}")
    # 61 s of script time in virtual time: far less than that on the clock.
    assert time.monotonic() - began < 20
    assert r.returncode == 0, r.stderr
    assert json.loads(out.read_text())["virtual_usecs"] >= 61_000_000
    conn = "192.0.2.1:40000>192.168.0.1:8080"
    seen = [(s["from"], s["to"], s["usecs"]) for s in json.loads(out.read_text())["states"]
            if s["conn"] == conn]
    assert seen == [("CLOSE", "SYN_RECV", 0), ("SYN_RECV", "ESTABLISHED", 10000),
                    ("ESTABLISHED", "FIN_WAIT1", 10000), ("FIN_WAIT1", "FIN_WAIT2", 20000),
                    ("FIN_WAIT2", "TIME_WAIT", 20000), ("TIME_WAIT", "CLOSE", 60020000)]


def test_a_wrong_state_fails_on_its_line(vwire, tmp_path):
    for old, new, line in (("+0 tcp_state(...) = TCP_TIME_WAIT", "+0 tcp_state(...) = TCP_CLOSE_WAIT", 19),
                           (f"+0 tcp_state({TUPLE}) = TCP_FIN_WAIT2",
                            f"+0 tcp_state({TUPLE}) = TCP_FIN_WAIT1", 16),
                           ("+0 tcp_state(4) = TCP_ESTABLISHED", "+0 tcp_state(4) = TCP_SYN_RECV", 11)):
        script, r = run(vwire, tmp_path, SCRIPT.replace(old, new, 1))
        assert r.returncode == 1, new
        assert r.stderr.startswith(f"{script}:{line}: runtime error in tcp_state call: Expected state "), r.stderr


def test_time_wait_ends_after_60_seconds_not_before(vwire, tmp_path):
    _, r = run(vwire, tmp_path, SCRIPT.replace("+61 tcp_state(...) = TCP_CLOSE",
                                               "+59 tcp_state(...) = TCP_TIME_WAIT\n+2 tcp_state(...) = TCP_CLOSE"))
    assert r.returncode == 0, r.stderr


def test_an_unknown_tuple_is_closed(vwire, tmp_path):
    _, r = run(vwire, tmp_path, SCRIPT + '+0 tcp_state("192.0.2.9:1>192.168.0.1:8080") = TCP_CLOSE\n')
    assert r.returncode == 0, r.stderr


def test_ipv6_tuples_are_bracketed(vwire, tmp_path):
    v6 = SCRIPT.replace(TUPLE, '"[fd3d:fa7b:d17d::1]:40000>[fd3d:a0b:17d6::1]:8080"')
    _, r = run(vwire, tmp_path, v6, "--ip_version=ipv6")
    assert r.returncode == 0, r.stderr
    # The IPv4 spelling names no IPv6 connection: it reads as closed.
    script, r = run(vwire, tmp_path, SCRIPT, "--ip_version=ipv6")
    assert r.returncode == 1
    assert f"{script}:16: runtime error in tcp_state call: Expected state TCP_FIN_WAIT2 but got TCP_CLOSE" in r.stderr
