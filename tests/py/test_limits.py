"""Scripts that push a limit: each must end with a clear error, a script
failure exit code (1) and inside its wall-clock limit -- never a crash, a
hang or an exit by signal."""
import subprocess
import time

HEADER = ("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
          "+0 setsockopt(3, SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0\n"
          "+0 bind(3, ..., ...) = 0\n"
          "+0 listen(3, 1) = 0\n")


def run(vwire, tmp_path, text, limit_secs, wall_secs):
    script = tmp_path / "limit.pkt"
    script.write_text(text)
    start = time.monotonic()
    proc = subprocess.run([str(vwire), f"--timeout_secs={limit_secs}", script.name],
                          cwd=tmp_path, capture_output=True, text=True, timeout=wall_secs)
    return proc, time.monotonic() - start


def test_million_events_end_at_the_time_limit(vwire, tmp_path):
    text = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n" + \
        "+0 getsockopt(3, SOL_SOCKET, SO_ERROR, [0], [4]) = 0\n" * 1000000
    proc, took = run(vwire, tmp_path, text, 2, 30)
    # Either it finishes (pass) or the limit stops it with a message.
    if proc.returncode != 0:
        assert proc.returncode == 1, proc.stderr[-2000:]
        assert "time limit of 2 s exceeded" in proc.stderr
        assert took < 6


def test_thousand_sockets_get_a_clear_error(vwire, tmp_path):
    text = "".join(f"+0 socket(..., SOCK_STREAM, IPPROTO_TCP) = {fd}\n"
                   for fd in range(3, 1003))
    proc, _ = run(vwire, tmp_path, text, 10, 30)
    if proc.returncode != 0:
        assert proc.returncode == 1, proc.stderr[-2000:]
        assert "socket call" in proc.stderr and "descriptors" in proc.stderr, proc.stderr


def test_64k_packet_is_refused_with_a_message(vwire, tmp_path):
    # 65495 payload bytes + 40 header bytes = one byte over an IPv4 datagram.
    text = HEADER + "+0 < S 0:65496(65496) win 32792 <mss 1460>\n"
    proc, _ = run(vwire, tmp_path, text, 10, 30)
    assert proc.returncode == 1, proc.stderr
    assert "limit.pkt:5:" in proc.stderr and "too large" in proc.stderr, proc.stderr


def test_python_infinite_loop_ends_at_the_time_limit(vwire, tmp_path):
    proc, took = run(vwire, tmp_path, HEADER + "+0 %{\nwhile True: pass\n}%\n", 2, 30)
    assert proc.returncode == 1, proc.stderr
    assert "time limit" in proc.stderr, proc.stderr
    assert took < 6


def test_backtick_sleep_ends_at_the_time_limit(vwire, tmp_path):
    # The limit kills the command's shell and sleep too: they hold vwire's
    # output pipes, so the run would otherwise last the whole sleep.
    proc, took = run(vwire, tmp_path, HEADER + "+0 `sleep 10`\n", 1, 6)
    assert proc.returncode == 1, proc.stderr
    assert "time limit" in proc.stderr, proc.stderr
    assert took < 5


def test_background_job_of_a_command_ends_with_the_script(vwire, tmp_path):
    # A passing script whose command leaves `sleep` running in the
    # background: vwire's caller still gets EOF on its pipes at once.
    proc, took = run(vwire, tmp_path, HEADER + "+0 `sleep 10 &`\n", 30, 6)
    assert proc.returncode == 0, proc.stderr
    assert took < 5


def test_killing_vwire_ends_the_script_and_its_commands(vwire, tmp_path):
    # vwire killed from outside (as a CI timeout does): the script's child
    # and the command it runs end too, closing the inherited pipe.
    script = tmp_path / "limit.pkt"
    script.write_text(HEADER + "+0 `sleep 10`\n")
    proc = subprocess.Popen([str(vwire), script.name], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(0.5)
    proc.kill()
    start = time.monotonic()
    proc.stdout.read()  # EOF only once every holder of the pipe is gone
    assert time.monotonic() - start < 5
    proc.wait()


def test_python_infinite_loop_in_a_multi_script_run(vwire, tmp_path):
    # With several scripts the blocks run in a process forked by the code
    # server (harness/code_server.c), not in a child of the script: the
    # limit must still end it, and the other script still passes.
    (tmp_path / "loop.pkt").write_text(HEADER + "+0 %{\nwhile True: pass\n}%\n")
    (tmp_path / "fine.pkt").write_text(HEADER + "+0 %{\nassert tcpi_state == 10\n}%\n")
    start = time.monotonic()
    proc = subprocess.run([str(vwire), "--timeout_secs=2", "-j", "2", "loop.pkt", "fine.pkt"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=30)
    took = time.monotonic() - start
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("FAIL loop.pkt") and "time limit" in lines[0], proc.stdout
    assert lines[1] == "PASS fine.pkt", proc.stdout
    assert took < 6


def test_killing_vwire_ends_code_blocks_run_by_the_code_server(vwire, tmp_path):
    # Several scripts (-j 1: the children write straight to vwire's
    # stdout): the python forked by the code server for a looping block
    # holds that pipe, and must end once its script's process is gone.
    (tmp_path / "loop.pkt").write_text(HEADER + "+0 %{\nwhile True: pass\n}%\n")
    proc = subprocess.Popen([str(vwire), "-j", "1", "loop.pkt", "loop.pkt"], cwd=tmp_path,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    time.sleep(1.0)
    proc.kill()
    start = time.monotonic()
    proc.stdout.read()
    assert time.monotonic() - start < 5
    proc.wait()
