"""The offload rule of the run loop: one live super-segment may stand for
several consecutive expected segments (split at the expected lengths, the
rest stays queued), as several live segments may join into one expected
one. Splitting is asked for with --split_segments (packetdrill does not
split); --strict_segments turns both off."""
import subprocess

import pytest

from conftest import LISTENER, VWIRE

# The built-in stack sends the 4000 bytes the window allows as one 4000-byte
# segment (as Linux does to a TSO device); the script expects four MSS-sized
# pieces, the last with PSH.
PIECES = LISTENER + """\
+0 < S 0:0(0) win 4000 <mss 1000>
+0 > S. 0:0(0) ack 1 <...>
+.1 < . 1:1(0) ack 1 win 4000
+0 accept(3, ..., ...) = 4
+0 write(4, ..., 4000) = 4000
{expect}
+.1 < . 1:1(0) ack 4001 win 4000
"""

SPLIT = """\
+0 > . 1:1001(1000) ack 1
+0 > . 1001:2001(1000) ack 1
+0 > . 2001:3001(1000) ack 1
+0 > P. 3001:4001(1000) ack 1"""


def run(tmp_path, expect, *flags, split=True, head=""):
    script = tmp_path / "offload.pkt"
    script.write_text(head + PIECES.format(expect=expect))
    extra = ["--split_segments"] if split else []
    return subprocess.run([str(VWIRE), *extra, *flags, str(script)], capture_output=True,
                          text=True, timeout=30)


def test_super_segment_live_matches_mss_pieces(vwire, tmp_path):
    whole = run(tmp_path, "+0 > P. 1:4001(4000) ack 1")
    assert whole.returncode == 0, whole.stderr  # the stack does send one segment
    r = run(tmp_path, SPLIT)
    assert r.returncode == 0, r.stderr


def test_no_splitting_by_default(vwire, tmp_path):
    r = run(tmp_path, SPLIT, split=False)
    assert r.returncode == 1, r.stderr
    assert "payload" in r.stderr


def test_split_asked_in_the_script(vwire, tmp_path):
    r = run(tmp_path, SPLIT, split=False, head="--split_segments\n")
    assert r.returncode == 0, r.stderr


def test_strict_segments_turns_splitting_off(vwire, tmp_path):
    r = run(tmp_path, SPLIT, "--strict_segments")
    assert r.returncode == 1, r.stderr
    assert "payload" in r.stderr


@pytest.mark.parametrize("expect,why", [
    # A piece that starts where the live segment does not.
    ("+0 > . 1001:2001(1000) ack 1", "tcp_seq"),
    # A FIN on a piece that has bytes after it.
    ("+0 > F. 1:1001(1000) ack 1", "tcp_fin"),
    # The pieces must add up: the last expected one asks past the segment.
    ("+0 > . 1:3001(3000) ack 1\n+0 > P. 3001:5001(2000) ack 1", "payload"),
    # Other fields are checked on every piece.
    ("+0 > . 1:1001(1000) ack 2", "ack"),
])
def test_split_pieces_still_checked(vwire, tmp_path, expect, why):
    r = run(tmp_path, expect)
    assert r.returncode == 1, r.stderr
    assert why in r.stderr, r.stderr
