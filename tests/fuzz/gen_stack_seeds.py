#!/usr/bin/python3
"""Write seed inputs for fuzz_stack_input: for each scenario (listener,
established, connecting, half-closed..., IPv4 and IPv6) a few operation
lists built with gen_packet_seeds.py's packet builder: valid segments
aimed at the connection, raw whole packets, time steps and socket calls.
Input format (see fuzz_stack_input.c): [scenario] then [op][len:2][bytes].
Usage: gen_stack_seeds.py OUTDIR"""
import pathlib
import struct
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import gen_packet_seeds as pk  # noqa: E402

AIM, AIM_SEQ, TIME, CALL = 0x20, 0x30, 0x60, 0x80
READ, WRITE, SHUT, INFO, POLL, ACCEPT, CLOSE, RECV = range(8)


def rec(op, body=b""):
    return struct.pack("!BH", op, len(body)) + body


def tcp_body(flags, opts=b"", payload=b"", seq_off=0, ack_off=0):
    """A TCP header for the aimed ops: ports and checksum are filled in by
    the fuzzer; with AIM_SEQ, seq/ack are small offsets from the window."""
    seg = pk.tcp(4, flags, seq_off & 0xFF, ack_off & 0xFF, opts, payload)
    return seg[:4] + bytes([seq_off & 0xFF, 0, 0, 0, ack_off & 0xFF, 0, 0, 0]) + seg[12:]


def scripts():
    data = tcp_body(0x18, pk.TS_OPTS, b"x" * 100)
    yield "data", [rec(AIM_SEQ, data), rec(CALL + READ), rec(CALL + WRITE, b"y" * 300),
                   rec(TIME + 5, b"\x10")]
    yield "sack", [rec(CALL + WRITE, b"z" * 5000), rec(AIM_SEQ, tcp_body(0x10, pk.SACK_OPTS)),
                   rec(TIME + 3, b"\x40")]
    yield "fin", [rec(AIM_SEQ, tcp_body(0x11)), rec(CALL + CLOSE), rec(TIME + 1, b"\xff")]
    yield "rst", [rec(AIM_SEQ, tcp_body(0x04)), rec(CALL + INFO)]
    yield "syn", [rec(AIM, tcp_body(0x02, pk.SYN_OPTS)), rec(CALL + ACCEPT)]
    yield "urg", [rec(AIM_SEQ, tcp_body(0x38, b"", b"u" * 10)), rec(CALL + RECV, b"\x01")]
    yield "raw4", [rec(0, pk.ipv4(6, pk.tcp(4, 0x02, 1000, 0, pk.SYN_OPTS))),
                   rec(0, pk.ipv4(1, pk.icmp4(3, 4, 1200, pk.ipv4(6, pk.tcp(4, 0x10, 1, 1))[:28])))]
    yield "badopt", [rec(AIM_SEQ, tcp_body(0x10, bytes([8, 1, 0, 0]))),
                     rec(AIM_SEQ, tcp_body(0x10, bytes([2, 40, 0, 0])))]
    yield "shut", [rec(CALL + SHUT, b"\x01"), rec(CALL + POLL), rec(TIME + 2, b"\x80")]


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/seeds/fuzz_stack_input")
    out.mkdir(parents=True, exist_ok=True)
    for scenario in range(8):
        for family in (0, 0x80):
            for name, records in scripts():
                (out / f"s{scenario}{'v6' if family else 'v4'}-{name}").write_bytes(
                    bytes([scenario | family]) + b"".join(records))


if __name__ == "__main__":
    main()
