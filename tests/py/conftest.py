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
