"""Helpers for the runner tests: reading logs, running the CLI, finding processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result

Repo = Callable[..., Path]
Run = Callable[..., Result]


def logs(root: Path) -> list[Path]:
    """The run logs of a repository, oldest first."""
    folder = root / ".preflight" / "runs"
    return sorted(folder.glob("*.jsonl")) if folder.is_dir() else []


def only_log(root: Path) -> Path:
    """The one run log of a repository."""
    found = logs(root)
    assert len(found) == 1, found
    return found[0]


def records(path: Path) -> list[dict[str, Any]]:
    """Every line of a log, parsed (fails on a line that is not JSON)."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def final(path: Path) -> dict[str, str]:
    """Step ID → its last status in the log."""
    result: dict[str, str] = {}
    for record in records(path):
        if record["type"] == "step":
            result[record["id"]] = record["status"]
    return result


def cli(
    root: Path, *args: str, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m mkdocs_preflight`` as a real subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_preflight", *args],
        cwd=root,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def processes_with(needle: str) -> list[int]:
    """PIDs of live processes whose command line contains ``needle``."""
    found: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().split(") ", 1)[1][:1]
        except OSError:
            continue
        if needle in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


def start_run(root: Path) -> subprocess.Popen[bytes]:
    """``preflight run checklists/deploy.md --yes`` in the background, output discarded:
    for tests that signal or kill the runner mid-step."""
    return subprocess.Popen(
        [sys.executable, "-m", "mkdocs_preflight", "run", "checklists/deploy.md", "--yes"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
