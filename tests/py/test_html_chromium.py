"""The HTML reports as a browser renders them: headless Chromium takes a
screenshot of the summary page and of a failing script's page (kept under
build/test-artifacts/ for people to look at) and dumps the DOM, which must
hold the ladder's SVG arrows and the failure's field comparison."""
import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

import pytest

from conftest import VWIRE
from vwire_suite_testlib import REAL_HANDSHAKE, ROOT, run_suite, script

CHROMIUM = pathlib.Path("/usr/bin/chromium")
ARTIFACTS = ROOT / os.environ.get("VWIRE_BUILD", "build") / "test-artifacts"

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="/usr/bin/chromium is not installed (apt-get install -y chromium, or make deps)")


def chromium(*args):
    profile = tempfile.mkdtemp(prefix="vwire-chromium-")
    try:
        return subprocess.run(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
             "--no-first-run", "--disable-background-networking", "--disable-component-update",
             "--disable-sync", f"--user-data-dir={profile}", *args],
            capture_output=True, text=True, timeout=120)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    root = tmp_path_factory.mktemp("chromium")
    script(root / "s", "close/orderly.pkt")
    script(root / "s", "close/fin-ack.pkt", "fail line=9 kind=field field=tcp_ack")
    script(root / "s", "sack/crash.pkt", "crash")
    (root / "s" / "close" / "README.md").write_text(
        "| script | checks | RFC |\n|---|---|---|\n| orderly.pkt | close | RFC 9293 §3.6 |\n"
        "| fin-ack.pkt | FIN | RFC 9293 §3.10.7.4 |\n")
    # fin-ack passed in the baseline: the summary shows it as a regression.
    baseline = root / "baseline.json"
    baseline.write_text(json.dumps({"format": "vwire-baseline/1", "scripts": {
        "s/close/orderly.pkt[ipv4]": "pass", "s/close/fin-ack.pkt[ipv4]": "pass",
        "s/sack/crash.pkt[ipv4]": "fail"}}))
    done = run_suite("run", root / "s", "--report", root / "out", "--baseline", baseline)
    assert done.returncode == 1, done.stderr
    return root / "out"


def render(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{name}.png"
    if shot.exists():
        shot.unlink()
    done = chromium(f"--screenshot={shot}", "--window-size=1200,2000", page.as_uri())
    assert shot.is_file() and shot.stat().st_size > 10_000, done.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dom = chromium("--dump-dom", page.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    return dom.stdout


def test_summary_page_renders(report):
    dom = render(report / "index.html", "report-index")
    assert "vwire conformance report" in dom
    assert re.search(r'id="folders".*s/close.*s/sack', dom, re.S)
    assert re.search(r'id="rfc".*RFC 9293', dom, re.S)
    assert 'href="scripts/s__close__fin-ack.pkt.ipv4.html"' in dom
    assert re.search(r'id="slowest".*s/close/orderly.pkt', dom, re.S)
    against = dom.split('id="baseline"')[1].split("</section>")[0]
    assert re.search(r'<tr class="regression"><td class="mono"><a [^>]*>s/close/fin-ack.pkt\[ipv4\]',
                     against)
    assert "1 broken" in against and '<span class="badge fail">failed</span>' in against


def test_failing_script_page_renders_ladder_and_comparison(report):
    dom = render(report / "scripts" / "s__close__fin-ack.pkt.ipv4.html", "report-failing-script")
    assert "<svg" in dom
    arrows = re.findall(r'<line class="arrow (inbound|outbound) (ok|failed|not_reached)"', dom)
    assert len(arrows) >= 4
    assert ("outbound", "failed") in arrows and ("inbound", "ok") in arrows
    assert re.search(r'marker-end="url\(#head-failed\)"', dom)
    # Arrows are labelled flags, seq:end(len), ack, window and options.
    labels = re.findall(r'<text class="label (?:ok|failed)"[^>]*>([^<]*)</text>', dom)
    assert "S 0:0(0) win 32792 &lt;mss 1000,sackOK,nop,nop,nop,wscale 7&gt;" in labels
    assert ". 1:1(0) ack 1 win 257" in labels
    assert "expected: P. 1:1001(1000) ack 1" in labels
    assert re.search(r'<circle class="failmark"', dom)
    comparison = dom.split('id="field-comparison"')[1].split('<table class="fields">')[0]
    assert '<span class="tok diff expected">1</span>' in comparison
    assert '<span class="tok diff actual">2</span>' in comparison
    assert re.search(r'<tr class="differs"><td>ack</td>', dom)
    assert 'class="timeline"' in dom


# A passive close seen through to the end of TIME-WAIT, on the built-in stack.
TIME_WAIT = REAL_HANDSHAKE + """\
+0  close(4) = 0
+0  > F. 1:1(0) ack 1
+.1 < F. 1:1(0) ack 2 win 257
+0  > . 2:2(0) ack 2
+61 close(3) = 0
"""


def test_real_stack_page_shows_the_states_and_how_long_time_wait_lasted(tmp_path):
    if not VWIRE.exists():
        pytest.fail(f"{VWIRE} is not built: run make")
    script(tmp_path / "s", "time-wait.pkt", body=TIME_WAIT)
    done = run_suite("run", tmp_path / "s", "--vwire", VWIRE, "--report", tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    dom = render(tmp_path / "out" / "scripts" / "s__time-wait.pkt.ipv4.html",
                 "report-real-time-wait")
    timelines = {}
    for conn, body in re.findall(r'<div class="conn mono">([^<]*)</div>(.*?)</div>\s*</div>',
                                 dom, re.S):
        timelines[conn] = re.findall(
            r'class="span st-([A-Z_0-9]+)"[^>]*>[^<]*<small>([^<]*)</small>', body)
    connection = timelines["192.0.2.1:40000&gt;192.168.0.1:8080"]
    assert connection == [("SYN_RECV", "100 ms"), ("ESTABLISHED", "0 µs"),
                          ("FIN_WAIT1", "100 ms"), ("FIN_WAIT2", "0 µs"),
                          ("TIME_WAIT", "60 s"), ("CLOSE", "1 s+")], timelines
    assert re.search(r'<line class="arrow outbound ok"', dom)
    assert "F. 1:1(0) ack 1 win" in dom
