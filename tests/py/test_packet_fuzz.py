"""Runs the packet parser's libFuzzer target for about 15 seconds: any
crash, out-of-bounds read or undefined behaviour fails the test."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import BUILD, ROOT

SOURCES = [
    "tests/fuzz/fuzz_packet_parse.c",
    "harness/packet_parse.c",
    "harness/packet_build.c",
    "harness/packet_compare.c",
    "harness/packet_format.c",
    "harness/checksum.c",
    "harness/packet_error.c",
    "harness/seq_map.c",
]
FUZZ_SECONDS = int(os.environ.get("VWIRE_PACKET_FUZZ_SECONDS", "15"))


@pytest.fixture(scope="module")
def fuzzer(tmp_path_factory):
    if not shutil.which("clang"):
        pytest.skip("clang (libFuzzer) is not installed")
    out = BUILD / "fuzz" / "fuzz_packet_parse_only"
    out.parent.mkdir(parents=True, exist_ok=True)
    # Only the packet layer's sources: the fuzzer does not wait for, or
    # break with, the rest of the harness.
    subprocess.run(
        ["clang", "-std=c11", "-D_GNU_SOURCE", "-g", "-O1",
         "-fsanitize=fuzzer,address,undefined", "-fno-sanitize-recover=undefined",
         "-Iharness", "-o", str(out)] + SOURCES,
        cwd=ROOT, check=True, timeout=300)
    return out


def test_packet_parser_survives_fuzzing(fuzzer, tmp_path):
    seeds = tmp_path / "seeds"
    subprocess.run([sys.executable, str(ROOT / "tests/fuzz/gen_packet_seeds.py"), str(seeds)],
                   check=True, timeout=60)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    proc = subprocess.run(
        [str(fuzzer), f"-max_total_time={FUZZ_SECONDS}", "-max_len=2048",
         "-timeout=10", "-rss_limit_mb=1024", "-print_final_stats=1",
         f"-artifact_prefix={tmp_path}/", str(corpus), str(seeds)],
        capture_output=True, text=True, timeout=FUZZ_SECONDS + 120)
    tail = proc.stderr[-3000:]
    assert proc.returncode == 0, tail
    runs = [l for l in proc.stderr.splitlines() if l.startswith("stat::number_of_executed_units")]
    assert runs and int(runs[0].split(":")[-1]) > 1000, tail
