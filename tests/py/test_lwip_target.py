"""The lwIP target (lib/vwire-lwip.so): a handful of scripts on Debian's
liblwip, one of them a script lwIP is known to fail (checked as that
failure, with its reason), and the README table generator's checks.

Skipped when liblwip-dev is absent (the Makefile then builds no lwIP
target); `make deps` installs it.
"""
import json
import pathlib
import subprocess
import sys

import pytest

from conftest import LIB, ROOT, VWIRE

LWIP_SO = LIB / "vwire-lwip.so"
SCRIPTS = ROOT / "tests" / "lwip"
TABLE = ROOT / "suites" / "tools" / "lwip_table.py"

pytestmark = pytest.mark.skipif(
    not pathlib.Path("/usr/include/lwip").is_dir(),
    reason="liblwip-dev is not installed (make deps installs it): no lwIP target is built")


@pytest.fixture(scope="module")
def lwip_so():
    if not LWIP_SO.exists():
        pytest.fail(f"{LWIP_SO} is not built although liblwip-dev is installed: run make")
    return LWIP_SO


def run(script, *flags, json_path=None):
    cmd = [str(VWIRE), f"--target={LWIP_SO}", *flags]
    if json_path:
        cmd.append(f"--json={json_path}")
    cmd.append(script)
    return subprocess.run(cmd, cwd=SCRIPTS, capture_output=True, text=True, timeout=60,
                          check=False)


@pytest.mark.parametrize("script", ["passive-open-read.pkt", "blocking-virtual-time.pkt",
                                    "fcntl-nonblock-connect.pkt", "sysctl-fixed-knob.pkt"])
def test_script_passes(lwip_so, script):
    proc = run(script)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("version", ["ipv6", "ipv4-mapped-ipv6"])
def test_other_ip_versions(lwip_so, version):
    proc = run("passive-open-read.pkt", f"--ip_version={version}")
    assert proc.returncode == 0, proc.stderr


def test_state_timeline_on_virtual_clock(lwip_so, tmp_path):
    """The state hook reports lwIP's transitions at the virtual times the
    script puts them: SYN-RECEIVED at 0, ESTABLISHED with the ACK at 0.1 s."""
    out = tmp_path / "r.json"
    proc = run("passive-open-read.pkt", json_path=out)
    assert proc.returncode == 0, proc.stderr
    states = json.loads(out.read_text())["states"]
    seen = [(s["from"], s["to"], s["usecs"]) for s in states]
    assert ("CLOSE", "LISTEN", 0) in seen
    assert ("CLOSE", "SYN_RECV", 0) in seen
    assert ("SYN_RECV", "ESTABLISHED", 100000) in seen
    assert any(to == "FIN_WAIT1" for _, to, _ in seen)


def test_missing_option_is_named(lwip_so):
    """Known to fail: lwIP has no TCP_CONGESTION. The call fails as Linux
    fails an unknown option, and the target says what lwIP lacks."""
    proc = run("lacks-tcp-congestion.pkt")
    assert proc.returncode == 1, proc.stderr
    assert "lwIP lacks TCP_CONGESTION" in proc.stderr
    assert "runtime error in setsockopt call" in proc.stderr
    assert "errno 92 (Protocol not available)" in proc.stderr


def test_unsupported_calls_get_linux_errnos_and_notes(lwip_so):
    """TCP_FASTOPEN, TCP_INFO, SO_ZEROCOPY, MSG_ZEROCOPY, MSG_FASTOPEN and
    epoll on lwIP: each fails with the errno Linux gives for an unsupported
    option, flag or call (the script checks them), never a crash, the
    connection still works after them, and each is named on stderr."""
    proc = run("lacks-unsupported-calls.pkt")
    assert proc.returncode == 0, proc.stderr
    for what in ("TCP_FASTOPEN: setsockopt fails with ENOPROTOOPT",
                 "TCP_INFO: getsockopt fails with ENOPROTOOPT",
                 "SO_ZEROCOPY: setsockopt fails with ENOPROTOOPT",
                 "MSG_ZEROCOPY", "TCP Fast Open (MSG_FASTOPEN)", "epoll"):
        assert f"vwire-lwip: lwIP lacks {what}\n" in proc.stderr, what


def test_known_rfc_departure_fails_with_its_reason(lwip_so):
    """Known to fail: lwIP sets ACK on every RST, where RFC 9293 3.10.7.1
    asks for <SEQ=SEG.ACK><CTL=RST> in answer to an ACK."""
    proc = run("rst-carries-ack.pkt")
    assert proc.returncode == 1, proc.stderr
    assert "live packet field tcp_ack: expected: 0 (0x0) vs actual: 1 (0x1)" in proc.stderr
    assert "actual packet: 0.000000 R. 5000:5000(0)" in proc.stderr


def _table(tmp_path, known_lines, scripts):
    known = tmp_path / "known.tsv"
    known.write_text("# test\n" + "".join("\t".join(k) + "\n" for k in known_lines))
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"target": "lwip", "ip_versions": ["ipv4"],
                                   "scripts": scripts}))
    return subprocess.run(["/usr/bin/python3", str(TABLE), "--results", str(results),
                           "--known", str(known)],
                          capture_output=True, text=True, timeout=60, check=False)


def _script(path, verdict, text=""):
    return {"path": path, "verdict": verdict, "result": {"error_text": text}}


REAL = "suites/close/last-ack.pkt"
REAL2 = "suites/handshake/closed-port-ack-rst.pkt"


def test_table_counts_and_reasons(tmp_path):
    proc = _table(tmp_path, [(REAL2, "departs", "tcp_ack: expected: 0", "RST carries ACK")],
                  [_script(REAL, "pass"), _script(REAL2, "fail", "x: tcp_ack: expected: 0 (0x0)")])
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "| close | 1 | 1 | 0 | 0 | 0 | 0 | 0 |" in proc.stdout
    assert "| handshake | 1 | 0 | 1 | 0 | 1 | 0 | 0 |" in proc.stdout
    assert "| `handshake/closed-port-ack-rst.pkt` | departs | RST carries ACK |" in proc.stdout


@pytest.mark.parametrize("known,scripts,problem", [
    ([], [_script(REAL2, "fail", "boom")], "unclassified failure: " + REAL2),
    ([(REAL, "lacks", ".", "why")], [_script(REAL, "pass")], f"stale entry: {REAL} passes now"),
    ([(REAL2, "departs", "tcp_ack", "why")], [_script(REAL2, "fail", "timing error")],
     f"stale entry: {REAL2} fails for another reason"),
    ([("suites/none/gone.pkt", "lacks", ".", "why")], [], "suites/none/gone.pkt does not exist"),
])
def test_table_check_reports_stale_entries(tmp_path, known, scripts, problem):
    known_file = tmp_path / "known.tsv"
    known_file.write_text("".join("\t".join(k) + "\n" for k in known))
    results = tmp_path / "results.json"
    results.write_text(json.dumps({"target": "lwip", "scripts": scripts}))
    proc = subprocess.run(["/usr/bin/python3", str(TABLE), "--results", str(results),
                           "--known", str(known_file), "--check"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 1
    assert problem in proc.stderr
    assert proc.stdout == ""


def test_table_rejects_a_bad_classification_file(tmp_path):
    known = tmp_path / "known.tsv"
    known.write_text(f"{REAL}\tbroken\t.\twhy\n")
    proc = subprocess.run(["/usr/bin/python3", str(TABLE), "--known", str(known),
                           "--results", str(tmp_path / "absent.json")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2
    assert "kind 'broken'" in proc.stderr


def test_shipped_classification_is_well_formed():
    """Every entry names an existing suite script, a known kind and a
    compilable evidence regex (the live staleness check needs a full run:
    `suites/tools/lwip_table.py --check`)."""
    sys.path.insert(0, str(TABLE.parent))
    try:
        import lwip_table
    finally:
        sys.path.pop(0)
    known = lwip_table.load_known(lwip_table.KNOWN)
    assert len(known) > 50
    for path in known:
        assert (ROOT / path).is_file(), path


# ---- the corpus table (suites/tools/lwip_corpus_table.py) ---------------

CORPUS_TABLE = ROOT / "suites" / "tools" / "lwip_corpus_table.py"
CORPUS = ROOT.parent / "shared" / "corpus" / "google-packetdrill"


def _corpus_tool():
    sys.path.insert(0, str(CORPUS_TABLE.parent))
    try:
        import lwip_corpus_table
    finally:
        sys.path.pop(0)
    return lwip_corpus_table


def _failed(text, expected=""):
    return {"verdict": "fail", "error_text": text, "failure": {"expected": expected}}


SYN_ACK = ("x.pkt:13: error handling packet: live packet field ipv4_total_length: "
           "expected: 52 (0x34) vs actual: 48 (0x30)\n"
           "script packet: 0.000000 S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>\n"
           "actual packet: 0.000000 S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 1>\n")


def test_corpus_failures_are_classed_by_pattern():
    tool = _corpus_tool()
    classes = tool.load_classes(tool.CLASSES)
    assert tool.classify(_failed(SYN_ACK), "", classes) == ("sack-timestamps", "lacks", "sackOK")
    option = _failed("x.pkt:9: runtime error in setsockopt call: Expected result 0 but got -1 "
                     "with errno 92 (Protocol not available)",
                     "+0.000000 setsockopt(3, SOL_TCP, TCP_FASTOPEN_CONNECT, [1], 4) = 0")
    assert tool.classify(option, "", classes) == ("socket-option", "lacks",
                                                   "TCP_FASTOPEN_CONNECT")
    # A script that says how it fails is "expected", whatever the classes say.
    own = "// Failure: runtime error in setsockopt call: Expected result 0\n"
    assert tool.classify(option, own, classes)[:2] == ("script-expects-it", "expected")
    assert tool.classify(_failed("x.pkt:1: something new"), "", classes) is None


def test_corpus_analysis_reports_unclassified_and_stale(tmp_path):
    tool = _corpus_tool()
    classes_file = tmp_path / "classes.tsv"
    classes_file.write_text("sack\tlacks\t(?P<what>sackOK)\tno SACK\nnever\tchoice\tzzz-no-such\tunused\n")
    classes = tool.load_classes(classes_file)
    lwip = {"tcp/a/one.pkt": _failed(SYN_ACK), "tcp/a/two.pkt": {"verdict": "pass"},
            "tcp/b/three.pkt": _failed("three.pkt:4: new failure")}
    rows, uses, problems = tool.analyse(lwip, classes, tmp_path)
    assert rows["tcp/a"] == {"scripts": 2, "lwip": 1, "kinds": {"lacks": 1}}
    assert rows["tcp/b"]["kinds"] == {"unclassified": 1}
    assert "unclassified failure: tcp/b/three.pkt: three.pkt:4: new failure" in problems
    assert "stale class: never matches no lwIP failure" in problems
    table = tool.render(rows, uses, classes, {"tcp/a": 2, "tcp/b": 0},
                        {"tcp/a/one.pkt": "pass", "tcp/a/two.pkt": "fail"})
    assert "| tcp/a | 2 | 1 | 2 | 1 | 1 | 0 | 0 | 0 | 0 |" in table
    assert "| tcp/b | 1 | 0 | 0 | 0 of 0 | 0 | 0 | 0 | 0 | 1 |" in table
    assert "| sack | lacks | 1 | sackOK (1) | no SACK |" in table


def test_corpus_table_check_fails_on_a_stale_readme(tmp_path, monkeypatch):
    tool = _corpus_tool()
    corpus = tmp_path / "corpus"
    (corpus / "gtests" / "net" / "tcp" / "a").mkdir(parents=True)
    (corpus / "gtests" / "net" / "tcp" / "a" / "one.pkt").write_text("0 socket(...)\n")
    (corpus / "LINUX-VERDICTS.tsv").write_text("# x\ntcp/a/one.pkt\tpass\t\n")
    monkeypatch.setattr(tool, "run_corpus",
                        lambda *a: {"tcp/a/one.pkt": _failed(SYN_ACK)})
    classes = tmp_path / "classes.tsv"
    classes.write_text("sack\tlacks\tsackOK\tno SACK\n")
    readme = tmp_path / "README.md"
    readme.write_text(f"# t\n{tool.BEGIN}\n{tool.END}\nafter\n")
    argv = ["--readme", str(readme), "--classes", str(classes), "--corpus", str(corpus)]
    assert tool.main(argv) == 0
    written = readme.read_text()
    assert "| tcp/a | 1 | 0 | 0 | 1 | 1 | 0 | 0 | 0 | 0 |" in written
    assert written.endswith(f"{tool.END}\nafter\n")
    assert tool.main(argv + ["--check"]) == 0
    readme.write_text(written.replace("| tcp/a | 1 | 0 |", "| tcp/a | 1 | 1 |"))
    assert tool.main(argv + ["--check"]) == 1


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the shared corpus is not there")
def test_readme_corpus_table_is_current(lwip_so):
    """The README's table against a fresh lwIP run of the corpus (a few
    seconds, virtual time): fails when it is stale or a failure has no class."""
    proc = subprocess.run(["/usr/bin/python3", str(CORPUS_TABLE), "--readme",
                           str(ROOT / "README.md"), "--check", "--vwire", str(VWIRE)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr


def test_suite_failures_are_all_classified(lwip_so):
    """A fresh lwIP run of suites/ (virtual time, a few seconds): every
    failure has an entry in KNOWN-DIFFERENCES.tsv whose evidence matches,
    and no entry is stale."""
    proc = subprocess.run(["/usr/bin/python3", str(TABLE), "--check"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
