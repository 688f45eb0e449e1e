"""Discovery: which scripts, in which order, with which flags."""
import pytest

from vwire_suite_testlib import load, run_suite, script
from vwire_suite import discover


def ids(jobs):
    return [j.id for j in jobs]


def test_recursive_sorted_and_deterministic(tmp_path):
    for name in ("b/z.pkt", "a/y.pkt", "a/sub/x.pkt", "c.pkt", "a/notes.txt"):
        script(tmp_path / "s", name)
    jobs = discover.discover([tmp_path / "s"])
    assert ids(jobs) == ["s/a/sub/x.pkt[ipv4]", "s/a/y.pkt[ipv4]", "s/b/z.pkt[ipv4]",
                         "s/c.pkt[ipv4]"]
    assert ids(discover.discover([tmp_path / "s"])) == ids(jobs)
    assert jobs[0].folder == "s/a/sub"
    assert jobs[0].script == str(tmp_path / "s/a/sub/x.pkt")


def test_same_script_given_twice_runs_once(tmp_path):
    script(tmp_path / "s", "a.pkt")
    jobs = discover.discover([tmp_path / "s", tmp_path / "s"])
    assert len(jobs) == 1


def test_k_filters_by_substring_and_glob(tmp_path):
    for name in ("close/a.pkt", "close/b.pkt", "sack/c.pkt"):
        script(tmp_path / "s", name)
    assert ids(discover.discover([tmp_path / "s"], patterns=["close/"])) == \
        ["s/close/a.pkt[ipv4]", "s/close/b.pkt[ipv4]"]
    assert ids(discover.discover([tmp_path / "s"], patterns=["*/c.pkt*"])) == ["s/sack/c.pkt[ipv4]"]
    assert ids(discover.discover([tmp_path / "s"], patterns=["b.pkt", "c.pkt"])) == \
        ["s/close/b.pkt[ipv4]", "s/sack/c.pkt[ipv4]"]
    assert discover.discover([tmp_path / "s"], patterns=["nothing"]) == []


def test_v4_v6_name_rules(tmp_path):
    for name in ("any.pkt", "only-v4.pkt", "only-v6.pkt"):
        script(tmp_path / "s", name)
    default = discover.discover([tmp_path / "s"])
    assert ids(default) == ["s/any.pkt[ipv4]", "s/only-v4.pkt[ipv4]"]
    every = discover.discover([tmp_path / "s"], ip_versions=discover.IP_VERSIONS)
    assert ids(every) == [
        "s/any.pkt[ipv4]", "s/any.pkt[ipv6]", "s/any.pkt[ipv4-mapped-ipv6]",
        "s/only-v4.pkt[ipv4]", "s/only-v4.pkt[ipv4-mapped-ipv6]", "s/only-v6.pkt[ipv6]"]
    assert [j.args[0] for j in every if j.path == "s/only-v6.pkt"] == ["--ip_version=ipv6"]


def test_flags_files_are_inherited_and_versioned(tmp_path):
    script(tmp_path / "s", "top.pkt")
    script(tmp_path / "s", "sub/deep/inner.pkt")
    (tmp_path / "s" / "vwire.flags").write_text(
        "# corpus flags\n--tolerance_usecs=10000 -D A=1\nipv6: --mtu=1520\n")
    (tmp_path / "s" / "sub" / "vwire.flags").write_text("-D 'B=two words'\n")
    jobs = {j.id: j for j in discover.discover([tmp_path / "s"], ip_versions=["ipv4", "ipv6"],
                                               target="kernel", extra_flags=["--x=1"])}
    assert jobs["s/top.pkt[ipv4]"].args == (
        "--ip_version=ipv4", "--target=kernel", "--tolerance_usecs=10000", "-D", "A=1", "--x=1")
    assert jobs["s/top.pkt[ipv6]"].args == (
        "--ip_version=ipv6", "--target=kernel", "--tolerance_usecs=10000", "-D", "A=1",
        "--mtu=1520", "--x=1")
    assert jobs["s/sub/deep/inner.pkt[ipv4]"].args == (
        "--ip_version=ipv4", "--target=kernel", "--tolerance_usecs=10000", "-D", "A=1",
        "-D", "B=two words", "--x=1")


def test_flags_file_option_applies_to_every_script(tmp_path):
    script(tmp_path / "s", "a.pkt")
    flags = tmp_path / "corpus.flags"
    flags.write_text("ipv4: --local_ip=192.168.0.1\nipv6: --local_ip=fd3d::1\n")
    jobs = discover.discover([tmp_path / "s"], ip_versions=["ipv4", "ipv6"], flags_files=[flags])
    assert [j.args[1] for j in jobs] == ["--local_ip=192.168.0.1", "--local_ip=fd3d::1"]


def test_bad_paths_and_flags_are_usage_errors(tmp_path):
    with pytest.raises(discover.DiscoveryError, match="no such file"):
        discover.discover([tmp_path / "missing"])
    (tmp_path / "x.txt").write_text("")
    with pytest.raises(discover.DiscoveryError, match="not a .pkt"):
        discover.discover([tmp_path / "x.txt"])
    script(tmp_path / "s", "a.pkt")
    (tmp_path / "s" / "vwire.flags").write_text("-D 'unterminated\n")
    with pytest.raises(discover.DiscoveryError, match="vwire.flags:1"):
        discover.discover([tmp_path / "s"])


def test_cli_usage_errors_exit_2(tmp_path):
    script(tmp_path / "s", "a.pkt")
    out = tmp_path / "out"
    for args in (["run", tmp_path / "missing"],
                 ["run", tmp_path / "s", "-k", "nomatch"],
                 ["run", tmp_path / "s", "-j", "0"],
                 ["run", tmp_path / "s", "--ip-versions", "ipv5"],
                 ["run", tmp_path / "s", "--shard", "3/2"],
                 ["run", tmp_path / "s", "--vwire", tmp_path / "no-vwire"],
                 ["run", "--no-such-option", tmp_path / "s"],
                 []):
        done = run_suite(*args, "--report", out) if args else run_suite()
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert done.stderr.strip(), args


def test_folder_flags_reach_the_interpreter_from_the_scripts_folder(tmp_path):
    # The fake fails unless it was given the flag; the init-command style
    # relative path only resolves from the script's own folder.
    script(tmp_path / "s", "sub/a.pkt", "require-flag=--magic=7")
    script(tmp_path / "s", "b.pkt", "require-flag=--magic=7")
    (tmp_path / "s" / "sub" / "vwire.flags").write_text("--magic=7\n")
    done = run_suite("run", tmp_path / "s", "--report", tmp_path / "out", "-j", "2")
    assert done.returncode == 1, done.stdout + done.stderr
    results = load(tmp_path / "out" / "results.json")
    by_id = {e["id"]: e for e in results["scripts"]}
    assert by_id["s/sub/a.pkt[ipv4]"]["verdict"] == "pass"
    assert by_id["s/b.pkt[ipv4]"]["verdict"] == "fail"
    assert by_id["s/sub/a.pkt[ipv4]"]["command"]["cwd"] == str(tmp_path / "s" / "sub")
    assert by_id["s/sub/a.pkt[ipv4]"]["command"]["script"] == "a.pkt"
