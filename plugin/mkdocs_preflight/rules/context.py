"""What a rule may look at besides the checklist: the project, the repository, the file's bytes.

One :class:`RuleContext` lives for a whole ``check`` run (one per worker process with
``--jobs``). Expensive things (the repository index, file hashes, the lock file) are
built on first use and cached, so that rules stay cheap per file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from ..config import Settings
from ..engine import Project
from ..model import Checklist

if TYPE_CHECKING:
    from .lockfile import Lock
    from .repo import RepoIndex


class RuleContext:
    """The run-wide state that rules share.

    Args:
        project: The project being checked.
        whole_project: Whether every checklist of the project is checked (cross-file
            rules such as "requirement never referenced" only run then).
        owned_pages: Set by the MkDocs plugin: the checklists are pages whose fence
            headers the plugin rewrites, so PF110 does not apply.
        scripts_dir: Folder of committed ``preflight extract --out`` scripts (PF501).
    """

    def __init__(
        self,
        project: Project,
        *,
        whole_project: bool = True,
        owned_pages: bool = False,
        scripts_dir: Path | None = None,
    ) -> None:
        self.project = project
        self.whole_project = whole_project
        self.owned_pages = owned_pages
        self.scripts_dir = scripts_dir
        self.enabled: frozenset[str] | None = None
        """The codes this run reports (``None``: all); rules skip costly work for the others."""
        self._repo: RepoIndex | None = None
        self._lock: Lock | None = None
        self._lock_loaded = False
        self._hashes: dict[str, str | None] = {}
        self._data: tuple[str, bytes] | None = None

    def wants(self, code: str) -> bool:
        """Whether findings of ``code`` are reported this run (so a rule may skip its work)."""
        return self.enabled is None or code in self.enabled

    @property
    def root(self) -> Path:
        """The repository root (the folder of ``mkdocs.yml``)."""
        return self.project.root

    @property
    def settings(self) -> Settings:
        """The validated ``preflight`` options."""
        return self.project.settings

    @property
    def repo(self) -> RepoIndex:
        """The repository index (file existence, Makefile targets, scripts...), built once."""
        if self._repo is None:
            from .repo import RepoIndex

            self._repo = RepoIndex(self.root)
        return self._repo

    def relative(self, path: Path | str) -> str:
        """A path relative to the root, with ``/``; absolute when outside the root."""
        return self.project.relative(Path(path) if not isinstance(path, Path) else path)

    def close(self) -> None:
        """Stop the helper processes the repository index may have started (``git cat-file``)."""
        if self._repo is not None:
            self._repo.close()
            self._repo = None

    # -- the file being checked --------------------------------------------------------

    def set_source(self, path: str, data: bytes | None) -> None:
        """Remember the bytes of the checklist about to be checked (the pipeline calls this)."""
        self._data = (path, data) if data is not None else None

    def source(self, checklist: Checklist) -> bytes | None:
        """The raw bytes of ``checklist``: the ones just parsed, else read from disk."""
        if self._data is not None and self._data[0] == checklist.path:
            return self._data[1]
        try:
            return (self.root / checklist.path).read_bytes()
        except OSError:
            return None

    # -- hashes and the lock file ------------------------------------------------------

    def sha256(self, relpath: str) -> str | None:
        """The sha256 of a repository file (cached); ``None`` when it is not a readable file."""
        if relpath not in self._hashes:
            digest: str | None
            try:
                digest = hashlib.sha256((self.root / relpath).read_bytes()).hexdigest()
            except OSError:
                digest = None
            self._hashes[relpath] = digest
        return self._hashes[relpath]

    @property
    def lock(self) -> Lock | None:
        """The parsed lock file, or ``None`` when the project has none."""
        if not self._lock_loaded:
            from .lockfile import read_lock

            self._lock = read_lock(self.root / self.settings.values["lock_file"])
            self._lock_loaded = True
        return self._lock
