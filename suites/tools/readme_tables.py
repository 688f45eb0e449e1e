"""What the tools that write README tables share: the block of a file
between its two marker lines, which they rewrite, and the tab-separated
classification files their failure reasons come from."""
import re


class ToolError(Exception):
    """A file a tool reads is missing or malformed; the message says where."""


def read_block(path, begin, end):
    """(text, start, stop): the file's text and the span of its block, from
    the end of the begin marker to the start of the end marker."""
    try:
        text = path.read_text()
    except OSError as err:
        raise ToolError(f"cannot read {path}: {err}") from err
    start, stop = text.find(begin), text.find(end)
    if start < 0 or stop < start:
        raise ToolError(f"{path} lacks the marker lines {begin!r} and {end!r}")
    return text, start + len(begin), stop


def write_block(path, begin, end, body):
    """Replaces the file's block with body, on the line after the begin
    marker."""
    text, start, stop = read_block(path, begin, end)
    path.write_text(text[:start] + "\n" + body + text[stop:])


def read_rules(path, kinds, noun=""):
    """The rules of a classification file in file order: (name, kind,
    compiled evidence regex, reason) from four tab-separated columns, '#'
    starting a comment line. A name twice, a kind not in kinds, a bad
    regex or an empty reason is a ToolError ("<noun> <name> is listed
    twice")."""
    rules, names = [], set()
    for number, line in enumerate(path.read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 4:
            raise ToolError(f"{path}:{number}: expected 4 tab-separated columns, got {len(cols)}")
        name, kind, evidence, reason = (c.strip() for c in cols)
        if kind not in kinds:
            raise ToolError(f"{path}:{number}: kind {kind!r} is not one of {', '.join(kinds)}")
        if name in names:
            raise ToolError(f"{path}:{number}: {noun + ' ' if noun else ''}{name} is listed twice")
        try:
            regex = re.compile(evidence)
        except re.error as err:
            raise ToolError(f"{path}:{number}: bad evidence regex: {err}") from err
        if not reason:
            raise ToolError(f"{path}:{number}: the reason is empty")
        names.add(name)
        rules.append((name, kind, regex, reason))
    return rules
