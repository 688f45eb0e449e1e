#!/usr/bin/python3
"""Writes the seed inputs of fuzz_parser: small scripts, one construct each,
composed here (not copied from any corpus)."""
import pathlib
import sys

SEEDS = {
    "options": "--tolerance_usecs=10000\n--strict_segments\n",
    "socket": "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 bind(3, ..., ...) = 0\n",
    "errno": "+0 connect(3, ..., ...) = -1 EINPROGRESS (Operation now in progress)\n",
    "handshake": "+0 < S 0:0(0) win 1000 <mss 1460,sackOK,TS val 1 ecr 0,nop,wscale 7>\n"
                 "+0 > S. 0:0(0) ack 1 <...>\n+.1 < . 1:1(0) ack 1 win 200\n",
    "data": "+0 write(4, ..., 100) = 100\n+0 > P. 1:101(100) ack 1\n* > . 101:101(0) ack 1\n",
    "sack": "+0 < . 1:1(0) ack 1 win 300 <sack 5:10 20:30,nop,nop>\n",
    "fastopen": "+0 > S 0:0(0) <mss 1460,FO,nop,nop>\n+0 < S. 0:0(0) ack 1 <FO 0102030405060708,exp-FO,nop,nop>\n",
    "raw_option": "+0 < . 1:1(0) ack 1 <kind 30 length 4 0a0b,md5 000102030405060708090a0b0c0d0e0f,nop,nop>\n",
    "icmp_numbers": "+0 < icmp 3 4 mtu 1200 [1:1(0)]\n+0 < icmp unreachable 0x3 [...]\n+0 < icmp 11\n1 close(3) = 0\n",
    "encap_defaults": "+0 < IPV4 1.2.3.4 > 5.6.7.8: GRE ...: MPLS ...: . 1:1(0) ack 1\n"
                      "+0 < IPV4 1.2.3.4 > 5.6.7.8: GRE checksum, key 1, seq 2, protocol 0x800: . 1:1(0) ack 1\n",
    "ifdef_defines": "#ifdef FreeBSD\n--define=FD=9\n#else\n--define=FD=3\n#endif\n#ifndef FD\n0 x(1) = 0\n#endif\n"
                     "0 close(FD) = 0\n",
    "ecn": "+0 < [ect0] (tos 0x2) SEW 0:0(0) win 10\n+0 > [ce] (ttl 64) . 1:1(0) ack 1\n",
    "icmp": "+0 < icmp unreachable port_unreachable [1:1(0)]\n+0 < icmp unreachable frag_needed mtu 1200 [0:100(100)]\n"
            "+0 < icmp unreachable CODE\n",
    "udp": "+0 < udp (20)\n",
    "ip_header": "+0 < IPV4 1.2.3.4 > 5.6.7.8: GRE key 3: MPLS label 7 tc 1 ttl 9 S: S 0:0(0)\n"
                 "+0 < IPV6 fd00::1 > fd00::2 : . 1:1(0) ack 1\n",
    "structs": "+0 setsockopt(3, SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0\n"
               "+0 poll([{fd=4, events=POLLIN|POLLOUT, revents=0}], 1, 0) = 0\n",
    "sendmsg": "+0 sendmsg(4, {msg_name(...)=..., msg_iov(1)=[{..., 10}], msg_flags=0}, 0) = 10\n",
    "calls": "+0 bind(3, {sa_family=AF_INET, sin_port=htons(8080), sin_addr=inet_addr(\"1.2.3.4\")}, 16) = 0\n",
    "blocking": "+0...0.2 accept(3, ..., ...) = 4\n0.3~0.4 close(4) = 0\n+.1~+.2 close(3) = 0\n",
    "command": "`echo one\necho two`\n+0 `true`\n",
    "code": "+0 %{\nassert tcpi_rto > 0\n}%\n",
    "ifdef": "#ifdef Linux\n0 close(3) = 0\n#else\n0 close(4) = 0\n#endif\n",
    "tcp_state": "+0 tcp_state(4) = TCP_ESTABLISHED\n+0 tcp_state(\"192.0.2.1:80>192.168.0.1:8080\") = TCP_CLOSE\n",
    "comments": "/* a\nblock */ 0 close(3) = 0 // trailing\n",
    "bad_unterminated": "/* x\n",
    "bad_string": "0 open(\"abc, O_RDONLY) = 3\n",
}


def main() -> int:
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else
                       pathlib.Path(__file__).parent / "seeds" / "fuzz_parser")
    out.mkdir(parents=True, exist_ok=True)
    for name, text in SEEDS.items():
        (out / f"{name}.pkt").write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
