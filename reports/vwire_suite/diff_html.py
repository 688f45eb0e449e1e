"""diff.html: the differential run's page, one row per script whose
verdict differs, with both verdicts, links to each target's page for the
script and the first event where the two parted ways."""
import os

from . import html


def write(rows, left, right, out_dir, left_dir, right_dir, total, name="diff.html"):
    """left/right: the two results documents; *_dir: their report folders."""
    def side(document, folder):
        return {"name": document["target"] or "vstack",
                "dir": os.path.relpath(folder, out_dir)}
    page = html._environment().get_template("diff.html").render(
        rows=rows, left=side(left, left_dir), right=side(right, right_dir),
        run=left, total=total)
    path = os.path.join(out_dir, name)
    with open(path, "w") as f:
        f.write(page)
    return path
