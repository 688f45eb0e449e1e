"""Running: parallelism, time limits, crashes, broken results, exit codes."""
import os
import pty
import signal
import subprocess
import time

import pytest

from vwire_suite_testlib import (FAKE, PYTHON, SUITE, load, run_suite, script, verdicts,
                                 without_timing)


def test_all_pass_exits_0_and_writes_every_report(tmp_path):
    script(tmp_path / "s", "a.pkt")
    script(tmp_path / "s", "b/c.pkt")
    done = run_suite("run", tmp_path / "s", "--report", tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    out = tmp_path / "out"
    for name in ("results.json", "junit.xml", "index.html"):
        assert (out / name).is_file()
    results = load(out / "results.json")
    assert results["totals"] == {"scripts": 2, "pass": 2, "fail": 0, "error": 0, "flaky": 0}
    for entry in results["scripts"]:
        assert (out / entry["pcap"]).is_file()
        assert (out / "scripts" / (entry["id"].replace("/", "__").replace("[", ".")
                                   .replace("]", "") + ".html")).is_file()
    # Not a terminal: one plain line per script, then the table by folder.
    assert "PASS  s/a.pkt[ipv4]" in done.stdout
    assert "PASS  s/b/c.pkt[ipv4]" in done.stdout
    assert "s/b " in done.stdout and "total" in done.stdout


def test_a_failure_exits_1_and_records_where(tmp_path):
    script(tmp_path / "s", "a.pkt", "fail line=9 kind=field field=tcp_ack")
    script(tmp_path / "s", "b.pkt", "error")
    done = run_suite("run", tmp_path / "s", "--report", tmp_path / "out")
    assert done.returncode == 1
    results = load(tmp_path / "out" / "results.json")
    assert verdicts(results) == {"s/a.pkt[ipv4]": "fail", "s/b.pkt[ipv4]": "error"}
    failure = results["scripts"][0]["result"]["failure"]
    assert (failure["line"], failure["kind"], failure["field"]) == (9, "field", "tcp_ack")
    assert "FAIL  s/a.pkt[ipv4]" in done.stdout and "(line 9: field)" in done.stdout


def test_parallel_is_faster_and_gives_identical_results(tmp_path):
    for n in range(4):
        script(tmp_path / "s", f"sleep{n}.pkt", "sleep=0.4",
               *(["fail line=5 kind=timing"] if n == 2 else []))
    timings, documents = {}, {}
    for jobs in (1, 2):
        started = time.monotonic()
        done = run_suite("run", tmp_path / "s", "-j", jobs, "--report", tmp_path / f"out{jobs}",
                         "--no-html")
        timings[jobs] = time.monotonic() - started
        assert done.returncode == 1
        documents[jobs] = without_timing(load(tmp_path / f"out{jobs}" / "results.json"))
    assert timings[1] >= 1.6
    assert timings[2] < timings[1] - 0.5, timings
    # Apart from where the reports went, the two runs recorded the same thing.
    one = str(documents[1]).replace("out1", "outN")
    two = str(documents[2]).replace("out2", "outN")
    assert one == two


def test_a_hung_script_is_killed_and_reported(tmp_path):
    script(tmp_path / "s", "hang.pkt", "hang")
    script(tmp_path / "s", "ok.pkt")
    started = time.monotonic()
    done = run_suite("run", tmp_path / "s", "--timeout", "1", "--report", tmp_path / "out",
                     timeout=30)
    assert time.monotonic() - started < 10
    assert done.returncode == 1
    results = load(tmp_path / "out" / "results.json")
    hung = results["scripts"][0]
    assert hung["id"] == "s/hang.pkt[ipv4]"
    assert (hung["verdict"], hung["reason"]) == ("fail", "timeout after 1 s")
    assert hung["duration_usecs"] >= 1_000_000
    assert results["scripts"][1]["verdict"] == "pass"
    # The whole process group was killed: the fake and its child are gone.
    pids = (tmp_path / "s" / ".hang.pids").read_text().split()
    assert len(pids) == 2
    for pid in pids:
        assert not os.path.exists(f"/proc/{pid}") or "Z" in _state(pid), pid


def _state(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return "gone"


def test_a_crash_is_a_failure_named_by_its_signal(tmp_path):
    script(tmp_path / "s", "crash.pkt", "crash")
    done = run_suite("run", tmp_path / "s", "--report", tmp_path / "out")
    assert done.returncode == 1
    entry = load(tmp_path / "out" / "results.json")["scripts"][0]
    assert (entry["verdict"], entry["reason"], entry["result"]) == ("fail", "crash: SIGSEGV", None)
    assert "crash: SIGSEGV" in done.stdout


def test_missing_or_invalid_result_json_is_an_error(tmp_path):
    script(tmp_path / "s", "nojson.pkt", "nojson")
    script(tmp_path / "s", "badjson.pkt", "badjson")
    done = run_suite("run", tmp_path / "s", "--report", tmp_path / "out")
    assert done.returncode == 1
    by_id = {e["id"]: e for e in load(tmp_path / "out" / "results.json")["scripts"]}
    assert by_id["s/nojson.pkt[ipv4]"]["verdict"] == "error"
    assert by_id["s/nojson.pkt[ipv4]"]["reason"] == "no result JSON (exit 0)"
    assert by_id["s/badjson.pkt[ipv4]"]["verdict"] == "error"
    assert by_id["s/badjson.pkt[ipv4]"]["reason"].startswith("bad result JSON: ")


def test_rerun_failures_marks_a_late_pass_flaky(tmp_path):
    script(tmp_path / "s", "flaky.pkt", "flaky")
    script(tmp_path / "s", "broken.pkt", "fail line=3")
    done = run_suite("run", tmp_path / "s", "--rerun-failures", "2", "--report", tmp_path / "out")
    assert done.returncode == 1
    by_id = {e["id"]: e for e in load(tmp_path / "out" / "results.json")["scripts"]}
    flaky, broken = by_id["s/flaky.pkt[ipv4]"], by_id["s/broken.pkt[ipv4]"]
    assert (flaky["verdict"], flaky["flaky"], flaky["attempts"]) == ("pass", True, 2)
    assert (broken["verdict"], broken["flaky"], broken["attempts"]) == ("fail", False, 3)
    assert "FLAKY s/flaky.pkt[ipv4]" in done.stdout


def test_the_target_and_extra_flags_are_passed(tmp_path):
    script(tmp_path / "s", "a.pkt", "require-flag=--extra=1")
    done = run_suite("run", tmp_path / "s", "--target", "kernel", "--flags", "--extra=1 -v",
                     "--report", tmp_path / "out")
    assert done.returncode == 0, done.stdout
    entry = load(tmp_path / "out" / "results.json")["scripts"][0]
    assert entry["command"]["args"] == ["--ip_version=ipv4", "--target=kernel", "--extra=1", "-v"]
    assert entry["result"]["target"] == "kernel"


def test_progress_bar_on_a_terminal_plain_lines_otherwise():
    import io
    from vwire_suite.progress import Progress
    entry = {"id": "s/a.pkt[ipv4]", "verdict": "fail", "flaky": False, "reason": "timeout after 1 s",
             "result": None, "duration_usecs": 1000}
    bar = io.StringIO()
    progress = Progress(2, stream=bar, tty=True)
    progress.done(entry)
    progress.done(dict(entry, verdict="pass", reason=None))
    text = bar.getvalue()
    assert text.startswith("\r[") and "1/2 1 not passing" in text and "2/2" in text
    assert text.endswith("\n") and text.count("\n") == 1
    plain = io.StringIO()
    Progress(1, stream=plain, tty=False).done(entry)
    assert plain.getvalue() == "[1/1] FAIL  s/a.pkt[ipv4]  1 ms  (timeout after 1 s)\n"


def test_default_jobs_is_every_core(tmp_path):
    cores = len(os.sched_getaffinity(0))
    if cores < 2:
        pytest.skip("one core: nothing runs side by side")
    for n in range(cores):
        script(tmp_path / "s", f"sleep{n}.pkt", "sleep=1")
    done = run_suite("run", tmp_path / "s", "--report", tmp_path / "out", "--no-html")
    assert done.returncode == 0, done.stdout + done.stderr
    results = load(tmp_path / "out" / "results.json")
    alone = sum(e["duration_usecs"] for e in results["scripts"])
    # All of them at once: the run takes about one script's time, not the sum.
    assert results["wall_usecs"] < alone * 0.75, (results["wall_usecs"], alone)


def test_a_terminal_gets_the_live_bar(tmp_path):
    script(tmp_path / "s", "a.pkt")
    script(tmp_path / "s", "b.pkt", "fail line=3")
    primary, secondary = pty.openpty()
    try:
        proc = subprocess.run([PYTHON, str(SUITE), "run", str(tmp_path / "s"), "--vwire", str(FAKE),
                               "--report", str(tmp_path / "out")],
                              stdout=secondary, stderr=subprocess.PIPE, timeout=60)
        os.close(secondary)
        secondary = None
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:          # EIO: the other side is closed and drained
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if secondary is not None:
            os.close(secondary)
        os.close(primary)
    text = b"".join(chunks).decode()
    assert proc.returncode == 1
    # The bar redraws one line in place (\r), then the table follows.
    assert "\r[" in text and "2/2 1 not passing" in text
    assert "[1/2] PASS" not in text and "total" in text


def test_interrupting_a_run_kills_its_scripts(tmp_path):
    script(tmp_path / "s", "hang.pkt", "hang")
    pids_file = tmp_path / "s" / ".hang.pids"
    proc = subprocess.Popen([PYTHON, str(SUITE), "run", str(tmp_path / "s"), "--vwire", str(FAKE),
                             "--report", str(tmp_path / "out")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 20
        while not (pids_file.exists() and len(pids_file.read_text().split()) == 2):
            assert time.monotonic() < deadline and proc.poll() is None, "the script never started"
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130 and "interrupted" in err
    for pid in pids_file.read_text().split():
        assert not os.path.exists(f"/proc/{pid}") or "Z" in _state(pid), pid
