"""The CI gate: compare a run with a baseline of expected verdicts.

A regression is a script that passed in the baseline and does not pass now.
With rerun, each regression runs once more from its recorded command: if it
passes then it is flaky, otherwise broken. Scripts that pass now but did not
in the baseline are improvements (the baseline can be raised)."""
import dataclasses
import json
import os

from . import REPO_ROOT, jsonfile, runner

BASELINE_FORMAT = "vwire-baseline/1"
DEFAULT_CONFIG = REPO_ROOT / "ci" / "gate.json"
DEFAULTS = {"flaky_fails_gate": False, "missing_fails_gate": False, "rerun_timeout": 60}


class GateError(Exception):
    pass


@dataclasses.dataclass
class GateReport:
    broken: list = dataclasses.field(default_factory=list)        # (id, detail)
    flaky: list = dataclasses.field(default_factory=list)         # (id, detail)
    unconfirmed: list = dataclasses.field(default_factory=list)   # regressions not rerun
    improvements: list = dataclasses.field(default_factory=list)  # (id, old verdict)
    new: list = dataclasses.field(default_factory=list)           # (id, verdict)
    missing: list = dataclasses.field(default_factory=list)       # ids
    config: dict = dataclasses.field(default_factory=lambda: dict(DEFAULTS))

    @property
    def failed(self):
        return bool(self.broken or self.unconfirmed
                    or (self.flaky and self.config["flaky_fails_gate"])
                    or (self.missing and self.config["missing_fails_gate"]))

    def as_dict(self):
        return {"failed": self.failed, "broken": self.broken, "flaky": self.flaky,
                "unconfirmed": self.unconfirmed, "improvements": self.improvements,
                "new": self.new, "missing": self.missing}

    def text(self):
        lines = []
        def section(title, items, fmt):
            if items:
                lines.append(f"{title} ({len(items)}):")
                lines.extend("  " + fmt(item) for item in items)
        section("REGRESSION, broken (passed in the baseline, fails now and on rerun)",
                self.broken, lambda i: f"{i[0]}: {i[1]}")
        section("REGRESSION (passed in the baseline, fails now; not rerun)",
                self.unconfirmed, lambda i: f"{i[0]}: {i[1]}")
        section("flaky (failed, then passed on rerun)", self.flaky,
                lambda i: f"{i[0]}: {i[1]}")
        section("improved: pass now, the baseline can be raised (gate --update)",
                self.improvements, lambda i: f"{i[0]} (baseline: {i[1]})")
        section("new: not in the baseline", self.new, lambda i: f"{i[0]}: {i[1]}")
        section("missing: in the baseline, not in this run", self.missing, str)
        lines.append("gate: FAILED" if self.failed else "gate: passed")
        return "\n".join(lines)


def load_config(path=None):
    config = dict(DEFAULTS)
    path = path or (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    if path:
        loaded = jsonfile.read(path, GateError)
        unknown = set(loaded) - set(DEFAULTS) - {"comment"}
        if unknown:
            raise GateError(f"{path}: unknown keys {sorted(unknown)}")
        config.update({k: v for k, v in loaded.items() if k in DEFAULTS})
    return config


def load_baseline(path, missing_ok=False):
    """{id: verdict}. With missing_ok a file that does not exist yet is the
    empty baseline (gate --update making the first one)."""
    if missing_ok and not os.path.exists(path):
        return {}
    baseline = jsonfile.read(path, GateError)
    if baseline.get("format") != BASELINE_FORMAT or not isinstance(baseline.get("scripts"), dict):
        raise GateError(f"{path}: not a vwire baseline (format {BASELINE_FORMAT})")
    return baseline["scripts"]


def _detail(entry):
    if entry.get("reason"):
        return entry["reason"]
    failure = (entry.get("result") or {}).get("failure") or {}
    if failure:
        return f"line {failure.get('line')}: {failure.get('kind')}: {failure.get('message')}"
    return entry["verdict"]


def compare(document, baseline, rerun=False, vwire=None, config=None, rerun_fn=None):
    """The gate's findings for a run against a baseline ({id: verdict})."""
    report = GateReport(config=dict(config or DEFAULTS))
    rerun_fn = rerun_fn or runner.rerun_entry
    vwire = vwire or document["vwire"]
    current = {entry["id"]: entry for entry in document["scripts"]}
    for job_id, entry in current.items():
        was = baseline.get(job_id)
        now = entry["verdict"]
        if was is None:
            report.new.append((job_id, now))
        elif was == "pass" and now != "pass":
            if not rerun:
                report.unconfirmed.append((job_id, _detail(entry)))
                continue
            verdict, reason = rerun_fn(entry, vwire, report.config["rerun_timeout"])
            if verdict == "pass":
                report.flaky.append((job_id, f"{_detail(entry)}; passed on rerun"))
            else:
                report.broken.append((job_id, _detail(entry)))
        elif was == "pass" and entry.get("flaky"):
            report.flaky.append((job_id, f"passed after {entry['attempts']} attempts"))
        elif was != "pass" and now == "pass":
            report.improvements.append((job_id, was))
    report.missing = sorted(set(baseline) - set(current))
    return report


def regressions(report):
    """Ids that passed in the baseline and fail now (rerun or not)."""
    return {job_id for job_id, _ in (report.broken + report.unconfirmed)} if report else set()


def new_baseline(document, report=None, old=None, lower=False):
    """The verdicts to expect from now on; flaky scripts count as passing. With
    `old`, scripts this run did not cover (another shard's) keep their verdict.
    A regression stays expected to pass unless `lower`: raising the baseline
    for some scripts must not quietly lower it for others."""
    scripts = dict(old or {})
    keep_passing = {job_id for job_id, _ in (report.flaky if report else [])}
    if not lower:
        keep_passing |= regressions(report)
    for entry in document["scripts"]:
        scripts[entry["id"]] = "pass" if entry["id"] in keep_passing else entry["verdict"]
    return {"format": BASELINE_FORMAT, "scripts": dict(sorted(scripts.items()))}


def write_baseline(baseline, path):
    tmp = f"{path}.tmp"
    with open(tmp, "w") as f:
        json.dump(baseline, f, indent=1)
        f.write("\n")
    os.replace(tmp, path)
