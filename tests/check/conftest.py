"""Helpers for the ``preflight check`` tests: real projects in a temporary folder."""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mkdocs_preflight.cli import main
from mkdocs_preflight.config import load_settings
from mkdocs_preflight.engine import Project
from mkdocs_preflight.model import Diagnostic
from mkdocs_preflight.rules import CheckResult, check

CONFIG = "site_name: test\nplugins:\n  - preflight\n"


def config(**options: object) -> str:
    """A ``mkdocs.yml`` whose ``preflight`` entry has these options (YAML flow values)."""
    if not options:
        return CONFIG
    lines = ["site_name: test", "plugins:", "  - preflight:"]
    for key, value in options.items():
        lines.append(f"      {key}: {value}")
    return "\n".join(lines) + "\n"


def dedent(text: str) -> str:
    """Dedent a triple-quoted test document and drop its first newline."""
    return textwrap.dedent(text).lstrip("\n")


def found(result: CheckResult | Sequence[Diagnostic], *codes: str) -> list[tuple[str, str, int]]:
    """``(code, path, line)`` of the findings (only ``codes`` when given)."""
    diagnostics = result.diagnostics if isinstance(result, CheckResult) else result
    return [(d.code, d.path, d.line) for d in diagnostics if not codes or d.code in codes]


MakeProject = Callable[..., Path]
RunCheck = Callable[..., CheckResult]
Invoke = Callable[..., Result]


@pytest.fixture
def run_check(make_project: Callable[..., Path], monkeypatch: pytest.MonkeyPatch) -> RunCheck:
    """Write a project and check it in-process: ``run_check({"checklists/a.md": ...}, select=...)``."""

    def run(files: dict[str, str | bytes], *, mkdocs: str = CONFIG, git: bool = False, **kwargs: object) -> CheckResult:
        root = make_project(files, git=git, config=mkdocs)
        monkeypatch.chdir(root)
        project = Project(load_settings(root / "mkdocs.yml"))
        return check(project, **kwargs)  # type: ignore[arg-type]

    return run


@pytest.fixture
def invoke(monkeypatch: pytest.MonkeyPatch) -> Invoke:
    """Run the ``preflight`` CLI in a project folder: ``invoke(root, "check", "--format", "json")``."""

    def run(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
        monkeypatch.chdir(root)
        return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)

    return run
