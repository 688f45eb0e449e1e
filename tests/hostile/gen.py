#!/usr/bin/python3
"""Writes the generated hostile-input scripts into tests/hostile/gen/:
every combination of TCP flags sent to a listener (F S R P . U) and to an
established connection (F S R P . U E W), each followed by a check that
the stack still works, and malformed option lists in a SYN. The expected
answers are the RFCs' (RFC 9293, RFC 5961 for RST/SYN in a synchronized
state) as Linux implements them:

LISTEN: a segment with ACK (and no RST) gets a RST whose sequence number
is the segment's acknowledgment; a RST is ignored; a SYN (without FIN)
gets a SYN-ACK; anything else is dropped.
ESTABLISHED (segment exactly at RCV.NXT): RST resets the connection; else
SYN gets a challenge ACK; else no ACK means drop; else FIN is acknowledged.
ECE/CWR on a connection that did not negotiate ECN change nothing.

Usage: gen.py [OUTDIR]   (default: tests/hostile/gen)"""
import itertools
import pathlib
import sys

HANDSHAKE = """\
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
"""
CONNECT = """\
+0 < S 0:0(0) win 65535 <mss 1460>
+0 > S. 0:0(0) ack 1 <mss 1460>
+0 < . 1:1(0) ack 1 win 65535
+0 accept(3, ..., ...) = 4
"""


def flagstr(flags):
    letters = "".join(f for f in "SFRPUEW" if f in flags)
    return (letters + ("." if "A" in flags else "")) or "-"


def alive(seq, ack):
    """The connection still carries data both ways."""
    return (f"+0.1 write(4, ..., 10) = 10\n"
            f"+0 > P. 1:11(10) ack {ack}\n"
            f"+0 < . {seq}:{seq}(0) ack 11 win 65535\n")


def listen_script(flags):
    f = flagstr(flags)
    ack = " ack 1000" if "A" in flags else ""
    opts = " <mss 1460>" if "S" in flags else ""
    out = [f"// LISTEN receives {f}\n", HANDSHAKE, f"+0.1 < {f} 0:0(0){ack} win 65535{opts}\n"]
    if "A" in flags and "R" not in flags:
        out.append("+0 > R 1000:1000(0)\n")
        out.append("+0.1 " + CONNECT.replace("+0 ", "", 1))
    elif "R" in flags or "A" in flags:
        out.append("+0.1 " + CONNECT.replace("+0 ", "", 1))
    elif "S" in flags and "F" not in flags:
        out.append("+0 > S. 0:0(0) ack 1 <mss 1460>\n")
        out.append("+0 < . 1:1(0) ack 1 win 65535\n+0 accept(3, ..., ...) = 4\n")
    else:
        out.append("+0.1 " + CONNECT.replace("+0 ", "", 1))
    out.append(alive(1, 1))
    return "".join(out)


def established_script(flags):
    f = flagstr(flags)
    ack = " ack 1" if "A" in flags else ""
    out = [f"// ESTABLISHED receives {f} at RCV.NXT\n", HANDSHAKE, CONNECT,
           f"+0.1 < {f} 1:1(0){ack} win 65535\n"]
    if "R" in flags:
        out.append("+0.1 read(4, ..., 10) = -1 ECONNRESET (Connection reset by peer)\n")
    elif "S" in flags:
        out.append("+0 > . 1:1(0) ack 1\n")
        out.append(alive(1, 1))
    elif "A" not in flags:
        out.append(alive(1, 1))
    elif "F" in flags:
        out.append("+0 > . 1:1(0) ack 2\n")
        out.append(alive(2, 2))
    else:
        out.append(alive(1, 1))
    return "".join(out)


# A SYN whose options are malformed: parsing stops at (or skips) the bad
# one, the segment itself is good (RFC 9293 3.1: unknown options are
# ignored; a length below 2 cannot be skipped). Nothing else is offered,
# so the SYN-ACK carries only our MSS.
BAD_SYN_OPTIONS = {
    # (Lengths under 2 and lengths past the header cannot be written in a
    # script: tests/unit/test_stack_hostile.c sends those as raw bytes.)
    "mss-length-3": "kind 2 length 3, nop",
    "mss-length-2": "kind 2 length 2, nop, nop",
    "ts-length-6": "kind 8 length 6, nop, nop",
    "wscale-length-2": "kind 3 length 2, nop, nop",
    "sackok-length-4": "kind 4 length 4",
    "unknown-40-bytes": "kind 200 length 40",
    "eol-then-garbage": "eol, kind 8 length 10, nop",
    "nops-only": "nop, nop, nop, nop, nop, nop, nop, nop",
}


def options_script(name, opts):
    return (f"// a SYN with malformed options: {opts}\n" + HANDSHAKE +
            f"+0.1 < S 0:0(0) win 65535 <{opts}>\n"
            "+0 > S. 0:0(0) ack 1 <mss 1460>\n"
            "+0 < . 1:1(0) ack 1 win 65535\n+0 accept(3, ..., ...) = 4\n" + alive(1, 1))


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                       pathlib.Path(__file__).resolve().parent / "gen")
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.pkt"):
        old.unlink()
    for bits in itertools.product([0, 1], repeat=6):
        flags = {f for f, b in zip("FSRPAU", bits) if b}
        (out / f"flags-listen-{''.join(sorted(flags)) or 'none'}.pkt").write_text(listen_script(flags))
    for bits in itertools.product([0, 1], repeat=8):
        flags = {f for f, b in zip("FSRPAUEW", bits) if b}
        (out / f"flags-established-{''.join(sorted(flags)) or 'none'}.pkt").write_text(
            established_script(flags))
    for name, opts in BAD_SYN_OPTIONS.items():
        (out / f"options-syn-{name}.pkt").write_text(options_script(name, opts))


if __name__ == "__main__":
    main()
