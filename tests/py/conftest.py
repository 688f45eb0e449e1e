"""Paths every Python test needs: the built tools and the shared corpus."""
import os
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = ROOT / os.environ.get("VWIRE_BUILD", "build")
# ASan builds keep their binaries under their build tree.
BIN = pathlib.Path(os.environ["BIN"]) if os.environ.get("BIN") else ROOT / "bin"
LIB = pathlib.Path(os.environ["LIB"]) if os.environ.get("LIB") else ROOT / "lib"
if not BIN.is_absolute():
    BIN = ROOT / BIN
if not LIB.is_absolute():
    LIB = ROOT / LIB
VWIRE = BIN / "vwire"
CORPUS = ROOT.parent / "shared" / "corpus" / "google-packetdrill"
FAKE_TARGET = BUILD / "tests" / "libfake-target.so"
RUNLOOP = ROOT / "tests" / "runloop"

# How most scripts start: socket 3 listening on the default address.
LISTENER = """0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0
+0 bind(3, ..., ...) = 0
+0 listen(3, 1) = 0
"""


def fake_handshake(tmp_path):
    """The run loop's handshake script and the fake target's scenario for
    it, copied into tmp_path (tests may edit them): (script, scenario)."""
    if not FAKE_TARGET.exists():
        pytest.fail(f"{FAKE_TARGET} is not built: run make")
    script = tmp_path / "t.pkt"
    script.write_text((RUNLOOP / "handshake.pkt").read_text())
    fake = tmp_path / "t.fake"
    fake.write_text((RUNLOOP / "handshake.fake").read_text())
    return script, fake


@pytest.fixture(scope="session")
def vwire():
    if not VWIRE.exists():
        pytest.fail(f"{VWIRE} is not built: run make")
    return VWIRE


@pytest.fixture(scope="session")
def corpus():
    if not CORPUS.is_dir():
        pytest.fail(f"the shared corpus is not at {CORPUS}")
    return CORPUS
