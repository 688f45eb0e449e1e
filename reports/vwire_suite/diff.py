"""diff: which scripts' verdicts differ between targets (e.g. the built-in
stack and the kernel), or between two recorded runs.

    vwire-suite diff --targets vstack,kernel PATHS...   run PATHS on each target, compare
    vwire-suite diff A.json B.json                        compare two results.json
Each script whose verdicts differ is shown with both verdicts and the first
event where the two runs part ways (diff_events); with --targets, also in
DIR/diff.html. Exit 0 when every verdict agrees, 1 when some differ, 2 for
usage errors."""
import os
import shlex
import time

from . import diff_events, diff_html, discover, report, results, runner
from .runner import slug


def add_parser(sub, repo_root):
    parser = sub.add_parser("diff", help="scripts whose verdicts differ between targets or runs")
    parser.add_argument("inputs", nargs="+", metavar="PATH",
                        help="with --targets: scripts or folders; without: two results.json")
    parser.add_argument("--targets", metavar="T1,T2,...",
                        help="run PATHS on each target (as bin/vwire --target=T) and compare")
    parser.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("-k", dest="patterns", action="append", default=[], metavar="PATTERN")
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECS")
    parser.add_argument("--vwire", default=str(repo_root / "bin" / "vwire"), metavar="PATH")
    parser.add_argument("--flags", default="")
    parser.add_argument("--flags-file", action="append", default=[], metavar="FILE")
    parser.add_argument("--ip-versions", default="ipv4")
    parser.add_argument("--report", default=str(repo_root / "reports" / "out" / "diff"),
                        metavar="DIR", help="each target's reports go in DIR/<target>/, "
                        "the comparison in DIR/diff.html")
    return parser


def _where(entry):
    if entry is None:
        return "not run"
    if entry["reason"]:
        return f"{entry['verdict']} ({entry['reason']})"
    failure = (entry["result"] or {}).get("failure")
    if failure:
        return f"{entry['verdict']} (line {failure['line']}: {failure['kind']})"
    return entry["verdict"]


def compare(left, right):
    """[{'id', 'left', 'right', 'left_verdict', 'right_verdict', 'first'}] for
    every script whose verdict differs; 'first' is the first event where the
    two runs part ways (diff_events.first_difference), or None."""
    a = {e["id"]: e for e in left["scripts"]}
    b = {e["id"]: e for e in right["scripts"]}
    rows = []
    for job_id in sorted(set(a) | set(b)):
        x, y = a.get(job_id), b.get(job_id)
        if (x or {}).get("verdict") != (y or {}).get("verdict"):
            first = diff_events.first_difference((x or {}).get("result"),
                                                 (y or {}).get("result"))
            rows.append({"id": job_id, "left": _where(x), "right": _where(y),
                         "left_verdict": (x or {}).get("verdict", "not run"),
                         "right_verdict": (y or {}).get("verdict", "not run"),
                         "first": first})
    return rows


def text(left, right, rows, left_name, right_name):
    lines = [f"{len(rows)} scripts differ between {left_name} ({left['target'] or 'vstack'}) "
             f"and {right_name} ({right['target'] or 'vstack'})"]
    if rows:
        width = max(len(r["id"]) for r in rows)
        names = left["target"] or "vstack", right["target"] or "vstack"
        for r in rows:
            lines.append(f"  {r['id']:<{width}}  {r['left']}  |  {r['right']}")
            first = r["first"]
            if first:
                lines.append(f"      first difference, line {first['line']} ({first['kind']}): "
                             f"{first['script']}")
                lines.append(f"        {names[0]}: {first['left']}")
                lines.append(f"        {names[1]}: {first['right']}")
    return "\n".join(lines)


def _run_target(args, target, versions, extra):
    started = time.monotonic()
    jobs = discover.discover(args.inputs, versions, args.patterns, target, extra, args.flags_file)
    out = os.path.join(os.path.abspath(args.report), slug(target))
    entries = runner.run_jobs(jobs, os.path.abspath(args.vwire), out, args.jobs, args.timeout)
    document = results.build(entries, os.path.abspath(args.vwire), target, versions, None,
                             (time.monotonic() - started) * 1e6)
    report.write_all(document, out)
    return document, out


def cmd_diff(args, usage_error):
    if not args.targets:
        if len(args.inputs) != 2:
            raise usage_error("without --targets, give exactly two results.json files")
        left, right = (results.load(path) for path in args.inputs)
        rows = compare(left, right)
        print(text(left, right, rows, args.inputs[0], args.inputs[1]))
        return 1 if rows else 0
    # "stack" is the name for the built-in stack, bin/vwire's vstack.
    targets = [{"stack": "vstack"}.get(t.strip(), t.strip())
               for t in args.targets.split(",") if t.strip()]
    if len(targets) < 2:
        raise usage_error("--targets needs at least two targets, e.g. vstack,kernel")
    if args.jobs < 1 or args.timeout <= 0:
        raise usage_error("-j must be at least 1 and --timeout positive")
    if not os.access(args.vwire, os.X_OK):
        raise usage_error(f"--vwire {args.vwire}: not an executable (build it with make)")
    versions = [v.strip() for v in args.ip_versions.split(",") if v.strip()]
    if not versions or any(v not in discover.IP_VERSIONS for v in versions):
        raise usage_error(f"--ip-versions {args.ip_versions!r}: choose from "
                          f"{','.join(discover.IP_VERSIONS)}")
    try:
        extra = shlex.split(args.flags)
    except ValueError as err:
        raise usage_error(f"--flags: {err}") from err
    runs = [_run_target(args, target, versions, extra) for target in targets]
    differ = False
    for document, out in runs[1:]:
        rows = compare(runs[0][0], document)
        differ = differ or bool(rows)
        print(text(runs[0][0], document, rows, runs[0][1], out))
        name = "diff.html" if len(runs) == 2 else f"diff-{slug(targets[0])}-{os.path.basename(out)}.html"
        page = diff_html.write(rows, runs[0][0], document, os.path.abspath(args.report),
                               runs[0][1], out, len(document["scripts"]), name)
        print(f"html: {page}")
    return 1 if differ else 0
