"""Shared fixtures: temporary projects built from real files."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
for _name in ("FORCE_COLOR", "CLICOLOR_FORCE"):  # a CI that forces colour: tests read plain output
    os.environ.pop(_name, None)

FIXTURES = Path(__file__).parent / "fixtures"


def require_tool(name: str, why: str) -> str:
    """The path of the program ``name``; without it, fail in CI (never a silent skip
    there) and skip elsewhere (a developer's machine, stock macOS...)."""
    found = shutil.which(name)
    if found:
        return found
    reason = f"`{name}` not found: {why}"
    if os.environ.get("CI"):
        pytest.fail(f"cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def runner() -> CliRunner:
    """A click runner (stdout and stderr are kept apart)."""
    return CliRunner()


MakeProject = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> MakeProject:
    """Write files into a fresh project folder and return its root.

    ``make_project({"checklists/a.md": "...", "mkdocs.yml": "..."}, git=True)``
    """

    def make(files: dict[str, str | bytes], *, git: bool = False, config: str | None = None) -> Path:
        root = tmp_path / "project"
        root.mkdir(exist_ok=True)
        if config is not None:
            (root / "mkdocs.yml").write_text(config, encoding="utf-8")
        for name, content in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        if git:
            env = {
                **os.environ,
                "GIT_AUTHOR_NAME": "t",
                "GIT_AUTHOR_EMAIL": "t@example.invalid",
                "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.invalid",
            }
            subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
            subprocess.run(["git", "add", "-A"], cwd=root, check=True)
            subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=root, check=True, env=env)
        return root

    return make
