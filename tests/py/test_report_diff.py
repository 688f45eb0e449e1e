"""diff: two runs of the same scripts, the verdicts that differ."""
import pathlib
import re

import pytest

from vwire_suite_testlib import FAKE, run_suite, script


def test_diff_lists_only_the_differing_verdicts(tmp_path):
    for name in ("same.pkt", "changes.pkt"):
        script(tmp_path / "a", name)
    script(tmp_path / "b", "same.pkt")
    script(tmp_path / "b", "changes.pkt", "fail line=6 kind=timing")
    # Same ids in both runs: each run's folder is called s.
    (tmp_path / "a").rename(tmp_path / "s")
    run_suite("run", tmp_path / "s", "--report", tmp_path / "ra", "--no-html")
    (tmp_path / "s").rename(tmp_path / "a")
    (tmp_path / "b").rename(tmp_path / "s")
    run_suite("run", tmp_path / "s", "--report", tmp_path / "rb", "--no-html", "--target", "kernel")
    done = run_suite("diff", tmp_path / "ra" / "results.json", tmp_path / "rb" / "results.json")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1 scripts differ") and "(kernel)" in lines[0]
    assert lines[1].split() == ["s/changes.pkt[ipv4]", "pass", "|", "fail", "(line", "6:", "timing)"]
    same = run_suite("diff", tmp_path / "ra" / "results.json", tmp_path / "ra" / "results.json")
    assert same.returncode == 0 and same.stdout.startswith("0 scripts differ")


def test_diff_targets_runs_each_target_and_compares(tmp_path):
    script(tmp_path / "s", "same.pkt")
    script(tmp_path / "s", "kernel-only.pkt", "require-flag=--target=kernel")
    done = run_suite("diff", "--targets", "vstack,kernel", tmp_path / "s", "--vwire", FAKE,
                     "--report", tmp_path / "d", "-j", "2")
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1 scripts differ") and "(vstack)" in lines[0]
    assert lines[1].split()[:4] == ["s/kernel-only.pkt[ipv4]", "fail", "(line", "1:"]
    assert lines[1].split()[-1] == "pass"
    for target in ("vstack", "kernel"):
        assert (tmp_path / "d" / target / "results.json").is_file()
        assert (tmp_path / "d" / target / "index.html").is_file()
    bad = run_suite("diff", "--targets", "vstack", tmp_path / "s")
    assert bad.returncode == 2 and "at least two" in bad.stderr


def test_diff_names_the_first_differing_event(tmp_path):
    """Recorded runs: the one that fails at the data segment (line 9, its
    ack off by one) shows that packet, next to what the other run sent."""
    script(tmp_path / "a", "x.pkt")
    script(tmp_path / "b", "x.pkt", "fail line=9 kind=field field=tcp_ack")
    for run, report in (("a", "ra"), ("b", "rb")):
        (tmp_path / run).rename(tmp_path / "s")
        run_suite("run", tmp_path / "s", "--report", tmp_path / report, "--no-html")
        (tmp_path / "s").rename(tmp_path / run)
    done = run_suite("diff", tmp_path / "ra" / "results.json", tmp_path / "rb" / "results.json")
    lines = done.stdout.splitlines()
    assert done.returncode == 1
    assert lines[2].split()[:6] == ["first", "difference,", "line", "9", "(outbound", "packet):"]
    assert lines[3].strip() == "vstack: sent P. 1:1001(1000) ack 1"
    assert lines[4].strip().startswith("vstack: failed: field error")
    assert lines[4].endswith("sent P. 1:1001(1000) ack 2 win 257")


def _entry(events, failure=None):
    return {"events": events, "failure": failure}


def _ev(line, status="ok", kind="syscall", text="x", actual=None, direction=None):
    return {"line": line, "type": kind, "direction": direction, "script_text": text,
            "actual_text": actual, "status": status}


def test_first_difference_compares_what_the_script_checks():
    """Scripted options count, their TS values do not; a window or options
    the script leaves open do not either (they follow buffer sizes)."""
    from vwire_suite.diff_events import first_difference

    def sent(script_text, left, right):
        return [_entry([_ev(1), _ev(2, kind="packet", direction="outbound", text=script_text,
                                actual=actual)]) for actual in (left, right)]
    a, b = sent("S. 0:0(0) ack 1 <mss 1460,TS val 100 ecr 0>",
                "S. 0:0(0) ack 1 win 64240 <mss 1460,TS val 1 ecr 0>",
                "S. 0:0(0) ack 1 win 65535 <mss 1460,TS val 777 ecr 0>")
    assert first_difference(a, b) is None
    b["events"][1]["actual_text"] = "S. 0:0(0) ack 1 win 64240 <mss 1400,TS val 7 ecr 0>"
    first = first_difference(a, b)
    assert (first["line"], first["kind"]) == (2, "outbound packet")
    assert first["right"] == "sent S. 0:0(0) ack 1 win 64240 <mss 1400,TS val 7 ecr 0>"
    a, b = sent("P. 1:1001(1000) ack 1 <...>", "P. 1:1001(1000) ack 1 win 256 <nop,nop,sack 1:2>",
                "P. 1:1001(1000) ack 1 win 1050")
    assert first_difference(a, b) is None
    a, b = sent("P. 1:1001(1000) ack 1 win 256", "P. 1:1001(1000) ack 1 win 256",
                "P. 1:1001(1000) ack 1 win 1050")
    assert first_difference(a, b)["left"] == "sent P. 1:1001(1000) ack 1 win 256"
    a, b = sent("P. 1:1001(1000) ack 1", "P. 1:1001(1000) ack 1", "P. 1:501(500) ack 1")
    assert first_difference(a, b)["right"] == "sent P. 1:501(500) ack 1"


def test_first_difference_finds_a_blocking_call_that_returned_late():
    """The record of a blocking call whose return came after later events
    stays ok; the run's failure names its line, and that is where the two
    runs part ways (not at a later packet)."""
    from vwire_suite.diff_events import first_difference
    late = {"line": 2, "kind": "timing", "actual": None,
            "message": "timing error: expected system call return at 0.1 sec"}
    a = _entry([_ev(1), _ev(2), _ev(3, kind="packet", direction="outbound", actual="R 1:1(0)")])
    b = _entry([_ev(1), _ev(2), _ev(3, kind="packet", direction="outbound", actual="R 1:1(0)")],
               late)
    first = first_difference(a, b)
    assert (first["line"], first["left"]) == (2, "returned as scripted")
    assert first["right"] == "failed: timing error: expected system call return at 0.1 sec"
    # One run stopped early: the other's next event is set against nothing.
    short = _entry([_ev(1)])
    assert first_difference(a, short)["right"] == "no such event"
    assert first_difference(a, _entry([])) is None


def test_diff_targets_on_real_stacks_writes_the_event_to_terminal_and_html(tmp_path):
    """vstack against lwIP on a script lwIP fails (RST with ACK set): both
    the terminal and diff.html show line 5 and each stack's RST."""
    from conftest import LIB, VWIRE
    if not (LIB / "vwire-lwip.so").exists() or not VWIRE.exists():
        pytest.skip("needs bin/vwire and lib/vwire-lwip.so (liblwip-dev)")
    folder = tmp_path / "s"
    folder.mkdir()
    src = pathlib.Path(__file__).resolve().parents[1] / "lwip" / "rst-carries-ack.pkt"
    (folder / "rst.pkt").write_text(src.read_text())
    done = run_suite("diff", "--targets", "stack,lwip", folder, "--vwire", VWIRE,
                     "--report", tmp_path / "d", "-j", "1")
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout
    assert "first difference, line 5 (outbound packet): R 5000:5000(0)" in out
    assert "vstack: sent R 5000:5000(0) win 0" in out
    assert "lwip: failed: live packet field tcp_ack" in out
    page = (tmp_path / "d" / "diff.html").read_text()
    assert "1 of 1 scripts differ in verdict" in page
    assert "line 5 (outbound packet): R 5000:5000(0)" in page
    assert "sent R 5000:5000(0) win 0" in page
    assert "failed: live packet field tcp_ack" in page
    # Each verdict links to that target's own page for the script.
    assert 'href="vstack/scripts/' in page and 'href="lwip/scripts/' in page
    for link in re.findall(r'href="([^"]+\.html)"', page):
        assert (tmp_path / "d" / link).is_file(), link
