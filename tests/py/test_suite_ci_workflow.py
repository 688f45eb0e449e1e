"""ci/workflow.yml: valid YAML with the jobs, matrix and artifacts a stack
project relies on; its vwire-suite commands are the README's, word for
word; and those commands, with the README's first-baseline ones, work when
run as CI would run them, in a stack project that has vwire checked out in
vwire/ and vwire's own stack as its build/libmystack.so."""
import os
import re
import shutil
import subprocess

import pytest

from conftest import ROOT
from vwire_suite_testlib import load

yaml = pytest.importorskip("yaml", reason="python3-yaml is not installed (make deps)")

WORKFLOW = ROOT / "ci" / "workflow.yml"
README = ROOT / "README.md"
STACK = ROOT / "lib" / "libvstack.so"
EXPRESSION = re.compile(r"\$\{\{\s*([a-z.A-Z_]+)\s*\}\}")


@pytest.fixture(scope="module")
def workflow():
    with open(WORKFLOW) as f:
        return yaml.safe_load(f)


def readme_block(name):
    """The command lines between <!-- NAME: begin --> and <!-- NAME: end -->."""
    text = README.read_text()
    match = re.search(rf"<!-- {name}: begin -->\n(.*?)\n\s*<!-- {name}: end -->", text, re.S)
    assert match, f"README.md has no {name} block"
    return [line.strip() for line in match.group(1).splitlines() if line.strip()]


def suite_steps(job):
    """The steps of a job whose run script calls vwire-suite, in order."""
    return [step for step in job["steps"] if "vwire-suite" in step.get("run", "")]


def run_lines(steps):
    return [line.strip() for step in steps for line in step["run"].splitlines() if line.strip()]


def test_workflow_is_valid_yaml_with_jobs_matrix_and_artifacts(workflow):
    # YAML 1.1 reads the bare key `on` as true.
    triggers = workflow.get("on", workflow.get(True))
    assert set(triggers) == {"push", "pull_request"}
    env = workflow["env"]
    for name in ("VWIRE_REPO", "STACK_SO", "STACK_BUILD", "SUITES", "BASELINE", "SHARDS"):
        assert name in env, name
    suites, report = workflow["jobs"]["suites"], workflow["jobs"]["report"]
    assert suites["strategy"]["matrix"]["shard"] == list(range(1, int(env["SHARDS"]) + 1))
    assert suites["strategy"]["fail-fast"] is False
    assert report["needs"] == "suites" and report["if"] == "always()"
    for job in (suites, report):
        uses = [step.get("uses", "") for step in job["steps"]]
        assert uses.count("actions/checkout@v4") == 2
        build = [step["run"] for step in job["steps"] if "make -C vwire" in step.get("run", "")]
        assert build and "deps" in build[0]
        upload = [step for step in job["steps"]
                  if step.get("uses", "").startswith("actions/upload-artifact")]
        assert len(upload) == 1 and upload[0]["if"] == "always()"
        assert upload[0]["with"]["path"] == "out/"
    download = [step for step in report["steps"]
                if step.get("uses", "").startswith("actions/download-artifact")]
    assert download[0]["with"]["pattern"] == "vwire-shard-*"
    assert download[0]["with"]["merge-multiple"] is True
    # The gate runs last and is not allowed to fail quietly.
    gate_step = suite_steps(report)[-1]
    assert "vwire-suite gate" in gate_step["run"] and "||" not in gate_step["run"]
    assert "continue-on-error" not in gate_step


def test_workflow_commands_are_the_readmes(workflow):
    jobs = workflow["jobs"]
    lines = run_lines(suite_steps(jobs["suites"])) + run_lines(suite_steps(jobs["report"]))
    assert lines == readme_block("workflow-commands")


def _substitute(text, env, matrix):
    def value(match):
        name = match.group(1)
        if name.startswith("env."):
            return str(env[name[4:]])
        if name.startswith("matrix."):
            return str(matrix[name[7:]])
        raise AssertionError(f"unexpected expression {match.group(0)}")
    return EXPRESSION.sub(value, text)


def _bash(script, cwd, env):
    # GitHub runs `run:` with bash -e -o pipefail.
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=900)


@pytest.fixture()
def project(tmp_path):
    """A stack project: vwire checked out in vwire/, the stack in build/. The
    commands use the checkout's bin/vwire, so the stack is the normal build's
    lib/libvstack.so even under make asan."""
    if not (ROOT / "bin" / "vwire").exists() or not STACK.exists():
        pytest.fail("bin/vwire and lib/libvstack.so are not built: run make")
    root = tmp_path / "project"
    (root / "build").mkdir(parents=True)
    (root / "ci").mkdir()
    (root / "vwire").symlink_to(ROOT)
    shutil.copy(STACK, root / "build" / "libmystack.so")
    return root


def test_readme_adoption_and_workflow_commands_run_as_ci_would(workflow, project, tmp_path):
    env = dict(os.environ, **{k: str(v) for k, v in workflow["env"].items()})
    env["STACK_SO"] = "build/libmystack.so"
    env["SUITES"] = "vwire/suites"
    env["BASELINE"] = "ci/vwire-baseline.json"
    # Step 2 of the README, typed one line at a time: the first baseline,
    # from the stack as it is (the run exits 1 when some script fails).
    for line in readme_block("first-baseline"):
        done = _bash(line, project, env)
        allowed = (0, 1) if " run " in line else (0,)
        assert done.returncode in allowed, (line, done.stdout[-3000:], done.stderr[-3000:])
    baseline = project / "ci" / "vwire-baseline.json"
    assert baseline.is_file()
    shutil.rmtree(project / "out")

    # The suites job, once per shard; each keeps out/ as an artifact.
    jobs = workflow["jobs"]
    artifacts = tmp_path / "artifacts"
    artifacts.mkdir()
    for shard in jobs["suites"]["strategy"]["matrix"]["shard"]:
        for step in suite_steps(jobs["suites"]):
            done = _bash(_substitute(step["run"], env, {"shard": shard}), project, env)
            assert done.returncode == 0, (shard, done.stdout[-3000:], done.stderr[-3000:])
        assert (project / "out" / f"results-{shard}.json").is_file()
        shutil.move(project / "out", artifacts / f"vwire-shard-{shard}")

    # The report job downloads every shard's artifact into one out/.
    out = project / "out"
    for artifact in sorted(artifacts.iterdir()):
        shutil.copytree(artifact, out, dirs_exist_ok=True)
    outputs = []
    for step in suite_steps(jobs["report"]):
        done = _bash(_substitute(step["run"], env, {}), project, env)
        outputs.append(done.stdout)
        assert done.returncode == 0, (step["run"], done.stdout[-3000:], done.stderr[-3000:])
    assert outputs[-1].rstrip().endswith("gate: passed")
    # What the vwire-report artifact holds: the whole run, its HTML, its pcaps.
    merged = load(out / "results.json")
    first = load(project / "ci" / "vwire-baseline.json")["scripts"]
    assert {e["id"] for e in merged["scripts"]} == set(first)
    assert len(first) > 100
    assert merged["shards_merged"] == len(list(artifacts.iterdir()))
    assert (out / "index.html").is_file() and (out / "junit.xml").is_file()
    pages = list((out / "scripts").glob("*.html"))
    assert len(pages) == len(first)
    linked = re.findall(r'href="\.\./(pcap/[^"]+\.pcap)"', pages[0].read_text())
    assert linked and (out / linked[0]).is_file()
    against = (out / "index.html").read_text().split('id="baseline"')[1].split("</section>")[0]
    assert '<span class="badge pass">passed</span>' in against
