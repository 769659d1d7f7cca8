#!/usr/bin/env python3
"""Time the stages of ``mkdocs build`` in the process: where a build's time goes, by part.

Each build runs in a child process of its own, as ``mkdocs build`` does (``on_startup``,
the build, ``on_shutdown``), with wall-clock timers around:

* MkDocs' two page stages (``_populate_page``: Markdown; ``_build_page``: templates,
  search, writing) and the whole build;
* ``Markdown.convert`` and every processor of every page's ``Markdown`` instance
  (``pre:``, ``block:`` (test and run), ``tree:``, ``post:``, with the module that
  defines it);
* every plugin's handler of every event (``event:<name> <plugin>``);
* the theme's template rendering (``jinja2.Template.render``) and the collector's passes
  (``gc``, from ``gc.callbacks``).

Timers nest (a processor's time is also in ``Markdown.convert``, which is in
``_populate_page``); the rows are not meant to add up. Given several configurations, it
builds them in turn, ``--repeat`` times (so drift hits each alike), and prints the
median of each timer per configuration with the ratio to the first.

Usage::

    python benchmarks/build_stages.py --repeat 3 CORPUS/mkdocs.yml CORPUS/mkdocs-preflight.yml

A profiler's overhead distorts call-heavy code; these timers cost a few microseconds a
call, so they show how the wall-clock time of a real build splits. Each page's
``Markdown`` instance gets its timers when it first converts: marking instances by
``id()`` would skip pages whose instance reuses a freed one's address (a plain
200-page build then "spent" 1.4 s in superfences instead of 2.2 s).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

TIMED = "_build_stages_timed"
"""Set on each processor that already has its timer."""


class Timers:
    """Wall-clock totals and call counts by label."""

    def __init__(self) -> None:
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.calls: Counter[str] = Counter()

    def wrap(self, function: Callable[..., Any], label: str) -> Callable[..., Any]:
        """``function``, timed under ``label``."""

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start
                self.calls[label] += 1

        return timed

    def patch(self, owner: Any, name: str, label: str) -> None:
        """Replace ``owner.name`` with a timed version of itself."""
        setattr(owner, name, self.wrap(getattr(owner, name), label))


def _origin(thing: Any) -> str:
    return type(thing).__module__.split(".")[0]


def _time_processors(timers: Timers, md: Any) -> None:
    """Give every processor of one ``Markdown`` instance its timer (once per processor)."""
    stages = (("pre", md.preprocessors), ("tree", md.treeprocessors), ("post", md.postprocessors))
    for stage, registry in stages:
        for name in list(registry._data):
            processor = registry[name]
            if not getattr(processor, TIMED, False):
                timers.patch(processor, "run", f"{stage}:{name} ({_origin(processor)})")
                setattr(processor, TIMED, True)
    for name in list(md.parser.blockprocessors._data):
        processor = md.parser.blockprocessors[name]
        if not getattr(processor, TIMED, False):
            label = f"block:{name} ({_origin(processor)})"
            timers.patch(processor, "test", label)
            timers.patch(processor, "run", label)
            setattr(processor, TIMED, True)


def _time_events(timers: Timers, plugins: Any) -> None:
    """Give every plugin's handler of every event its timer."""
    for event, handlers in plugins.events.items():
        for index, handler in enumerate(handlers):
            owner = getattr(handler, "__self__", None)
            name = type(owner).__name__ if owner is not None else getattr(handler, "__qualname__", "?")
            timed = timers.wrap(handler, f"event:{event} {name}")
            handlers[index] = timed
            origin = plugins._event_origins.get(handler)
            if origin is not None:
                plugins._event_origins[timed] = origin


def _time_collector(timers: Timers) -> None:
    started: list[float] = []

    def callback(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(time.perf_counter())
        elif started:
            timers.seconds["gc"] += time.perf_counter() - started.pop()
            timers.calls["gc"] += 1

    gc.callbacks.append(callback)


def build_once(config_file: str, site_dir: str) -> dict[str, Any]:
    """Build one site in this process with every timer on; the totals as a JSON-ready dict."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    import logging

    import jinja2
    import markdown
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config

    timers = Timers()
    convert = timers.wrap(markdown.Markdown.convert, "Markdown.convert")

    def timed_convert(md: Any, source: str) -> str:
        _time_processors(timers, md)  # before the timer starts: not part of the conversion
        html: str = convert(md, source)
        return html

    markdown.Markdown.convert = timed_convert
    timers.patch(jinja2.Template, "render", "jinja2 Template.render")
    timers.patch(mkdocs_build, "_populate_page", "_populate_page")
    timers.patch(mkdocs_build, "_build_page", "_build_page")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    config = load_config(config_file, site_dir=site_dir)
    _time_events(timers, config.plugins)
    _time_collector(timers)
    start = time.perf_counter()
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build.build(config)
    finally:
        config.plugins.on_shutdown()
    timers.seconds["build (whole)"] = time.perf_counter() - start
    timers.calls["build (whole)"] = 1
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "seconds": dict(timers.seconds),
        "calls": dict(timers.calls),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "children_cpu_s": children.ru_utime + children.ru_stime,
    }


def _child(config_file: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="build-stages-") as site:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(config_file), "--site-dir", site],
            cwd=config_file.parent,
            capture_output=True,
            text=True,
        )
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise SystemExit(f"build_stages: building {config_file} failed: {tail}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def table(configs: Sequence[Path], runs: Sequence[Sequence[dict[str, Any]]], top: int) -> str:
    """The medians of each timer per configuration (rows by the first one's time), as Markdown."""
    medians = [
        {label: statistics.median(run["seconds"].get(label, 0.0) for run in series) for label in _labels(series)}
        for series in runs
    ]
    labels = sorted({label for m in medians for label in m}, key=lambda label: -max(m.get(label, 0.0) for m in medians))
    head = ["timer", *(f"{path.name} s" for path in configs)]
    head += [f"{path.name} / {configs[0].name}" for path in configs[1:]]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    rows = [(label, [m.get(label, 0.0) for m in medians], "{:.3f}") for label in labels[:top]]
    for label, key, form in (
        ("peak RSS (MiB)", "peak_rss_mib", "{:.0f}"),
        ("CPU of child processes", "children_cpu_s", "{:.2f}"),
    ):
        rows.append((label, [statistics.median(run[key] for run in series) for series in runs], form))
    for label, values, form in rows:
        ratios = [f"{v / values[0]:.2f}" if values[0] else "—" for v in values[1:]]
        lines.append("| " + " | ".join([label, *(form.format(v) for v in values), *ratios]) + " |")
    return "\n".join(lines)


def _labels(series: Sequence[dict[str, Any]]) -> set[str]:
    return {label for run in series for label in run["seconds"]}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("configs", nargs="+", type=Path, help="mkdocs.yml files to build (the first is the base)")
    parser.add_argument("--repeat", type=int, default=1, help="builds of each configuration, in turn (default 1)")
    parser.add_argument("--top", type=int, default=40, help="timers to show, slowest first (default 40)")
    parser.add_argument("--json", type=Path, help="also write every build's timers to this file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--site-dir", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.child:
        print(json.dumps(build_once(str(options.configs[0]), options.site_dir)))
        return 0
    configs = [path.resolve() for path in options.configs]
    for path in configs:
        if not path.is_file():
            parser.error(f"no such file: {path}")
    runs: list[list[dict[str, Any]]] = [[] for _ in configs]
    for round_ in range(options.repeat):
        for index, path in enumerate(configs):
            result = _child(path)
            runs[index].append(result)
            whole = result["seconds"]["build (whole)"]
            print(f"[{round_ + 1}/{options.repeat}] {path.name}: {whole:.2f} s", file=sys.stderr, flush=True)
    print(table(configs, runs, options.top))
    if options.json:
        options.json.write_text(json.dumps({str(p): r for p, r in zip(configs, runs, strict=True)}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
