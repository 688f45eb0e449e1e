"""HTML reports without a browser: what the pages say, the ladder layout,
the state timeline, the field comparison, and that nothing is fetched."""
import re

import pytest

from vwire_suite_testlib import run_suite, script
from vwire_suite import html, ladder


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("html")
    script(root / "s", "close/ok.pkt")
    script(root / "s", "close/bad.pkt", "fail line=9 kind=field field=tcp_ack")
    script(root / "s", "conn/crash.pkt", "crash")
    (root / "s" / "close" / "README.md").write_text(
        "# close\n\n| script | what it checks | RFC |\n|---|---|---|\n"
        "| `ok.pkt` | orderly close | RFC 9293 §3.6 |\n"
        "| [bad.pkt](bad.pkt) | FIN ack | RFC 9293 §3.10.7.4 |\n")
    run_suite("run", root / "s", "--report", root / "out")
    return root / "out"


def test_index_has_totals_folders_rfc_and_slowest(report):
    index = (report / "index.html").read_text()
    assert "vwire conformance report" in index
    assert re.search(r'<div class="n">3</div><div class="l">scripts', index)
    assert re.search(r'<div class="n">1</div><div class="l">passed', index)
    folders = index.split('id="folders"')[1].split("</section>")[0]
    assert "s/close" in folders and "s/conn" in folders
    rfc = index.split('id="rfc"')[1].split("</section>")[0]
    assert "RFC 9293" in rfc and "§3.10.7.4" in rfc
    assert 'id="slowest"' in index
    assert 'href="scripts/s__close__bad.pkt.ipv4.html"' in index


def test_failing_page_has_ladder_comparison_timeline_and_pcap(report):
    page = (report / "scripts" / "s__close__bad.pkt.ipv4.html").read_text()
    assert "<svg" in page
    arrows = re.findall(r'<line class="arrow (inbound|outbound) (ok|failed|not_reached)"', page)
    assert ("inbound", "ok") in arrows and ("outbound", "failed") in arrows
    assert 'id="field-comparison"' in page
    # the differing ack is highlighted on both sides
    assert re.search(r'<span class="tok diff expected">1</span>', page)
    assert re.search(r'<span class="tok diff actual">2</span>', page)
    assert "LISTEN" in page and "SYN_RECV" in page and 'class="timeline"' in page
    assert 'href="../pcap/s__close__bad.pkt.ipv4.pcap"' in page
    assert (report / "pcap" / "s__close__bad.pkt.ipv4.pcap").is_file()


def test_crash_page_says_why(report):
    page = (report / "scripts" / "s__conn__crash.pkt.ipv4.html").read_text()
    assert "crash: SIGSEGV" in page and "No events recorded" in page


def test_pages_fetch_nothing(report):
    for page in [report / "index.html", *(report / "scripts").glob("*.html")]:
        text = page.read_text()
        assert not re.search(r'(src|href)="(https?:)?//', text), page
        assert not re.search(r'url\(\s*["\']?(https?:)?//', text), page
        # The one absolute URL allowed is the SVG namespace, which is a name.
        assert set(re.findall(r'https?://[^"\s)]*', text)) <= {"http://www.w3.org/2000/svg"}, page
        assert "<link" not in text and "<script" not in text and "@import" not in text
        assert "<style>" in text


def test_field_diff_marks_only_what_differs():
    left, right = html.field_diff("F. 1:1(0) ack 2", "F. 1:1(0) ack 3 win 257")
    assert left == [("F.", ""), ("1:1(0)", ""), ("ack", ""), ("2", "diff")]
    # The window the script leaves out is extra, not a difference.
    assert right == [("F.", ""), ("1:1(0)", ""), ("ack", ""), ("3", "diff"),
                     ("win", "extra"), ("257", "extra")]
    left, right = html.field_diff("close(4) = 0", "close(4) = -1 EBADF")
    assert left == [("close(4)", ""), ("=", ""), ("0", "diff")]
    assert right == [("close(4)", ""), ("=", ""), ("-1", "diff"), ("EBADF", "diff")]
    _, right = html.field_diff("S. 0:0(0) ack 1", "S. 0:0(0) ack 1 win 64240 <mss 1460,nop,wscale 7>")
    assert [mark for _, mark in right] == ["", "", "", "", "extra", "extra", "extra", "extra",
                                           "extra"]


def test_packet_field_rows_ignore_fields_the_script_leaves_out():
    rows = html.packet_field_rows({"expected": "P. 1:11(10) ack 1",
                                   "actual": "P. 1:11(10) ack 5 win 257"}, None)
    by_name = {r["name"]: r for r in rows}
    assert by_name["ack"]["differs"] and not by_name["seq"]["differs"]
    assert not by_name["win"]["differs"]       # not checked by the script


def test_ladder_layout_directions_and_order():
    result = {"events": [
        {"line": 3, "type": "syscall", "script_text": "listen(3, 1) = 0", "actual_text": None,
         "expected_usecs": 0, "actual_usecs": 0, "status": "ok"},
        {"line": 4, "type": "packet", "direction": "inbound", "script_text": "S 0:0(0) win 100",
         "actual_text": "S 0:0(0) win 100", "fields": {"flags": "S", "seq": 0, "end_seq": 0,
         "len": 0, "ack": None, "win": 100, "options": "mss 1000"},
         "expected_usecs": 100000, "actual_usecs": 100000, "status": "ok"},
        {"line": 5, "type": "packet", "direction": "outbound", "script_text": "S. 0:0(0) ack 1",
         "actual_text": "S. 0:0(0) ack 2", "fields": None,
         "expected_usecs": 100000, "actual_usecs": 100000, "status": "failed"}],
        "states": [{"usecs": 50000, "conn": "c", "from": "CLOSED", "to": "LISTEN"}]}
    layout = ladder.layout(result)
    kinds = [r["kind"] for r in layout["rows"]]
    assert kinds == ["note", "state", "arrow", "arrow"]
    inbound, outbound = layout["rows"][2], layout["rows"][3]
    assert (inbound["x1"], inbound["x2"]) == (ladder.REMOTE_X, ladder.STACK_X)
    assert (outbound["x1"], outbound["x2"]) == (ladder.STACK_X, ladder.REMOTE_X)
    assert inbound["label"] == "S 0:0(0) win 100 <mss 1000>"
    assert outbound["actual"] == "S. 0:0(0) ack 2"
    ys = [r["y"] for r in layout["rows"]]
    assert ys == sorted(ys) and len(set(ys)) == len(ys)
    assert layout["height"] > ys[-1]


def test_state_timeline_durations():
    result = {"virtual_usecs": 61_000_000, "states": [
        {"usecs": 0, "conn": "c", "from": "CLOSED", "to": "LISTEN"},
        {"usecs": 100_000, "conn": "c", "from": "LISTEN", "to": "SYN_RECV"},
        {"usecs": 200_000, "conn": "c", "from": "SYN_RECV", "to": "ESTABLISHED"},
        {"usecs": 1_000_000, "conn": "c", "from": "ESTABLISHED", "to": "TIME_WAIT"}]}
    (timeline,) = ladder.state_timeline(result)
    spans = [(s["state"], s["usecs"]) for s in timeline["spans"]]
    assert spans == [("LISTEN", 100_000), ("SYN_RECV", 100_000), ("ESTABLISHED", 800_000),
                     ("TIME_WAIT", 60_000_000)]
    assert abs(sum(s["share"] for s in timeline["spans"]) - 100) < 0.1
    assert min(s["share"] for s in timeline["spans"]) >= 3.5
    assert ladder.duration_text(60_000_000) == "60 s"


def test_event_texts_that_start_with_their_time():
    assert ladder.split_time("0.200000 F. 1:1(0) ack 1") == ("0.200000", "F. 1:1(0) ack 1")
    assert ladder.split_time("+0.1~+0.2 close(4) = 0") == ("+0.1~+0.2", "close(4) = 0")
    assert ladder.split_time("F. 1:1(0) ack 1") == (None, "F. 1:1(0) ack 1")
    rows = html.packet_field_rows({"expected": "0.200000 F. 1:1(0) ack 1",
                                   "actual": "0.500000 F. 1:1(0) ack 1 win 502"}, None)
    by_name = {r["name"]: r for r in rows}
    assert by_name["time"]["differs"] and by_name["flags"]["expected"] == "F."
    assert not by_name["flags"]["differs"] and not by_name["ack"]["differs"]


def _event(line, kind, text, usecs, direction=None):
    return {"line": line, "type": kind, "direction": direction, "script_text": text,
            "actual_text": text, "fields": None, "expected_usecs": usecs,
            "actual_usecs": usecs, "status": "ok"}


def test_state_tags_follow_the_event_that_caused_them_at_the_same_instant():
    events = [
        _event(1, "syscall", "socket(..., SOCK_STREAM, IPPROTO_TCP) = 3", 0),
        _event(2, "syscall", "listen(3, 1) = 0", 0),
        _event(3, "packet", "S 0:0(0) win 32792", 0, "inbound"),
        _event(4, "packet", "S. 0:0(0) ack 1", 0, "outbound"),
        _event(5, "packet", ". 1:1(0) ack 1 win 257", 100_000, "inbound"),
        _event(6, "syscall", "accept(3, ..., ...) = 4", 100_000),
        _event(7, "syscall", "close(4) = 0", 100_000),
        _event(8, "packet", "F. 1:1(0) ack 1", 100_000, "outbound"),
        _event(9, "packet", "F. 1:1(0) ack 2 win 257", 200_000, "inbound"),
        _event(10, "packet", ". 2:2(0) ack 2", 200_000, "outbound"),
        _event(11, "syscall", "close(3) = 0", 61_200_000)]
    conn, listener = "192.0.2.1:40000>192.168.0.1:8080", "0.0.0.0:0>192.168.0.1:8080"
    changes = [(0, listener, "LISTEN"), (0, conn, "SYN_RECV"), (100_000, conn, "ESTABLISHED"),
               (100_000, conn, "FIN_WAIT1"), (200_000, conn, "FIN_WAIT2"),
               (200_000, conn, "TIME_WAIT"), (60_200_000, conn, "CLOSE"),
               (61_200_000, listener, "CLOSE")]
    states = [{"usecs": t, "conn": c, "from": "?", "to": to} for t, c, to in changes]
    rows = ladder.layout({"events": events, "states": states})["rows"]
    order = [r["text"] if r["kind"] == "state" else r["line"] for r in rows]
    assert order == [1, 2, "LISTEN", 3, "SYN_RECV", 4, 5, "ESTABLISHED", 6, 7, "FIN_WAIT1", 8,
                     9, "FIN_WAIT2", "TIME_WAIT", 10, "CLOSE", 11, "CLOSE"]
    # Without a cause at its instant a state goes after that instant's events.
    rows = ladder.layout({"events": events[:4], "states": [
        {"usecs": 0, "conn": conn, "from": "?", "to": "SOMETHING_ELSE"}]})["rows"]
    assert [r["kind"] for r in rows] == ["note", "note", "arrow", "arrow", "state"]
