"""Sharding a run across CI machines, and merging the shards' results."""
from . import results


class ShardError(Exception):
    pass


def parse_shard(text):
    """'K/N' with 1 <= K <= N -> (K, N)."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError as err:
        raise ShardError(f"--shard {text!r}: expected K/N, e.g. 1/4") from err
    if n < 1 or not 1 <= k <= n:
        raise ShardError(f"--shard {text!r}: need 1 <= K <= N")
    return k, n


def select(jobs, k, n):
    """Shard K of N: every N-th job from the (K-1)-th, over the sorted job list,
    so the shards are disjoint, cover everything and are balanced by folder."""
    return [job for index, job in enumerate(jobs) if index % n == k - 1]


def check_complete(documents):
    """Refuses inputs that are not all N shards of one K/N split, so a shard
    whose job died cannot pass the gate by its absence."""
    shards = [d["shard"] for d in documents]
    if None in shards:
        raise ShardError("--complete: an input is not a shard (run without --shard)")
    split = [parse_shard(text) for text in shards]
    counts = {n for _, n in split}
    if len(counts) != 1:
        raise ShardError(f"--complete: the inputs come from different splits: {', '.join(shards)}")
    (n,) = counts
    missing = sorted(set(range(1, n + 1)) - {k for k, _ in split})
    if missing:
        raise ShardError(f"--complete: shard {', '.join(f'{k}/{n}' for k in missing)} is missing")


def merge(documents):
    """One run from several shards (or several runs of disjoint scripts)."""
    if not documents:
        raise ShardError("nothing to merge")
    entries, seen = [], {}
    for number, document in enumerate(documents):
        for entry in document["scripts"]:
            if entry["id"] in seen:
                raise ShardError(f"{entry['id']} is in input {seen[entry['id']] + 1} "
                                 f"and input {number + 1}: the inputs overlap")
            seen[entry["id"]] = number
            entries.append(entry)
    entries.sort(key=lambda e: e["id"])
    first = documents[0]
    versions = []
    for document in documents:
        versions.extend(v for v in document["ip_versions"] if v not in versions)
    targets = {d["target"] for d in documents}
    merged = {
        "format": results.FORMAT,
        "started": min(d["started"] for d in documents),
        # Shards run side by side: the merged run took as long as the slowest.
        "wall_usecs": max(d["wall_usecs"] for d in documents),
        "vwire": first["vwire"],
        "target": first["target"] if len(targets) == 1 else ",".join(sorted(map(str, targets))),
        "ip_versions": versions,
        "shard": None,
        "shards_merged": sum(max(1, d["shards_merged"]) for d in documents),
        "totals": results.totals(entries),
        "scripts": entries,
    }
    return merged
