"""Where checklists go in the site's files, and the generated page that is written late."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from pathlib import Path

from mkdocs.structure.files import File

SITE_PREFIX = "checklists"
"""Checklists from outside ``docs_dir`` become pages below this folder of the site."""
_GLOB_CHARS = frozenset("*?[")


def static_prefix(root: Path, pattern: str) -> Path:
    """The folder a ``checklists_dir`` entry starts from (the part before any glob)."""
    parts: list[str] = []
    for part in Path(pattern).parts:
        if any(char in _GLOB_CHARS for char in part):
            break
        parts.append(part)
    path = (root / Path(*parts)).resolve() if parts else root.resolve()
    return path if path.is_dir() or not path.suffix else path.parent


def site_base(root: Path, patterns: list[str]) -> Path:
    """The folder whose tree is mirrored below ``checklists/`` in the site."""
    prefixes = [str(static_prefix(root, pattern)) for pattern in patterns]
    try:
        return Path(os.path.commonpath(prefixes)) if prefixes else root
    except ValueError:
        return root


def site_uri(path: Path, base: Path, display: str) -> str:
    """The ``src_uri`` of a checklist from outside ``docs_dir``: ``checklists/<path below base>``."""
    # `checklists_dir: ../checklists` (mkdocs.yml in a subfolder) lists `web/../checklists/x.md`:
    # normalised lexically (not resolved: a linked folder keeps the name it is listed under).
    for candidate in (Path(os.path.abspath(path)), path):
        try:
            return f"{SITE_PREFIX}/{candidate.relative_to(base).as_posix()}"
        except ValueError:
            continue
    # Never a page outside the site (`checklists/../x.md`, `checklists//abs/x.md`).
    inside = [part for part in display.split("/") if part not in ("", ".", "..")]
    return f"{SITE_PREFIX}/{'/'.join(inside)}"


def page_uri(value: str) -> str:
    """``requirements/`` → ``requirements.md`` (a generated page's ``src_uri``)."""
    value = value.strip().strip("/")
    return value if value.endswith(".md") else value + ".md"


def edit_uri(path: Path, docs_dir: Path) -> str:
    """The edit path of a file outside ``docs_dir``: ``edit_uri`` points at ``docs_dir``, so
    go there and back out (``../checklists/deploy.md``); URL joining resolves the ``..``."""
    return Path(os.path.relpath(path, docs_dir)).as_posix()


def relative_uri(target: str, page: str) -> str:
    """A ``.md`` link from the page ``page`` to ``target`` (both ``src_uri``)."""
    return posixpath.relpath(target, posixpath.dirname(page) or ".")


class LatePage(File):
    """A generated page whose Markdown is produced when MkDocs first reads it (after every
    checklist page was rendered, since it is the last file of the build)."""

    produce: Callable[[], str] | None = None

    @property
    def content_string(self) -> str:
        """The Markdown (produced on first use)."""
        self._produce()
        return super().content_string

    @content_string.setter
    def content_string(self, value: str) -> None:
        self.produce = None
        self._content = value
        self.abs_src_path = None

    @property
    def content_bytes(self) -> bytes:
        """The Markdown as UTF-8 (produced on first use)."""
        self._produce()
        return super().content_bytes

    @content_bytes.setter
    def content_bytes(self, value: bytes) -> None:
        self.produce = None
        self._content = value
        self.abs_src_path = None

    def _produce(self) -> None:
        if self.produce is not None:
            produce, self.produce = self.produce, None
            self._content = produce()
