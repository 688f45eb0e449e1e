"""print(parse(x)) == print(parse(print(parse(x)))) for every corpus script
and every script of ours (the C test test_parser also compares trees)."""
import subprocess

import pytest

from conftest import CORPUS, ROOT
from frontend_flags import V4, corpus_scripts

OURS = sorted((ROOT / "tests" / "dialects").glob("*.pkt")) + \
    sorted((ROOT / "tests" / "frontend").glob("*.pkt")) + \
    sorted((ROOT / "tests" / "fuzz" / "seeds" / "fuzz_parser").glob("*.pkt"))


def printed(vwire, path, extra=()):
    r = subprocess.run([str(vwire), "--print", *V4, "-D", "PEER_WIN=4000", "-D", "HAVE_SACK",
                        # the names tests/frontend/defines-everywhere.pkt uses
                        "-D", "WIN=2000", "-D", "PAYLOAD=100", "-D", "SOCKFD=3", "-D", "MSSVAL=1000",
                        *extra, str(path)], capture_output=True, text=True, timeout=30)
    return r.returncode, r.stdout, r.stderr


def check_fixed_point(vwire, path, tmp_path):
    rc, once, err = printed(vwire, path)
    if rc != 0:
        return False, err
    again = tmp_path / "printed.pkt"
    again.write_text(once)
    rc, twice, err = printed(vwire, again)
    assert rc == 0, f"{path}: printed text does not parse: {err}"
    assert twice == once, f"{path}: printing is not a fixed point"
    return True, ""


def test_roundtrip_corpus(vwire, corpus, tmp_path):
    scripts = corpus_scripts(corpus)
    assert len(scripts) == 167
    for script in scripts:
        ok, err = check_fixed_point(vwire, script, tmp_path)
        assert ok, err


@pytest.mark.parametrize("script", OURS, ids=lambda p: p.name)
def test_roundtrip_ours(vwire, script, tmp_path):
    ok, err = check_fixed_point(vwire, script, tmp_path)
    if not ok:
        assert script.name.startswith("bad_"), err
