"""Finding scripts: which .pkt files, in which order, with which flags."""
import dataclasses
import fnmatch
import os
import pathlib
import shlex

IP_VERSIONS = ("ipv4", "ipv6", "ipv4-mapped-ipv6")
FLAGS_FILE = "vwire.flags"


class DiscoveryError(Exception):
    """A path or a flags file the user gave is unusable (a usage error)."""


@dataclasses.dataclass(frozen=True)
class Job:
    id: str            # unique within a run: "<path>[<ip version>]"
    path: str          # the script, relative to the parent of the PATH it was found under
    script: str        # absolute path of the script
    folder: str        # dirname of `path`, used to group results
    ip_version: str
    args: tuple        # flags for bin/vwire, before --json/--pcap and the script


def variants_for(name, wanted):
    """RUN-FLAGS convention: *v6.pkt is IPv6 only; *v4.pkt is IPv4 and IPv4-mapped only."""
    if name.endswith("v6.pkt"):
        allowed = ("ipv6",)
    elif name.endswith("v4.pkt"):
        allowed = ("ipv4", "ipv4-mapped-ipv6")
    else:
        allowed = IP_VERSIONS
    return [v for v in wanted if v in allowed]


def parse_flags_file(path):
    """vwire.flags: '#' comments; a plain line applies to every IP version, a
    line 'ipv6: ...' only to that version. Returns {version or None: [flags]}."""
    found = {}
    try:
        text = pathlib.Path(path).read_text()
    except OSError as err:
        raise DiscoveryError(f"{path}: {err.strerror}") from err
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        version = None
        head, sep, rest = line.partition(":")
        if sep and head.strip() in IP_VERSIONS:
            version, line = head.strip(), rest.strip()
        try:
            words = shlex.split(line)
        except ValueError as err:
            raise DiscoveryError(f"{path}:{number}: {err}") from err
        found.setdefault(version, []).extend(words)
    return found


def _stop_dir(start):
    """Flags files are inherited from folders above a script, up to the
    enclosing git work tree (or the filesystem root)."""
    for folder in [start, *start.parents]:
        if (folder / ".git").exists():
            return folder
    return pathlib.Path(start.anchor)


class FlagsLookup:
    """Caches each folder's inherited flags so 167 scripts cost a few stats."""

    def __init__(self):
        self._cache = {}

    def for_folder(self, folder):
        folder = pathlib.Path(folder)
        if folder in self._cache:
            return self._cache[folder]
        parent_flags = {}
        if folder != _stop_dir(folder) and folder.parent != folder:
            parent_flags = self.for_folder(folder.parent)
        merged = {k: list(v) for k, v in parent_flags.items()}
        own = folder / FLAGS_FILE
        if own.is_file():
            for version, words in parse_flags_file(own).items():
                merged.setdefault(version, []).extend(words)
        self._cache[folder] = merged
        return merged


def flags_for(table, version):
    return [*table.get(None, []), *table.get(version, [])]


def _matches(job_id, patterns):
    if not patterns:
        return True
    for pattern in patterns:
        if any(c in pattern for c in "*?["):
            if fnmatch.fnmatchcase(job_id, pattern) or fnmatch.fnmatchcase(job_id, "*" + pattern + "*"):
                return True
        elif pattern in job_id:
            return True
    return False


def find_scripts(paths):
    """(absolute script, display path) for every .pkt under `paths`, sorted by
    display path, each once."""
    found = {}
    for given in paths:
        root = pathlib.Path(given)
        if not root.exists():
            raise DiscoveryError(f"{given}: no such file or folder")
        root = root.resolve()
        base = root.parent
        if root.is_file():
            if root.suffix != ".pkt":
                raise DiscoveryError(f"{given}: not a .pkt script")
            candidates = [root]
        else:
            candidates = []
            for folder, dirs, files in os.walk(root):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                candidates.extend(pathlib.Path(folder) / f for f in files if f.endswith(".pkt"))
        for script in candidates:
            found.setdefault(str(script), script.relative_to(base).as_posix())
    return sorted(((s, p) for s, p in found.items()), key=lambda item: (item[1], item[0]))


def discover(paths, ip_versions=("ipv4",), patterns=(), target=None, extra_flags=(),
             flags_files=()):
    """Every job to run, in a deterministic order."""
    lookup = FlagsLookup()
    global_tables = [parse_flags_file(f) for f in flags_files]
    jobs, seen = [], set()
    for script, path in find_scripts(paths):
        table = lookup.for_folder(pathlib.Path(script).parent)
        for version in variants_for(path, ip_versions):
            job_id = f"{path}[{version}]"
            if job_id in seen or not _matches(job_id, patterns):
                continue
            seen.add(job_id)
            args = [f"--ip_version={version}"]
            if target:
                args.append(f"--target={target}")
            for global_table in global_tables:
                args.extend(flags_for(global_table, version))
            args.extend(flags_for(table, version))
            args.extend(extra_flags)
            folder = path.rsplit("/", 1)[0] if "/" in path else "."
            jobs.append(Job(job_id, path, script, folder, version, tuple(args)))
    return jobs
