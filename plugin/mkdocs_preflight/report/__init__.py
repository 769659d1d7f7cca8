"""Output formats of ``preflight check``: text, json, github, sarif, junit.

Every format renders the same :class:`~mkdocs_preflight.rules.CheckResult`; none of
them changes which findings exist or how the run exits.
"""

from __future__ import annotations

import os
import posixpath
from pathlib import Path
from typing import NamedTuple

from ..rules.pipeline import CheckResult

FORMATS = ("text", "json", "github", "sarif", "junit")


class ReportOptions(NamedTuple):
    """How to render: the failing level, colour, statistics, the root for source lines."""

    fail_on: str = "error"
    color: bool = False
    statistics: bool = False
    root: Path | None = None
    fixing: bool = False


def repository_prefix(root: Path | None) -> tuple[Path | None, str]:
    """The repository around ``root`` (the nearest folder with a ``.git``) and the path of
    ``root`` inside it, ``/``-terminated (``""`` when they are the same or there is none).

    GitHub reads annotation and code-scanning paths from the repository's root, while
    preflight's paths start at the folder of ``mkdocs.yml``, which may be a subfolder.
    Without a ``.git`` (actions/checkout downloads the files through the REST API when
    the job has no git), ``GITHUB_WORKSPACE`` is the repository's root when it holds ``root``.
    """
    if root is None:
        return None, ""
    from ..engine.project import repository_of

    start = root.resolve()
    folder = repository_of(start)
    workspace = os.environ.get("GITHUB_WORKSPACE")
    if folder is None and workspace and start.is_relative_to(Path(workspace).resolve()):
        folder = Path(workspace).resolve()
    if folder is None:
        return None, ""
    inside = start.relative_to(folder).as_posix()
    return folder, "" if inside == "." else inside + "/"


def repository_path(path: str, repository: Path | None, prefix: str) -> str:
    """``path`` as GitHub reads it: from the repository's root, with ``/``.

    Preflight's paths start at the folder of ``mkdocs.yml`` (``prefix`` leads there from
    the repository's root: ``web/`` + ``../checklists/x.md`` is ``checklists/x.md``); a
    file outside the repository has an absolute path, which is made relative to the
    repository when it is inside after all, and stays absolute otherwise.
    """
    if not os.path.isabs(path):
        return posixpath.normpath(prefix + path) if prefix else path
    if repository is not None:
        try:
            return Path(os.path.abspath(path)).relative_to(repository).as_posix()
        except ValueError:
            pass
    return Path(path).as_posix()


def render(result: CheckResult, fmt: str, options: ReportOptions) -> str:
    """The report of ``result`` in format ``fmt`` (one of :data:`FORMATS`), newline-terminated."""
    if fmt == "text":
        from .text import render_text

        return render_text(result, options)
    if fmt == "json":
        from .json_format import render_json

        return render_json(result, options)
    if fmt == "github":
        from .github import render_github

        return render_github(result, options)
    if fmt == "sarif":
        from .sarif import render_sarif

        return render_sarif(result, options)
    if fmt == "junit":
        from .junit import render_junit

        return render_junit(result, options)
    raise ValueError(f"unknown format {fmt!r}")
