"""How a run picks its target: --target, packetdrill's --so_filename with
--so_flags (on the command line or in the script), and the built-in stack
lib/libvstack.so by default; a plain packetdrill object without any of
vwire's optional extensions runs too."""
import json
import os
import shutil
import subprocess

import pytest

from conftest import FAKE_TARGET as FAKE, LIB, LISTENER, ROOT, fake_handshake


def run(vwire, *args):
    return subprocess.run([str(vwire), *map(str, args)], capture_output=True, text=True, timeout=60)


@pytest.fixture
def scenario(tmp_path):
    return fake_handshake(tmp_path)


def test_so_filename_selects_the_target_as_target_does(vwire, tmp_path, scenario):
    script, fake = scenario
    for how in (f"--so_filename={FAKE}", f"--target={FAKE}"):
        out = tmp_path / "r.json"
        r = run(vwire, how, f"--so_flags={fake}", f"--json={out}", script)
        assert r.returncode == 0, (how, r.stderr)
        assert json.loads(out.read_text())["target"] == str(FAKE)
    # The flags reach the target: a scenario the script does not match fails.
    bad = tmp_path / "bad.fake"
    bad.write_text(fake.read_text().replace("len=1000", "len=900"))
    r = run(vwire, f"--so_filename={FAKE}", f"--so_flags={bad}", script)
    assert r.returncode == 1 and "t.pkt:10: error handling packet" in r.stderr


def test_so_flags_as_a_script_option(vwire, scenario):
    script, fake = scenario
    script.write_text(f"--so_flags={fake}\n" + script.read_text())
    r = run(vwire, f"--so_filename={FAKE}", script)
    assert r.returncode == 0, r.stderr


def test_default_target_is_the_built_in_stack(vwire, tmp_path):
    script = tmp_path / "s.pkt"
    script.write_text("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 close(3) = 0\n")
    results = []
    for args in ((), (f"--target={LIB / 'libvstack.so'}",), ("--target=vstack",)):
        out = tmp_path / "d.json"
        r = run(vwire, *args, f"--json={out}", script)
        assert r.returncode == 0, (args, r.stderr)
        results.append(json.loads(out.read_text()))
    assert results[0]["target"] == results[2]["target"]
    strip = [{k: v for k, v in d.items() if k not in ("target", "wall_usecs")} for d in results]
    assert strip[0] == strip[1] == strip[2]


def test_a_target_that_cannot_load_is_a_usage_error(vwire, tmp_path):
    script = tmp_path / "s.pkt"
    script.write_text("0 close(3) = 0\n")
    r = run(vwire, f"--so_filename={tmp_path / 'absent.so'}", script)
    assert r.returncode == 2
    assert "cannot load target" in r.stderr


SHIM = r"""
#include <dlfcn.h>
#include <stdlib.h>
#include "packetdrill.h"
/* packetdrill's interface alone: the built-in stack behind it, none of
 * vwire's optional extensions exported. */
void packetdrill_interface_init(const char *flags, struct packetdrill_interface *ifc)
{
	void *h = dlopen(getenv("SHIM_REAL"), RTLD_NOW | RTLD_LOCAL);
	packetdrill_interface_init_t init;
	*(void **)&init = dlsym(h, "packetdrill_interface_init");
	init(flags, ifc);
}
"""
PLAIN = LISTENER + """+0 tcp_state(3) = TCP_LISTEN
+0 < S 0:0(0) win 65535 <mss 1460>
+0 > S. 0:0(0) ack 1 <...>
+.01 < . 1:1(0) ack 1 win 65535
+0 accept(3, ..., ...) = 4
+0 tcp_state(4) = TCP_ESTABLISHED
+0 close(4) = 0
+0 > F. 1:1(0) ack 1
"""


@pytest.mark.skipif(shutil.which("cc") is None, reason="no C compiler to build the plain target")
def test_plain_packetdrill_object_without_extensions(vwire, tmp_path):
    src = tmp_path / "shim.c"
    src.write_text(SHIM)
    so = tmp_path / "plain.so"
    subprocess.run(["cc", "-shared", "-fPIC", f"-I{ROOT / 'harness'}", "-o", str(so), str(src), "-ldl"],
                   check=True, timeout=120)
    env = dict(os.environ, SHIM_REAL=str(LIB / "libvstack.so"))
    script = tmp_path / "plain.pkt"

    def go(text):
        script.write_text(text)
        return subprocess.run([str(vwire), f"--so_filename={so}", str(script)], capture_output=True,
                              text=True, timeout=60, env=env)
    # Runs, and tcp_state by descriptor answers through TCP_INFO.
    r = go(PLAIN)
    assert r.returncode == 0, r.stderr
    r = go(PLAIN.replace("tcp_state(4) = TCP_ESTABLISHED", "tcp_state(4) = TCP_SYN_RECV"))
    assert r.returncode == 1
    assert "plain.pkt:10: runtime error in tcp_state call: Expected state TCP_SYN_RECV but got TCP_ESTABLISHED" in r.stderr
    # Without the connection table there is no answer for a 4-tuple.
    r = go(PLAIN + "+0 tcp_state(...) = TCP_FIN_WAIT1\n")
    assert r.returncode == 1
    assert "plain.pkt:13: runtime error in tcp_state call: target cannot report states" in r.stderr
