"""Malformed scripts: each names in its first line the position and the
message bin/vwire must give; and hostile inputs never crash or hang."""
import pathlib
import re
import subprocess

import pytest

from conftest import ROOT

MALFORMED = sorted((ROOT / "tests" / "malformed").glob("*.pkt"))
EXPECT = re.compile(rb"^// expect: (\d+):(\d+): (.+)$")


def test_enough_malformed_scripts():
    assert len(MALFORMED) >= 40


@pytest.mark.parametrize("script", MALFORMED, ids=lambda p: p.name)
def test_malformed_script(vwire, script):
    first = script.read_bytes().split(b"\n", 1)[0]
    m = EXPECT.match(first)
    assert m, f"{script.name}: first line is not '// expect: LINE:COLUMN: message'"
    line, col, fragment = int(m[1]), int(m[2]), m[3].decode()
    r = subprocess.run([str(vwire), "--dry_run", str(script)], capture_output=True, timeout=30)
    assert r.returncode == 2
    err = r.stderr.decode(errors="replace").strip()
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"{script}:{line}:{col}: "), err
    assert fragment in err, err


def hostile_inputs():
    yield "empty", b"", 0
    yield "garbage", bytes(range(256)) * 64, 2
    yield "nul-bytes", b"0 close(3) = 0\n\0\0\0", 2
    yield "huge-number", b"0 close(" + b"9" * 5000 + b") = 0\n", 2
    yield "long-line", b"0 write(3, ..., 1) = 1 // " + b"x" * (10 << 20) + b"\n", 0
    yield "long-token", b"0 " + b"a" * (10 << 20) + b"(3) = 0\n", 2
    yield "deep-nesting", b"0 close(" + b"[" * 100000 + b") = 0\n", 2
    yield "long-flag-set", b"0 close(" + b"|".join([b"O_RDONLY"] * 200000) + b") = 0\n", 2
    yield "many-events", b"+0 close(3) = 0\n" * 200000, 0
    yield "unterminated-comment", b"/*" + b"x" * 100000, 2
    yield "unterminated-backtick", b"`" + b"x\n" * 100000, 2
    yield "unterminated-code", b"%{" + b"x\n" * 100000, 2
    yield "only-options", b"--tolerance_usecs=1\n" * 1000, 0
    yield "ifdef-deep", b"#ifdef A\n" * 1000, 2


@pytest.mark.parametrize("name,data,want", list(hostile_inputs()), ids=lambda v: v if isinstance(v, str) else "")
def test_hostile_input_never_crashes(vwire, tmp_path, name, data, want):
    script = tmp_path / f"{name}.pkt"
    script.write_bytes(data)
    r = subprocess.run([str(vwire), "--dry_run", str(script)], capture_output=True, timeout=60)
    assert r.returncode == want, r.stderr[-500:]
    if want == 2:
        assert r.stderr.decode(errors="replace").startswith(f"{script}:")
