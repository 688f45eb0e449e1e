#!/usr/bin/python3
"""Write seed packets for fuzz_packet_parse: valid IPv4/IPv6 TCP (with
options), UDP and ICMP packets with correct checksums, and a few broken
ones. Usage: gen_packet_seeds.py OUTDIR"""
import pathlib
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


V4_SRC, V4_DST = bytes([192, 168, 0, 1]), bytes([192, 0, 2, 1])
V6_SRC = bytes.fromhex("fd3d0a0b17d600000000000000000001")
V6_DST = bytes.fromhex("fd3dfa7bd17d00000000000000000001")


def ipv4(proto, l4):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 1, 0x4000, 64,
                    proto, 0, V4_SRC, V4_DST)
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4


def ipv6(proto, l4, ext=b""):
    nh = 60 if ext else proto
    h = struct.pack("!IHBB16s16s", 6 << 28, len(ext) + len(l4), nh, 64, V6_SRC, V6_DST)
    return h + ext + l4


def l4sum(v, proto, seg):
    if v == 4:
        pseudo = V4_SRC + V4_DST + struct.pack("!BBH", 0, proto, len(seg))
    else:
        pseudo = V6_SRC + V6_DST + struct.pack("!IxxxB", len(seg), proto)
    return csum(pseudo + seg)


def tcp(v, flags, seq, ack, opts=b"", payload=b""):
    seg = struct.pack("!HHIIBBHHH", 8080, 40000, seq, ack, (5 + len(opts) // 4) << 4,
                      flags, 65535, 0, 0) + opts + payload
    s = l4sum(v, 6, seg)
    return seg[:16] + struct.pack("!H", s) + seg[18:]


def udp(v, payload):
    seg = struct.pack("!HHHH", 8080, 40000, 8 + len(payload), 0) + payload
    return seg[:6] + struct.pack("!H", l4sum(v, 17, seg)) + seg[8:]


def icmp4(t, c, rest, body):
    m = struct.pack("!BBHI", t, c, 0, rest) + body
    return m[:2] + struct.pack("!H", csum(m)) + m[4:]


SYN_OPTS = bytes([2, 4, 5, 0xB4, 4, 2, 8, 10, 0, 0, 0, 100, 0, 0, 0, 0, 1, 3, 3, 7])
TS_OPTS = bytes([1, 1, 8, 10, 0, 0, 1, 0, 0, 0, 0, 200])
SACK_OPTS = bytes([1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 9])
FO_OPTS = bytes([34, 10]) + bytes(range(8)) + bytes([254, 4, 0xF9, 0x89, 1, 1])


def seeds():
    yield "syn4", ipv4(6, tcp(4, 0x02, 1000, 0, SYN_OPTS))
    yield "synack6", ipv6(6, tcp(6, 0x12, 1000, 1, SYN_OPTS))
    yield "data4", ipv4(6, tcp(4, 0x18, 1001, 1, TS_OPTS, b"x" * 100))
    yield "sack4", ipv4(6, tcp(4, 0x10, 1001, 1, SACK_OPTS))
    yield "fo4", ipv4(6, tcp(4, 0x12, 1000, 1, FO_OPTS))
    yield "udp4", ipv4(17, udp(4, b"hello"))
    yield "udp6ext", ipv6(17, udp(6, b"hello"), ext=bytes([17, 0, 0, 0, 0, 0, 0, 0]))
    yield "icmp4", ipv4(1, icmp4(3, 4, 1200, ipv4(6, tcp(4, 0x10, 1, 1))[:28]))
    yield "badopt", ipv4(6, tcp(4, 0x10, 1, 1, bytes([8, 1, 0, 0])))
    yield "trunc", ipv4(6, tcp(4, 0x02, 1000, 0, SYN_OPTS))[:30]


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/seeds/fuzz_packet_parse")
    out.mkdir(parents=True, exist_ok=True)
    for name, data in seeds():
        (out / name).write_bytes(data)


if __name__ == "__main__":
    main()
