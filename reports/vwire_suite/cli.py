"""bin/vwire-suite: run | report | merge | gate | diff. Exit 0 when nothing failed
(or nothing regressed, with a baseline), 1 otherwise, 2 for usage errors."""
import argparse
import os
import shlex
import sys
import time

from . import REPO_ROOT, diff, discover, gate, junit, report, results, rfc_table, runner, shard
from .progress import Progress

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    pass


def _cores():
    """The cores this process may run on (a CI container may get fewer than
    the machine has)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _parser():
    top = argparse.ArgumentParser(
        prog="vwire-suite",
        description="Runs vwire scripts in parallel, writes JSON/HTML/JUnit reports, gates CI on a baseline.",
        epilog="Exit codes: 0 nothing failed (or, with a baseline, nothing regressed); "
               "1 otherwise; 2 usage errors. `vwire-suite COMMAND --help` for each command.")
    sub = top.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run every .pkt script under PATHS")
    run.add_argument("paths", nargs="+", metavar="PATH",
                     help=".pkt scripts or folders (searched recursively; a folder's vwire.flags "
                          "adds flags for the scripts under it)")
    run.add_argument("--target", help="passed to bin/vwire as --target=T")
    run.add_argument("-j", "--jobs", type=int, default=_cores(),
                     help=f"scripts run at once (default: all cores, here {_cores()})")
    run.add_argument("-k", dest="patterns", action="append", default=[], metavar="PATTERN",
                     help="only scripts whose id contains PATTERN (or matches the glob); repeatable")
    run.add_argument("--report", default=str(REPO_ROOT / "reports" / "out"), metavar="DIR",
                     help="where results.json, junit.xml, index.html, scripts/, pcap/ go "
                          "(default: reports/out)")
    run.add_argument("--baseline", metavar="FILE", help="gate the run against this baseline")
    run.add_argument("--gate-config", metavar="FILE", help="default: ci/gate.json")
    run.add_argument("--shard", metavar="K/N", help="run only shard K of N")
    run.add_argument("--rerun-failures", type=int, default=0, metavar="N",
                     help="rerun a failing script up to N times; a later pass is flaky")
    run.add_argument("--timeout", type=float, default=60.0, metavar="SECS",
                     help="per-script time limit (default 60)")
    run.add_argument("--vwire", default=str(REPO_ROOT / "bin" / "vwire"), metavar="PATH",
                     help="the interpreter to run (default: the repo's bin/vwire)")
    run.add_argument("--flags", default="", help="extra flags for every script")
    run.add_argument("--flags-file", action="append", default=[], metavar="FILE",
                     help="a vwire.flags-style file applied to every script (before folders' own)")
    run.add_argument("--ip-versions", default="ipv4",
                     help="comma-separated: ipv4,ipv6,ipv4-mapped-ipv6 (default ipv4)")
    run.add_argument("--no-html", action="store_true", help="write results.json and junit.xml only")

    rep = sub.add_parser("report", help="write the HTML and JUnit reports of a results.json")
    rep.add_argument("results")
    rep.add_argument("-o", "--output", required=True, metavar="DIR")
    rep.add_argument("--baseline", metavar="FILE")

    mrg = sub.add_parser("merge", help="merge shards' results.json into one")
    mrg.add_argument("inputs", nargs="+", metavar="RESULTS")
    mrg.add_argument("-o", "--output", required=True, metavar="FILE")
    mrg.add_argument("--complete", action="store_true",
                     help="refuse unless the inputs are all N shards of one --shard K/N split")

    gat = sub.add_parser("gate", help="compare a results.json with a baseline")
    gat.add_argument("results")
    gat.add_argument("--baseline", required=True, metavar="FILE")
    gat.add_argument("--rerun", action="store_true", help="rerun each regression once: flaky or broken")
    gat.add_argument("--update", action="store_true",
                     help="write the run's verdicts as the new baseline (creating it if needed)")
    gat.add_argument("--output", metavar="FILE", help="with --update: where (default: --baseline)")
    gat.add_argument("--prune", action="store_true",
                     help="with --update: drop baseline scripts this run did not cover "
                          "(after a full run; without it another shard's verdicts are kept)")
    gat.add_argument("--lower", action="store_true",
                     help="with --update: accept regressions (else they stay expected to pass "
                          "and the gate still fails)")
    gat.add_argument("--report", metavar="DIR",
                     help="also write the reports there, the gate's findings (flaky or broken) "
                          "in index.html")
    gat.add_argument("--vwire", metavar="PATH", help="for --rerun (default: the one the run used)")
    gat.add_argument("--gate-config", metavar="FILE", help="default: ci/gate.json")

    diff.add_parser(sub, REPO_ROOT)
    return top


def _ip_versions(text):
    versions = [v.strip() for v in text.split(",") if v.strip()]
    bad = [v for v in versions if v not in discover.IP_VERSIONS]
    if bad or not versions:
        raise UsageError(f"--ip-versions: unknown {', '.join(bad) or '(empty)'}; "
                         f"choose from {','.join(discover.IP_VERSIONS)}")
    return versions


def _gate(document, args, rerun):
    baseline = gate.load_baseline(args.baseline, missing_ok=getattr(args, "update", False))
    config = gate.load_config(args.gate_config)
    found = gate.compare(document, baseline, rerun=rerun, vwire=getattr(args, "vwire", None),
                         config=config)
    return baseline, found


def cmd_run(args):
    if args.jobs < 1:
        raise UsageError("-j must be at least 1")
    if args.timeout <= 0:
        raise UsageError("--timeout must be positive")
    if args.rerun_failures < 0:
        raise UsageError("--rerun-failures must be 0 or more")
    if not os.access(args.vwire, os.X_OK):
        raise UsageError(f"--vwire {args.vwire}: not an executable (build it with make)")
    versions = _ip_versions(args.ip_versions)
    try:
        extra = shlex.split(args.flags)
    except ValueError as err:
        raise UsageError(f"--flags: {err}") from err
    if args.baseline:
        gate.load_baseline(args.baseline)   # a bad baseline is a usage error, before the run
    started_wall = time.monotonic()
    jobs = discover.discover(args.paths, versions, args.patterns, args.target, extra,
                             args.flags_file)
    if args.shard:
        k, n = shard.parse_shard(args.shard)
        jobs = shard.select(jobs, k, n)
    if not jobs:
        raise UsageError("no scripts found" + (" matching -k" if args.patterns else ""))
    progress = Progress(len(jobs))
    vwire = os.path.abspath(args.vwire)
    report_dir = os.path.abspath(args.report)
    entries = runner.run_jobs(jobs, vwire, report_dir, args.jobs, args.timeout,
                              args.rerun_failures, progress)
    progress.finish()
    rfcs = rfc_table.RfcLookup()
    scripts = {job.id: job.script for job in jobs}
    for entry in entries:
        entry["rfc"] = rfcs.rfc_for(scripts[entry["id"]])
    document = results.build(entries, vwire, args.target, versions, args.shard,
                             (time.monotonic() - started_wall) * 1e6)
    baseline = found = None
    if args.baseline:
        baseline, found = _gate(document, args, rerun=True)
    if args.no_html:
        os.makedirs(report_dir, exist_ok=True)
        results.save(document, os.path.join(report_dir, "results.json"))
        junit.write(document, os.path.join(report_dir, "junit.xml"))
    else:
        report.write_all(document, report_dir, baseline, found)
    print(results.summary_table(document))
    print(f"reports: {os.path.join(report_dir, 'index.html')}")
    if found is not None:
        print(found.text())
        return EXIT_FAIL if found.failed else EXIT_OK
    t = document["totals"]
    return EXIT_OK if t["fail"] + t["error"] == 0 else EXIT_FAIL


def cmd_report(args):
    document = results.load(args.results)
    baseline = gate.load_baseline(args.baseline) if args.baseline else None
    found = gate.compare(document, baseline) if baseline is not None else None
    # Script pages link pcaps relative to the report; a report elsewhere keeps
    # the links only if the pcaps are there too.
    report.write_all(document, args.output, baseline, found)
    print(f"reports: {os.path.join(args.output, 'index.html')}")
    return EXIT_OK


def cmd_merge(args):
    documents = [results.load(path) for path in args.inputs]
    if args.complete:
        shard.check_complete(documents)
    merged = shard.merge(documents)
    results.save(merged, args.output)
    t = merged["totals"]
    print(f"merged {len(documents)} runs: {t['scripts']} scripts, {t['pass']} passed, "
          f"{t['fail']} failed, {t['error']} errors -> {args.output}")
    return EXIT_OK


def cmd_gate(args):
    for option in ("prune", "lower"):
        if getattr(args, option) and not args.update:
            raise UsageError(f"--{option} goes with --update")
    document = results.load(args.results)
    baseline, found = _gate(document, args, rerun=args.rerun)
    if args.report:
        report.write_all(document, args.report, baseline, found)
        print(f"reports: {os.path.join(args.report, 'index.html')}")
    print(found.text())
    if args.update:
        target = args.output or args.baseline
        gate.write_baseline(gate.new_baseline(document, found, old=None if args.prune else baseline,
                                              lower=args.lower), target)
        print(f"baseline updated: {target} ({len(document['scripts'])} scripts from this run)")
        kept = gate.regressions(found)
        if kept and not args.lower:
            print(f"{len(kept)} regressions are still expected to pass, so the gate still "
                  "fails; --lower accepts them")
            return EXIT_FAIL
        return EXIT_OK
    return EXIT_FAIL if found.failed else EXIT_OK


COMMANDS = {"run": cmd_run, "report": cmd_report, "merge": cmd_merge, "gate": cmd_gate,
            "diff": lambda args: diff.cmd_diff(args, UsageError)}


def main(argv=None):
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (UsageError, discover.DiscoveryError, shard.ShardError, results.ResultsError,
            gate.GateError) as err:
        print(f"vwire-suite {args.command}: {err}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("vwire-suite: interrupted", file=sys.stderr)
        return 130
