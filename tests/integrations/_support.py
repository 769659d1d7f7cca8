"""Helpers for the integration tests: commands as CI runs them, temporary git repositories."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2]
"""The root of this repository."""

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}

# As in an activated virtual environment: `preflight`, `mkdocs` and `pre-commit` are on PATH.
ENV = {
    **os.environ,
    **GIT_IDENTITY,
    "NO_MKDOCS_2_WARNING": "1",
    "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
}
ENV.pop("PREFLIGHT_CONFIG", None)


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command without a terminal, as CI does."""
    return subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env={**ENV, **(env or {})},
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=900,
    )


def source_files() -> list[str]:
    """The files a commit of this working tree would hold (tracked plus new, not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=SOURCE,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return [name for name in listed.split("\0") if name and (SOURCE / name).is_file()]


def git_repo(root: Path, *, commit: bool = True) -> Path:
    """Make ``root`` a git repository, with everything in it committed."""
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    if commit:
        subprocess.run(["git", "add", "-A"], cwd=root, check=True)
        subprocess.run(["git", "commit", "-q", "-m", "init"], cwd=root, check=True, env={**os.environ, **GIT_IDENTITY})
    return root
