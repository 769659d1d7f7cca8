#!/usr/bin/env python3
"""Benchmark preflight against the markdown-it-py floor, plain MkDocs and peer linters.

For each corpus size it generates a deterministic corpus (``gen_corpus.py``) and times,
in one run and each in its own process: the bare markdown-it-py parse (the floor),
``preflight list``, ``preflight check`` (cold with ``--jobs 1``, warm when a cache
exists, and with the default ``--jobs``), ``preflight extract``, ``mkdocs build`` with
mkdocs-material with and without the plugin (200 and 2,000 files only), and, when
installed, markdownlint-cli2 and pymarkdownlnt. The machine is shared and noisy, so
the results are ratios of numbers taken in the same run.

It prints a table and, as its last line, one JSON object with the ratios.

Examples::

    python benchmarks/run.py --quick                   # 200 files, under a minute
    python benchmarks/run.py --sizes 200,2000 --no-build
    python benchmarks/run.py --sizes 2000 --peers --repeat 3 --work /tmp/bench
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from measure import RSS_FLOOR_NOTE, Sample, Series, gnu_time, run_measured  # noqa: E402

DEFAULT_SIZES = (200, 2000, 20000)
HEADLINE_FILES = 2000
"""The issue's targets are stated for the 2,000-file corpus."""
BUILD_MAX_FILES = 2000
"""A material build's output grows with the square of the page count (1.4 GB at 2,000)."""
PYMARKDOWN_MAX_FILES = 200
"""pymarkdownlnt takes ~690 s on 2,000 files; larger runs need ``--peers-full``."""
SMALL_REPEAT = 11
"""Runs of the sub-second single-file and import measurements, whatever ``--repeat`` says
(medians of 5 gave 1.95 to 2.34 for the same one-file check)."""
CHECK_OK = (0, 1)
"""``check`` and the linters exit 1 on findings, and the corpus has planted defects."""

EXTERNAL_TOOL_RULES = "PF301,PF302"
"""The rules that start ``bash -n`` and ``shellcheck``: ``check_core`` ignores them, to show their share."""

FINDING = re.compile(r"^\S.*?:\d+:\d+: ([A-Z]+\d+) ", re.M)
"""A finding in ``check``'s text output: ``path:line:col: CODE message``."""

PLUGIN_BLOCK = "  - preflight:\n      checklists_dir: checklists\n      registry: requirements.yml\n"


@dataclass(slots=True)
class Corpus:
    """A generated corpus and the ground truth its generator printed."""

    root: Path
    files: int
    summary: dict[str, Any]

    @property
    def config(self) -> Path:
        """``mkdocs.yml`` plus the ``preflight`` plugin: the CLI's config and the plugin build's."""
        return self.root / "mkdocs-preflight.yml"

    @property
    def cache(self) -> Path:
        """Where ``preflight check`` keeps its content-hash cache."""
        return self.root / ".preflight" / "cache"


@dataclass(slots=True)
class Task:
    """One command to measure on one corpus."""

    name: str
    argv: list[str]
    cwd: Path
    ok_codes: tuple[int, ...] = (0,)
    prepare: Callable[[], None] | None = None
    """Runs before every measurement (not timed)."""
    after: Callable[[Sample, str], None] | None = None
    """Runs after every good measurement with its standard output (not timed)."""
    when: Callable[[], str | None] | None = None
    """Returns why the task cannot run right now, or ``None`` when it can."""
    runs: int = 1


@dataclass(slots=True)
class CheckSupport:
    """What the installed ``preflight check`` offers."""

    available: bool
    reason: str = ""
    jobs: bool = False


@dataclass(slots=True)
class SizeResult:
    """Every measurement on one corpus."""

    files: int
    corpus: Corpus | None
    series: dict[str, Series] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    findings: list[str] = field(default_factory=list)
    """The finding lines of the cold ``check`` (to compare the one-file check's with)."""

    def median(self, name: str) -> float | None:
        """Median wall time of a command, ``None`` when it did not run."""
        series = self.series.get(name)
        return series.median_s if series is not None else None

    def cpu(self, name: str) -> float | None:
        """Median CPU time of a command (less disturbed than wall time by other load)."""
        series = self.series.get(name)
        return series.cpu_s if series is not None else None

    def rss(self, name: str) -> float | None:
        """Peak RSS (MiB) of a command, ``None`` when it did not run."""
        series = self.series.get(name)
        return series.peak_rss_mib if series is not None else None


# ----------------------------------------------------------------- helpers


def ratio(numerator: float | None, denominator: float | None, digits: int = 3) -> float | None:
    """``numerator / denominator`` rounded, or ``None`` when either is missing."""
    if numerator is None or denominator is None or denominator <= 0:
        return None
    return round(numerator / denominator, digits)


def log(message: str) -> None:
    """Progress on stderr, so that stdout stays the table plus the JSON line."""
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


def bench_env() -> dict[str, str]:
    """Our environment plus the quietening MkDocs needs."""
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def remove_tree(path: Path) -> None:
    """Delete a folder if it exists."""
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)


def tree_bytes(path: Path) -> int:
    """Total size of the files below ``path``."""
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(folder, name)).st_size
    return total


def versions() -> dict[str, str]:
    """Versions of what is being compared."""
    found = {"python": platform.python_version()}
    for dist in ("mkdocs-preflight", "markdown-it-py", "mkdocs", "mkdocs-material", "pymarkdownlnt"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            found[dist] = metadata.version(dist)
    return found


def load_average() -> list[float]:
    """The 1, 5 and 15 minute load averages (what ``uptime`` shows)."""
    with contextlib.suppress(OSError):
        return [round(x, 2) for x in os.getloadavg()]
    return []


# ------------------------------------------------------------------ corpus


def prepare_corpus(work: Path, files: int, items: int, seed: int, python: str) -> Corpus:
    """Generate (or reuse) a corpus and write the plugin variant of its ``mkdocs.yml``."""
    root = work / f"corpus-{files}x{items}-s{seed}"
    truth = root / "ground_truth.json"
    summary: dict[str, Any] | None = None
    if truth.is_file():
        with contextlib.suppress(ValueError, OSError, KeyError):
            summary = json.loads(truth.read_text(encoding="utf-8"))["summary"]
        if summary is not None and (summary.get("files"), summary.get("items_per_file"), summary.get("seed")) != (
            files,
            items,
            seed,
        ):
            summary = None
    if summary is None:
        started = time.perf_counter()
        generate = [python, str(HERE / "gen_corpus.py"), str(root)]
        done = subprocess.run(
            [*generate, "--files", str(files), "--items", str(items), "--seed", str(seed)],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"gen_corpus.py failed: {done.stderr.strip()[-500:]}")
        summary = json.loads(done.stdout)
        log(f"[{files}] generated {root} in {time.perf_counter() - started:.1f} s")
    else:
        log(f"[{files}] reusing {root}")
    plain = (root / "mkdocs.yml").read_text(encoding="utf-8")
    if "  - search\n" not in plain:
        raise RuntimeError(f"{root / 'mkdocs.yml'}: no `- search` plugin line to add preflight after")
    (root / "mkdocs-preflight.yml").write_text(plain.replace("  - search\n", "  - search\n" + PLUGIN_BLOCK, 1))
    return Corpus(root, files, summary)


def describe_defects(corpus: Corpus) -> str:
    """The planted defects, one line."""
    defects = corpus.summary.get("defects", {})
    keys = (
        "missing_file_refs",
        "undefined_requirement_refs",
        "duplicate_requirement_ids",
        "missing_make_targets",
        "non_executable_script_calls",
    )
    return ", ".join(f"{key}={defects.get(key)}" for key in keys)


# ------------------------------------------------------------- the tools


def preflight_argv(options: argparse.Namespace) -> list[str]:
    """How to start the ``preflight`` CLI."""
    if options.preflight:
        return shlex.split(options.preflight)
    return [options.python, "-m", "mkdocs_preflight"]


def probe_check(preflight: list[str], corpus: Corpus) -> CheckSupport:
    """Whether ``preflight check`` exists, and which options it has."""
    try:
        done = subprocess.run(
            [*preflight, "-f", str(corpus.config), "check", "--help"],
            cwd=corpus.root,
            capture_output=True,
            text=True,
            env=bench_env(),
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return CheckSupport(False, f"cannot start preflight: {exc}")
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        return CheckSupport(False, lines[-1] if lines else f"exit {done.returncode}")
    return CheckSupport(True, jobs="--jobs" in done.stdout)


def find_markdownlint(work: Path, install: bool) -> tuple[str | None, str]:
    """The markdownlint-cli2 binary, installing it under ``work`` with ``--peers``."""
    local = work / "mdl" / "node_modules" / ".bin" / "markdownlint-cli2"
    for candidate in (shutil.which("markdownlint-cli2"), str(local) if local.exists() else None):
        if candidate:
            return candidate, ""
    if not install:
        return None, "not installed (use --peers)"
    if shutil.which("npm") is None:
        return None, "npm not found"
    log("installing markdownlint-cli2 with npm ...")
    done = subprocess.run(
        ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(work / "mdl"), "markdownlint-cli2"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not local.exists():
        return None, f"npm install failed: {done.stderr.strip()[-300:]}"
    return str(local), ""


def find_pymarkdown(work: Path, python: str, install: bool) -> tuple[str | None, str]:
    """The pymarkdown binary, installing pymarkdownlnt into a venv under ``work`` with ``--peers``."""
    beside = Path(python).parent / "pymarkdown"
    local = work / "peers-venv" / "bin" / "pymarkdown"
    for candidate in (str(beside) if beside.exists() else None, shutil.which("pymarkdown"), str(local)):
        if candidate and Path(candidate).exists():
            return candidate, ""
    if not install:
        return None, "not installed (use --peers)"
    log("installing pymarkdownlnt into a venv ...")
    venv = work / "peers-venv"
    for argv in (
        [sys.executable, "-m", "venv", str(venv)],
        [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "pymarkdownlnt"],
    ):
        done = subprocess.run(argv, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            return None, f"install failed: {done.stderr.strip()[-300:]}"
    return (str(local), "") if local.exists() else (None, "pymarkdown missing after install")


# --------------------------------------------------------------- the plan


def wanted(options: argparse.Namespace, name: str) -> bool:
    """Whether ``--only`` (if given) selects this measurement."""
    return options.only is None or name in options.only


def plan_size(options: argparse.Namespace, corpus: Corpus, check: CheckSupport, result: SizeResult) -> list[Task]:
    """Every measurement for one corpus, in the order they run within one repetition."""
    preflight = [*preflight_argv(options), "-f", str(corpus.config)]
    root = corpus.root

    def record_floor(sample: Sample, output: str) -> None:
        # The floor reports its own split: the parse alone is the in-process floor.
        with contextlib.suppress(ValueError, IndexError):
            result.extra.setdefault("parse_split", []).append(json.loads(output.strip().splitlines()[-1]))

    tasks = [
        Task(
            "parse",
            [options.python, str(HERE / "floor_parse.py"), str(root / "checklists")],
            root,
            after=record_floor,
        ),
        Task("list", [*preflight, "list"], root),
    ]

    def clear_cache() -> None:
        remove_tree(corpus.cache)

    def record_findings(sample: Sample, output: str) -> None:
        # For correctness beside speed: compare with the planted defects (`defects`).
        counts: dict[str, int] = {}
        for code in FINDING.findall(output):
            counts[code] = counts.get(code, 0) + 1
        result.extra["check_findings_by_code"] = dict(sorted(counts.items()))
        result.findings = [line for line in output.splitlines() if FINDING.match(line)]

    if check.available:
        serial = ["--jobs", "1"] if check.jobs else []
        tasks.append(
            Task("check", [*preflight, "check", *serial], root, CHECK_OK, prepare=clear_cache, after=record_findings)
        )
        tasks.append(
            Task(
                "check_warm",
                [*preflight, "check", *serial],
                root,
                CHECK_OK,
                when=lambda: None if corpus.cache.is_dir() else "no cache (.preflight/cache) after a check",
            )
        )
        if check.jobs and not options.quick:  # on the smallest corpus it repeats `check`
            tasks.append(Task("check_parallel", [*preflight, "check"], root, CHECK_OK, prepare=clear_cache))
        core = [*preflight, "check", *serial, "--ignore", EXTERNAL_TOOL_RULES]
        tasks.append(Task("check_core", core, root, CHECK_OK, prepare=clear_cache))
    else:
        for name in ("check", "check_warm", "check_parallel", "check_core"):
            result.skipped[name] = f"preflight check unavailable: {check.reason}"
    tasks.append(Task("extract", [*preflight, "extract"], root))

    if options.no_build:
        result.skipped["build_plain"] = result.skipped["build_plugin"] = "--no-build"
    elif corpus.files > BUILD_MAX_FILES:
        result.skipped["build_plain"] = result.skipped["build_plugin"] = f"over {BUILD_MAX_FILES} files"
    else:
        mkdocs = [options.python, "-m", "mkdocs", "build", "-q", "-f"]
        for name, config in (("build_plain", root / "mkdocs.yml"), ("build_plugin", corpus.config)):

            def record_site(sample: Sample, output: str, name: str = name) -> None:
                result.extra[f"{name}_site_mib"] = round(tree_bytes(root / "site") / 2**20, 1)
                remove_tree(root / "site")  # 1.4 GB at 2,000 pages: never keep it

            tasks.append(
                Task(name, [*mkdocs, str(config)], root, prepare=lambda: remove_tree(root / "site"), after=record_site)
            )

    if wanted(options, "markdownlint"):
        markdownlint, why = find_markdownlint(options.work_dir, options.peers)
        if markdownlint:
            tasks.append(Task("markdownlint", [markdownlint, "checklists/**/*.md"], root, CHECK_OK))
        else:
            result.skipped["markdownlint"] = why
    if options.quick and options.only is None and not (options.peers or options.peers_full):
        # ~60 s on 200 files by itself: `--quick` keeps its minute even where a run with
        # `--peers` left pymarkdownlnt installed in the work folder.
        result.skipped["pymarkdown"] = "--quick (~60 s on 200 files: add --peers to time it)"
    elif wanted(options, "pymarkdown"):
        pymarkdown, why = find_pymarkdown(options.work_dir, options.python, options.peers)
        if pymarkdown and (corpus.files <= PYMARKDOWN_MAX_FILES or options.peers_full):
            extensions = "front-matter,markdown-tables,markdown-task-list-items"
            argv = [pymarkdown, "--enable-extensions", extensions, "scan", "-r", "checklists"]
            tasks.append(Task("pymarkdown", argv, root, CHECK_OK))
        else:
            result.skipped["pymarkdown"] = why or f"over {PYMARKDOWN_MAX_FILES} files (use --peers-full)"
    for name in [name for name in result.skipped if not wanted(options, name)]:
        del result.skipped[name]
    return [task for task in tasks if wanted(options, task.name)]


ACROSS_FILES = ("PF103", "PF104", "PF112", "PF113")
"""Codes a check of some files does not report (they compare the definitions of every file)."""


def single_check_agrees(result: SizeResult, output: str, file: Path) -> bool | None:
    """Whether checking one file finds in it what checking every file finds there."""
    if not result.findings:
        return None
    name = file.relative_to(result.corpus.root).as_posix() if result.corpus else file.as_posix()

    def of(lines: Iterable[str]) -> list[str]:
        return sorted(
            line
            for line in lines
            if line.startswith(f"{name}:") and (match := FINDING.match(line)) and match[1] not in ACROSS_FILES
        )

    return of(result.findings) == of(output.splitlines())


def plan_single_file(
    options: argparse.Namespace, corpus: Corpus, check: CheckSupport, result: SizeResult
) -> list[Task]:
    """Checking one typical file against importing markdown-it-py (goal: at most 2x)."""
    sizes = sorted((p.stat().st_size, p) for p in (corpus.root / "checklists").rglob("*.md"))
    if not sizes:
        return []
    _, typical = sizes[len(sizes) // 2]
    preflight = [*preflight_argv(options), "-f", str(corpus.config)]
    command = "check" if check.available else "list"

    def agrees(sample: Sample, output: str) -> None:
        # Fast only counts when right: the file's findings must be the whole run's.
        result.extra["single_check_agrees"] = single_check_agrees(result, output, typical)

    return [
        Task("python_startup", [options.python, "-c", "pass"], corpus.root, runs=SMALL_REPEAT),
        Task(
            "import_markdown_it",
            [options.python, "-c", "from markdown_it import MarkdownIt"],
            corpus.root,
            runs=SMALL_REPEAT,
        ),
        Task(
            f"single_{command}",
            [*preflight, command, *(["--jobs", "1"] if check.jobs else []), str(typical)],
            corpus.root,
            CHECK_OK,
            prepare=lambda: remove_tree(corpus.cache),
            runs=SMALL_REPEAT,
            after=agrees if command == "check" else None,
        ),
    ]


_MKDOCS_PROBE = """
import sys
answer = sys.argv[1]
sys.argv = ["preflight", *sys.argv[2:]]
from mkdocs_preflight.cli import main
try:
    main()
except SystemExit:
    pass
loaded = any(name == "mkdocs" or name.startswith("mkdocs.") for name in sys.modules)
with open(answer, "w") as handle:
    handle.write("yes" if loaded else "no")
"""


def imports_mkdocs(options: argparse.Namespace, corpus: Corpus, command: str, file: Path) -> bool | None:
    """Whether ``preflight <command> FILE`` imports MkDocs (it must not)."""
    with tempfile.TemporaryDirectory() as tmp:
        answer = Path(tmp) / "answer"
        argv = [options.python, "-c", _MKDOCS_PROBE, str(answer), "-f", str(corpus.config), command, str(file)]
        subprocess.run(argv, cwd=corpus.root, env=bench_env(), capture_output=True, timeout=300, check=False)
        if not answer.exists():
            return None
        return answer.read_text() == "yes"


# --------------------------------------------------------------- running


def warm_page_cache(folder: Path) -> None:
    """Read every file below ``folder``, so that no measurement pays for the disk.

    Some hosts reclaim cold page-cache pages within minutes (DAMON on this one): a
    corpus read a few minutes ago may have to come from disk again, which showed up as
    14 s of ``read()`` in a 160 s profile.
    """
    for path in folder.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_file():
                path.read_bytes()


def run_tasks(tasks: Sequence[Task], result: SizeResult, repeat: int, timeout_s: float) -> None:
    """Run every task ``repeat`` times, interleaved so that drift hits every command alike."""
    env = bench_env()
    root = result.corpus.root if result.corpus is not None else None
    rounds = max([repeat] + [task.runs for task in tasks])
    for number in range(rounds):
        for task in tasks:
            if number >= max(repeat, task.runs):
                continue
            series = result.series.setdefault(task.name, Series())
            if series.error is not None:
                continue
            try:
                reason = task.when() if task.when is not None else None
                if reason is not None:
                    if not series.samples:
                        result.skipped[task.name] = reason
                        del result.series[task.name]
                    continue
                if task.prepare is not None:
                    task.prepare()
                if root is not None:
                    warm_page_cache(root / "checklists")
                with tempfile.TemporaryDirectory() as tmp:
                    output = Path(tmp) / "stdout"
                    sample = run_measured(
                        task.argv, cwd=task.cwd, env=env, timeout_s=timeout_s, stdout=output if task.after else None
                    )
                    text = output.read_text(encoding="utf-8", errors="replace") if output.exists() else ""
                if sample.timed_out:
                    series.error = f"timed out after {timeout_s:.0f} s"
                elif sample.returncode not in task.ok_codes:
                    tail = sample.stderr_tail.strip().splitlines()
                    series.error = f"exit {sample.returncode}: {tail[-1] if tail else ''}"[:300]
                else:
                    series.samples.append(sample)
                    if task.after is not None:
                        task.after(sample, text)
                    log(
                        f"[{result.files}] {task.name:<18} {sample.wall_s:8.3f} s  "
                        f"{sample.peak_rss_mib:7.1f} MiB  cpu {sample.cpu_s:7.2f} s"
                    )
                if series.error:
                    log(f"[{result.files}] {task.name:<18} FAILED: {series.error}")
            except Exception as exc:  # a benchmark must report, never crash
                series.error = f"{type(exc).__name__}: {exc}"
                log(f"[{result.files}] {task.name:<18} FAILED: {series.error}")


def measure_size(options: argparse.Namespace, files: int, smallest: bool) -> SizeResult:
    """Generate one corpus and measure everything on it."""
    result = SizeResult(files, None)
    try:
        corpus = prepare_corpus(options.work_dir, files, options.items, options.seed, options.python)
    except Exception as exc:
        result.skipped["corpus"] = f"{type(exc).__name__}: {exc}"
        log(f"[{files}] corpus FAILED: {exc}")
        return result
    result.corpus = corpus
    log(f"[{files}] {corpus.summary.get('bytes', 0) / 1e6:.1f} MB; planted defects: {describe_defects(corpus)}")
    check = probe_check(preflight_argv(options), corpus)
    tasks = plan_size(options, corpus, check, result)
    if smallest:
        single = plan_single_file(options, corpus, check, result)
        tasks += [task for task in single if wanted(options, task.name)]
    run_tasks(tasks, result, options.repeat, options.timeout)
    if smallest:
        single_tasks = [t for t in tasks if t.name.startswith("single_")]
        if single_tasks:
            task = single_tasks[0]
            with contextlib.suppress(Exception):
                result.extra["imports_mkdocs"] = imports_mkdocs(
                    options, corpus, task.name.removeprefix("single_"), Path(task.argv[-1])
                )
    return result


# --------------------------------------------------------------- results


COMMAND_ORDER = (
    "parse",
    "list",
    "check",
    "check_warm",
    "check_parallel",
    "check_core",
    "extract",
    "build_plain",
    "build_plugin",
    "markdownlint",
    "pymarkdown",
    "python_startup",
    "import_markdown_it",
    "single_check",
    "single_list",
)


def size_ratios(result: SizeResult) -> dict[str, Any]:
    """The ratios measured on one corpus."""
    parse = result.median("parse")
    check = result.median("check")
    single = result.median("single_check")
    return {
        "list_over_parse": ratio(result.median("list"), parse),
        "check_over_parse": ratio(check, parse),
        "check_warm_over_parse": ratio(result.median("check_warm"), parse),
        "check_parallel_over_parse": ratio(result.median("check_parallel"), parse),
        "check_core_over_parse": ratio(result.median("check_core"), parse),
        "extract_over_parse": ratio(result.median("extract"), parse),
        "build_plugin_over_plain": ratio(result.median("build_plugin"), result.median("build_plain")),
        "build_site_size_ratio": ratio(
            result.extra.get("build_plugin_site_mib"), result.extra.get("build_plain_site_mib")
        ),
        "build_peak_rss_ratio": ratio(result.rss("build_plugin"), result.rss("build_plain")),
        "check_over_markdownlint": ratio(check, result.median("markdownlint")),
        "check_over_pymarkdown": ratio(check, result.median("pymarkdown"), 4),
        "check_peak_rss_mb": round(rss, 1) if (rss := result.rss("check")) is not None else None,
        "list_peak_rss_mb": round(rss, 1) if (rss := result.rss("list")) is not None else None,
        "single_check_over_import": ratio(single, result.median("import_markdown_it")),
        # The same ratios in CPU time: on a shared machine, waiting for a core inflates wall
        # time but not CPU time. Only meaningful for single-process commands.
        "list_over_parse_cpu": ratio(result.cpu("list"), result.cpu("parse")),
        "check_over_parse_cpu": ratio(result.cpu("check"), result.cpu("parse")),
        "check_core_over_parse_cpu": ratio(result.cpu("check_core"), result.cpu("parse")),
        "extract_over_parse_cpu": ratio(result.cpu("extract"), result.cpu("parse")),
    }


def size_json(result: SizeResult) -> dict[str, Any]:
    """Everything measured on one corpus, for the JSON line."""
    commands: dict[str, Any] = {}
    for name, series in result.series.items():
        entry: dict[str, Any] = {"runs": len(series.samples)}
        if series.ok:
            median = series.median_s or 0.0
            entry.update(
                median_s=round(median, 3),
                min_s=round(series.min_s or 0.0, 3),
                max_s=round(series.max_s or 0.0, 3),
                cpu_s=round(series.cpu_s or 0.0, 3),
                peak_rss_mib=round(series.peak_rss_mib or 0.0, 1),
                per_file_ms=round(1000 * median / result.files, 3)
                if not name.startswith(("single_", "python_", "import_"))
                else None,
            )
        else:
            entry["error"] = series.error
        commands[name] = entry
    data: dict[str, Any] = {"files": result.files, "commands": commands, "skipped": result.skipped}
    if result.corpus is not None:
        data["bytes"] = result.corpus.summary.get("bytes")
        data["defects"] = {k: v for k, v in result.corpus.summary.get("defects", {}).items() if not isinstance(v, dict)}
    data.update(result.extra)
    data["ratios"] = size_ratios(result)
    return data


def flatness(results: Sequence[SizeResult]) -> dict[str, float | None]:
    """Time per file of the larger corpus over the smaller one (1.0 is perfectly linear)."""
    out: dict[str, float | None] = {}
    ordered = sorted(results, key=lambda r: r.files)
    for small, large in itertools.pairwise(ordered):
        for name in ("parse", "list", "check", "check_core", "extract"):
            for suffix, small_s, large_s in (
                ("", small.median(name), large.median(name)),
                ("_cpu", small.cpu(name), large.cpu(name)),  # steadier under load
            ):
                per_small = small_s / small.files if small_s is not None else None
                per_large = large_s / large.files if large_s is not None else None
                out[f"{name}_per_file_{large.files}_over_{small.files}{suffix}"] = ratio(per_large, per_small)
    return out


def headline(results: Sequence[SizeResult]) -> dict[str, Any]:
    """The ratios of the 2,000-file corpus (else the largest), plus the ones taken elsewhere."""
    measured = [r for r in results if r.corpus is not None]
    if not measured:
        return {"files": None}
    chosen = next((r for r in measured if r.files == HEADLINE_FILES), max(measured, key=lambda r: r.files))
    out: dict[str, Any] = {"files": chosen.files}
    out.update(size_ratios(chosen))

    def take(key: str, label: str) -> None:
        # Builds and pymarkdownlnt run on small corpora only: report the largest one that has the ratio.
        if out.get(key) is not None:
            out[f"{label}_files"] = chosen.files
            return
        for result in sorted(measured, key=lambda r: -r.files):
            value = size_ratios(result)[key]
            if value is not None:
                out[key] = value
                out[f"{label}_files"] = result.files
                return

    take("build_plugin_over_plain", "build")
    for key in ("build_site_size_ratio", "build_peak_rss_ratio"):
        if out.get(key) is None and out.get("build_files") is not None:
            source = next(r for r in measured if r.files == out["build_files"])
            out[key] = size_ratios(source)[key]
    take("check_over_markdownlint", "markdownlint")
    take("check_over_pymarkdown", "pymarkdown")
    smallest = min(measured, key=lambda r: r.files)
    out["single_check_over_import"] = size_ratios(smallest)["single_check_over_import"]
    out["check_imports_mkdocs"] = smallest.extra.get("imports_mkdocs")
    out["single_check_agrees"] = smallest.extra.get("single_check_agrees")
    largest = max(measured, key=lambda r: r.files)
    if largest is not chosen:  # the 20,000-file memory goal
        out[f"check_peak_rss_mb_{largest.files}"] = size_ratios(largest)["check_peak_rss_mb"]
    out.update(flatness(measured))
    return out


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def table(results: Sequence[SizeResult]) -> str:
    """The human-readable table: one row per command and corpus."""
    header = (
        f"| {'files':>6} | {'command':<18} | {'runs':>4} | {'median s':>9} | {'min-max s':>15} | "
        f"{'ms/file':>8} | {'x parse':>7} | {'cpu s':>8} | {'peak MiB':>8} | note |"
    )
    lines = [header, "|" + "|".join("-" * (len(cell)) for cell in header.split("|")[1:-1]) + "|"]
    for result in results:
        parse = result.median("parse")
        names = [n for n in COMMAND_ORDER if n in result.series or n in result.skipped]
        names += [n for n in result.skipped if n not in names]
        for name in names:
            series = result.series.get(name)
            if series is None or not series.ok:
                why = series.error if series is not None else result.skipped.get(name, "")
                lines.append(
                    f"| {result.files:>6} | {name:<18} | {0:>4} | {'n/a':>9} | {'':>15} | {'':>8} | {'':>7} | "
                    f"{'':>8} | {'':>8} | {why} |"
                )
                continue
            median = series.median_s
            per_file = (
                None if name.startswith(("single_", "python_", "import_")) else 1000 * (median or 0) / result.files
            )
            note = ""
            if name.startswith("build_") and f"{name}_site_mib" in result.extra:
                note = f"site {result.extra[f'{name}_site_mib']} MiB"
            span = f"{_fmt(series.min_s, '.3f')}-{_fmt(series.max_s, '.3f')}"
            times_parse = None if name.startswith(("single_", "python_", "import_")) else ratio(median, parse, 2)
            lines.append(
                f"| {result.files:>6} | {name:<18} | {len(series.samples):>4} | {_fmt(median, '.3f'):>9} | "
                f"{span:>15} | {_fmt(per_file, '.3f'):>8} | {_fmt(times_parse, '.2f'):>7} | "
                f"{_fmt(series.cpu_s, '.2f'):>8} | {_fmt(series.peak_rss_mib, '.1f'):>8} | {note} |"
            )
    return "\n".join(lines)


# ------------------------------------------------------------------ main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(__doc__ or "").split("Examples::")[-1],
    )
    parser.add_argument(
        "--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="corpus sizes in files [%(default)s]"
    )
    parser.add_argument("--quick", action="store_true", help="the smallest corpus (200 files) only; under a minute")
    parser.add_argument("--items", type=int, default=100, help="task items per file [%(default)s]")
    parser.add_argument("--seed", type=int, default=20240601, help="generator seed [%(default)s]")
    parser.add_argument("--work", type=Path, help="keep corpora here and reuse them [default: a temporary folder]")
    parser.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median is used [%(default)s]")
    parser.add_argument("--no-build", action="store_true", help="skip the mkdocs builds")
    parser.add_argument("--peers", action="store_true", help="install markdownlint-cli2 / pymarkdownlnt if missing")
    parser.add_argument(
        "--peers-full", action="store_true", help=f"pymarkdownlnt over {PYMARKDOWN_MAX_FILES} files too"
    )
    parser.add_argument("--only", help="comma-separated measurement names (parse,list,check,check_warm,...)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per measurement [%(default)s]")
    parser.add_argument("--python", default=sys.executable, help="interpreter for the floor and MkDocs [this one]")
    parser.add_argument("--preflight", help="command that starts the CLI [PYTHON -m mkdocs_preflight]")
    options = parser.parse_args(argv)
    try:
        sizes = sorted({int(s) for s in options.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error(f"--sizes: expected comma-separated numbers, got {options.sizes!r}")
    if options.quick:
        sizes = sizes[:1]
    if not sizes or sizes[0] < 1 or options.repeat < 1:
        parser.error("--sizes and --repeat must be positive")
    options.size_list = sizes
    options.only = {s.strip() for s in options.only.split(",")} if options.only else None
    return options


def compile_bytecode(options: argparse.Namespace) -> None:
    """Write the ``.pyc`` files of mkdocs-preflight, as ``pip install`` of the wheel does.

    markdown-it-py (the floor) comes compiled from its wheel; an editable install, or
    ``PYTHONDONTWRITEBYTECODE=1``, would otherwise make every preflight process compile its
    modules from source again (~50 ms), which no installed copy pays.
    """
    code = (
        "import compileall, mkdocs_preflight, os; "
        "compileall.compile_dir(os.path.dirname(mkdocs_preflight.__file__), quiet=2)"
    )
    subprocess.run([options.python, "-c", code], check=False)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print the table and the JSON line."""
    options = parse_args(argv)
    started = time.perf_counter()
    load_before = load_average()
    with contextlib.ExitStack() as stack:
        if options.work is not None:
            options.work.mkdir(parents=True, exist_ok=True)
            options.work_dir = options.work.resolve()
        else:
            options.work_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="preflight-bench-")))
        log(f"work dir {options.work_dir}; load {load_before}; cpus {os.cpu_count()}")
        compile_bytecode(options)
        results = [measure_size(options, files, smallest=number == 0) for number, files in enumerate(options.size_list)]
    summary = headline(results)
    summary.update(
        by_size={str(r.files): size_json(r) for r in results},
        repeat=options.repeat,
        cpus=os.cpu_count(),
        load_before=load_before,
        load_after=load_average(),
        rss_method="GNU time %M" if gnu_time() else RSS_FLOOR_NOTE,
        versions=versions(),
        elapsed_s=round(time.perf_counter() - started, 1),
    )
    print(table(results))
    print()
    print("ratios (same run): " + ", ".join(f"{k}={v}" for k, v in summary.items() if not isinstance(v, (dict, list))))
    print(json.dumps(summary, separators=(",", ":")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
