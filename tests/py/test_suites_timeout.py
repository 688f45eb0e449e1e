"""The runner's per-script limit against the suites' real durations: on the
kernel target a script takes as long as its virtual time on the built-in
stack (TIME-WAIT 60 s, RTO backoff, 3 minutes of SYN retransmission), so
every script must get a limit above that, through its folder's vwire.flags
(`--timeout_secs=N`, which reports/vwire_suite/runner.py honours)."""
import json
import subprocess
import sys

from conftest import ROOT
from vwire_suite_testlib import PYTHON, SUITE

sys.path.insert(0, str(ROOT / "reports"))
from vwire_suite import runner  # noqa: E402

DEFAULT = 60.0     # vwire-suite's --timeout default
SLACK = 20.0       # real-time overhead on a loaded machine, in seconds


def test_timeout_flag_raises_the_limit():
    assert runner.job_timeout(["--ip_version=ipv4", "--timeout_secs=300"], DEFAULT) == 310
    assert runner.job_timeout(["--ip_version=ipv4"], DEFAULT) == DEFAULT


def test_timeout_flag_never_lowers_it():
    assert runner.job_timeout(["--timeout_secs=5"], DEFAULT) == DEFAULT
    assert runner.job_timeout(["--timeout_secs=x"], DEFAULT) == DEFAULT


def test_every_suite_script_fits_its_limit(vwire, tmp_path):
    r = subprocess.run([PYTHON, str(SUITE), "run", str(ROOT / "suites"), "--no-html",
                        "--report", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert r.returncode in (0, 1), r.stderr
    scripts = json.loads((tmp_path / "results.json").read_text())["scripts"]
    assert len(scripts) >= 200
    tight = []
    for s in scripts:
        events = (s["result"] or {}).get("events") or []
        usecs = [e.get(k) or 0 for e in events for k in ("expected_usecs", "actual_usecs")]
        seconds = max(usecs, default=0) / 1e6
        if seconds + SLACK > runner.job_timeout(s["command"]["args"], DEFAULT):
            tight.append(f"{s['id']}: {seconds:.0f} s")
    assert not tight, "scripts that outlast their runner limit on the kernel: " + ", ".join(tight)
