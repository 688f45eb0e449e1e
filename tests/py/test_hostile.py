"""The hostile-input scripts (tests/hostile/): every TCP flag combination
sent to a listener and to an established connection, malformed SYN
options, sequence numbers at the wrap. Each must pass against the built-in
stack (the scripts expect what the RFCs and Linux answer), vwire must end
with a verdict rather than a crash or a sanitizer report, and a sample
run under valgrind must show no leak or invalid access."""
import concurrent.futures
import filecmp
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT

HOSTILE = ROOT / "tests" / "hostile"
SCRIPTS = sorted(HOSTILE.glob("*.pkt")) + sorted((HOSTILE / "gen").glob("*.pkt"))
BAD_SIGNS = ("Sanitizer", "runtime error:", "Segmentation", "Aborted", "core dumped")


def run_script(vwire, path, prefix=()):
    proc = subprocess.run(list(prefix) + [str(vwire), path.name], cwd=path.parent,
                          capture_output=True, text=True, timeout=120)
    return proc.returncode, proc.stdout + proc.stderr


def test_generated_scripts_are_up_to_date(tmp_path):
    subprocess.run([sys.executable, str(HOSTILE / "gen.py"), str(tmp_path)], check=True, timeout=60)
    fresh = sorted(p.name for p in tmp_path.glob("*.pkt"))
    committed = sorted(p.name for p in (HOSTILE / "gen").glob("*.pkt"))
    assert fresh == committed, "run tests/hostile/gen.py"
    _, mismatch, errors = filecmp.cmpfiles(tmp_path, HOSTILE / "gen", fresh, shallow=False)
    assert not mismatch and not errors, f"stale: {mismatch[:5]} (run tests/hostile/gen.py)"
    # 64 listener combinations, 256 established ones, and the option cases.
    assert sum(n.startswith("flags-listen-") for n in fresh) == 64
    assert sum(n.startswith("flags-established-") for n in fresh) == 256


def test_every_hostile_script_passes_against_vstack(vwire):
    assert len(SCRIPTS) > 320
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda p: (p, *run_script(vwire, p)), SCRIPTS))
    crashed = [(p.name, rc, out[-500:]) for p, rc, out in results
               if rc not in (0, 1) or any(s in out for s in BAD_SIGNS)]
    assert not crashed, crashed[:5]
    failed = [(p.name, out[-500:]) for p, rc, out in results if rc != 0]
    assert not failed, f"{len(failed)} failed: {failed[:5]}"


def test_sample_is_clean_under_valgrind(vwire):
    if not shutil.which("valgrind"):
        pytest.skip("valgrind is not installed (make deps)")
    if os.environ.get("SAN") == "1":
        pytest.skip("ASan build: valgrind cannot run it")
    sample = SCRIPTS[::48] + [p for p in SCRIPTS if p.name.startswith("seq-wrap")]
    prefix = ["valgrind", "-q", "--error-exitcode=99", "--leak-check=full",
              "--errors-for-leak-kinds=definite,indirect", "--trace-children=no"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda p: (p, *run_script(vwire, p, prefix)), sample))
    bad = [(p.name, rc, out[-1500:]) for p, rc, out in results if rc != 0]
    assert not bad, bad[:3]
