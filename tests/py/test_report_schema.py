"""The schemas: a run's results.json and every script result validate; broken
ones do not."""
import copy
import json

import pytest

from vwire_suite_testlib import load, run_suite, script
from vwire_suite import results, schema


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("schema")
    script(root / "s", "pass.pkt")
    script(root / "s", "fail.pkt", "fail line=8 kind=field field=tcp_ack")
    script(root / "s", "error.pkt", "error")
    script(root / "s", "crash.pkt", "crash")
    run_suite("run", root / "s", "--report", root / "out", "--no-html")
    return root


def test_results_json_validates(run):
    document = load(run / "out" / "results.json")
    assert schema.results_error(document) is None
    assert {e["verdict"] for e in document["scripts"]} == {"pass", "fail", "error"}


def test_each_script_result_validates(run):
    files = sorted((run / "out" / "json").glob("*.json"))
    assert len(files) == 3          # the crash wrote none
    for path in files:
        assert schema.script_result_error(load(path)) is None, path


def test_broken_script_results_do_not_validate(run):
    good = load(next((run / "out" / "json").glob("*fail*.json")))
    breakages = [
        lambda d: d.pop("events"),
        lambda d: d.update(verdict="maybe"),
        lambda d: d.update(format="vwire-result/2"),
        lambda d: d.update(exit_code="1"),
        lambda d: d["failure"].update(kind="weird"),
        lambda d: d["failure"].pop("line"),
        lambda d: d["events"][0].update(status="done"),
        lambda d: d["events"][0].update(type="packet", direction="sideways"),
        lambda d: d["states"].append({"usecs": 1, "conn": "x"}),
        lambda d: d.update(ip_version="ipv5"),
    ]
    for number, breakage in enumerate(breakages):
        broken = copy.deepcopy(good)
        breakage(broken)
        assert schema.script_result_error(broken), number


def test_broken_results_json_does_not_validate_or_load(run, tmp_path):
    good = load(run / "out" / "results.json")
    failed = next(i for i, e in enumerate(good["scripts"]) if e["id"] == "s/fail.pkt[ipv4]")
    breakages = [
        lambda d: d.pop("totals"),
        lambda d: d.update(extra=1),
        lambda d: d["scripts"][0].pop("command"),
        lambda d: d["scripts"][0].update(verdict="unknown"),
        lambda d: d["scripts"][failed]["result"].update(verdict="nope"),
        lambda d: d["scripts"][failed]["result"]["events"].append({"line": 1}),
        lambda d: d.update(shard="two of three"),
    ]
    for number, breakage in enumerate(breakages):
        broken = copy.deepcopy(good)
        breakage(broken)
        assert schema.results_error(broken), number
        path = tmp_path / f"broken{number}.json"
        path.write_text(json.dumps(broken))
        with pytest.raises(results.ResultsError, match="not a vwire results file"):
            results.load(path)
        done = run_suite("report", path, "-o", tmp_path / "r")
        assert done.returncode == 2 and "not a vwire results file" in done.stderr
