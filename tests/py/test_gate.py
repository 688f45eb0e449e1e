"""The CI gate: regressions fail it and are named, flaky scripts are told
from broken ones, improvements are listed, --update writes a new baseline."""
import json

from conftest import BUILD, ROOT
from vwire_suite_testlib import load, run_suite, script
from vwire_suite import gate


def baseline_file(path, verdicts):
    path.write_text(json.dumps({"format": "vwire-baseline/1", "scripts": verdicts}))
    return path


def make_suite(root):
    script(root, "steady.pkt")
    script(root, "broken.pkt", "fail line=4 kind=field field=tcp_win")
    script(root, "flaky.pkt", "flaky")
    script(root, "better.pkt")
    script(root, "newcomer.pkt", "fail line=2")


BASELINE = {"s/steady.pkt[ipv4]": "pass", "s/broken.pkt[ipv4]": "pass",
            "s/flaky.pkt[ipv4]": "pass", "s/better.pkt[ipv4]": "fail",
            "s/gone.pkt[ipv4]": "pass"}


def suite_run_and_baseline(tmp_path, *run_flags):
    """make_suite's suite run once, BASELINE written beside it: the
    baseline's path and the run's results.json."""
    make_suite(tmp_path / "s")
    base = baseline_file(tmp_path / "baseline.json", BASELINE)
    run_suite("run", tmp_path / "s", "--report", tmp_path / "out", *run_flags)
    return base, tmp_path / "out" / "results.json"


def test_gate_with_rerun_names_broken_flaky_and_improved(tmp_path):
    make_suite(tmp_path / "s")
    base = baseline_file(tmp_path / "baseline.json", BASELINE)
    assert run_suite("run", tmp_path / "s", "--report", tmp_path / "out").returncode == 1
    results = tmp_path / "out" / "results.json"
    done = run_suite("gate", "--baseline", base, results, "--rerun")
    assert done.returncode == 1, done.stdout + done.stderr
    text = done.stdout
    broken = text.split("REGRESSION, broken")[1].split("\n\n")[0].split("flaky (")[0]
    assert "s/broken.pkt[ipv4]: line 4: field" in broken
    assert "s/flaky.pkt" not in broken
    flaky = text.split("flaky (failed, then passed on rerun)")[1].split("improved")[0]
    assert "s/flaky.pkt[ipv4]" in flaky
    assert "s/better.pkt[ipv4] (baseline: fail)" in text.split("improved")[1]
    assert "s/newcomer.pkt[ipv4]: fail" in text.split("new: not in the baseline")[1]
    assert "s/gone.pkt[ipv4]" in text.split("missing:")[1]
    assert text.rstrip().endswith("gate: FAILED")


def test_only_flaky_regressions_pass_the_gate(tmp_path):
    script(tmp_path / "s", "flaky.pkt", "flaky")
    script(tmp_path / "s", "steady.pkt")
    base = baseline_file(tmp_path / "baseline.json",
                         {"s/flaky.pkt[ipv4]": "pass", "s/steady.pkt[ipv4]": "pass"})
    run_suite("run", tmp_path / "s", "--report", tmp_path / "out")
    results = tmp_path / "out" / "results.json"
    assert load(results)["scripts"][0]["verdict"] == "fail"
    done = run_suite("gate", "--baseline", base, results, "--rerun")
    assert done.returncode == 0, done.stdout
    assert "flaky" in done.stdout and "gate: passed" in done.stdout
    # A config can make flaky scripts fail the gate too.
    strict = tmp_path / "gate.json"
    strict.write_text(json.dumps({"flaky_fails_gate": True}))
    done = run_suite("gate", "--baseline", base, results, "--rerun", "--gate-config", strict)
    assert done.returncode == 1


def test_without_rerun_every_regression_fails_the_gate(tmp_path):
    script(tmp_path / "s", "flaky.pkt", "flaky")
    base = baseline_file(tmp_path / "baseline.json", {"s/flaky.pkt[ipv4]": "pass"})
    run_suite("run", tmp_path / "s", "--report", tmp_path / "out")
    done = run_suite("gate", "--baseline", base, tmp_path / "out" / "results.json")
    assert done.returncode == 1
    assert "not rerun" in done.stdout and "s/flaky.pkt[ipv4]" in done.stdout


def test_nothing_regressed_passes_even_with_failures(tmp_path):
    script(tmp_path / "s", "known-bad.pkt", "fail line=1")
    script(tmp_path / "s", "good.pkt")
    base = baseline_file(tmp_path / "baseline.json",
                         {"s/known-bad.pkt[ipv4]": "fail", "s/good.pkt[ipv4]": "pass"})
    done = run_suite("run", tmp_path / "s", "--baseline", base, "--report", tmp_path / "out")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "gate: passed" in done.stdout
    index = (tmp_path / "out" / "index.html").read_text()
    assert 'id="baseline"' in index


def test_run_with_baseline_reruns_and_fails_on_a_broken_script(tmp_path):
    make_suite(tmp_path / "s")
    base = baseline_file(tmp_path / "baseline.json", BASELINE)
    done = run_suite("run", tmp_path / "s", "--baseline", base, "--report", tmp_path / "out")
    assert done.returncode == 1
    assert "s/broken.pkt[ipv4]" in done.stdout.split("REGRESSION, broken")[1]
    assert "s/flaky.pkt[ipv4]" in done.stdout.split("flaky (failed, then passed on rerun)")[1]
    index = (tmp_path / "out" / "index.html").read_text()
    assert "s/broken.pkt[ipv4]" in index.split('id="baseline"')[1].split("</section>")[0]


def test_update_writes_the_new_baseline(tmp_path):
    base, results = suite_run_and_baseline(tmp_path)
    new = tmp_path / "new-baseline.json"
    done = run_suite("gate", "--baseline", base, results, "--rerun", "--update", "--lower",
                     "--output", new)
    assert done.returncode == 0, done.stdout + done.stderr
    written = load(new)
    assert written["format"] == "vwire-baseline/1"
    assert written["scripts"] == {
        "s/steady.pkt[ipv4]": "pass", "s/broken.pkt[ipv4]": "fail",
        "s/flaky.pkt[ipv4]": "pass", "s/better.pkt[ipv4]": "pass",
        "s/newcomer.pkt[ipv4]": "fail", "s/gone.pkt[ipv4]": "pass"}
    # Gated against the new baseline, the same results pass (the flaky one
    # still has to pass its rerun).
    again = run_suite("gate", "--baseline", new, results, "--rerun")
    assert again.returncode == 0, again.stdout
    assert "improved" not in again.stdout and "REGRESSION" not in again.stdout
    assert load(base)["scripts"] == BASELINE


def test_update_raises_without_lowering_unless_told(tmp_path):
    base, results = suite_run_and_baseline(tmp_path, "--no-html")
    done = run_suite("gate", "--baseline", base, results, "--rerun", "--update")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "1 regressions are still expected to pass" in done.stdout
    written = load(base)["scripts"]
    assert written["s/better.pkt[ipv4]"] == "pass"        # raised
    assert written["s/broken.pkt[ipv4]"] == "pass"        # not lowered
    again = run_suite("gate", "--baseline", base, results, "--rerun")
    assert again.returncode == 1 and "s/broken.pkt[ipv4]" in again.stdout.split("REGRESSION, broken")[1]
    done = run_suite("gate", "--baseline", base, results, "--lower")
    assert done.returncode == 2 and "--lower goes with --update" in done.stderr


def test_update_with_prune_drops_scripts_the_run_did_not_cover(tmp_path):
    base, results = suite_run_and_baseline(tmp_path, "--no-html")
    done = run_suite("gate", "--baseline", base, results, "--update", "--prune", "--lower")
    assert done.returncode == 0, done.stdout + done.stderr
    scripts = load(base)["scripts"]
    assert "s/gone.pkt[ipv4]" not in scripts
    assert set(scripts) == {e["id"] for e in load(results)["scripts"]}
    # --prune alone would silently do nothing: it is a usage error.
    done = run_suite("gate", "--baseline", base, results, "--prune")
    assert done.returncode == 2 and "--prune goes with --update" in done.stderr


def test_gate_report_shows_what_the_rerun_found(tmp_path):
    base, results = suite_run_and_baseline(tmp_path, "--no-html")
    done = run_suite("gate", "--baseline", base, results, "--rerun", "--report", tmp_path / "html")
    assert done.returncode == 1, done.stdout + done.stderr
    against = (tmp_path / "html" / "index.html").read_text().split('id="baseline"')[1]
    against = against.split("</section>")[0]
    assert '<span class="badge fail">failed</span>' in against
    assert "1 broken" in against and "0 regressions not rerun" in against
    assert "1 flaky" in against and "1 improved" in against
    assert (tmp_path / "html" / "junit.xml").is_file()


def test_update_makes_the_first_baseline(tmp_path):
    make_suite(tmp_path / "s")
    run_suite("run", tmp_path / "s", "--report", tmp_path / "out", "--no-html")
    results = tmp_path / "out" / "results.json"
    first = tmp_path / "ci" / "first.json"
    first.parent.mkdir()
    done = run_suite("gate", "--baseline", first, results, "--update")
    assert done.returncode == 0, done.stdout + done.stderr
    assert load(first)["scripts"] == {e["id"]: e["verdict"] for e in load(results)["scripts"]}
    # Only --update may start from nothing: gating on a missing file is an error.
    done = run_suite("gate", "--baseline", tmp_path / "ci" / "none.json", results)
    assert done.returncode == 2 and "none.json" in done.stderr


def test_suites_pass_the_committed_baseline(vwire):
    """What `make test` gates on: suites/ against the built interpreter and
    ci/baseline.json, exactly as CI runs it. The report stays under the
    build folder for a person to read when this fails."""
    out = BUILD / "gate-report"
    done = run_suite("run", ROOT / "suites", "--vwire", vwire,
                     "--baseline", ROOT / "ci" / "baseline.json", "--report", out,
                     timeout=1200)
    gate_text = done.stdout[done.stdout.find("reports: "):]
    assert done.returncode == 0, gate_text + done.stderr
    assert gate_text.rstrip().endswith("gate: passed")
    assert "REGRESSION" not in gate_text
    # Every committed verdict is for a script that exists: a stale baseline
    # hides nothing.
    assert "missing: in the baseline" not in gate_text, (
        gate_text + "\nrefresh it: bin/vwire-suite gate --baseline ci/baseline.json "
        f"{out}/results.json --update --prune")


def test_bad_baselines_and_results_are_usage_errors(tmp_path):
    (tmp_path / "junk.json").write_text("{not json")
    (tmp_path / "other.json").write_text(json.dumps({"scripts": []}))
    script(tmp_path / "s", "a.pkt")
    run_suite("run", tmp_path / "s", "--report", tmp_path / "out")
    results = tmp_path / "out" / "results.json"
    for base in ("junk.json", "other.json", "missing.json"):
        done = run_suite("gate", "--baseline", tmp_path / base, results)
        assert done.returncode == 2, base
        assert base in done.stderr
    good = baseline_file(tmp_path / "b.json", {})
    done = run_suite("gate", "--baseline", good, tmp_path / "junk.json")
    assert done.returncode == 2 and "not JSON" in done.stderr
    done = run_suite("run", tmp_path / "s", "--baseline", tmp_path / "junk.json",
                     "--report", tmp_path / "out2")
    assert done.returncode == 2


def test_compare_is_pure_given_a_rerun(tmp_path):
    document = {"vwire": "x", "scripts": [
        {"id": "a", "verdict": "fail", "reason": "timeout after 1 s", "flaky": False,
         "attempts": 1, "result": None},
        {"id": "b", "verdict": "pass", "reason": None, "flaky": True, "attempts": 2,
         "result": None}]}
    calls = []
    report = gate.compare(document, {"a": "pass", "b": "pass"}, rerun=True,
                          rerun_fn=lambda e, v, t: calls.append(e["id"]) or ("fail", "timeout"))
    assert calls == ["a"]
    assert report.broken == [("a", "timeout after 1 s")]
    assert report.flaky == [("b", "passed after 2 attempts")]
    assert report.failed
