"""The first event where two runs of one script part ways: the packet or the
call result each target produced there.

Both runs execute the same script, so their event lists line up one for
one. Compared: each event's status, a failure's text, and of a packet the
target sent the parts the script checks. Not compared: timing (two
targets' clocks never agree to the microsecond; an event outside the
script's tolerance has failed, and that is compared), timestamp option
values (each target's own clock), and a window or options the script
leaves open (they follow each stack's buffer sizes and would mark every
packet; the texts shown still carry them)."""
import re

TS_VALUES = re.compile(r"\b(TS val) \d+ (ecr) \d+")
WINDOW = re.compile(r" win \d+")
OPTIONS = re.compile(r" ?<[^>]*>")


def _normal(text, script=""):
    """A sent packet's text reduced to what the script checks."""
    if not text:
        return text
    if not re.search(r"\bwin\b", script):
        text = WINDOW.sub("", text)
    if "<...>" in script or "<" not in script:
        text = OPTIONS.sub("", text)
    return TS_VALUES.sub(r"\1 * \2 *", text)


def _kind(event):
    if event["type"] == "packet":
        return f"{event['direction'] or 'packet'} packet"
    return event["type"]


def _status(event, result):
    """The event's status; a blocking call that failed after later events
    ran (its return came late) can keep status ok in its record while the
    run's failure names its line: that event is the failed one."""
    status = event["status"]
    failure = result.get("failure") or {}
    if status == "ok" and failure.get("line") == event["line"] and not any(
            e["status"] == "failed" for e in result.get("events") or []):
        return "failed"
    return status


def _produced(event, result):
    """What the target did at this event, as one line of text."""
    status = _status(event, result)
    if status == "not_reached":
        return "not reached (the run had stopped)"
    failure = result.get("failure") or {}
    if status == "failed":
        actual = event.get("actual_text") or failure.get("actual")
        message = failure.get("message") or "failed"
        return f"failed: {message}" + (f"; sent {actual}" if actual and actual not in message
                                       else "")
    if event["type"] == "packet" and event.get("direction") == "outbound":
        return f"sent {event.get('actual_text') or event['script_text']}"
    if event["type"] == "syscall":
        return "returned as scripted"
    return "ok"


def _compared(event, result):
    """The part of an event that must be equal for the two to agree."""
    status = _status(event, result)
    if status == "failed":
        failure = result.get("failure") or {}
        return (status, _normal(event.get("actual_text") or failure.get("actual"),
                                event["script_text"]), failure.get("kind"))
    if event["type"] == "packet" and event.get("direction") == "outbound":
        return (status, _normal(event.get("actual_text"), event["script_text"]))
    return (status,)


def first_difference(left, right):
    """{'line', 'kind', 'script', 'left', 'right'} for the first event whose
    outcome differs between two results of one script (the 'result' member
    of a results.json entry), or None when every event agrees or either run
    has no events (it did not get to run the script)."""
    left, right = left or {}, right or {}
    a, b = left.get("events") or [], right.get("events") or []
    if not a or not b:
        return None
    for x, y in zip(a, b):
        if x["line"] != y["line"]:
            # Not the same script text: nothing further lines up.
            return _row(x, y, left, right)
        if _compared(x, left) != _compared(y, right):
            return _row(x, y, left, right)
    if len(a) != len(b):
        longer, side = (a, "left") if len(a) > len(b) else (b, "right")
        event = longer[min(len(a), len(b))]
        missing = "no such event"
        produced = _produced(event, left if side == "left" else right)
        return {"line": event["line"], "kind": _kind(event), "script": event["script_text"],
                "left": produced if side == "left" else missing,
                "right": produced if side == "right" else missing}
    return None


def _row(x, y, left, right):
    return {"line": x["line"], "kind": _kind(x), "script": x["script_text"],
            "left": _produced(x, left), "right": _produced(y, right)}
