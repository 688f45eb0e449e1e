"""Layout of the ladder diagram: the remote's lane on the left, the stack's on
the right, time down the page. Each packet is an arrow between the lanes;
calls, commands and code blocks are notes beside the stack's lane; state
changes are tags on it. The template only draws what this computes."""
import math
import re

WIDTH = 1100
TIME_X = 70          # right edge of the time column
REMOTE_X = 150
STACK_X = 640
NOTE_X = 660
TOP = 56
ROW = 34             # the least vertical room an item takes
SLOPE = 16           # how far an arrow drops while it crosses the wire
LABEL_CHARS = 84     # labels longer than this are cut (the full text is a tooltip)
NOTE_CHARS = 58      # notes have the room right of the stack's lane


LEADING_TIME = re.compile(r"^\s*(\*|[+]?\d*\.?\d+(~[+]?\d*\.?\d+)?(\.\.\.[+]?\d*\.?\d+)?)\s+")


def split_time(text):
    """'0.200000 F. 1:1(0) ack 1' -> ('0.200000', 'F. 1:1(0) ack 1'): event texts may
    start with their time, which the diagram shows in its own column."""
    match = LEADING_TIME.match(text or "")
    if not match:
        return None, text or ""
    return match.group(1), text[match.end():]


def packet_label(event):
    """flags seq:end(len) ack win <options>, from the live fields when present."""
    fields = event.get("fields")
    if not fields:
        return split_time(event.get("actual_text") or event.get("script_text"))[1]
    parts = [fields.get("flags") or "-"]
    if fields.get("seq") is not None:
        end = fields.get("end_seq", fields["seq"])
        parts.append(f"{fields['seq']}:{end}({fields.get('len', 0)})")
    if fields.get("ack") is not None:
        parts.append(f"ack {fields['ack']}")
    if fields.get("win") is not None:
        parts.append(f"win {fields['win']}")
    if fields.get("options"):
        parts.append(f"<{fields['options']}>")
    return " ".join(parts)


def _cut(text, limit=LABEL_CHARS):
    text = text or ""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _seconds(usecs):
    return None if usecs is None else f"{usecs / 1e6:.3f}"


def _gap_room(gap_usecs):
    """Extra room for a pause, growing with its logarithm so a 60 s TIME-WAIT
    does not push the rest off the page."""
    if not gap_usecs or gap_usecs <= 0:
        return 0
    return min(60, int(10 * math.log10(1 + gap_usecs / 1000)))


def _when(event):
    if event.get("actual_usecs") is not None:
        return event["actual_usecs"]
    return event.get("expected_usecs")


def _flags(event):
    fields = event.get("fields") or {}
    if fields.get("flags"):
        return fields["flags"]
    words = split_time(event.get("actual_text") or event.get("script_text"))[1].split()
    return words[0] if words else ""


def _inbound(event, flag=""):
    return (event["type"] == "packet" and event.get("direction") == "inbound"
            and flag in _flags(event))


def _call(event, *names):
    return (event["type"] == "syscall"
            and split_time(event.get("script_text"))[1].lstrip().startswith(names))


# What, at the same instant, moves a connection into a state. Events and
# state changes carry only times, and many share one: a state's tag goes
# right after the first event of its instant that can cause it, so the
# ladder reads in cause-then-effect order.
CAUSES = {
    "LISTEN": lambda e: _call(e, "listen"),
    "SYN_SENT": lambda e: _call(e, "connect", "sendto", "sendmsg"),
    "SYN_RECV": lambda e: _inbound(e, "S"),
    "ESTABLISHED": _inbound,
    "FIN_WAIT1": lambda e: _call(e, "close", "shutdown"),
    "LAST_ACK": lambda e: _call(e, "close", "shutdown"),
    "CLOSE_WAIT": lambda e: _inbound(e, "F"),
    "CLOSING": lambda e: _inbound(e, "F"),
    "FIN_WAIT2": _inbound,
    "TIME_WAIT": _inbound,
    "CLOSE": lambda e: _inbound(e, "R") or _call(e, "close", "shutdown"),
}
STATE_ALIASES = {"SYN_RECEIVED": "SYN_RECV", "FIN_WAIT_1": "FIN_WAIT1",
                 "FIN_WAIT_2": "FIN_WAIT2", "CLOSED": "CLOSE"}


def _cause(state_name):
    name = (state_name or "").upper().replace("-", "_").removeprefix("TCP_")
    return CAUSES.get(STATE_ALIASES.get(name, name))


def _merge_states(events, states):
    """Events in script order with the state changes among them: each right
    after the event of its instant that caused it (CAUSES), else before the
    first event that happened after it. States keep their time order."""
    before, after, tail = {}, {}, []
    cursor = 0
    for state in sorted(states or [], key=lambda s: s["usecs"]):
        usecs, cause, slot = state["usecs"], _cause(state["to"]), None
        for index in range(cursor, len(events)):
            when = _when(events[index])
            if when is None:
                continue
            if when > usecs:
                slot = (before, index)
                break
            if cause and when == usecs and cause(events[index]):
                slot = (after, index)
                break
        if slot is None:
            tail.append(state)
            cursor = len(events)
        else:
            slot[0].setdefault(slot[1], []).append(state)
            cursor = slot[1]
    items = []
    for index, event in enumerate(events):
        items.extend(("state", s) for s in before.get(index, []))
        items.append(("event", event))
        items.extend(("state", s) for s in after.get(index, []))
    items.extend(("state", s) for s in tail)
    return items


def layout(result):
    """{'width', 'height', 'lanes', 'rows'} for the template; rows are dicts with
    a 'kind' of arrow | note | state."""
    events = (result or {}).get("events") or []
    states = (result or {}).get("states") or []
    rows, y, last_usecs = [], TOP, 0
    for kind, item in _merge_states(events, states):
        if kind == "state":
            y += _gap_room(item["usecs"] - last_usecs)
            last_usecs = max(last_usecs, item["usecs"])
            rows.append({"kind": "state", "y": y, "x": STACK_X, "text": item["to"],
                         "from": item["from"], "conn": item["conn"],
                         "time": _seconds(item["usecs"]), "status": "ok"})
            y += 26
            continue
        event = item
        when = _when(event)
        if when is not None and event["status"] != "not_reached":
            y += _gap_room(when - last_usecs)
            last_usecs = max(last_usecs, when)
        status = event["status"]
        row = {"y": y, "status": status, "line": event["line"],
               "time": _seconds(event.get("actual_usecs") if status != "not_reached"
                                else event.get("expected_usecs")),
               "expected_time": _seconds(event.get("expected_usecs"))}
        if event["type"] == "packet":
            inbound = event.get("direction") == "inbound"
            label = packet_label(event) if status == "ok" else (
                split_time(event.get("script_text"))[1] or packet_label(event))
            row.update(kind="arrow", direction="inbound" if inbound else "outbound",
                       x1=REMOTE_X if inbound else STACK_X, x2=STACK_X if inbound else REMOTE_X,
                       y1=y + 18, y2=y + 18 + SLOPE, label=_cut(label), title=label,
                       actual=None)
            if status == "failed":
                actual = split_time(event.get("actual_text"))[1]
                row["actual"] = _cut(actual) if actual else None
                row["title"] = f"expected: {event.get('script_text')}\nactual: {actual}"
            y += ROW + SLOPE + (16 if row.get("actual") else 0)
        else:
            text = split_time(event.get("script_text"))[1]
            actual = split_time(event.get("actual_text"))[1] if status == "failed" else None
            row.update(kind="note", type=event["type"], x=NOTE_X, label=_cut(text, NOTE_CHARS),
                       title=text,
                       actual=_cut(actual, NOTE_CHARS - 8) if actual and actual != text else None)
            y += ROW - 6 + (16 if row.get("actual") else 0)
        rows.append(row)
    return {"width": WIDTH, "height": y + 30, "rows": rows,
            "lanes": {"time": TIME_X, "remote": REMOTE_X, "stack": STACK_X, "note": NOTE_X}}


def state_timeline(result):
    """Per connection: [{'state', 'start', 'end', 'usecs', 'share'}], each state
    lasting until the next change, the last until the end of the run."""
    states = sorted((result or {}).get("states") or [], key=lambda s: s["usecs"])
    end_of_run = (result or {}).get("virtual_usecs") or 0
    by_conn = {}
    for change in states:
        by_conn.setdefault(change["conn"], []).append(change)
    timelines = []
    for conn, changes in by_conn.items():
        spans = []
        for index, change in enumerate(changes):
            start = change["usecs"]
            end = changes[index + 1]["usecs"] if index + 1 < len(changes) else max(end_of_run, start)
            spans.append({"state": change["to"], "start": start, "end": end,
                          "usecs": end - start, "open": index + 1 == len(changes)})
        total = sum(s["usecs"] for s in spans) or 1
        for span in spans:
            # Every state stays visible, however short.
            span["share"] = max(4.0, 100.0 * span["usecs"] / total)
        scale = 100.0 / sum(s["share"] for s in spans)
        for span in spans:
            span["share"] = round(span["share"] * scale, 2)
        timelines.append({"conn": conn, "spans": spans})
    return timelines


def duration_text(usecs):
    if usecs >= 1_000_000:
        return f"{usecs / 1e6:.3g} s"
    if usecs >= 1000:
        return f"{usecs / 1000:.3g} ms"
    return f"{usecs} µs"
