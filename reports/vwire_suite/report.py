"""Writing every report for a run into one folder."""
import os

from . import html, junit, results


def write_all(document, out_dir, baseline=None, gate_report=None):
    os.makedirs(out_dir, exist_ok=True)
    results.save(document, os.path.join(out_dir, "results.json"))
    junit.write(document, os.path.join(out_dir, "junit.xml"))
    html.render(document, out_dir, baseline=baseline, gate_report=gate_report)
