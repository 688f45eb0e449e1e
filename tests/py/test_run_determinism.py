"""The same script on the built-in stack, run 100 times (one bin/vwire,
a child process each), gives the same verdict and the same --json apart
from the wall-clock field: virtual time makes runs repeat exactly, a
passing one and a failing one alike."""
import json
import subprocess

from conftest import LISTENER

RUNS = 100
# Timers of every kind: two retransmissions at times the stack picks (the
# script takes them whenever they come, the JSON records when), FIN, then
# TIME-WAIT's 60 s.
TIMERS = LISTENER + """+0 < S 0:0(0) win 65535 <mss 1460>
+0 > S. 0:0(0) ack 1 <...>
+.1 < . 1:1(0) ack 1 win 65535
+0 accept(3, ..., ...) = 4
+0 write(4, ..., 1000) = 1000
+0 > P. 1:1001(1000) ack 1
* > P. 1:1001(1000) ack 1
* > P. 1:1001(1000) ack 1
+0 < . 1:1(0) ack 1001 win 65535
+0 close(4) = 0
+0 > F. 1001:1001(0) ack 1
+.01 < F. 1:1(0) ack 1002 win 65535
+0 > . 1002:1002(0) ack 2
+61 tcp_state(...) = TCP_CLOSE
"""
# The built-in stack's SYN-ACK carries options and its own window: expecting
# window 1000 fails on line 6 the same way every time.
FAILING = TIMERS.replace("+0 > S. 0:0(0) ack 1 <...>", "+0 > S. 0:0(0) ack 1 win 1000")


def hundred_runs(vwire, tmp_path, text):
    script = tmp_path / "s.pkt"
    script.write_text(text)
    out = tmp_path / "r.json"
    r = subprocess.run([str(vwire), "-j", "2", f"--json={out}", *[str(script)] * RUNS],
                       capture_output=True, text=True, timeout=600)
    results = []
    for i in range(RUNS):
        d = json.loads((tmp_path / f"r.json.{i}").read_text())
        d.pop("wall_usecs")
        results.append(d)
    return r, results


def test_hundred_passing_runs_give_one_result(vwire, tmp_path):
    r, results = hundred_runs(vwire, tmp_path, TIMERS)
    assert r.returncode == 0 and r.stdout.count("PASS ") == RUNS, r.stdout[-2000:]
    assert len({json.dumps(d, sort_keys=True) for d in results}) == 1
    retransmits = [e["actual_usecs"] for e in results[0]["events"] if e["line"] in (11, 12)]
    assert len(retransmits) == 2 and 0 < retransmits[0] < retransmits[1]


def test_hundred_failing_runs_give_one_result(vwire, tmp_path):
    r, results = hundred_runs(vwire, tmp_path, FAILING)
    assert r.returncode == 1 and r.stdout.count("FAIL ") == RUNS, r.stdout[-2000:]
    assert all(d["verdict"] == "fail" and d["failure"]["line"] == 6 for d in results)
    assert len({json.dumps(d, sort_keys=True) for d in results}) == 1
