"""A whole run's results: building, totals, reading and writing results.json."""
import datetime
import json
import os

from . import jsonfile, schema

FORMAT = "vwire-results/1"


class ResultsError(Exception):
    """A results file that cannot be read or does not match the schema."""


def totals(entries):
    counts = {"scripts": len(entries), "pass": 0, "fail": 0, "error": 0, "flaky": 0}
    for entry in entries:
        counts[entry["verdict"]] += 1
        counts["flaky"] += 1 if entry["flaky"] else 0
    return counts


def build(entries, vwire, target, ip_versions, shard, wall_usecs, started=None):
    started = started or datetime.datetime.now(datetime.timezone.utc)
    return {
        "format": FORMAT,
        "started": started.isoformat(timespec="seconds"),
        "wall_usecs": int(wall_usecs),
        "vwire": str(vwire),
        "target": target,
        "ip_versions": list(ip_versions),
        "shard": shard,
        "shards_merged": 0,
        "totals": totals(entries),
        "scripts": sorted(entries, key=lambda e: e["id"]),
    }


def load(path):
    document = jsonfile.read(path, ResultsError)
    problem = schema.results_error(document)
    if problem:
        raise ResultsError(f"{path}: not a vwire results file: {problem}")
    return document


def save(document, path):
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        # No indent: json's C encoder only runs without one (5x faster on a
        # corpus run); the HTML is for reading, `python3 -m json.tool` too.
        json.dump(document, f, sort_keys=True)
        f.write("\n")
    os.replace(tmp, path)


def by_folder(entries):
    """[(folder, counts, usecs)] sorted by folder."""
    groups = {}
    for entry in entries:
        groups.setdefault(entry["folder"], []).append(entry)
    rows = []
    for folder in sorted(groups):
        group = groups[folder]
        rows.append((folder, totals(group), sum(e["duration_usecs"] for e in group)))
    return rows


def summary_table(document):
    """The plain-text table printed at the end of a run."""
    rows = by_folder(document["scripts"])
    width = max([len("folder")] + [len(r[0]) for r in rows])
    lines = [f"{'folder':<{width}}  scripts  pass  fail  error  flaky    time"]
    for folder, counts, usecs in rows:
        lines.append(f"{folder:<{width}}  {counts['scripts']:>7}  {counts['pass']:>4}  "
                     f"{counts['fail']:>4}  {counts['error']:>5}  {counts['flaky']:>5}  "
                     f"{usecs / 1e6:>5.1f} s")
    t = document["totals"]
    lines.append(f"{'total':<{width}}  {t['scripts']:>7}  {t['pass']:>4}  {t['fail']:>4}  "
                 f"{t['error']:>5}  {t['flaky']:>5}  {document['wall_usecs'] / 1e6:>5.1f} s wall")
    return "\n".join(lines)
