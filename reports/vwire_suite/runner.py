"""Running jobs: one bin/vwire process per script, in parallel, each with a
time limit; a hung or crashed one becomes a failure, never a hung run."""
import concurrent.futures
import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time

from . import schema

STDERR_KEEP = 4000   # characters of a script's stderr kept in results.json


def slug(job_id):
    """A file name for a job id: 'suites/close/a.pkt[ipv4]' -> 'suites__close__a.pkt.ipv4'."""
    text = job_id.replace("/", "__").replace("[", ".").replace("]", "")
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


def _signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


class LiveProcesses:
    """The bin/vwire processes running now, so an interrupted run can kill
    them (they have sessions of their own, so ^C does not reach them)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._procs = set()

    def add(self, proc):
        with self._lock:
            self._procs.add(proc)

    def discard(self, proc):
        with self._lock:
            self._procs.discard(proc)

    def kill_all(self):
        with self._lock:
            for proc in self._procs:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


def run_once(vwire, command, json_path, pcap_path, timeout, live=None):
    """Runs bin/vwire once. Returns (result or None, reason or None, stderr, usecs)."""
    for stale in (json_path, pcap_path):
        if stale and os.path.exists(stale):
            os.unlink(stale)
    argv = [vwire, *command["args"], f"--json={json_path}"]
    if pcap_path:
        argv.append(f"--pcap={pcap_path}")
    argv.append(command["script"])
    started = time.monotonic()
    try:
        # A session of its own, so a timeout kills the script's children too.
        proc = subprocess.Popen(argv, cwd=command["cwd"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True)
    except OSError as err:
        return None, f"cannot start {vwire}: {err.strerror}", "", 0
    if live:
        live.add(proc)
    try:
        _, err = proc.communicate(timeout=timeout)
        reason = None
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, err = proc.communicate()
        reason = f"timeout after {timeout:g} s"
    finally:
        if live:
            live.discard(proc)
    usecs = int((time.monotonic() - started) * 1e6)
    stderr = err.decode(errors="replace")[-STDERR_KEEP:]
    if reason is None and proc.returncode < 0:
        reason = f"crash: {_signal_name(-proc.returncode)}"
    if reason:
        return None, reason, stderr, usecs
    try:
        with open(json_path) as f:
            result = json.load(f)
    except FileNotFoundError:
        return None, f"no result JSON (exit {proc.returncode})", stderr, usecs
    except (OSError, ValueError) as err:
        return None, f"unreadable result JSON: {err}", stderr, usecs
    problem = schema.script_result_error(result)
    if problem:
        return None, f"bad result JSON: {problem}", stderr, usecs
    return result, None, stderr, usecs


def verdict_of(result, reason):
    if result is None:
        # Timeouts and crashes are failures of the stack under test; a missing or
        # broken result is the harness's error.
        return "fail" if reason.startswith(("timeout", "crash")) else "error"
    return result["verdict"]


TIMEOUT_FLAG = "--timeout_secs="
TIMEOUT_MARGIN = 10  # seconds past bin/vwire's own limit: let it report first


def job_timeout(args, timeout):
    """The runner's limit for one script: a --timeout_secs=N among its flags
    (a folder's vwire.flags, for scripts that wait out real TIME-WAITs or
    minutes of SYN retransmissions on the kernel) raises it to N plus a
    margin; it never lowers it."""
    for arg in args:
        if arg.startswith(TIMEOUT_FLAG):
            try:
                return max(timeout, float(arg[len(TIMEOUT_FLAG):]) + TIMEOUT_MARGIN)
            except ValueError:
                pass
    return timeout


def run_job(job, vwire, out_dir, timeout, reruns, live=None):
    """Runs one job (and its reruns); returns its results.json entry."""
    timeout = job_timeout(job.args, timeout)
    name = slug(job.id)
    json_path = os.path.join(out_dir, "json", name + ".json")
    pcap_path = os.path.join(out_dir, "pcap", name + ".pcap")
    command = {"cwd": os.path.dirname(job.script), "script": os.path.basename(job.script),
               "args": list(job.args)}
    attempts, total_usecs = 0, 0
    while True:
        attempts += 1
        result, reason, stderr, usecs = run_once(vwire, command, json_path, pcap_path, timeout,
                                                 live)
        total_usecs += usecs
        verdict = verdict_of(result, reason)
        if verdict == "pass" or attempts > reruns:
            break
    pcap = os.path.relpath(pcap_path, out_dir) if os.path.exists(pcap_path) else None
    return {
        "id": job.id, "path": job.path, "folder": job.folder, "ip_version": job.ip_version,
        "verdict": verdict, "reason": reason, "attempts": attempts,
        "flaky": verdict == "pass" and attempts > 1,
        "duration_usecs": total_usecs, "command": command, "rfc": None, "pcap": pcap,
        "result": result, "stderr": stderr,
    }


def rerun_entry(entry, vwire, timeout):
    """Reruns a recorded script once, in a scratch folder; returns the new verdict
    and reason. Used by the gate to tell flaky from broken."""
    with tempfile.TemporaryDirectory(prefix="vwire-rerun-") as scratch:
        result, reason, _, _ = run_once(vwire, entry["command"],
                                        os.path.join(scratch, "result.json"), None,
                                        job_timeout(entry["command"]["args"], timeout))
    return verdict_of(result, reason), reason


def run_jobs(jobs, vwire, out_dir, workers, timeout, reruns=0, progress=None):
    """Runs every job, `workers` at a time; entries come back in job order."""
    for sub in ("json", "pcap"):
        os.makedirs(os.path.join(out_dir, sub), exist_ok=True)
    entries = [None] * len(jobs)
    live = LiveProcesses()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=max(1, workers))
    futures = {pool.submit(run_job, job, vwire, out_dir, timeout, reruns, live): index
               for index, job in enumerate(jobs)}
    try:
        for future in concurrent.futures.as_completed(futures):
            entry = future.result()
            entries[futures[future]] = entry
            if progress:
                progress.done(entry)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        live.kill_all()
        raise
    pool.shutdown()
    return entries
