#!/usr/bin/python3
"""Checks a suite run against Linux (vwire-suite run suites --target kernel
--report DIR) against the scripts' own record: a script with a `// linux:`
header is a departure Linux makes on purpose and must fail; every other
script must pass. Prints the scripts that disagree; exit 1 if any do.

    bin/vwire-suite run suites --target kernel -j 1 --rerun-failures 1 --report /tmp/k
    suites/tools/linux-check.py /tmp/k/results.json

Real time on a shared machine makes timing checks noisy: rerun a failure
alone before calling it a departure."""
import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def departs(path):
    return any(line.startswith("// linux:") for line in (ROOT / path).read_text().splitlines())


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    results = json.loads(pathlib.Path(argv[1]).read_text())
    if results.get("target") not in ("kernel", None):
        print(f"warning: the run's target is {results.get('target')}", file=sys.stderr)
    bad = 0
    for s in results["scripts"]:
        passed = s["verdict"] == "pass"
        if departs(s["path"]) and passed:
            print(f"passes but is marked // linux: {s['id']}")
            bad += 1
        elif not departs(s["path"]) and not passed:
            print(f"fails on Linux, not marked // linux: {s['id']} ({s['verdict']})")
            bad += 1
    print(f"{len(results['scripts'])} scripts, {bad} disagree with the // linux: record")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
