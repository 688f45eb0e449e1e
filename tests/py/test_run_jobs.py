"""bin/vwire -j N / --jobs=N: several scripts run at once, each in a child
of its own, with verdict lines and each script's own output printed in
command-line order; the exit code is the worst script's."""
import subprocess
import time

import pytest

SLOW_PASS = ("0 `sleep 0.4`\n"
             "+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n")
QUICK_FAIL = ("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
              "+0 close(3) = -1 EBADF (Bad file descriptor)\n")


def _run(vwire, cwd, *args):
    t0 = time.monotonic()
    p = subprocess.run([str(vwire), *args], cwd=cwd, capture_output=True,
                       text=True, timeout=60)
    return p, time.monotonic() - t0


@pytest.fixture
def scripts(tmp_path):
    (tmp_path / "slow.pkt").write_text(SLOW_PASS)
    (tmp_path / "fail.pkt").write_text(QUICK_FAIL)
    return tmp_path


def test_output_keeps_command_line_order(vwire, scripts):
    # The slow script finishes last but is printed first, with its own
    # stderr before the failing script's.
    args = ["slow.pkt", "fail.pkt", "slow.pkt", "fail.pkt"]
    par, _ = _run(vwire, scripts, "-j", "4", *args)
    ser, _ = _run(vwire, scripts, "--jobs=1", *args)
    assert par.returncode == 1 and ser.returncode == 1
    lines = par.stdout.splitlines()
    assert [l.split(":")[0] for l in lines] == \
        ["PASS slow.pkt", "FAIL fail.pkt", "PASS slow.pkt", "FAIL fail.pkt"]
    assert "fail.pkt:2" in lines[1]
    assert par.stdout == ser.stdout
    assert par.stderr == ser.stderr
    assert par.stderr.count("fail.pkt:2:") == 2


def test_scripts_overlap_in_time(vwire, scripts):
    _, one = _run(vwire, scripts, "-j", "1", *["slow.pkt"] * 4)
    _, four = _run(vwire, scripts, "-j", "4", *["slow.pkt"] * 4)
    assert one >= 1.6          # 4 x 0.4 s one after another
    assert four < one * 0.6    # at once: about one script's time


def test_exit_code_is_the_worst(vwire, scripts):
    p, _ = _run(vwire, scripts, "-j", "2", "slow.pkt", "slow.pkt")
    assert p.returncode == 0
    p, _ = _run(vwire, scripts, "-j", "2", "slow.pkt", "missing.pkt", "fail.pkt")
    assert p.returncode == 2
    assert p.stdout.splitlines()[1].startswith("ERROR missing.pkt")


@pytest.mark.parametrize("bad", ["0", "-1", "x", "2000"])
def test_bad_jobs_value_is_a_usage_error(vwire, scripts, bad):
    p, _ = _run(vwire, scripts, f"--jobs={bad}", "slow.pkt")
    assert p.returncode == 2
    assert "--jobs" in p.stderr
