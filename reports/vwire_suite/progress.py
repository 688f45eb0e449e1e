"""What the user sees while a run goes: a bar on a terminal, a line per script
otherwise (CI logs)."""
import shutil
import sys
import time


class Progress:
    def __init__(self, total, stream=None, tty=None):
        self.stream = stream or sys.stdout
        self.tty = self.stream.isatty() if tty is None else tty
        self.total, self.count, self.bad = total, 0, 0
        self.started = time.monotonic()

    def done(self, entry):
        self.count += 1
        if entry["verdict"] != "pass":
            self.bad += 1
        if self.tty:
            self._bar(entry)
        else:
            self._line(entry)

    def _line(self, entry):
        word = "FLAKY" if entry["flaky"] else entry["verdict"].upper()
        why = ""
        if entry["reason"]:
            why = f"  ({entry['reason']})"
        elif entry["result"] and entry["result"]["failure"]:
            f = entry["result"]["failure"]
            why = f"  (line {f['line']}: {f['kind']})"
        self.stream.write(f"[{self.count:>{len(str(self.total))}}/{self.total}] {word:<5} "
                          f"{entry['id']}  {entry['duration_usecs'] / 1000:.0f} ms{why}\n")
        self.stream.flush()

    def _bar(self, entry):
        columns = shutil.get_terminal_size((100, 20)).columns
        width = max(10, min(40, columns - 60))
        filled = int(width * self.count / max(1, self.total))
        status = f"{self.bad} not passing" if self.bad else "all passing"
        name = entry["id"][-max(10, columns - width - 40):]
        line = f"\r[{'#' * filled}{'.' * (width - filled)}] {self.count}/{self.total} {status}  {name}"
        self.stream.write(line[:columns - 1].ljust(columns - 1))
        if self.count == self.total:
            self.stream.write("\n")
        self.stream.flush()

    def finish(self):
        if self.tty and self.count != self.total:
            self.stream.write("\n")
