"""What a rule may look at besides the checklist: the project, the repository, the file's bytes.

One :class:`RuleContext` lives for a whole ``check`` run (one per worker process with
``--jobs``). Expensive things (the repository index, file hashes, the lock file) are
built on first use and cached, so that rules stay cheap per file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..engine.source import checkout_digest, read_regular
from ..model import Checklist

if TYPE_CHECKING:
    from ..config import Settings
    from ..engine import Project
    from .cache import Query, Recorder, RecordingRepo
    from .lockfile import Lock
    from .repo import RepoIndex

MAX_FILE = 16 * 1024 * 1024
"""Files read with :meth:`RuleContext.read_file` larger than this count as unreadable."""


class RuleContext:
    """The run-wide state that rules share.

    Args:
        project: The project being checked.
        whole_project: Whether every checklist of the project is checked (cross-file
            rules such as "requirement never referenced" only run then).
        owned_pages: Set by the MkDocs plugin: the checklists are pages whose fence
            headers the plugin rewrites, so PF110 is not reported (its findings are
            still made, to use the comments that silence them).
        scripts_dir: Folder of committed ``preflight extract --out`` scripts (PF501).
        record: Record what each file's rules ask the repository (for the check cache):
            between :meth:`Recorder.begin` and :meth:`Recorder.end` of :attr:`recorder`,
            :attr:`repo`, :meth:`sha256`, :attr:`lock` and :meth:`read_file` note every
            question and a digest of its answer.
    """

    def __init__(
        self,
        project: Project,
        *,
        whole_project: bool = True,
        owned_pages: bool = False,
        scripts_dir: Path | None = None,
        record: bool = False,
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
        self.recorder: Recorder | None = None
        self._recording_repo: RecordingRepo | None = None
        if record:
            from .cache import Recorder

            self.recorder = Recorder()

    def blind(self, codes: Collection[str]) -> frozenset[str]:
        """Those of ``codes`` whose rule cannot look at anything in this run, so that a
        comment silencing it cannot be judged: PF208 outside git or in a shallow clone,
        PF501 without ``--scripts-dir``, PF301 and PF302 without ``bash``/``shellcheck``."""
        from .shell import bash_path, shellcheck_path

        checks: dict[str, Callable[[], bool]] = {
            "PF208": lambda: not (self._repo or self._index()).knows_commits(),
            "PF501": lambda: self.scripts_dir is None,
            "PF301": lambda: bash_path() is None,
            "PF302": lambda: shellcheck_path() is None,
        }
        return frozenset(code for code in codes if code in checks and checks[code]())

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
        """The repository index (file existence, Makefile targets, scripts...), built once.

        While a file is recorded, a stand-in that notes every question it is asked.
        """
        index = self._repo if self._repo is not None else self._index()
        recorder = self.recorder
        if recorder is not None and recorder.facts is not None and self._recording_repo is not None:
            return cast("RepoIndex", self._recording_repo)
        return index

    def _index(self) -> RepoIndex:
        from .repo import RepoIndex

        index = RepoIndex(self.root)
        if self.recorder is not None:
            from .cache import RecordingRepo, TrackingScratch

            index.scratch = TrackingScratch(self.recorder)
            self._recording_repo = RecordingRepo(index, self.recorder)
        self._repo = index
        return index

    def relative(self, path: Path | str) -> str:
        """A path relative to the root, with ``/``; absolute when outside the root."""
        return self.project.relative(Path(path) if not isinstance(path, Path) else path)

    def close(self) -> None:
        """Stop the helper processes the repository index may have started (``git cat-file``)."""
        if self._repo is not None:
            self._repo.close()
            self._repo = None
            self._recording_repo = None

    # -- the file being checked --------------------------------------------------------

    def set_source(self, path: str, data: bytes | None) -> None:
        """Remember the bytes of the checklist about to be checked (the pipeline calls this)."""
        self._data = (path, data) if data is not None else None

    def source(self, checklist: Checklist) -> bytes | None:
        """The raw bytes of ``checklist``: the ones just parsed, else read from disk."""
        if self._data is not None and self._data[0] == checklist.path:
            return self._data[1]
        try:
            return read_regular(self.root / checklist.path)
        except OSError:
            return None

    # -- hashes and the lock file ------------------------------------------------------

    def sha256(self, relpath: str) -> str | None:
        """The sha256 of a repository file (cached); ``None`` when it is not a readable file."""
        if relpath not in self._hashes:
            self._hashes[relpath] = _file_digest(self.root, relpath)
        found = self._hashes[relpath]
        if self.recorder is not None:
            self.recorder.note(("sha256", relpath), found)
        return found

    @property
    def lock(self) -> Lock | None:
        """The parsed lock file, or ``None`` when the project has none."""
        if not self._lock_loaded:
            path = self.root / self.settings.values["lock_file"]
            if os.path.lexists(path):  # without one, the lock file module is not even imported
                from .lockfile import read_lock

                self._lock = read_lock(path)
            self._lock_loaded = True
        if self.recorder is not None:
            # The steps are what file checks read; bad lines are a project-level finding.
            self.recorder.note(("lock",), self._lock.steps if self._lock is not None else None)
        return self._lock

    def read_file(self, path: Path) -> str | None:
        """The text of a regular file that is not a repository reference (a generated script).

        UTF-8 with undecodable bytes replaced; ``None`` when it is missing, not a regular
        file or larger than 16 MiB.
        """
        text = _read_regular(path)
        if self.recorder is not None:
            self.recorder.note(("file", os.fspath(path)), text)
        return text

    # -- the check cache ----------------------------------------------------------------

    def answer(self, query: Query) -> Any:
        """Ask a recorded question again, unrecorded: today's answer (the check cache's re-check).

        Raises:
            LookupError: not a question that preflight records, or one it refuses to
                ask again (a path outside the repository or the scripts folder).
        """
        from .cache import REPO_QUERIES
        from .repo import normalize

        name, args = query[0], query[1:]
        if name in REPO_QUERIES:
            index = self._repo if self._repo is not None else self._index()
            return getattr(index, name)(*args)
        # Called between files, when the recorder notes nothing.
        if name == "sha256" and len(args) == 1 and isinstance(args[0], str) and normalize(args[0]) is not None:
            return self.sha256(args[0])
        if name == "lock" and not args:
            lock = self.lock
            return lock.steps if lock is not None else None
        if name == "file" and len(args) == 1 and isinstance(args[0], str) and self.scripts_dir is not None:
            path = Path(args[0])
            folder = os.path.abspath(self.scripts_dir)
            if path.is_absolute() and os.path.commonpath([folder, os.path.abspath(path)]) == folder:
                return _read_regular(path)
        raise LookupError(f"not a recorded question: {query!r}")


def _read_regular(path: Path) -> str | None:
    """Like ``path.read_text(errors="replace")``, but never blocks on a FIFO or reads a device."""
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then turns it down.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except (OSError, ValueError):
        return None
    try:
        with os.fdopen(fd, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_FILE:
                return None
            data = handle.read(MAX_FILE + 1)
    except OSError:
        return None
    if len(data) > MAX_FILE:
        return None
    # Universal newlines, as Path.read_text gives them.
    return data.decode("utf-8", errors="replace").replace("\r\n", "\n").replace("\r", "\n")


def _file_digest(root: Path, relpath: str) -> str | None:
    """The sha256 of a regular file inside ``root``; ``None`` for anything else.

    Line endings do not count (:func:`checkout_digest`): a CRLF checkout
    (``core.autocrlf``) of the commit that was locked is not a change.

    The paths come from checklists and from the lock file, which are repository
    content: a path that leaves the repository (``../``, an absolute path, a link to
    outside) or names a device or a pipe (``/dev/zero``, a FIFO) is never read, or
    ``preflight check`` and the site build would read files of the machine, or read
    forever.
    """
    try:
        base = root.resolve()
        path = (root / relpath).resolve()
        if path == base or base not in path.parents:
            return None
        return checkout_digest(read_regular(path))
    except (OSError, RuntimeError):  # RuntimeError: a symlink loop (before Python 3.13)
        return None
