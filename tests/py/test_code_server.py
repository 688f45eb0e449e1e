"""%{ }% blocks in a multi-script bin/vwire run go through the code server
(harness/code_server.c: one python forked per script instead of a python3
started per script). What the blocks see and what vwire reports must be
the same as with python3 started directly (VWIRE_CODE_SERVER=0)."""
import os
import subprocess

HEADER = ("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
          "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"
          "+0 bind(3, ..., ...) = 0\n"
          "+0 listen(3, 1) = 0\n")

SCRIPTS = {
    # Output, cwd, environment and argv as a block sees them.
    "show.pkt": HEADER + "+0 %{\nimport os, sys\nprint('state', tcpi_state)\n"
                         "print('cwd', os.path.basename(os.getcwd()))\n"
                         "print('env', os.environ.get('VWIRE_TEST_MARK'))\n"
                         "print('argv', sys.argv, __name__)\n}%\n",
    # An assertion in the second block: its line in the script.
    "assert.pkt": HEADER + "+0 %{\nx = 1\n}%\n+0 %{\n\nassert tcpi_state == 1, tcpi_state\n}%\n",
    # sys.exit with a status, and with a message.
    "exit3.pkt": HEADER + "+0 %{\nimport sys\nsys.exit(3)\n}%\n",
    "exitmsg.pkt": HEADER + "+0 %{\nimport sys\nsys.exit('no good')\n}%\n",
    # Globals are fresh for each block, as in separate `python3 -c` runs.
    "fresh.pkt": HEADER + "+0 %{\ny = 2\n}%\n+0 %{\nprint(y)\n}%\n",
    "passes.pkt": HEADER + "+0 %{\nassert tcpi_state == 10\n}%\n",
}


def run_all(vwire, tmp_path, server):
    for name, text in SCRIPTS.items():
        (tmp_path / name).write_text(text)
    env = dict(os.environ, VWIRE_TEST_MARK="marked", VWIRE_CODE_SERVER=server)
    return subprocess.run([str(vwire), "-j", "2", *SCRIPTS], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)


def test_server_and_direct_python_agree(vwire, tmp_path):
    direct = run_all(vwire, tmp_path, "0")
    served = run_all(vwire, tmp_path, "1")
    assert served.stdout == direct.stdout
    assert served.stderr == direct.stderr
    assert served.returncode == direct.returncode == 1


def test_what_blocks_see_and_report(vwire, tmp_path):
    p = run_all(vwire, tmp_path, "1")
    out = p.stdout
    assert "state 10\ncwd " + tmp_path.name + "\nenv marked\n" in out
    assert "argv ['-c'] __main__" in out
    verdicts = [l for l in out.splitlines() if l.split(" ")[0] in ("PASS", "FAIL")]
    assert verdicts == [
        "PASS show.pkt",
        "FAIL assert.pkt:10: error in Python code: AssertionError: 10",
        "FAIL exit3.pkt:5: error in Python code: python failed",
        "FAIL exitmsg.pkt:5: error in Python code: no good",
        "FAIL fresh.pkt:9: error in Python code: NameError: name 'y' is not defined",
        "PASS passes.pkt",
    ], out
