"""Helpers for the runner tests: real git repositories, real shells, real logs."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mkdocs_preflight.cli import main

from .helpers import Repo, Run


@pytest.fixture
def repo(make_project: Callable[..., Path]) -> Repo:
    """A git repository with ``checklists/<name>`` holding the (dedented) text."""

    def make(text: str, name: str = "deploy.md", files: dict[str, str] | None = None) -> Path:
        return make_project({f"checklists/{name}": textwrap.dedent(text), **(files or {})}, git=True)

    return make


@pytest.fixture
def preflight(monkeypatch: pytest.MonkeyPatch) -> Run:
    """Invoke ``preflight`` in-process (no terminal: non-interactive) in a folder."""
    runner = CliRunner()

    def invoke(root: Path, *args: str, env: dict[str, str] | None = None) -> Result:
        monkeypatch.chdir(root)
        return runner.invoke(main, list(args), env=env, catch_exceptions=False)

    return invoke
