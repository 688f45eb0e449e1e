"""The conformance suites are well-formed: every script parses, carries the
header its README row is built from, and every folder's README lists
exactly its scripts."""
import pathlib
import re
import subprocess
import sys

import pytest

from conftest import ROOT

SUITES = ROOT / "suites"
SCRIPTS = sorted(SUITES.glob("*/*.pkt"))
FOLDERS = sorted({p.parent for p in SCRIPTS})
AREAS = ("handshake", "close", "time-wait", "reset", "data", "flow-control",
         "retransmission", "congestion", "options", "syn-flood", "icmp")
IPV4_LITERAL = re.compile(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b")


def readme_rows(folder):
    rows = set()
    for line in (folder / "README.md").read_text().splitlines():
        m = re.match(r"\|\s*([^|\s]+\.pkt)\s*\|", line)
        if m:
            rows.add(m.group(1))
    return rows


def test_every_area_has_scripts_and_enough_in_all():
    counts = {a: len(list((SUITES / a).glob("*.pkt"))) for a in AREAS}
    assert all(counts.values()), counts
    assert sum(counts.values()) >= 200, counts


@pytest.mark.parametrize("ipv", ["ipv4", "ipv6"])
def test_every_script_parses(vwire, ipv):
    for folder in FOLDERS:
        names = [p.name for p in folder.glob("*.pkt")
                 if not p.name.endswith(("v4.pkt" if ipv == "ipv6" else "v6.pkt"))]
        proc = subprocess.run([str(vwire), "--dry_run", "--ip_version=" + ipv] + names,
                              cwd=folder, capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stdout + proc.stderr


def test_dry_run_rejects_a_broken_script(vwire, tmp_path):
    # The check above means something only if a bad script is refused.
    bad = tmp_path / "bad.pkt"
    bad.write_text("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 > Q 0:0(0)\n")
    proc = subprocess.run([str(vwire), "--dry_run", str(bad)], capture_output=True, timeout=30)
    assert proc.returncode == 2


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_readme_rows_match_scripts(folder):
    assert (folder / "README.md").exists(), folder
    assert readme_rows(folder) == {p.name for p in folder.glob("*.pkt")}


def test_readmes_are_current():
    proc = subprocess.run([sys.executable, str(SUITES / "tools" / "readme.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_script_header_and_portability(script):
    text = script.read_text()
    head = text.splitlines()[:6]
    for field in ("checks", "rfc", "level", "knobs"):
        assert any(line.startswith(f"// {field}: ") for line in head), field
    level = next(line for line in head if line.startswith("// level: "))
    assert level.split(": ", 1)[1] in ("MUST", "SHOULD", "MAY"), level
    assert "`sh ../common/defaults.sh`" in text
    # Real-time targets answer a few ms late now and then (README).
    assert "\n--tolerance_usecs=20000\n" in text
    assert "corpus" not in text and "../../" not in text
    if not script.name.endswith("v4.pkt"):
        code = "\n".join(l for l in text.splitlines() if not l.startswith("//"))
        assert not IPV4_LITERAL.search(code), "literal IPv4 address in a dual-stack script"
    if "linux" in "".join(head):
        assert "RFC" in next(line for line in head if line.startswith("// linux: "))
    # A departure asks for the stack's RFC profile; nothing else does, so a
    # standard script is judged on the stack's own defaults.
    departs = any(line.startswith("// linux: ") for line in head)
    assert departs == ("`sh ../common/rfc-profile.sh`" in text)


def test_coverage_lists_every_script_it_names():
    text = (SUITES / "COVERAGE.md").read_text()
    named = set(re.findall(r"([a-z0-9-]+/[a-z0-9-]+\.pkt)", text))
    assert named, "COVERAGE.md names no script"
    missing = sorted(n for n in named if not (SUITES / n).exists())
    assert not missing, missing


def test_coverage_marks_exactly_the_departures():
    text = (SUITES / "COVERAGE.md").read_text()
    marked = set(re.findall(r"([a-z0-9-]+/[a-z0-9-]+\.pkt) \(Linux: departs", text))
    departs = {f"{p.parent.name}/{p.name}" for p in SCRIPTS
               if any(l.startswith("// linux: ") for l in p.read_text().splitlines()[:6])}
    assert marked == departs
