#!/usr/bin/python3
"""Builds the README table of what lwIP passes in vwire's suites.

Runs `bin/vwire-suite run suites --target=lwip` (or reads the results.json
of such a run with --results), then prints, per suite area, the scripts
lwIP passes and fails, and for each failure why: the feature lwIP lacks,
the RFC text lwIP departs from, or the choice the RFC leaves open that the
suite pins. The reasons come from harness/targets/lwip/KNOWN-DIFFERENCES.tsv,
written by reading the failures; its columns (tab-separated, '#' starts a
comment line):

    script path    kind (lacks|departs|choice)    evidence regex    reason

The evidence is matched against the failure's error text, so an entry
whose script now passes, fails for another reason or no longer exists is
reported as stale. --check exits 1 on a stale entry or an unclassified
failure (and prints nothing else); without it the table goes to stdout
and the problems to stderr.
"""
import argparse
import json
import pathlib
import subprocess
import sys
import tempfile

from readme_tables import ToolError, read_rules, write_block

ROOT = pathlib.Path(__file__).resolve().parents[2]
KNOWN = ROOT / "harness" / "targets" / "lwip" / "KNOWN-DIFFERENCES.tsv"
KINDS = {
    "lacks": "lwIP lacks the feature",
    "departs": "lwIP departs from the RFC",
    "choice": "RFC leaves it open; the suite pins another choice",
}


def load_known(path):
    """{script path: (kind, compiled evidence regex, reason)}."""
    return {script: (kind, regex, reason)
            for script, kind, regex, reason in read_rules(path, KINDS)}


def run_suites(jobs, ip_versions):
    """Runs the suites on lwIP; returns the parsed results.json."""
    with tempfile.TemporaryDirectory(prefix="lwip-table-") as out:
        cmd = [str(ROOT / "bin" / "vwire-suite"), "run", str(ROOT / "suites"),
               "--target=lwip", "--no-html", "--report", out, "-j", str(jobs),
               "--ip-versions", ip_versions]
        subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
        return json.loads((pathlib.Path(out) / "results.json").read_text())


def error_text(entry):
    result = entry.get("result") or {}
    return result.get("error_text") or entry.get("reason") or entry.get("stderr") or ""


def first_line(text):
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return lines[0] if lines else ""


def analyse(results, known, root=ROOT):
    """Returns (areas, problems): per area {passed, failed: [(path, kind,
    reason, text)]}, and a list of problem strings."""
    areas = {}
    problems = []
    failing = {}
    seen = set()
    for entry in results["scripts"]:
        path = entry["path"]
        seen.add(path)
        area = path.split("/")[1] if path.count("/") >= 2 else path
        slot = areas.setdefault(area, {"passed": set(), "failed": {}})
        if entry["verdict"] == "pass":
            slot["passed"].add(path)
            continue
        failing.setdefault(path, []).append(entry)
    for path, entries in sorted(failing.items()):
        area = path.split("/")[1] if path.count("/") >= 2 else path
        text = "\n".join(error_text(e) for e in entries)
        if path not in known:
            problems.append(f"unclassified failure: {path}: {first_line(text)}")
            kind, reason = "unclassified", first_line(text)
        else:
            kind, regex, reason = known[path]
            if not regex.search(text):
                problems.append(f"stale entry: {path} fails for another reason: "
                                f"{first_line(text)}")
        areas[area]["passed"].discard(path)
        areas[area]["failed"][path] = (kind, reason, first_line(text))
    for path in sorted(known):
        if path in failing:
            continue
        if not (root / path).exists():
            problems.append(f"stale entry: {path} does not exist")
        elif path in seen:
            problems.append(f"stale entry: {path} passes now")
        # Not run at all: another IP version's script (name ending v6.pkt)
        # or a -k selection; nothing to say about it.
    return areas, problems


def cell(text):
    return text.replace("|", "\\|").replace("\n", " ")


def render(areas, target_note):
    out = ["| area | scripts | pass | fail | lacks | departs | choice | unclassified |",
           "|---|---:|---:|---:|---:|---:|---:|---:|"]
    totals = [0] * 7
    for area in sorted(areas):
        slot = areas[area]
        kinds = [k for k, _, _ in slot["failed"].values()]
        row = [len(slot["passed"]) + len(slot["failed"]), len(slot["passed"]),
               len(slot["failed"]), kinds.count("lacks"), kinds.count("departs"),
               kinds.count("choice"), kinds.count("unclassified")]
        totals = [a + b for a, b in zip(totals, row)]
        out.append(f"| {area} | " + " | ".join(str(n) for n in row) + " |")
    out.append("| **total** | " + " | ".join(f"**{n}**" for n in totals) + " |")
    out.append("")
    out.append(target_note)
    out.append("")
    out.append("| script | kind | why |")
    out.append("|---|---|---|")
    for area in sorted(areas):
        for path, (kind, reason, _) in sorted(areas[area]["failed"].items()):
            out.append(f"| `{path.split('/', 1)[-1]}` | {kind} | {cell(reason)} |")
    return "\n".join(out) + "\n"


BEGIN = "<!-- lwip-table: begin (suites/tools/lwip_table.py --readme README.md) -->"
END = "<!-- lwip-table: end -->"


def write_between_markers(path, table):
    """Replaces what lies between the two marker lines of `path`."""
    try:
        write_block(path, BEGIN, END, table)
    except ToolError as err:
        print(f"lwip_table: {err}", file=sys.stderr)
        return 2
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", type=pathlib.Path,
                    help="results.json of `vwire-suite run suites --target=lwip` "
                         "(default: run the suites now)")
    ap.add_argument("--known", type=pathlib.Path, default=KNOWN,
                    help="classification file (default: %(default)s)")
    ap.add_argument("--ip-versions", default="ipv4",
                    help="when running the suites (default: %(default)s)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--check", action="store_true",
                    help="exit 1 on a stale entry or an unclassified failure")
    ap.add_argument("--readme", type=pathlib.Path,
                    help="write the table into this file between its "
                         f"'{BEGIN}' and '{END}' lines instead of stdout")
    args = ap.parse_args(argv)
    try:
        known = load_known(args.known)
    except (OSError, ToolError) as err:
        print(f"lwip_table: {err}", file=sys.stderr)
        return 2
    if args.results:
        try:
            results = json.loads(args.results.read_text())
        except (OSError, ValueError) as err:
            print(f"lwip_table: cannot read {args.results}: {err}", file=sys.stderr)
            return 2
    else:
        results = run_suites(args.jobs, args.ip_versions)
    if results.get("target") not in (None, "lwip") and "lwip" not in str(results.get("target")):
        print(f"lwip_table: {args.results} is a run on {results.get('target')}, not lwip",
              file=sys.stderr)
        return 2
    areas, problems = analyse(results, known)
    for problem in problems:
        print(f"lwip_table: {problem}", file=sys.stderr)
    if args.check:
        return 1 if problems else 0
    versions = ", ".join(results.get("ip_versions") or [args.ip_versions])
    note = (f"lwIP {versions}, generated by `suites/tools/lwip_table.py` from "
            f"`harness/targets/lwip/KNOWN-DIFFERENCES.tsv`; virtual time.")
    table = render(areas, note)
    if args.readme:
        return write_between_markers(args.readme, table)
    sys.stdout.write(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
