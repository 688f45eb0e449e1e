#!/usr/bin/python3
"""Builds the README table of the packetdrill corpus on lwIP, next to the
built-in stack's and Linux's passes.

Runs the corpus (ipv4 variants, RUN-FLAGS.md's flags, one `bin/vwire -j N`
process as tests/bench/bench-corpus.sh does) on lwIP and on the built-in
stack, reads Linux's verdicts from LINUX-VERDICTS.tsv, and prints per
corpus folder the passes of each, and for lwIP's failures the class of
reason: what lwIP lacks, where it departs from an RFC, a choice the RFC
leaves open, or a failure the script itself expects (its "// Failure:"
comment). The classes are patterns of failure, in
harness/targets/lwip/CORPUS-CLASSES.tsv:

    class    kind (lacks|departs|choice)    evidence regex    reason

--readme FILE writes the tables between the marker lines of FILE.
--check reruns lwIP only and exits 1 when an lwIP failure matches no
class, a class matches nothing, or FILE's tables differ from what the run
gives (the built-in stack's column is taken from FILE as it stands: that
stack changes daily and tests/bench/bench-corpus.sh tracks it).
"""
import argparse
import glob
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

from readme_tables import ToolError, read_block, read_rules

ROOT = pathlib.Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "google-packetdrill"
CLASSES = ROOT / "harness" / "targets" / "lwip" / "CORPUS-CLASSES.tsv"
KINDS = ("lacks", "departs", "choice")
FLAGS = ["--ip_version=ipv4", "--local_ip=192.168.0.1", "--gateway_ip=192.168.0.1",
         "--netmask_ip=255.255.0.0", "--remote_ip=192.0.2.1", "-D", "TFO_COOKIE=3021b9d889017eeb",
         "-D", "CODE=host_unreachable", "-D", "CMSG_LEVEL_IP=SOL_IP",
         "-D", "CMSG_TYPE_RECVERR=IP_RECVERR"]
BEGIN = "<!-- lwip-corpus-table: begin (suites/tools/lwip_corpus_table.py --readme README.md) -->"
END = "<!-- lwip-corpus-table: end -->"
EXPECTED = re.compile(r"^\s*//\s*Failure:\s*(.+?)\s*$", re.M)


def load_classes(path):
    """[(name, kind, compiled regex, reason)] in file order."""
    return read_rules(path, KINDS, noun="class")


def corpus_scripts(corpus):
    """The ipv4 variants: every script but the IPv6-only ones, sorted."""
    base = corpus / "gtests"
    return sorted(str(p.relative_to(corpus)) for p in base.rglob("*.pkt")
                  if not p.name.endswith("v6.pkt"))


def run_corpus(corpus, target, jobs, vwire):
    """{script path below gtests/net/: its --json result} for one target."""
    scripts = corpus_scripts(corpus)
    env = dict(os.environ, PATH="/usr/sbin:/usr/bin:/sbin:/bin",
               VWIRE_TIMEOUT_SECS=os.environ.get("VWIRE_TIMEOUT_SECS", "60"))
    with tempfile.TemporaryDirectory(prefix="lwip-corpus-") as out:
        cmd = [str(vwire), *FLAGS, *([f"--target={target}"] if target else []),
               "-j", str(jobs), f"--json={out}/r.json", *scripts]
        subprocess.run(cmd, cwd=corpus, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       env=env, check=False)
        found = {}
        for path in glob.glob(f"{out}/r.json.*"):
            try:
                result = json.loads(pathlib.Path(path).read_text())
            except (OSError, ValueError):
                continue
            found[short(result["script"])] = result
    # A script that left no result (crash, timeout) counts as a failure.
    for script in scripts:
        found.setdefault(short(script), {"verdict": "error", "error_text": "no result",
                                         "failure": None})
    return found


def short(script):
    return script.split("gtests/net/", 1)[-1]


def linux_verdicts(corpus):
    verdicts = {}
    for line in (corpus / "LINUX-VERDICTS.tsv").read_text().splitlines():
        if line and not line.startswith("#"):
            cols = line.split("\t")
            verdicts[cols[0]] = cols[1]
    return verdicts


def folder_of(script):
    parts = script.split("/")
    return "/".join(parts[:2]) if len(parts) > 2 else parts[0]


def evidence_text(result):
    failure = result.get("failure") or {}
    return (result.get("error_text") or "") + "\n" + (failure.get("expected") or "")


def classify(result, script_text, classes):
    """(class name, kind, what) for one lwIP failure; None if nothing fits."""
    text = evidence_text(result)
    for wanted in EXPECTED.findall(script_text or ""):
        try:
            if re.search(wanted, text):
                return ("script-expects-it", "expected", None)
        except re.error:
            continue
    for name, kind, regex, _ in classes:
        match = regex.search(text)
        if match:
            return (name, kind, match.groupdict().get("what"))
    return None


def analyse(lwip, classes, corpus):
    """Per folder counts and per class uses; problems (unclassified, stale)."""
    rows, uses, problems = {}, {}, []
    for script in sorted(lwip):
        folder = rows.setdefault(folder_of(script), {"scripts": 0, "lwip": 0, "kinds": {}})
        folder["scripts"] += 1
        result = lwip[script]
        if result["verdict"] == "pass":
            folder["lwip"] += 1
            continue
        path = corpus / "gtests" / "net" / script
        found = classify(result, path.read_text() if path.exists() else "", classes)
        if found is None:
            first = (result.get("error_text") or "").splitlines()[:1]
            problems.append(f"unclassified failure: {script}: {first[0] if first else ''}")
            found = ("unclassified", "unclassified", None)
        name, kind, what = found
        folder["kinds"][kind] = folder["kinds"].get(kind, 0) + 1
        use = uses.setdefault(name, {"kind": kind, "scripts": 0, "what": {}})
        use["scripts"] += 1
        if what:
            use["what"][what] = use["what"].get(what, 0) + 1
    for name, _, _, _ in classes:
        if name not in uses:
            problems.append(f"stale class: {name} matches no lwIP failure")
    return rows, uses, problems


COLUMNS = ("lacks", "departs", "choice", "expected", "unclassified")


def render(rows, uses, classes, vstack, linux):
    """The two tables as markdown. vstack: {folder: passes or None}."""
    out = ["| corpus folder | scripts | lwIP pass | vwire stack pass | Linux pass |"
           " lwIP lacks | departs | choice | expected | unclassified |",
           "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    totals = [0] * 9
    for folder in sorted(rows):
        row = rows[folder]
        linux_pass = sum(1 for s, v in linux.items() if folder_of(s) == folder and v == "pass")
        linux_records = sum(1 for s in linux if folder_of(s) == folder)
        cells = [row["scripts"], row["lwip"], vstack.get(folder), linux_pass]
        cells += [row["kinds"].get(k, 0) for k in COLUMNS]
        shown = [str(c) if c is not None else "?" for c in cells]
        if linux_records != row["scripts"]:
            shown[3] += f" of {linux_records}"
        out.append(f"| {folder} | " + " | ".join(shown) + " |")
        totals = [t + (c or 0) for t, c in zip(totals, cells)]
    shown = [f"**{t}**" for t in totals]
    shown[3] = f"**{totals[3]} of {len(linux)}**"
    if any(vstack.get(f) is None for f in rows):
        shown[2] = "**?**"
    out.append("| **total** | " + " | ".join(shown) + " |")
    out += ["", "Each lwIP failure's class (a pattern of failure in "
            "`harness/targets/lwip/CORPUS-CLASSES.tsv`; first match wins):", "",
            "| class | kind | scripts | what | reason |", "|---|---|---:|---|---|"]
    reasons = {name: reason for name, _, _, reason in classes}
    reasons["script-expects-it"] = ("the script is written to fail: its own `// Failure:` "
                                    "comment matches the error (packetdrill's self-tests)")
    reasons["unclassified"] = "no class matches: read the failure and add one"
    for name in sorted(uses, key=lambda n: (-uses[n]["scripts"], n)):
        use = uses[name]
        what = ", ".join(f"{w} ({n})" for w, n in sorted(use["what"].items(),
                                                          key=lambda kv: (-kv[1], kv[0])))
        reason = reasons[name].replace("|", "\\|")
        out.append(f"| {name} | {use['kind']} | {use['scripts']} | {what} | {reason} |")
    out += ["", "Generated by `suites/tools/lwip_corpus_table.py --readme README.md` "
            "(ipv4, RUN-FLAGS.md's flags; lwIP and the vwire stack in virtual time; "
            "Linux from LINUX-VERDICTS.tsv, which has no record for packetdrill's own "
            "tests). `--check` reruns lwIP and fails when this table is stale."]
    return "\n".join(out) + "\n"


def vstack_from_readme(block):
    """{folder: passes} from the vwire stack column of an existing table."""
    found = {}
    for line in block.splitlines():
        cols = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cols) == 10 and cols[3].isdigit():
            found[cols[0]] = int(cols[3])
    return found


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--readme", type=pathlib.Path,
                    help=f"write the tables into this file between '{BEGIN}' and '{END}'")
    ap.add_argument("--check", action="store_true",
                    help="with --readme: exit 1 if its tables are stale or a failure is unclassified")
    ap.add_argument("--classes", type=pathlib.Path, default=CLASSES)
    ap.add_argument("--corpus", type=pathlib.Path, default=CORPUS)
    ap.add_argument("--vwire", type=pathlib.Path, default=ROOT / "bin" / "vwire")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2)
    args = ap.parse_args(argv)
    try:
        classes = load_classes(args.classes)
    except (OSError, ToolError) as err:
        print(f"lwip_corpus_table: {err}", file=sys.stderr)
        return 2
    if args.check and not args.readme:
        print("lwip_corpus_table: --check needs --readme FILE", file=sys.stderr)
        return 2
    block = None
    if args.readme:
        try:
            text, start, stop = read_block(args.readme, BEGIN, END)
        except ToolError as err:
            print(f"lwip_corpus_table: {err}", file=sys.stderr)
            return 2
        block = text[start:stop]
    lwip = run_corpus(args.corpus, "lwip", args.jobs, args.vwire)
    rows, uses, problems = analyse(lwip, classes, args.corpus)
    if args.check:
        vstack = vstack_from_readme(block)
    else:
        stack = run_corpus(args.corpus, None, args.jobs, args.vwire)
        vstack = {}
        for script, result in stack.items():
            folder = folder_of(script)
            vstack[folder] = vstack.get(folder, 0) + (result["verdict"] == "pass")
    table = render(rows, uses, classes, vstack, linux_verdicts(args.corpus))
    for problem in problems:
        print(f"lwip_corpus_table: {problem}", file=sys.stderr)
    if args.check:
        if block.strip() != table.strip():
            print(f"lwip_corpus_table: {args.readme}'s corpus table is stale: run "
                  "suites/tools/lwip_corpus_table.py --readme README.md", file=sys.stderr)
            problems.append("stale table")
        return 1 if problems else 0
    if args.readme:
        args.readme.write_text(text[:start] + "\n" + table + text[stop:])
        return 1 if problems else 0
    sys.stdout.write(table)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
