"""HTML reports: index.html (the run) and one page per script, from the Jinja2
templates in reports/templates with the CSS inlined, so the pages work
offline and fetch nothing."""
import difflib
import os
import re

import jinja2

from . import REPORTS_DIR, ladder, rfc_table, results
from .runner import slug

TEMPLATES = REPORTS_DIR / "templates"
STATIC = REPORTS_DIR / "static"
SLOWEST = 15


# Packet fields a script may leave out, which are then not checked.
OPTIONAL_FIELDS = ("win", "urg")


def _mark_unchecked(left, marks):
    """Marks as "extra" the packet fields (and options) the target's text has
    and the script's leaves out."""
    index = 0
    while index < len(marks):
        token = marks[index][0]
        if token in OPTIONAL_FIELDS and token not in left and index + 1 < len(marks):
            marks[index] = (token, "extra")
            marks[index + 1] = (marks[index + 1][0], "extra")
            index += 2
            continue
        if token.startswith("<") and not any(t.startswith("<") for t in left):
            while index < len(marks):
                marks[index] = (marks[index][0], "extra")
                index += 1
                if marks[index - 1][0].endswith(">"):
                    break
            continue
        index += 1


def field_diff(expected, actual):
    """Both texts as [(token, mark)], aligned by a token diff: mark is "diff"
    where they disagree, "extra" for a field only the target's text has (the
    script leaves it out, so it is not checked), else ""."""
    left = (expected or "").split()
    right = (actual or "").split()
    marks_left, marks_right = [], []
    matcher = difflib.SequenceMatcher(a=left, b=right, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        mark = "" if op == "equal" else "diff"
        marks_left.extend((token, mark) for token in left[a1:a2])
        marks_right.extend((token, mark) for token in right[b1:b2])
    _mark_unchecked(left, marks_right)
    return marks_left, marks_right


def packet_field_rows(failure, event):
    """Named fields of the failing packet: the script's text split into fields
    next to what the target sent."""
    def split(text):
        found = {}
        if not text:
            return found
        when, text = ladder.split_time(text)
        if when is not None:
            found["time"] = when
        found["flags"] = text.split()[0] if text.split() else None
        match = re.search(r"(\d+):(\d+)\((\d+)\)", text)
        if match:
            found["seq"] = f"{match.group(1)}:{match.group(2)}"
            found["len"] = match.group(3)
        for name in ("ack", "win", "urg"):
            match = re.search(rf"\b{name}\s+(\d+)", text)
            if match:
                found[name] = match.group(1)
        match = re.search(r"<([^>]*)>", text)
        if match:
            found["options"] = match.group(1)
        return found
    expected = split(failure.get("expected") or (event or {}).get("script_text"))
    actual = split(failure.get("actual") or (event or {}).get("actual_text"))
    rows = []
    for name in ("time", "flags", "seq", "len", "ack", "win", "urg", "options"):
        if name in expected or name in actual:
            e, a = expected.get(name), actual.get(name)
            # A field the script leaves out is not checked.
            differs = e is not None and e != a
            rows.append({"name": name, "expected": e, "actual": a, "differs": differs})
    return rows


def _environment():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)),
                             autoescape=jinja2.select_autoescape(["html"]),
                             trim_blocks=True, lstrip_blocks=True,
                             undefined=jinja2.StrictUndefined)
    env.filters["duration"] = ladder.duration_text
    env.filters["slug"] = slug
    env.globals["css"] = (STATIC / "report.css").read_text()
    return env


def _failing_event(result):
    for event in (result or {}).get("events") or []:
        if event["status"] == "failed":
            return event
    return None


def _rfc_rows(entries):
    groups = {}
    for entry in entries:
        area = rfc_table.area_of(entry.get("rfc"))
        if area:
            groups.setdefault(area, []).append(entry)
    return [(area, results.totals(group), sorted({e["rfc"] for e in group}))
            for area, group in sorted(groups.items())]


def comparison(document, baseline, gate_report):
    """Rows for the index's baseline section."""
    if baseline is None:
        return None
    current = {e["id"]: e["verdict"] for e in document["scripts"]}
    changed = []
    for job_id in sorted(set(current) | set(baseline)):
        was, now = baseline.get(job_id), current.get(job_id)
        if was != now:
            changed.append({"id": job_id, "was": was or "—", "now": now or "—"})
    return {"changed": changed, "gate": gate_report.as_dict() if gate_report else None,
            "same": sum(1 for k, v in current.items() if baseline.get(k) == v)}


def render(document, out_dir, baseline=None, gate_report=None):
    """Writes index.html and scripts/*.html under out_dir."""
    env = _environment()
    os.makedirs(os.path.join(out_dir, "scripts"), exist_ok=True)
    entries = document["scripts"]
    page = env.get_template("script.html")
    for entry in entries:
        result = entry["result"]
        failure = (result or {}).get("failure")
        event = _failing_event(result)
        diff = field_diff(failure.get("expected"), failure.get("actual")) if failure else None
        fields = packet_field_rows(failure, event) if failure and (
            event is None or event["type"] == "packet") and failure.get("expected") else []
        pcap = entry["pcap"] if entry["pcap"] and os.path.exists(
            os.path.join(out_dir, entry["pcap"])) else None
        html = page.render(entry=entry, result=result, failure=failure, diff=diff,
                           fields=fields, ladder=ladder.layout(result),
                           timelines=ladder.state_timeline(result), pcap=pcap,
                           run=document)
        with open(os.path.join(out_dir, "scripts", slug(entry["id"]) + ".html"), "w") as f:
            f.write(html)
    slowest = sorted(entries, key=lambda e: -e["duration_usecs"])[:SLOWEST]
    virtual = sum((e["result"] or {}).get("virtual_usecs") or 0 for e in entries)
    index = env.get_template("index.html").render(
        run=document, totals=document["totals"], folders=results.by_folder(entries),
        rfc_rows=_rfc_rows(entries), slowest=slowest, entries=entries,
        failures=[e for e in entries if e["verdict"] != "pass"],
        virtual_usecs=virtual, comparison=comparison(document, baseline, gate_report))
    with open(os.path.join(out_dir, "index.html"), "w") as f:
        f.write(index)
