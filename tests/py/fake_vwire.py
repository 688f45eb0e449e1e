#!/usr/bin/python3
"""A stand-in for bin/vwire, so the suite runner's tests never depend on the
real interpreter. It takes the same flags (--json=FILE, --pcap=FILE,
--ip_version=V, anything else is accepted and ignored) and one script, and
obeys directives in the script's comments:

    // fake: fail line=12 kind=field field=tcp_ack   verdict fail at that line
    // fake: error                                    exit 2, a parse error
    // fake: sleep=0.3                                sleep that many seconds first
    // fake: hang                                     never finish (with a child; pids in .hang.pids)
    // fake: crash                                    die of SIGSEGV
    // fake: flaky                                    fail the first run, pass after
    // fake: nojson                                   exit 0 without writing JSON
    // fake: badjson                                  write a result that breaks the schema
    // fake: require-flag=--foo=1                     fail unless that flag was given

Without directives the script passes. Events are made from the script's
lines (time, then a packet, call, command or code block) so that reports
have something to draw. The flaky counter lives in $VWIRE_FAKE_STATE (or
the script's folder) as a small file per script and IP version.
"""
import json
import os
import re
import signal
import sys
import time

DIRECTIVE = re.compile(r"//\s*fake:\s*(.*)$")
EVENT = re.compile(r"^\s*(\*|[+]?\d*\.?\d+(?:~[+]?\d*\.?\d+)?(?:\.\.\.\d*\.?\d+)?)\s+(.*?)\s*$")
SEGMENT = re.compile(r"^([SFRPUEW.\-]+)\s+(\d+):(\d+)\((\d+)\)(.*)$")


def parse_args(argv):
    opts = {"json": None, "pcap": None, "ip_version": "ipv4", "target": "vstack"}
    flags, scripts = [], []
    for arg in argv:
        if arg.startswith("--"):
            flags.append(arg)
            name, _, value = arg[2:].partition("=")
            if name in ("json", "pcap", "ip_version", "target"):
                opts[name] = value
        elif arg.startswith("-") and len(arg) > 1:
            flags.append(arg)
        else:
            scripts.append(arg)
    return opts, flags, scripts


def read_directives(text):
    found = {}
    for line in text.splitlines():
        match = DIRECTIVE.search(line)
        if not match:
            continue
        for word in match.group(1).split():
            key, _, value = word.partition("=")
            found[key] = value if value else True
    return found


def parse_time(token, previous):
    """Script time in microseconds, or None for `*`."""
    if token == "*":
        return None
    first = re.split(r"[~]|\.\.\.", token)[0]
    relative = first.startswith("+")
    seconds = float(first.lstrip("+") or 0)
    base = previous if relative else 0
    return base + int(round(seconds * 1e6))


def packet_fields(body):
    match = SEGMENT.match(body)
    if not match:
        return None
    flags, start, end, length, rest = match.groups()
    fields = {"flags": flags, "seq": int(start), "end_seq": int(end),
              "len": int(length), "ack": None, "win": None, "options": None}
    ack = re.search(r"\back\s+(\d+)", rest)
    win = re.search(r"\bwin\s+(\d+)", rest)
    opts = re.search(r"<([^>]*)>", rest)
    if ack:
        fields["ack"] = int(ack.group(1))
    if win:
        fields["win"] = int(win.group(1))
    if opts:
        fields["options"] = opts.group(1)
    return fields


def make_events(text):
    events, now = [], 0
    in_code = False
    for number, raw in enumerate(text.splitlines(), start=1):
        line = re.sub(r"//.*$", "", raw).rstrip()
        if in_code:
            in_code = "}%" not in line
            continue
        match = EVENT.match(line)
        if not match:
            continue
        when = parse_time(match.group(1), now)
        now = when if when is not None else now
        action = match.group(2)
        event = {"line": number, "type": "syscall", "direction": None,
                 "script_text": action, "actual_text": action, "fields": None,
                 "expected_usecs": when, "actual_usecs": now, "status": "ok"}
        if action[:1] in "<>":
            body = action[1:].strip()
            event.update(type="packet", script_text=body, actual_text=body,
                         direction="inbound" if action[0] == "<" else "outbound",
                         fields=packet_fields(body))
        elif action.startswith("`"):
            event["type"] = "command"
        elif action.startswith("%{"):
            event["type"] = "code"
            in_code = "}%" not in action
        events.append(event)
    return events, now


def make_states(events):
    """A plausible state history: passive open if the script listens."""
    if not events:
        return []
    listens = any("listen(" in e["script_text"] for e in events)
    path = (["LISTEN", "SYN_RECV", "ESTABLISHED", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT"]
            if listens else ["SYN_SENT", "ESTABLISHED", "FIN_WAIT1", "TIME_WAIT"])
    times = [e["actual_usecs"] for e in events if e["actual_usecs"] is not None] or [0]
    step = max(1, len(times) // len(path))
    states, previous = [], "CLOSED"
    for index, state in enumerate(path):
        at = times[min(index * step, len(times) - 1)]
        states.append({"usecs": at, "conn": "192.0.2.1:40000>192.168.0.1:8080",
                       "from": previous, "to": state})
        previous = state
    return states


def bump_runs(script, ip_version):
    folder = os.environ.get("VWIRE_FAKE_STATE") or os.path.dirname(os.path.abspath(script))
    counter = os.path.join(folder, "." + os.path.basename(script) + "." + ip_version + ".runs")
    try:
        with open(counter) as f:
            runs = int(f.read() or 0)
    except FileNotFoundError:
        runs = 0
    with open(counter, "w") as f:
        f.write(str(runs + 1))
    return runs + 1


def fail_at(events, line, kind, field):
    """Marks the event at (or after) `line` failed and the rest not reached."""
    failed = None
    for event in events:
        if failed is not None:
            event["status"] = "not_reached"
            event["actual_text"] = None
            event["actual_usecs"] = None
        elif event["line"] >= line:
            failed = event
            event["status"] = "failed"
    if failed is None:
        return {"line": line, "column": 1, "kind": kind, "field": field,
                "message": f"{kind} error", "expected": None, "actual": None}
    expected = failed["script_text"]
    actual = expected
    if failed["type"] == "packet" and failed["fields"]:
        changed = dict(failed["fields"])
        changed["ack"] = (changed["ack"] or 0) + 1
        failed["fields"] = changed
        actual = re.sub(r"\back\s+\d+", f"ack {changed['ack']}", expected) \
            if "ack" in expected else expected + f" ack {changed['ack']}"
        actual += " win 257"
    elif failed["type"] == "syscall":
        actual = re.sub(r"=\s*\S+.*$", "= -1 ECONNRESET (Connection reset by peer)", expected)
    failed["actual_text"] = actual
    return {"line": failed["line"], "column": 1, "kind": kind, "field": field,
            "message": f"{kind} error: {field or 'value'} differs",
            "expected": expected, "actual": actual}


def write_pcap(path):
    # An empty capture: the libpcap global header, Ethernet link type.
    header = bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000")
    with open(path, "wb") as f:
        f.write(header)


def main(argv):
    opts, flags, scripts = parse_args(argv)
    if len(scripts) != 1:
        print("fake_vwire: expected one script", file=sys.stderr)
        return 2
    script = scripts[0]
    try:
        with open(script) as f:
            text = f.read()
    except OSError as err:
        print(f"fake_vwire: {script}: {err.strerror}", file=sys.stderr)
        return 2
    print("fake_vwire argv: " + " ".join(argv), file=sys.stderr)
    directives = read_directives(text)
    if "sleep" in directives:
        time.sleep(float(directives["sleep"]))
    if "hang" in directives:
        # A child too, so the runner must kill the whole process group.
        import subprocess
        child = subprocess.Popen(["sleep", "300"])
        with open(os.path.join(os.path.dirname(os.path.abspath(script)), ".hang.pids"), "w") as f:
            f.write(f"{os.getpid()} {child.pid}\n")
        while True:
            time.sleep(3600)
    if "crash" in directives:
        os.kill(os.getpid(), signal.SIGSEGV)
    if "nojson" in directives:
        return 0

    events, end_usecs = make_events(text)
    verdict, exit_code, failure = "pass", 0, None
    want = directives.get("require-flag")
    if "fail" in directives:
        failure = fail_at(events, int(directives.get("line", 1)),
                          directives.get("kind", "field"), directives.get("field"))
    elif "flaky" in directives and bump_runs(script, opts["ip_version"]) == 1:
        failure = fail_at(events, int(directives.get("line", 1)), "timing", None)
    elif isinstance(want, str) and want not in flags:
        failure = {"line": 1, "column": 1, "kind": "command", "field": None,
                   "message": f"missing flag {want}", "expected": want, "actual": None}
    if failure:
        verdict, exit_code = "fail", 1
    if "error" in directives:
        verdict, exit_code = "error", 2
        failure = {"line": 1, "column": 1, "kind": "parse", "field": None,
                   "message": "syntax error", "expected": None, "actual": None}
    result = {
        "format": "vwire-result/1", "script": script, "target": opts["target"],
        "ip_version": opts["ip_version"], "verdict": verdict, "exit_code": exit_code,
        "failure": failure,
        "error_text": f"{script}:{failure['line']}: {failure['message']}" if failure else None,
        "events": events, "states": make_states(events),
        "pcap": opts["pcap"] or None, "virtual_usecs": end_usecs, "wall_usecs": 100,
    }
    if "badjson" in directives:
        result["verdict"] = "maybe"
        del result["events"]
    if opts["pcap"]:
        write_pcap(opts["pcap"])
    if opts["json"]:
        with open(opts["json"], "w") as f:
            json.dump(result, f)
    if failure:
        print(result["error_text"], file=sys.stderr)
    return exit_code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
