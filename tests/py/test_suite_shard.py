"""Sharding: K/N partitions are disjoint and cover everything; merging the
shards gives the unsharded run, apart from timing."""
import json

from vwire_suite_testlib import load, run_suite, script, without_timing
from vwire_suite import shard


def make_tree(root):
    names = ["a/one.pkt", "a/two.pkt", "b/three.pkt", "b/deep/four.pkt", "c/five-v6.pkt",
             "c/six-v4.pkt", "seven.pkt"]
    for n, name in enumerate(names):
        script(root, name, *(["fail line=3"] if n % 3 == 0 else []))


def test_select_partitions(tmp_path):
    jobs = list(range(23))
    for n in (1, 2, 3, 5, 23, 30):
        parts = [shard.select(jobs, k, n) for k in range(1, n + 1)]
        flat = [j for part in parts for j in part]
        assert sorted(flat) == jobs                       # covers all
        assert len(flat) == len(set(flat))                # disjoint
        assert max(map(len, parts)) - min(map(len, parts)) <= 1


def test_parse_shard_rejects_nonsense():
    assert shard.parse_shard("2/3") == (2, 3)
    for bad in ("0/3", "4/3", "1/0", "x", "1/2/3", "-1/2"):
        try:
            shard.parse_shard(bad)
        except shard.ShardError:
            continue
        raise AssertionError(bad)


def test_shards_merge_into_the_unsharded_run(tmp_path):
    make_tree(tmp_path / "s")
    common = ["--ip-versions", "ipv4,ipv6", "--no-html"]
    run_suite("run", tmp_path / "s", "--report", tmp_path / "full", *common)
    full = load(tmp_path / "full" / "results.json")
    shard_files, seen = [], []
    for k in (1, 2, 3):
        out = tmp_path / f"shard{k}"
        run_suite("run", tmp_path / "s", "--shard", f"{k}/3", "--report", out, *common)
        document = load(out / "results.json")
        assert document["shard"] == f"{k}/3"
        seen.append({e["id"] for e in document["scripts"]})
        shard_files.append(out / "results.json")
    assert set.union(*seen) == {e["id"] for e in full["scripts"]}
    assert sum(map(len, seen)) == len(full["scripts"])
    done = run_suite("merge", *shard_files, "--complete", "-o", tmp_path / "merged.json")
    assert done.returncode == 0, done.stderr
    merged = load(tmp_path / "merged.json")
    assert merged["shards_merged"] == 3
    assert merged["totals"] == full["totals"]

    def normal(document):
        text = json.dumps(without_timing(document), sort_keys=True)
        for name in ("full", "shard1", "shard2", "shard3"):
            text = text.replace(f"/{name}/", "/OUT/")
        return text
    assert normal(merged) == normal(full)
    # The merged run renders like any other.
    done = run_suite("report", tmp_path / "merged.json", "-o", tmp_path / "merged-report")
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "merged-report" / "index.html").is_file()


def test_overlapping_inputs_do_not_merge(tmp_path):
    script(tmp_path / "s", "a.pkt")
    run_suite("run", tmp_path / "s", "--report", tmp_path / "out", "--no-html")
    results = tmp_path / "out" / "results.json"
    done = run_suite("merge", results, results, "-o", tmp_path / "merged.json")
    assert done.returncode == 2
    assert "overlap" in done.stderr
    assert not (tmp_path / "merged.json").exists()


def test_complete_merge_refuses_a_missing_shard(tmp_path):
    make_tree(tmp_path / "s")
    files = {}
    for split in ("1/3", "3/3", "1/2"):
        out = tmp_path / split.replace("/", "of")
        run_suite("run", tmp_path / "s", "--shard", split, "--report", out, "--no-html")
        files[split] = out / "results.json"
    run_suite("run", tmp_path / "s", "--report", tmp_path / "all", "--no-html")
    merged = tmp_path / "merged.json"
    for inputs, complaint in (((files["1/3"], files["3/3"]), "shard 2/3 is missing"),
                              ((files["1/3"], files["1/2"]), "different splits"),
                              ((tmp_path / "all" / "results.json",), "not a shard")):
        done = run_suite("merge", *inputs, "--complete", "-o", merged)
        assert done.returncode == 2 and complaint in done.stderr, (inputs, done.stderr)
        assert not merged.exists()
    # Without --complete the same two shards merge (a partial rerun, say).
    done = run_suite("merge", files["1/3"], files["3/3"], "-o", merged)
    assert done.returncode == 0, done.stderr
