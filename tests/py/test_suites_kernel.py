"""A handful of suite scripts on Linux through the kernel target: the ones
the built-in stack passes must pass there too, and a script marked
`// linux:` (a departure Linux makes on purpose) must fail. Needs root and
/dev/net/tun; skipped with the reason otherwise."""
import os
import subprocess

import pytest

from conftest import LIB, ROOT, VWIRE

SUITES = ROOT / "suites"
STANDARD = [
    "handshake/active-open-syn-flags.pkt",
    "handshake/passive-open-isn-wrap.pkt",
    "options/mss-peer-respected.pkt",   # Linux sends TSO super-segments here
    "time-wait/syn-timestamp-rfc6191.pkt",
    "close/active-client-close.pkt",
]
DEPARTURE = "congestion/initial-window-rfc5681.pkt"


def _why_not():
    if os.geteuid() != 0:
        return "suites on the kernel target need root (network namespace + TUN)"
    if not os.path.exists("/dev/net/tun"):
        return "suites on the kernel target need /dev/net/tun"
    if not (LIB / "vwire-kernel.so").exists():
        return f"{LIB / 'vwire-kernel.so'} is not built"
    if os.environ.get("SAN") == "1":
        # Whole suite scripts check Linux's timers in real time; under
        # ASan vwire itself is several times slower, which moves the
        # times it sees. make test runs them on the normal build.
        return "suite timing on the kernel target is not checked under sanitizers (make test does)"
    return None


pytestmark = pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")


def run_on_kernel(rel):
    script = SUITES / rel
    return subprocess.run([str(VWIRE), "--target=kernel", script.name], cwd=script.parent,
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("rel", STANDARD)
def test_standard_script_passes_on_linux(vwire, rel):
    r = run_on_kernel(rel)
    assert r.returncode == 0, r.stderr


def test_departure_fails_on_linux(vwire):
    assert "// linux:" in (SUITES / DEPARTURE).read_text()
    r = run_on_kernel(DEPARTURE)
    assert r.returncode == 1, r.stderr
    # It fails where Linux departs (the second flight leaves before the ACK
    # of the first), not in ../common/rfc-profile.sh, a no-op on Linux.
    assert "timing error" in r.stderr, r.stderr
