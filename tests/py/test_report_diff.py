"""diff: two runs of the same scripts, the verdicts that differ."""
from vwire_suite_testlib import FAKE, run_suite, script


def test_diff_lists_only_the_differing_verdicts(tmp_path):
    for name in ("same.pkt", "changes.pkt"):
        script(tmp_path / "a", name)
    script(tmp_path / "b", "same.pkt")
    script(tmp_path / "b", "changes.pkt", "fail line=6 kind=timing")
    # Same ids in both runs: each run's folder is called s.
    (tmp_path / "a").rename(tmp_path / "s")
    run_suite("run", tmp_path / "s", "--report", tmp_path / "ra", "--no-html")
    (tmp_path / "s").rename(tmp_path / "a")
    (tmp_path / "b").rename(tmp_path / "s")
    run_suite("run", tmp_path / "s", "--report", tmp_path / "rb", "--no-html", "--target", "kernel")
    done = run_suite("diff", tmp_path / "ra" / "results.json", tmp_path / "rb" / "results.json")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1 scripts differ") and "(kernel)" in lines[0]
    assert lines[1].split() == ["s/changes.pkt[ipv4]", "pass", "|", "fail", "(line", "6:", "timing)"]
    same = run_suite("diff", tmp_path / "ra" / "results.json", tmp_path / "ra" / "results.json")
    assert same.returncode == 0 and same.stdout.startswith("0 scripts differ")


def test_diff_targets_runs_each_target_and_compares(tmp_path):
    script(tmp_path / "s", "same.pkt")
    script(tmp_path / "s", "kernel-only.pkt", "require-flag=--target=kernel")
    done = run_suite("diff", "--targets", "vstack,kernel", tmp_path / "s", "--vwire", FAKE,
                     "--report", tmp_path / "d", "-j", "2")
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("1 scripts differ") and "(vstack)" in lines[0]
    assert lines[1].split()[:4] == ["s/kernel-only.pkt[ipv4]", "fail", "(line", "1:"]
    assert lines[1].split()[-1] == "pass"
    for target in ("vstack", "kernel"):
        assert (tmp_path / "d" / target / "results.json").is_file()
        assert (tmp_path / "d" / target / "index.html").is_file()
    bad = run_suite("diff", "--targets", "vstack", tmp_path / "s")
    assert bad.returncode == 2 and "at least two" in bad.stderr
