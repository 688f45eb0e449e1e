"""--tolerance_percent on the fake target: the window around an expected
time grows by that share of the time since the previous event, on top of
--tolerance_usecs (as packetdrill's)."""
import subprocess

import pytest

from conftest import BUILD, ROOT

FAKE = BUILD / "tests" / "libfake-target.so"
RUNLOOP = ROOT / "tests" / "runloop"
# The data packet is expected 0.2 s after the write, and comes 9 ms late.
PKT = (RUNLOOP / "handshake.pkt").read_text().replace("+0  > P. 1:1001(1000)", "+.2 > P. 1:1001(1000)")
FAKE_SCENARIO = (RUNLOOP / "handshake.fake").read_text().replace("after=2 delay=0", "after=2 delay=209000")


def run(vwire, tmp_path, *extra):
    if not FAKE.exists():
        pytest.fail(f"{FAKE} is not built: run make")
    script = tmp_path / "t.pkt"
    script.write_text(PKT)
    fake = tmp_path / "t.fake"
    fake.write_text(FAKE_SCENARIO)
    return subprocess.run([str(vwire), *extra, f"--target={FAKE}", f"--so_flags={fake}", str(script)],
                          capture_output=True, text=True, timeout=60)


def test_late_beyond_the_fixed_tolerance_fails(vwire, tmp_path):
    r = run(vwire, tmp_path)
    assert r.returncode == 1
    assert ("expected outbound packet at 0.300000 sec but happened at 0.309000 sec; "
            "tolerance 0.004000 sec") in r.stderr


def test_percent_widens_in_proportion_to_the_gap(vwire, tmp_path):
    # 4 ms + 5% of 200 ms = 14 ms: the 9 ms lateness fits.
    r = run(vwire, tmp_path, "--tolerance_percent=5")
    assert r.returncode == 0, r.stderr
    # 4 ms + 2% of 200 ms = 8 ms: it does not, and the message says so.
    r = run(vwire, tmp_path, "--tolerance_percent=2")
    assert r.returncode == 1
    assert "tolerance 0.008000 sec" in r.stderr
