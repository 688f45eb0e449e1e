"""What a backtick command does to the test device and to the host's TCP
metrics reaches the built-in stack: a `tc qdisc ... pfifo limit 0` on tun0
makes the device refuse every packet (local congestion: nothing leaves
until a later command gives the qdisc room), and the qdisc outlives the
command, as on a host; `ip tcp_metrics flush` (also from a script the
command runs) makes the stack forget its Fast Open cookies; nstat shows
the stack's counters (an ICMP error quoting a sequence number never sent
counts in TcpExtOutOfWindowIcmps); /proc/net/tcp lists the stack's
listeners; a root fq on tun0 (kept for the target's device even where the
kernel here lacks sch_fq) paces the stack's sending."""
import os
import subprocess

import pytest

pytestmark = pytest.mark.skipif(os.geteuid() != 0,
                                reason="commands are isolated (and reach the target) only as root")

QDISC = """0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 65535 <mss 1460>
+0 > S. 0:0(0) ack 1 <mss 1460>
+.1 < . 1:1(0) ack 1 win 65535
+0 accept(3, ..., ...) = 4
+0 `{block}`
+0 write(4, ..., 100) = 100
+.1 `true`
+.4 `tc qdisc replace dev tun0 root pfifo limit 100`
0.900 > P. 1:101(100) ack 1
"""

METRICS = """0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0 sendto(3, ..., 0, MSG_FASTOPEN, ..., ...) = -1 EINPROGRESS (Operation is now in progress)
+0 > S 0:0(0) <...>
+.01 < S. 123:123(0) ack 1 win 5840 <mss 1460,FO abcd1234,nop,nop>
+0 > . 1:1(0) ack 1
+0 close(3) = 0
+0 > F. 1:1(0) ack 1
+.01 < F. 1:1(0) ack 2 win 5840
+0 > . 2:2(0) ack 2
+0 `{flush}`
+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 4
+0 fcntl(4, F_SETFL, O_RDWR|O_NONBLOCK) = 0
+0 sendto(4, ..., 1000, MSG_FASTOPEN, ..., ...) = -1 EINPROGRESS (Operation is now in progress)
+0 > S 0:0(0) <...>
"""


def expect_verdict(vwire, tmp_path, name, text, verdict, failure=None):
    """Runs text as tmp_path/name from that folder: its exit status must be
    verdict, and a failing run must say failure (when given)."""
    script = tmp_path / name
    script.write_text(text)
    r = subprocess.run([str(vwire), script.name], cwd=tmp_path, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == verdict, r.stderr
    if verdict and failure:
        assert failure in r.stderr
    return r


@pytest.mark.parametrize("block,verdict", [("tc qdisc add dev tun0 root pfifo limit 0", 0),
                                           ("true", 1)])
def test_zero_limit_fifo_holds_data_until_room(vwire, tmp_path, block, verdict):
    # no qdisc: the data left at once, not at the retry after the room
    expect_verdict(vwire, tmp_path, "qdisc.pkt", QDISC.format(block=block), verdict,
                   "expected outbound packet at 0.900000 sec but happened at 0.100000 sec")


@pytest.mark.parametrize("flush,verdict", [("ip tcp_metrics flush all", 0),
                                           ("sh flush.sh", 0),
                                           ("ip tcp_metrics show > /dev/null", 1)])
def test_tcp_metrics_flush_forgets_fast_open_cookie(vwire, tmp_path, flush, verdict):
    (tmp_path / "flush.sh").write_text("ip -4 tcpm flush > /dev/null 2>&1\n")
    # the cookie still cached: the SYN carries the data
    expect_verdict(vwire, tmp_path, "metrics.pkt", METRICS.format(flush=flush), verdict,
                   "Expected result -1 but got 1000")


NSTAT = """0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+0 < S 0:0(0) win 65535 <mss 1460>
+0 > S. 0:0(0) ack 1 <mss 1460>
+0 `nstat > /dev/null`
+0 < icmp unreachable [{quote}]
+0 `nstat | grep TcpExtOutOfWindowIcmps > /dev/null`
"""


@pytest.mark.parametrize("quote,verdict", [("5000:6000(1000)", 0), ("0:0(0)", 1)])
def test_nstat_sees_out_of_window_icmps(vwire, tmp_path, quote, verdict):
    # the quote is the SYN-ACK itself: nothing counted since the first nstat
    expect_verdict(vwire, tmp_path, "nstat.pkt", NSTAT.format(quote=quote), verdict,
                   "command failed with exit status 1")


LISTENERS = """0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
{listen}
+0 `grep " 0A " /proc/net/tcp | grep -q ":1F90"`
"""


@pytest.mark.parametrize("listen,verdict", [("+0 listen(3, 1) = 0", 0), ("", 1)])
def test_proc_net_tcp_lists_listeners(vwire, tmp_path, listen, verdict):
    expect_verdict(vwire, tmp_path, "listeners.pkt", LISTENERS.format(listen=listen), verdict)


FQ = """--tolerance_usecs=1000
`{qdisc}`
0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
+.1 < S 0:0(0) win 32792 <mss 1460,sackOK,nop,nop,nop,wscale 7>
+0 > S. 0:0(0) ack 1 <...>
+.1 < . 1:1(0) ack 1 win 500
+0 accept(3, ..., ...) = 4
+0 write(4, ..., 40000) = 40000
+0 > P. 1:14601(14600) ack 1
+.105 < . 1:1(0) ack 2921 win 500
+0 > P. 14601:17521(2920) ack 1
0.309 > P. 17521:20441(2920) ack 1
"""


@pytest.mark.parametrize("qdisc,verdict", [("tc qdisc replace dev tun0 root fq", 0),
                                           ("tc qdisc replace dev tun0 root pfifo", 1)])
def test_fq_paces_the_stack(vwire, tmp_path, qdisc, verdict):
    # unpaced, the second segment after the ACK leaves with the first
    r = expect_verdict(vwire, tmp_path, "fq.pkt", FQ.format(qdisc=qdisc), verdict,
                       "expected outbound packet at 0.309000 sec but happened at 0.305000 sec")
    assert "qdisc kind is unknown" not in r.stderr
