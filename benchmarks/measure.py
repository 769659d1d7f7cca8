"""Time one command in a child process: wall clock, CPU time and peak RSS of that child alone.

Two traps decide how this works:

- ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` is the maximum over *every* child
  reaped so far, so a small command measured after a big one would inherit the big
  one's peak. ``os.wait4`` returns the rusage of exactly the child it reaps (with the
  descendants that child waited for).
- Linux records the RSS high-water mark of the memory a process had *before* ``exec``
  into its ``ru_maxrss``. A child forked (or vforked) from this Python process
  therefore never reports less than this process's own peak (~15 MiB). GNU
  ``/usr/bin/time`` (Debian package ``time``) forks the command from a ~2 MiB process,
  so when it is installed we read ``%M`` from it, exactly as the baselines in
  ``shared/research/perf-baseline.md`` were taken. Without it we fall back to
  ``wait4`` and :data:`RSS_FLOOR_NOTE` applies.
"""

from __future__ import annotations

import contextlib
import os
import signal
import statistics
import subprocess
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

GNU_TIME = "/usr/bin/time"
RSS_FLOOR_NOTE = "peak RSS read with os.wait4: never below the benchmark runner's own peak (~15 MiB)"


@dataclass(frozen=True, slots=True)
class Sample:
    """One run of one command."""

    wall_s: float
    cpu_s: float
    """User plus system time of the child and its reaped descendants."""
    peak_rss_mib: float
    returncode: int
    timed_out: bool = False
    stderr_tail: str = ""


@dataclass(slots=True)
class Series:
    """The runs of one command on one corpus, and what went wrong if it failed."""

    samples: list[Sample] = field(default_factory=list)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """At least one good run and no failure."""
        return bool(self.samples) and self.error is None

    @property
    def median_s(self) -> float | None:
        """Median wall time, or ``None`` when the command failed."""
        return statistics.median(s.wall_s for s in self.samples) if self.ok else None

    @property
    def min_s(self) -> float | None:
        """Fastest run."""
        return min(s.wall_s for s in self.samples) if self.ok else None

    @property
    def max_s(self) -> float | None:
        """Slowest run."""
        return max(s.wall_s for s in self.samples) if self.ok else None

    @property
    def cpu_s(self) -> float | None:
        """Median CPU time (above wall time means the command used several cores)."""
        return statistics.median(s.cpu_s for s in self.samples) if self.ok else None

    @property
    def peak_rss_mib(self) -> float | None:
        """The highest peak RSS over the runs."""
        return max(s.peak_rss_mib for s in self.samples) if self.ok else None


@cache
def gnu_time() -> str | None:
    """The GNU ``time`` binary if it is installed and understands ``-f``/``-o``."""
    if not os.access(GNU_TIME, os.X_OK):
        return None
    with tempfile.NamedTemporaryFile("r") as out:
        try:
            done = subprocess.run(
                [GNU_TIME, "-f", "%M", "-o", out.name, "true"], capture_output=True, timeout=30, check=False
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return GNU_TIME if done.returncode == 0 and out.read().strip().isdigit() else None


def _read_gnu_time(path: Path) -> tuple[float, float] | None:
    """``(peak RSS MiB, CPU s)`` from a ``-f "%M %U %S"`` report; ``None`` if it is missing."""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").split()
    except OSError:
        return None
    # A failing command adds "Command exited with non-zero status N" before our line.
    if len(lines) < 3:
        return None
    try:
        kib, user, system = int(lines[-3]), float(lines[-2]), float(lines[-1])
    except ValueError:
        return None
    return kib / 1024, user + system


def run_measured(
    argv: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    stdout: Path | None = None,
    timeout_s: float = 3600.0,
) -> Sample:
    """Run ``argv`` to completion and measure it.

    Args:
        argv: The command.
        cwd: Its working directory.
        env: Its environment (default: ours).
        stdout: A file for its standard output (default: discarded). A file rather
            than a pipe, so that a chatty command cannot block while we wait.
        timeout_s: Kill the command's whole process group after this long.

    Returns:
        The sample; a command that cannot be started gives return code 127.
    """
    timer_binary = gnu_time()
    with contextlib.ExitStack() as stack:
        report = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "time.txt"
        if timer_binary is not None:
            argv = [timer_binary, "-f", "%M %U %S", "-o", str(report), *argv]
        out_handle = stack.enter_context(stdout.open("wb")) if stdout is not None else subprocess.DEVNULL
        err_handle = stack.enter_context(tempfile.TemporaryFile())
        start = time.perf_counter()
        try:
            process = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=dict(env) if env is not None else None,
                stdin=subprocess.DEVNULL,
                stdout=out_handle,
                stderr=err_handle,
                start_new_session=True,  # its own process group, so a timeout kills workers too
            )
        except OSError as exc:
            return Sample(0.0, 0.0, 0.0, 127, stderr_tail=f"{argv[0]}: {exc.strerror}")
        timed_out = threading.Event()

        def kill() -> None:
            timed_out.set()
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout_s, kill)
        timer.daemon = True
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # so that Popen never waits for it again
        size = err_handle.seek(0, os.SEEK_END)
        err_handle.seek(max(0, size - 2000))
        tail = err_handle.read().decode("utf-8", errors="replace")
        peak_rss, cpu = usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # Linux reports KiB
        if timer_binary is not None:
            measured = _read_gnu_time(report)
            if measured is not None:
                peak_rss, cpu = measured
    return Sample(
        wall_s=wall,
        cpu_s=cpu,
        peak_rss_mib=peak_rss,
        returncode=process.returncode,
        timed_out=timed_out.is_set(),
        stderr_tail=tail,
    )
