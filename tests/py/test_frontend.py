"""bin/vwire's front end: the corpus under --dry_run, the command line,
script options, dialects, and a short fuzzing run."""
import os
import pathlib
import shutil
import subprocess

import pytest

from conftest import BUILD, ROOT
from frontend_flags import V4, V6, corpus_scripts, uses_flag_defines

DIALECTS = ROOT / "tests" / "dialects"
FRONTEND = ROOT / "tests" / "frontend"
# The -D names tests/frontend/defines-everywhere.pkt uses.
FRONTEND_DEFINES = ("-D", "WIN=2000", "-D", "PAYLOAD=100", "-D", "SOCKFD=3", "-D", "MSSVAL=1000")


def run(vwire, *args, timeout=60, cwd=None):
    return subprocess.run([str(vwire), *map(str, args)], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd)


def printed(vwire, *args):
    """--print's lines for a script that must parse."""
    r = run(vwire, "--print", *args)
    assert r.returncode == 0, r.stderr
    return r.stdout.splitlines()


def dry_run_error(vwire, *args):
    """What --dry_run says of a script that must not parse (exit 2)."""
    r = run(vwire, "--dry_run", *args)
    assert r.returncode == 2, r.stderr
    return r.stderr.strip()


def test_corpus_dry_run_ipv4(vwire, corpus):
    scripts = corpus_scripts(corpus)
    assert len(scripts) == 167
    r = run(vwire, "--dry_run", *V4, *scripts)
    assert r.stderr == ""
    assert r.returncode == 0


def test_corpus_dry_run_ipv6(vwire, corpus):
    scripts = [s for s in corpus_scripts(corpus) if not s.name.endswith("v4.pkt")]
    r = run(vwire, "--dry_run", *V6, *scripts)
    assert r.stderr == ""
    assert r.returncode == 0


def test_corpus_without_defines_rejects_exactly_their_users(vwire, corpus):
    scripts = corpus_scripts(corpus)
    r = run(vwire, "--dry_run", *scripts)
    assert r.returncode == 2
    rejected = {line.split(":", 1)[0] for line in r.stderr.splitlines()}
    expected = {str(s) for s in scripts if uses_flag_defines(s.read_text())}
    assert rejected == expected
    # One line per bad script: its first error only.
    assert len(r.stderr.splitlines()) == len(expected)


def test_bad_flag_is_one_line_exit_2(vwire):
    for args in (["--no_such_flag"], ["--mtu=abc", "x.pkt"], ["--ip_version=ipv5", "x.pkt"],
                 ["--bind_port=70000", "x.pkt"], ["--tolerance_usecs=-1", "x.pkt"],
                 ["--local_ip=1.2.3", "x.pkt"], ["-D", "1BAD=2", "x.pkt"], ["--mtu"],
                 ["--mss=abc", "x.pkt"], ["--tolerance_percent=x", "x.pkt"],
                 ["--tcp_ts_tick_usecs=-3", "x.pkt"], ["--strict_segments=2", "x.pkt"],
                 ["--non_fatal=bogus", "x.pkt"], ["--connect_port=0x1ffff", "x.pkt"],
                 ["--gateway_ip=foo", "x.pkt"], ["--netmask_ip=1.2", "x.pkt"],
                 ["-D", "X=a\nb", "x.pkt"]):
        r = run(vwire, *args)
        assert r.returncode == 2, args
        assert len(r.stderr.strip().splitlines()) == 1, (args, r.stderr)
        assert r.stderr.startswith("vwire: ")


def test_help_and_version(vwire):
    r = run(vwire, "--help")
    assert r.returncode == 0
    for flag in ("--ip_version", "--tolerance_usecs", "--so_filename", "--define",
                 "--dry_run", "--target", "--json", "--pcap", "--seed", "--print"):
        assert flag in r.stdout
    r = run(vwire, "--version")
    assert r.returncode == 0 and r.stdout.startswith("vwire ")


def test_no_script_is_a_usage_error(vwire):
    r = run(vwire, "--dry_run")
    assert r.returncode == 2


def test_missing_file(vwire, tmp_path):
    r = run(vwire, "--dry_run", tmp_path / "absent.pkt")
    assert r.returncode == 2
    assert "absent.pkt" in r.stderr


def test_dry_run_reports_each_bad_script(vwire, tmp_path):
    good = tmp_path / "good.pkt"
    good.write_text("0 close(3) = 0\n")
    bad1 = tmp_path / "bad1.pkt"
    bad1.write_text("0 close(3) = 0\n+0 nosuch(1) = 0\n+0 alsobad(2) = 0\n")
    bad2 = tmp_path / "bad2.pkt"
    bad2.write_text("0 close(SO_NOPE) = 0\n")
    r = run(vwire, "--dry_run", good, bad1, good, bad2)
    assert r.returncode == 2
    lines = r.stderr.splitlines()
    assert lines == [f"{bad1}:2:4: unknown system call 'nosuch'",
                     f"{bad2}:1:9: unknown symbolic constant 'SO_NOPE'"]
    assert run(vwire, "--dry_run", good, good).returncode == 0


def test_command_line_wins_over_script_options(vwire, tmp_path):
    script = tmp_path / "opt.pkt"
    script.write_text("--local_ip=fd00::1\n0 close(3) = 0\n")
    # The script's IPv6 address does not fit IPv4...
    r = run(vwire, "--dry_run", "--ip_version=ipv4", script)
    assert r.returncode == 2
    assert f"{script}:1:1: --local_ip=fd00::1 is not an IPv4 address" in r.stderr
    # ... unless the command line gives its own, which wins.
    r = run(vwire, "--dry_run", "--ip_version=ipv4", "--local_ip=10.0.0.1", script)
    assert r.returncode == 0, r.stderr
    # Script options go through the same table as the command line.
    script.write_text("--mtu=20\n")
    r = run(vwire, "--dry_run", script)
    assert r.returncode == 2 and "bad value for --mtu" in r.stderr
    script.write_text("--dry_run\n")
    r = run(vwire, "--dry_run", script)
    assert r.returncode == 2 and "cannot be given in a script" in r.stderr


def test_script_options_do_not_leak_between_scripts(vwire, tmp_path):
    v6 = tmp_path / "v6.pkt"
    v6.write_text("--ip_version=ipv6\n0 close(3) = 0\n")
    uses_v4 = tmp_path / "v4.pkt"
    uses_v4.write_text("--local_ip=10.0.0.1\n0 close(3) = 0\n")
    r = run(vwire, "--dry_run", v6, uses_v4)
    assert r.returncode == 0, r.stderr


def test_defines_replace_whole_words_only(vwire, tmp_path):
    script = tmp_path / "d.pkt"
    script.write_text("0 close(FD) = 0\n+0 close(FD_X) = 0\n")
    r = run(vwire, "--print", "-D", "FD=3", "--define=FD_X=4", script)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["0.000000 close(3) = 0", "+0.000000 close(4) = 0"]
    r = run(vwire, "--print", "-D", "FD=3", script)
    assert r.returncode == 2 and "'FD_X'" in r.stderr


def test_ifdef_blocks(vwire, tmp_path):
    script = tmp_path / "i.pkt"
    script.write_text("#ifdef Linux\n0 close(1) = 0\n#ifdef FreeBSD\n+0 close(2) = 0\n#else\n"
                      "+0 close(3) = 0\n#endif\n#endif\n#ifndef EXTRA\n+0 close(4) = 0\n#endif\n")
    r = run(vwire, "--print", script)
    assert r.stdout.split("\n")[:3] == ["0.000000 close(1) = 0", "+0.000000 close(3) = 0",
                                        "+0.000000 close(4) = 0"]
    r = run(vwire, "--print", "-D", "FreeBSD", "-D", "EXTRA", script)
    assert r.stdout.splitlines() == ["0.000000 close(1) = 0", "+0.000000 close(2) = 0"]


@pytest.mark.parametrize("script", sorted(DIALECTS.glob("*.pkt")), ids=lambda p: p.name)
def test_dialect_scripts_parse(vwire, script):
    r = run(vwire, "--dry_run", "-D", "PEER_WIN=4000", "-D", "HAVE_SACK", script)
    assert r.returncode == 0, r.stderr


def test_dialect_define_is_required(vwire):
    r = run(vwire, "--dry_run", DIALECTS / "freebsd-defines.pkt")
    assert r.returncode == 2
    assert "PEER_WIN" in r.stderr


def test_run_without_dry_run_reaches_the_run_loop(vwire, tmp_path):
    script = tmp_path / "bad.pkt"
    script.write_text("0 close(\n")
    # A script that does not parse is exit 2 whatever the run loop does.
    r = run(vwire, script, timeout=60)
    assert r.returncode == 2


FRONTEND_SOURCES = [f"harness/{n}.c" for n in ("ast", "calls", "check", "config", "define_columns",
                                                 "define_script", "frontend", "options", "preprocess",
                                                 "printer", "symbols")]


def build_fuzzer():
    """fuzz_parser over the front end alone (what it exercises), with the
    flags of the Makefile's fuzz rule; rebuilt only when a source changed.
    `make build/fuzz/fuzz_parser` links the whole tree for `make fuzz`."""
    gen = BUILD / "gen"
    subprocess.run(["make", "-s", f"BUILD={BUILD.relative_to(ROOT)}",
                    str((gen / "lexer.c").relative_to(ROOT)), str((gen / "parser.c").relative_to(ROOT))],
                   cwd=ROOT, check=True, timeout=300)
    target = BUILD / "fuzz" / "fuzz_parser-frontend"
    inputs = [ROOT / s for s in FRONTEND_SOURCES] + [gen / "parser.c", gen / "lexer.c",
                                                     ROOT / "tests" / "fuzz" / "fuzz_parser.c"]
    inputs += list((ROOT / "harness").glob("*.h"))
    if target.exists() and all(i.stat().st_mtime <= target.stat().st_mtime for i in inputs):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["clang", "-std=c11", "-D_GNU_SOURCE", "-g", "-O1", "-pthread",
                    "-fsanitize=fuzzer,address,undefined", "-Iharness", f"-I{gen}",
                    "-Wno-unused-function", "-o", str(target), "tests/fuzz/fuzz_parser.c",
                    *FRONTEND_SOURCES, str(gen / "parser.c"), str(gen / "lexer.c")],
                   cwd=ROOT, check=True, timeout=600)
    return target


@pytest.mark.skipif(shutil.which("clang") is None, reason="clang (libFuzzer) is not installed")
def test_fuzz_parser_short_run(tmp_path):
    fuzzer = build_fuzzer()
    seeds = ROOT / "tests" / "fuzz" / "seeds" / "fuzz_parser"
    work = tmp_path / "corpus"
    work.mkdir()
    r = subprocess.run([str(fuzzer), "-max_total_time=20", "-timeout=10", "-rss_limit_mb=2048",
                        f"-artifact_prefix={tmp_path}/", str(work), str(seeds), str(FRONTEND)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Done" in r.stderr or "DONE" in r.stderr


def test_enough_frontend_scripts():
    assert len(list(FRONTEND.glob("*.pkt"))) >= 20


@pytest.mark.parametrize("script", sorted(FRONTEND.glob("*.pkt")), ids=lambda p: p.name)
def test_frontend_scripts_parse(vwire, script):
    r = run(vwire, "--dry_run", *FRONTEND_DEFINES, script)
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""


def test_frontend_defines_are_needed(vwire):
    r = run(vwire, "--dry_run", FRONTEND / "defines-everywhere.pkt")
    assert r.returncode == 2
    # Syntax comes first: the first name where a number must be.
    assert r.stderr.startswith(f"{FRONTEND / 'defines-everywhere.pkt'}:5:19: "), r.stderr


def test_columns_after_a_define_point_into_the_original_text(vwire, tmp_path):
    script = tmp_path / "cols.pkt"
    script.write_text("0 socket(NAME, SOCK_STREAM, BADC) = 3\n")
    # BADC starts at column 29 of the file whatever NAME becomes.
    for value in ("1", "AF_INET", "0x000000000000000000002"):
        r = run(vwire, "--dry_run", "-D", f"NAME={value}", script)
        assert r.returncode == 2
        assert r.stderr.strip().startswith(f"{script}:1:29: "), (value, r.stderr)
    # An error in the value itself points at the name it replaced.
    r = run(vwire, "--dry_run", "-D", "NAME=SO_NOPE", script)
    assert r.stderr.strip() == f"{script}:1:10: unknown symbolic constant 'SO_NOPE'"
    # Syntax errors too, and several substitutions on one line add up.
    script.write_text("0 socket(A, B, C) = 3 )\n")
    r = run(vwire, "--dry_run", "-D", "A=AF_INET", "-D", "B=SOCK_STREAM", "-D", "C=6", script)
    assert r.stderr.startswith(f"{script}:1:23: syntax error"), r.stderr


def test_in_script_define(vwire, tmp_path):
    script = tmp_path / "def.pkt"
    script.write_text("--define=FD=3\n--define=FLAG\n0 close(FD) = 0\n"
                      "#ifdef FLAG\n+0 close(4) = 0\n#endif\n")
    r = run(vwire, "--print", script)
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines()[-2:] == ["0.000000 close(3) = 0", "+0.000000 close(4) = 0"]
    # The command line's value wins over the script's.
    r = run(vwire, "--print", "-D", "FD=7", script)
    assert r.returncode == 0, r.stderr
    assert "0.000000 close(7) = 0" in r.stdout.splitlines()
    # Among the script's own defines the last one wins.
    twice = tmp_path / "twice.pkt"
    twice.write_text("--define=FD=3\n--define=FD=5\n0 close(FD) = 0\n")
    r = run(vwire, "--print", twice)
    assert r.stdout.splitlines()[-1] == "0.000000 close(5) = 0", r.stderr
    # A script's define does not leak into the next script.
    other = tmp_path / "other.pkt"
    other.write_text("0 close(FD) = 0\n")
    r = run(vwire, "--dry_run", script, other)
    assert r.returncode == 2
    assert r.stderr.strip() == f"{other}:1:9: unknown symbolic constant 'FD'"


def test_in_script_define_inside_an_inactive_block_does_not_apply(vwire, tmp_path):
    script = tmp_path / "blocks.pkt"
    script.write_text("#ifdef FreeBSD\n--define=FD=9\n#else\n--define=FD=3\n#endif\n"
                      "0 close(FD) = 0\n")
    assert printed(vwire, script)[-1] == "0.000000 close(3) = 0"
    assert printed(vwire, "-D", "FreeBSD", script)[-1] == "0.000000 close(9) = 0"
    # A define hidden by a block is not defined at all.
    hidden = tmp_path / "hidden.pkt"
    hidden.write_text("#ifdef FreeBSD\n--define=FD=9\n#endif\n0 close(FD) = 0\n")
    assert dry_run_error(vwire, hidden) == f"{hidden}:4:9: unknown symbolic constant 'FD'"


def test_in_script_define_counts_for_ifdef_below_it_only(vwire, tmp_path):
    script = tmp_path / "order.pkt"
    # FLAG enables the block after it (which defines FD), not the one before.
    script.write_text("#ifdef FLAG\n--define=FD=7\n#endif\n--define=FLAG\n"
                      "#ifdef FLAG\n--define=FD=4\n#endif\n0 close(FD) = 0\n"
                      "#ifndef FLAG\n+0 close(5) = 0\n#endif\n")
    assert printed(vwire, script)[-1] == "0.000000 close(4) = 0"
    # A bad #ifdef is reported with its place even before any define.
    script.write_text("#ifdef\n--define=FD=1\n#endif\n0 close(FD) = 0\n")
    assert dry_run_error(vwire, script) == f"{script}:1:1: expected one name after #ifdef"


def test_freebsd_blocks_choose_the_scripts_own_defines(vwire):
    script = FRONTEND / "freebsd-defines-in-blocks.pkt"
    lines = printed(vwire, script)
    assert "+0.000000 < S 0:0(0) win 65160 <mss 1400,nop,nop,sackOK>" in lines
    assert not any("close(9)" in l for l in lines)
    # Under FreeBSD the other block's defines apply, FBSD_ONLY among them.
    lines = printed(vwire, "-D", "FreeBSD", script)
    assert "+0.000000 < S 0:0(0) win 65535 <mss 1400,nop,nop,sackOK>" in lines
    assert "+0.000000 close(9) = -1 EBADF (Bad file descriptor)" in lines


@pytest.mark.parametrize("script", sorted(FRONTEND.glob("freebsd-*.pkt")), ids=lambda p: p.name)
def test_freebsd_scripts_parse_on_both_platforms(vwire, script, tmp_path):
    for platform in ((), ("-D", "FreeBSD")):
        r = run(vwire, "--dry_run", *platform, script)
        assert r.returncode == 0, (platform, r.stderr)
        rc1 = run(vwire, "--print", *platform, script)
        again = tmp_path / "again.pkt"
        again.write_text(rc1.stdout)
        rc2 = run(vwire, "--print", again)
        assert rc2.returncode == 0 and rc2.stdout == rc1.stdout, (platform, rc2.stderr)


def test_events_after_a_blocking_call_are_timed_from_its_start(vwire, tmp_path):
    script = tmp_path / "block.pkt"
    # The packet that wakes the read comes while it blocks: not backwards.
    script.write_text("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                      "0.1...0.3 read(3, ..., 5) = 5\n0.2 < P. 1:6(5) ack 1 win 100\n"
                      "+.1...0.200 read(3, ..., 5) = 5\n+.1 < P. 6:11(5) ack 1 win 100\n")
    r = run(vwire, "--dry_run", script)
    assert r.returncode == 0, r.stderr
    # A relative end counts from the previous event, not from the start.
    script.write_text("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                      "+.3...0.2 read(3, ..., 5) = 5\n")
    assert dry_run_error(vwire, script) == f"{script}:2:1: blocking call ends before it starts"
    # Before the call's start is still backwards.
    script.write_text("0.5...0.9 close(3) = 0\n0.4 close(4) = 0\n")
    assert f"{script}:2:1: time goes backwards" in dry_run_error(vwire, script)


def test_icmp_numbers_parse_print_and_keep_the_next_event(vwire, tmp_path):
    script = tmp_path / "icmp.pkt"
    script.write_text("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
                      "+0 < icmp 0x3 04 mtu 1200 [1:1(0)]\n+0 < icmp unreachable 3\n"
                      "+0 < icmp 3\n1 close(3) = 0\n")
    # A number on the ICMP type's line is its code; on the next line, a time.
    assert printed(vwire, script)[1:] == ["+0.000000 < icmp 3 4 mtu 1200 [1:1(0)]",
                                         "+0.000000 < icmp unreachable 3",
                                         "+0.000000 < icmp 3", "1.000000 close(3) = 0"]


def test_flag_set_result_is_compared_as_its_or(vwire, tmp_path):
    script = tmp_path / "flags.pkt"
    text = ("0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
            "+0 fcntl(3, F_SETFL, O_RDWR|O_NONBLOCK) = 0\n"
            "+0 fcntl(3, F_GETFL) = O_RDWR|O_NONBLOCK\n")
    script.write_text(text)
    assert printed(vwire, script)[-1] == "+0.000000 fcntl(3, F_GETFL) = O_RDWR|O_NONBLOCK"
    assert run(vwire, script).returncode == 0
    script.write_text(text.replace("= O_RDWR|O_NONBLOCK", "= O_RDWR|O_APPEND"))
    r = run(vwire, script)
    assert r.returncode == 1
    assert f"{script}:3: runtime error in fcntl call: Expected result 1026 but got 2050" in r.stderr


DOCUMENTED_OPTIONS = ("ip_version", "local_ip", "remote_ip", "gateway_ip", "netmask_ip", "bind_port",
                      "connect_port", "mss", "mtu", "tolerance_usecs", "tolerance_percent",
                      "init_scripts", "so_filename", "so_flags", "tcp_ts_tick_usecs",
                      "tcp_ts_ecr_scaled", "strict_segments", "non_fatal", "dry_run", "define",
                      "verbose")


def test_help_lists_every_documented_option(vwire):
    out = run(vwire, "--help").stdout
    missing = [o for o in DOCUMENTED_OPTIONS if f"--{o}" not in out]
    assert missing == []


def test_every_documented_option_is_accepted(vwire, tmp_path):
    script = tmp_path / "ok.pkt"
    script.write_text("0 close(3) = 0\n")
    for args in (["--ip_version=ipv4"], ["--ip_version=ipv6"], ["--ip_version=ipv4-mapped-ipv6"],
                 ["--local_ip=10.0.0.1"], ["--remote_ip=10.0.0.2"], ["--gateway_ip=10.0.0.254"],
                 ["--netmask_ip=255.255.255.0"], ["--bind_port=9000"], ["--connect_port=9001"],
                 ["--mss=1200"], ["--mtu=1400"], ["--tolerance_usecs=1000"],
                 ["--tolerance_percent=10"], ["--init_scripts=/bin/true"], ["--so_filename=x.so"],
                 ["--so_flags=a"], ["--tcp_ts_tick_usecs=1000"], ["--tcp_ts_ecr_scaled"],
                 ["--strict_segments"], ["--non_fatal=packet"], ["-D", "X=1"], ["--define=X=1"],
                 ["-v"], ["--verbose"]):
        r = run(vwire, "--dry_run", *args, script)
        assert r.returncode == 0, (args, r.stderr)
