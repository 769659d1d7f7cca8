"""Temporary repositories for the pre-commit hooks and the GitHub Action."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from ._support import SOURCE, git_repo, run, source_files


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This working tree committed into a fresh repository, as a hook repository to install from."""
    root = tmp_path_factory.mktemp("hook-repo")
    for name in source_files():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(SOURCE / name, target)
    return git_repo(root)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A user's repository right after `preflight init`, committed."""
    root = tmp_path / "project"
    root.mkdir()
    result = run(sys.executable, "-m", "mkdocs_preflight", "init", cwd=root)
    assert result.returncode == 0, result.stderr
    return git_repo(root)
