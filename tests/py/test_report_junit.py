"""JUnit XML: well-formed, one suite per folder, the right counts."""
import xml.etree.ElementTree as ET

from vwire_suite_testlib import run_suite, script


def test_junit_counts_and_messages(tmp_path):
    script(tmp_path / "s", "close/a.pkt")
    script(tmp_path / "s", "close/b.pkt", "fail line=9 kind=field field=tcp_ack")
    script(tmp_path / "s", "conn/c.pkt", "error")
    script(tmp_path / "s", "conn/d.pkt", "crash")
    script(tmp_path / "s", "conn/e.pkt")
    run_suite("run", tmp_path / "s", "--report", tmp_path / "out", "--no-html")
    root = ET.parse(tmp_path / "out" / "junit.xml").getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "2", "1")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert sorted(suites) == ["s/close", "s/conn"]
    close, conn = suites["s/close"], suites["s/conn"]
    assert (close.get("tests"), close.get("failures"), close.get("errors")) == ("2", "1", "0")
    assert (conn.get("tests"), conn.get("failures"), conn.get("errors")) == ("3", "1", "1")
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert sorted(cases) == ["a.pkt[ipv4]", "b.pkt[ipv4]", "c.pkt[ipv4]", "d.pkt[ipv4]",
                             "e.pkt[ipv4]"]
    assert cases["a.pkt[ipv4]"].find("failure") is None
    failure = cases["b.pkt[ipv4]"].find("failure")
    assert failure.get("type") == "field" and "tcp_ack" in failure.get("message")
    assert cases["c.pkt[ipv4]"].find("error") is not None
    assert cases["d.pkt[ipv4]"].find("failure").get("message") == "crash: SIGSEGV"
    assert all(float(c.get("time")) > 0 for c in cases.values())
    assert cases["b.pkt[ipv4]"].get("classname") == "s/close"
