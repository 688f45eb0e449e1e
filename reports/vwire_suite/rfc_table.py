"""The RFC area of a script, from the README table of its suite folder.

A suite folder's README.md holds a Markdown table with a column naming the
script and a column whose header contains "RFC"; the script's row gives its
area. Scripts without such a row have no area."""
import pathlib
import re

RFC_NUMBER = re.compile(r"RFC\s*(\d+)", re.IGNORECASE)


def _cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _plain(cell):
    """`close.pkt` or [close.pkt](close.pkt) -> close.pkt"""
    link = re.match(r"\[([^\]]*)\]", cell)
    if link:
        cell = link.group(1)
    return cell.strip("`* ")


def parse_readme(text):
    """{script file name: RFC cell} for every table with an RFC column."""
    table, header = {}, None
    for line in text.splitlines():
        if not line.lstrip().startswith("|"):
            header = None
            continue
        cells = _cells(line)
        if header is None:
            header = [c.lower() for c in cells]
            continue
        if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
            continue
        rfc_cols = [i for i, h in enumerate(header) if "rfc" in h]
        script_cols = [i for i, h in enumerate(header) if "script" in h or "file" in h] or [0]
        if not rfc_cols or len(cells) <= max(rfc_cols[0], script_cols[0]):
            continue
        name = _plain(cells[script_cols[0]])
        if name:
            table[pathlib.PurePosixPath(name).name] = cells[rfc_cols[0]]
    return table


def area_of(cell):
    """'RFC 9293 §3.6.1' -> 'RFC 9293'; anything else as written."""
    if not cell:
        return None
    match = RFC_NUMBER.search(cell)
    return f"RFC {match.group(1)}" if match else cell


class RfcLookup:
    """Reads each folder's README once."""

    def __init__(self):
        self._tables = {}

    def _table(self, folder):
        if folder not in self._tables:
            readme = folder / "README.md"
            try:
                self._tables[folder] = parse_readme(readme.read_text(errors="replace"))
            except OSError:
                self._tables[folder] = {}
        return self._tables[folder]

    def rfc_for(self, script):
        """The RFC cell of the nearest README (own folder, then parents) naming it."""
        script = pathlib.Path(script)
        for folder in list(script.parents)[:4]:
            cell = self._table(folder).get(script.name)
            if cell:
                return cell
        return None
