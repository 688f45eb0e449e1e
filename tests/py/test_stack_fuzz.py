"""The stack's input path under libFuzzer (tests/fuzz/fuzz_stack_input.c):
first the inputs that once crashed it (tests/fuzz/regress/), then about 15
seconds of fuzzing from the seeds gen_stack_seeds.py writes. Any crash,
out-of-bounds access, leak, undefined behaviour or hang fails the test."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import BUILD, ROOT

FUZZ_SECONDS = int(os.environ.get("VWIRE_STACK_FUZZ_SECONDS", "15"))
REGRESS = ROOT / "tests/fuzz/regress/fuzz_stack_input"


@pytest.fixture(scope="module")
def fuzzer():
    if not shutil.which("clang"):
        pytest.skip("clang (libFuzzer) is not installed")
    out = BUILD / "fuzz" / "fuzz_stack_input_only"
    out.parent.mkdir(parents=True, exist_ok=True)
    # Only the stack and the checksum helper: the fuzzer does not wait
    # for, or break with, the rest of the harness.
    stack = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "stack").glob("*.c"))
    subprocess.run(
        ["clang", "-std=c11", "-D_GNU_SOURCE", "-g", "-O1", "-pthread",
         "-fsanitize=fuzzer,address,undefined", "-fno-sanitize-recover=undefined",
         "-Iharness", "-Istack/include", "-Istack", "-o", str(out),
         "tests/fuzz/fuzz_stack_input.c", "harness/checksum.c"] + stack + ["-lm"],
        cwd=ROOT, check=True, timeout=300)
    return out


def run(fuzzer, args, tmp_path, timeout):
    return subprocess.run(
        [str(fuzzer), "-timeout=10", "-rss_limit_mb=1024", "-max_len=4096",
         f"-artifact_prefix={tmp_path}/"] + args,
        capture_output=True, text=True, timeout=timeout)


def test_regression_inputs_do_not_crash(fuzzer, tmp_path):
    inputs = sorted(str(p) for p in REGRESS.iterdir())
    assert inputs, "no regression inputs"
    proc = run(fuzzer, inputs, tmp_path, 120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert proc.stderr.count("Running:") == len(inputs), proc.stderr[-3000:]


def test_stack_survives_fuzzing(fuzzer, tmp_path):
    seeds = tmp_path / "seeds"
    subprocess.run([sys.executable, str(ROOT / "tests/fuzz/gen_stack_seeds.py"), str(seeds)],
                   check=True, timeout=60)
    assert len(list(seeds.iterdir())) >= 100
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    proc = run(fuzzer, [f"-max_total_time={FUZZ_SECONDS}", "-print_final_stats=1",
                        str(corpus), str(seeds)], tmp_path, FUZZ_SECONDS + 180)
    tail = proc.stderr[-3000:]
    assert proc.returncode == 0, tail
    runs = [l for l in proc.stderr.splitlines() if l.startswith("stat::number_of_executed_units")]
    assert runs and int(runs[0].split(":")[-1]) > 1000, tail
