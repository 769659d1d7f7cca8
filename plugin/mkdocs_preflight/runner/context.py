"""Facts about where a run happens: operator, git commit, host. Asked once per run."""

from __future__ import annotations

import getpass
import os
import socket
import subprocess
from pathlib import Path
from typing import Any


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def default_operator(root: Path) -> str:
    """``git config user.name``, else the OS user, else ``unknown``."""
    name = _git(root, "config", "user.name")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def git_state(root: Path) -> dict[str, Any] | None:
    """``{"commit": sha, "dirty": bool}`` of the repository at ``root``, or ``None``."""
    commit = _git(root, "rev-parse", "HEAD")
    if not commit:
        return None
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    return {"commit": commit, "dirty": bool(status)}


def host_name() -> str:
    """This machine's host name."""
    return socket.gethostname()
