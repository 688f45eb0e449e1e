"""Each suite script that passes on the built-in stack is shown able to
fail: one expectation at a time is changed (an outbound flag, an expected
ACK number, a call's result, a connection state) and bin/vwire must then
report a failure for every mutant."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT, VWIRE

SUITES = ROOT / "suites"
SCRIPTS = sorted(SUITES.glob("*/*.pkt"))
RUN_TIMEOUT = 3
OUT_LINE = re.compile(r"^(\S+\s+>\s+(?:\[\w+\]\s+)?)([SFRPUEW.-]+)(\s+\d+:\d+\(\d+\).*)$")
ACK = re.compile(r"^(\S+\s+>.*\back\s+)(\d+)(.*)$")
# Calls that return a new descriptor are left alone: as in packetdrill, the
# script's number names the descriptor and any non-negative live one passes.
CALL = re.compile(r"^(\S+\s+(?!tcp_state|socket|accept|open|epoll_create|pipe|dup)"
                  r"[a-z_0-9]+\(.*\)\s*=\s*)(-?\d+)(\s*.*)$")
STATE = re.compile(r"^(\S+\s+tcp_state\(.*\)\s*=\s*)(TCP_[A-Z_0-9]+)(.*)$")


def flip_ack_flag(m):
    flags = m.group(2)
    flags = flags.replace(".", "") if "." in flags else flags + "."
    return m.group(1) + (flags or "-") + m.group(3)


def next_state(m):
    return m.group(1) + ("TCP_CLOSE" if m.group(2) != "TCP_CLOSE" else "TCP_ESTABLISHED") + m.group(3)


MUTATIONS = {
    "flag": (OUT_LINE, flip_ack_flag),
    "ack": (ACK, lambda m: m.group(1) + str(int(m.group(2)) + 1) + m.group(3)),
    "result": (CALL, lambda m: m.group(1) + str(int(m.group(2)) + 1) + m.group(3)),
    "state": (STATE, next_state),
}


def mutants(text):
    """One mutant per kind, changing the last line the kind applies to."""
    lines = text.splitlines()
    for kind, (pattern, change) in MUTATIONS.items():
        for i in range(len(lines) - 1, -1, -1):
            m = pattern.match(lines[i])
            if m and not lines[i].lstrip().startswith("//"):
                changed = lines[:i] + [change(m)] + lines[i + 1:]
                yield kind, i + 1, "\n".join(changed) + "\n"
                break


def run(path):
    try:
        proc = subprocess.run([str(VWIRE), "--ip_version=ipv4", path.name], cwd=path.parent,
                              capture_output=True, text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return None
    return proc.returncode


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    # Mutants run from a copy of the suite layout, so ../common resolves
    # and nothing is written into suites/.
    root = tmp_path_factory.mktemp("suites")
    shutil.copytree(SUITES / "common", root / "common")
    return root


def test_mutator_finds_each_kind():
    sample = ("+0 > F. 1:1(0) ack 1\n+0 close(4) = 0\n"
              "+0 tcp_state(...) = TCP_FIN_WAIT1\n")
    kinds = {k: t for k, _, t in mutants(sample)}
    assert set(kinds) == {"flag", "ack", "result", "state"}
    assert "> F 1:1(0)" in kinds["flag"] and "ack 2" in kinds["ack"]
    assert "close(4) = 1" in kinds["result"] and "TCP_CLOSE\n" in kinds["state"]


@pytest.mark.skipif(not VWIRE.exists(), reason="bin/vwire is not built")
@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_mutant_of_a_passing_script_fails(script, workdir):
    if script.name.endswith("v6.pkt"):
        pytest.skip("IPv6-only script; mutants run for IPv4")
    area = workdir / script.parent.name
    area.mkdir(exist_ok=True)
    original = area / script.name
    shutil.copy(script, original)
    if run(original) != 0:
        pytest.skip("fails unmutated on the built-in stack (a finding, listed by the suite run)")
    survivors = []
    for kind, line, text in mutants(script.read_text()):
        mutant = area / f"mut-{kind}-{script.name}"
        mutant.write_text(text)
        rc = run(mutant)
        os.unlink(mutant)
        if rc == 0:
            survivors.append(f"{kind} at line {line}")
    assert not survivors, "mutants that still pass: " + ", ".join(survivors)
