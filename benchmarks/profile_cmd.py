#!/usr/bin/env python3
"""Profile one ``preflight`` command in-process with cProfile and say where the time goes.

Prints the share of own time per area (markdown-it-py's block and inline rules, each
engine module, regular expressions, ...) and the top functions by own and cumulative
time. The command's output is discarded.

Usage::

    python benchmarks/profile_cmd.py --cwd CORPUS [--top 25] [--out list.prof] -- -f CORPUS/mkdocs-preflight.yml list

Profiling slows Python code ~1.5-2x, unevenly; use the shares to find hotspots and
``run.py`` to judge a change.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io
import os
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def area(filename: str, function: str) -> str:
    """The part of the stack a profiled function belongs to."""
    path = filename.replace(os.sep, "/")
    if "/markdown_it/" in path:
        tail = path.split("/markdown_it/", 1)[1]
        folder = tail.split("/", 1)[0] if "/" in tail else tail.removesuffix(".py")
        return f"markdown_it.{folder}"
    if "/mdit_py_plugins/" in path:
        return "mdit_py_plugins"
    if "/mkdocs_preflight/" in path:
        tail = path.split("/mkdocs_preflight/", 1)[1].removesuffix(".py")
        return "mkdocs_preflight." + tail.replace("/", ".")
    if filename == "~":  # C functions: methods of built-in types and the like
        if "re.Pattern" in function or "re.Match" in function or function.startswith("<built-in method _sre"):
            return "re (C)"
        return "builtins (C)"
    if path.endswith(("/re/__init__.py", "/re/_compiler.py", "/re/_parser.py")) or "/re/" in path:
        return "re (Python)"
    if "/json/" in path:
        return "json"
    if "/click/" in path:
        return "click"
    if "/yaml/" in path:
        return "yaml"
    if "/python3" in path and "site-packages" not in path:
        return "stdlib"
    return "other"


def profile(args: Sequence[str], cwd: Path | None) -> tuple[pstats.Stats, float]:
    """Run ``preflight ARGS`` under cProfile; return the stats and the wall time."""
    from mkdocs_preflight.cli import main as cli_main

    previous = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    profiler = cProfile.Profile()
    sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 - closed below
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(sink):
            profiler.enable()
            try:
                cli_main.main(list(args), prog_name="preflight", standalone_mode=False)
            except SystemExit:
                pass
            finally:
                profiler.disable()
    finally:
        wall = time.perf_counter() - started
        sink.close()
        os.chdir(previous)
    return pstats.Stats(profiler), wall


def shares(stats: pstats.Stats) -> list[tuple[str, float]]:
    """Own time per area, largest first."""
    totals: dict[str, float] = defaultdict(float)
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in raw.items():
        totals[area(filename, function)] += tottime
    return sorted(totals.items(), key=lambda kv: -kv[1])


def report(stats: pstats.Stats, wall: float, top: int) -> str:
    """The text report."""
    out = io.StringIO()
    spread = shares(stats)
    total = sum(t for _, t in spread) or 1.0
    out.write(f"wall {wall:.2f} s under cProfile, profiled own time {total:.2f} s\n\nown time by area:\n")
    for name, seconds in spread:
        if seconds / total >= 0.005:
            out.write(f"  {100 * seconds / total:5.1f}%  {seconds:7.2f} s  {name}\n")
    for key, title in (("tottime", "own time"), ("cumulative", "cumulative time")):
        out.write(f"\ntop {top} functions by {title}:\n")
        buffer = io.StringIO()
        stats.stream = buffer  # type: ignore[attr-defined]
        stats.sort_stats(key).print_stats(top)
        body = buffer.getvalue()
        out.write(body[body.find("   ncalls") :] if "   ncalls" in body else body)
    return out.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, profile, print the report."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cwd", type=Path, help="run the command in this folder (the corpus root)")
    parser.add_argument("--top", type=int, default=25, help="functions to show per table [%(default)s]")
    parser.add_argument("--out", type=Path, help="also save the raw profile (for snakeviz / pstats)")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="-- then the preflight arguments")
    options = parser.parse_args(argv)
    args = options.args[1:] if options.args[:1] == ["--"] else options.args
    if not args:
        parser.error("give the preflight arguments after --, e.g. -- list")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    stats, wall = profile(args, options.cwd)
    if options.out is not None:
        stats.dump_stats(str(options.out))
    sys.stdout.write(report(stats, wall, options.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
