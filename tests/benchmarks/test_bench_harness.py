"""The benchmark harness works end to end on a tiny corpus. Nothing here is timed.

These tests guard the code paths of ``benchmarks/run.py --quick`` (corpus generation,
measuring children, the table and the JSON line), not preflight's speed.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def bench() -> Iterator[tuple[ModuleType, ModuleType]]:
    """``benchmarks/measure.py`` and ``benchmarks/run.py``, imported from their folder."""
    sys.path.insert(0, str(BENCH))
    try:
        yield importlib.import_module("measure"), importlib.import_module("run")
    finally:
        sys.path.remove(str(BENCH))


def _generate(out: Path, files: int, items: int, seed: int = 7) -> dict[str, object]:
    sizes = ["--files", str(files), "--items", str(items), "--seed", str(seed)]
    done = subprocess.run(
        [sys.executable, str(BENCH / "gen_corpus.py"), str(out), *sizes],
        capture_output=True,
        text=True,
        check=True,
    )
    summary: dict[str, object] = json.loads(done.stdout)
    return summary


def entry_time(size: dict[str, Any], name: str) -> float:
    """The median wall time of one measurement in the JSON line."""
    value = size["commands"][name]["median_s"]
    assert isinstance(value, float)
    return value


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_generator_is_deterministic_and_prints_its_defects(tmp_path: Path) -> None:
    first = _generate(tmp_path / "a", files=12, items=8)
    second = _generate(tmp_path / "b", files=12, items=8)
    other_seed = _generate(tmp_path / "c", files=12, items=8, seed=8)
    assert first == second
    assert other_seed != first
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")
    defects = first["defects"]
    assert isinstance(defects, dict)
    assert defects["missing_file_refs"] == sum(defects["missing_file_refs_by_kind"].values())
    assert defects["duplicate_requirement_ids"] >= 3
    truth = json.loads((tmp_path / "a" / "ground_truth.json").read_text(encoding="utf-8"))
    assert len(truth["defects"]["missing_make_targets"]) == defects["missing_make_targets"]
    assert first["items"] == 12 * 8
    assert len(list((tmp_path / "a" / "checklists").rglob("*.md"))) == 12
    assert not os.access(tmp_path / "a" / "scripts" / "drain_node.sh", os.X_OK)


@pytest.mark.parametrize("timer", ["gnu-time-if-installed", "wait4"])
def test_peak_rss_is_per_child_not_the_running_maximum(
    bench: tuple[ModuleType, ModuleType], timer: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    measure, _ = bench
    if timer == "wait4":
        monkeypatch.setattr(measure, "gnu_time", lambda: None)
    big = measure.run_measured([sys.executable, "-c", "b = bytearray(200 * 2**20); b[::4096] = b'x' * len(b[::4096])"])
    small = measure.run_measured([sys.executable, "-c", "pass"])
    assert big.returncode == 0
    assert small.returncode == 0
    assert big.peak_rss_mib >= 200
    # RUSAGE_CHILDREN would report the big child's peak again here. (With wait4 the small
    # child still carries this test process's own RSS, hence the margin rather than ~10 MiB.)
    assert small.peak_rss_mib < big.peak_rss_mib - 100
    assert big.wall_s > 0
    assert big.cpu_s >= 0


def test_failures_and_timeouts_are_reported_not_raised(bench: tuple[ModuleType, ModuleType]) -> None:
    measure, _ = bench
    failed = measure.run_measured([sys.executable, "-c", "import sys; sys.stderr.write('boom\\n'); sys.exit(3)"])
    assert failed.returncode == 3
    assert "boom" in failed.stderr_tail
    missing = measure.run_measured(["/nonexistent/preflight-bench-command"])
    assert missing.returncode == 127
    slow = measure.run_measured([sys.executable, "-c", "import time; time.sleep(30)"], timeout_s=0.5)
    assert slow.timed_out
    assert slow.wall_s < 20


def test_series_median_ignores_nothing_and_fails_as_a_whole(bench: tuple[ModuleType, ModuleType]) -> None:
    measure, run = bench
    series = measure.Series([measure.Sample(t, t, 10.0 * t, 0) for t in (3.0, 1.0, 2.0)])
    assert series.median_s == 2.0
    assert (series.min_s, series.max_s, series.peak_rss_mib) == (1.0, 3.0, 30.0)
    series.error = "exit 2"
    assert series.median_s is None
    assert run.ratio(3.0, 2.0) == 1.5
    assert run.ratio(None, 2.0) is None
    assert run.ratio(1.0, 0.0) is None


def test_quick_style_run_on_a_tiny_corpus(tmp_path: Path) -> None:
    """The whole harness on 12 files: table on stdout, one JSON object as the last line."""
    work = tmp_path / "work"
    command = [sys.executable, str(BENCH / "run.py"), "--sizes", "12", "--items", "6", "--work", str(work)]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=600, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.rstrip("\n").split("\n")
    result = json.loads(lines[-1])
    for key in (
        "list_over_parse",
        "check_over_parse",
        "check_warm_over_parse",
        "build_plugin_over_plain",
        "check_peak_rss_mb",
        "files",
    ):
        assert key in result
    assert result["files"] == 12
    assert result["list_over_parse"] > 0
    assert result["check_imports_mkdocs"] is False
    assert result["single_check_agrees"] is True, "one file checked alone: the whole run's findings there"
    size = result["by_size"]["12"]
    assert size["defects"]["missing_make_targets"] >= 2
    for name in ("parse", "list", "extract", "build_plain", "import_markdown_it"):
        entry = size["commands"][name]
        assert entry["runs"] >= 1, (name, entry)
        assert entry["median_s"] > 0
        assert entry["peak_rss_mib"] > 1
    assert size["build_plain_site_mib"] > 0
    if size["commands"].get("check", {}).get("runs"):
        # check's findings are counted from its own output, for comparison with the planted defects.
        assert sum(size["check_findings_by_code"].values()) > 0
    (split,) = size["parse_split"]
    assert split["files"] == 12
    assert 0 < split["parse_s"] < entry_time(size, "parse")
    assert not (work / "corpus-12x6-s20240601" / "site").exists(), "built sites must be removed after measuring"
    # Everything that did not run says why, in the JSON and in the table.
    for name, why in size["skipped"].items():
        assert why
        assert any(name in line and why[:20] in line for line in lines), name
    table = [line for line in lines if line.startswith("|")]
    assert any("| parse " in line for line in table)
    # A second run reuses the corpus instead of generating it again.
    again = subprocess.run(
        [*command, "--only", "parse"],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert again.returncode == 0, again.stderr
    assert "reusing" in again.stderr
    assert json.loads(again.stdout.rstrip("\n").split("\n")[-1])["by_size"]["12"]["commands"].keys() == {"parse"}


def test_quick_times_the_slow_peer_only_when_asked(bench: tuple[ModuleType, ModuleType], tmp_path: Path) -> None:
    """`--quick` keeps its minute: pymarkdownlnt (~60 s on 200 files) runs only with `--peers`
    or `--only`, even where an earlier run left it installed in the work folder."""
    _, run = bench
    root = tmp_path / "corpus"
    corpus = run.Corpus(root, 4, _generate(root, files=4, items=3))
    # Both peers where `--peers` installs them, so that nothing is installed here.
    for installed in (tmp_path / "peers-venv/bin/pymarkdown", tmp_path / "mdl/node_modules/.bin/markdownlint-cli2"):
        installed.parent.mkdir(parents=True)
        installed.write_text("#!/bin/sh\nexit 0\n")
        installed.chmod(0o755)

    def planned(*flags: str) -> tuple[list[str], dict[str, str]]:
        options = run.parse_args(["--work", str(tmp_path), "--no-build", *flags])
        options.work_dir = tmp_path
        result = run.SizeResult(files=4, corpus=corpus)
        tasks = run.plan_size(options, corpus, run.CheckSupport(True, jobs=True), result)
        return [task.name for task in tasks], result.skipped

    names, skipped = planned("--quick")
    assert "pymarkdown" not in names
    assert skipped["pymarkdown"].startswith("--quick") and "--peers" in skipped["pymarkdown"]
    assert "check" in names and "markdownlint" in names  # the fast peer still runs
    for flags in (["--quick", "--peers"], ["--quick", "--only", "pymarkdown"], ["--sizes", "4"]):
        names, skipped = planned(*flags)
        assert "pymarkdown" in names and "pymarkdown" not in skipped, flags


def test_a_broken_preflight_is_reported_as_null(tmp_path: Path) -> None:
    """Missing pieces (here: a CLI that cannot start) give null ratios, never a crash."""
    command = [sys.executable, str(BENCH / "run.py"), "--sizes", "5", "--items", "3", "--no-build"]
    command += ["--work", str(tmp_path), "--preflight", "/nonexistent/preflight", "--only", "parse,list,check"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.rstrip("\n").split("\n")[-1])
    assert result["list_over_parse"] is None
    assert result["check_over_parse"] is None
    assert result["by_size"]["5"]["commands"]["parse"]["median_s"] > 0
    assert "exit 127" in result["by_size"]["5"]["commands"]["list"]["error"]


def test_build_stages_times_mkdocs_the_extension_and_the_plugin(tmp_path: Path) -> None:
    """``build_stages.py`` builds each site in turn and tables every timer against the first."""
    corpus = tmp_path / "corpus"
    _generate(corpus, files=40, items=4)
    plain = (corpus / "mkdocs.yml").read_text(encoding="utf-8")
    plugin = plain.replace("  - search\n", "  - search\n  - preflight:\n      checklists_dir: checklists\n", 1)
    assert plugin != plain
    (corpus / "with-plugin.yml").write_text(plugin, encoding="utf-8")
    report = tmp_path / "stages.json"
    configs = [str(corpus / "mkdocs.yml"), str(corpus / "with-plugin.yml")]
    options = ["--repeat", "2", "--top", "500", "--json", str(report)]
    done = subprocess.run(
        [sys.executable, str(BENCH / "build_stages.py"), *options, *configs],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("mkdocs.yml:") == 2 and done.stderr.count("with-plugin.yml:") == 2
    rows = {line.split(" | ")[0].lstrip("| "): line for line in done.stdout.splitlines() if line.startswith("| ")}
    assert rows["timer"].endswith("| with-plugin.yml / mkdocs.yml |")
    for label in ("build (whole)", "_populate_page", "_build_page", "Markdown.convert", "jinja2 Template.render"):
        assert label in rows, label
    assert "pre:fenced_code_block (pymdownx)" in rows
    assert any(label.startswith("tree:") and "(mkdocs_preflight)" in label for label in rows)
    assert "event:page_content PreflightPlugin" in rows
    # Each page's Markdown instance is timed: every page converted, in each build.
    runs = json.loads(report.read_text(encoding="utf-8"))
    plain_runs, plugin_runs = runs[str(corpus / "mkdocs.yml")], runs[str(corpus / "with-plugin.yml")]
    pages = len(list((corpus / "checklists").rglob("*.md")))
    for run in plain_runs:
        assert run["calls"]["_populate_page"] == pages
        assert run["calls"]["pre:fenced_code_block (pymdownx)"] == pages
        assert not any("preflight" in label.lower() for label in run["seconds"])
    for run in plugin_runs:
        assert run["calls"]["event:page_content PreflightPlugin"] >= pages
        assert 0 < run["seconds"]["Markdown.convert"] < run["seconds"]["build (whole)"]


def test_build_stages_says_which_config_is_missing(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "build_stages.py"), str(tmp_path / "nope.yml")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "no such file" in done.stderr and "nope.yml" in done.stderr
    assert "Traceback" not in done.stderr
