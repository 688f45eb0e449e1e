"""Helpers for the suite runner's tests: scripts for the fake vwire, and
running bin/vwire-suite as a user would."""
import json
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SUITE = ROOT / "bin" / "vwire-suite"
FAKE = ROOT / "tests" / "py" / "fake_vwire.py"
PYTHON = "/usr/bin/python3"

sys.path.insert(0, str(ROOT / "reports"))

# A small passive-open exchange, so the fake has packets to report.
BODY = """\
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
+0  > S. 0:0(0) ack 1 <mss 1460,nop,nop,sackOK,nop,wscale 8>
+.1 < . 1:1(0) ack 1 win 257
+0  accept(3, ..., ...) = 4
+0  write(4, ..., 1000) = 1000
+0  > P. 1:1001(1000) ack 1
"""

# A passive open as the built-in stack (the real bin/vwire) passes it.
REAL_HANDSHAKE = """\
0   socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0  setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0  bind(3, ..., ...) = 0
+0  listen(3, 1) = 0
+0  < S 0:0(0) win 32792 <mss 1000,sackOK,nop,nop,nop,wscale 7>
+0  > S. 0:0(0) ack 1 <...>
+.1 < . 1:1(0) ack 1 win 257
+0  accept(3, ..., ...) = 4
"""


def script(folder, name, *directives, body=BODY):
    """Writes folder/name with the given `// fake:` directives after the body
    (so line numbers are the body's); returns its path."""
    path = pathlib.Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body + "".join(f"// fake: {d}\n" for d in directives))
    return path


def run_suite(*args, timeout=120, cwd=None):
    """bin/vwire-suite with ARGS; the fake is the default --vwire for `run`."""
    argv = [PYTHON, str(SUITE), *map(str, args)]
    if args and args[0] == "run" and "--vwire" not in args:
        argv += ["--vwire", str(FAKE)]
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, cwd=cwd)


def load(path):
    with open(path) as f:
        return json.load(f)


def verdicts(document):
    return {e["id"]: e["verdict"] for e in document["scripts"]}


def without_timing(document):
    """A results document with the fields that change between runs removed."""
    clean = json.loads(json.dumps(document))
    for key in ("started", "wall_usecs", "shard", "shards_merged"):
        clean.pop(key)
    for entry in clean["scripts"]:
        entry.pop("duration_usecs")
        entry.pop("stderr")
        if entry["result"]:
            entry["result"].pop("wall_usecs")
    return clean
