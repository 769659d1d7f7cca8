"""The run log: one JSON Lines file per run, written so that a crash loses nothing.

Schema version 1 (``docs/running.md`` documents the same; the browser's "Export run
log" writes the same format with ``"source": "browser"``). One JSON object per line,
UTF-8, each with a ``type``:

``header`` (first line, exactly once)
    ``version`` (1), ``source`` (``"terminal"`` or ``"browser"``), ``run_id``,
    ``checklist`` (path relative to the repository root), ``title``, ``sha256`` (of the
    checklist source), ``steps`` (the planned steps in order: ``{"id", "kind", "text"}``),
    ``git`` (``{"commit", "dirty"}`` or ``null``), ``operator``, ``host``, ``start``,
    ``argv``, ``preflight`` (the version that wrote it). A browser header needs only
    ``type``, ``version``, ``source`` and ``checklist``; ``sha256``, ``steps``,
    ``operator``, ``start``, ``run_id`` and ``title`` are optional there.

``step`` (one per step event)
    ``id`` (the step's local ID; the global ID is ``<checklist without .md>#<id>``),
    ``kind`` (``"item"`` or ``"block"``), ``status`` (one of :data:`STATUSES`), ``at``
    (when the step started), ``operator``, and for finished steps ``duration``
    (seconds), ``exit_code`` (or ``null``), ``command`` (as run, placeholders filled),
    ``output`` (the last lines of the combined stdout/stderr, bounded),
    ``output_truncated``, ``reason`` (why it failed, stopped or was skipped), ``diff``
    (console blocks whose output differs). ``derived: true`` marks the outcome of an
    item computed from its blocks and sub-items. A ``running`` record comes first for
    steps that execute, with ``pid`` (the step's process group); the final record
    follows.

``resume`` (each time ``preflight run --resume`` continues the log)
    ``at``, ``operator``, ``host``, ``argv``, ``git``, ``torn`` (whether a torn last line
    was cut off first).

``footer`` (when a run, or a resumed part of it, ends)
    ``status`` (``passed``, ``failed``, ``stopped``, ``interrupted``), ``end``,
    ``duration``, ``counts`` (status to number of steps), ``exit_code``.

Times are ISO 8601 with a UTC offset (``2025-06-01T14:03:07+02:00``; ``Z`` is
accepted). Readers ignore unknown keys and tolerate a torn last line (the runner was
killed while writing it). Every record is flushed and fsynced before the runner moves
on, and the fields that can carry secrets (``argv``, ``command``, ``output``,
``reason``, ``diff``) pass the secret redactor first.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .redact import Redactor

SCHEMA_VERSION = 1
STATUSES = (
    "running",
    "passed",
    "failed",
    "timeout",
    "skipped",
    "manual-done",
    "manual-pending",
    "aborted",
)
"""Every step status, in the order reports list them."""
FINAL_STATUSES = frozenset(STATUSES) - {"running"}
DONE_STATUSES = frozenset({"passed", "manual-done", "skipped"})
"""Statuses that ``--resume`` treats as finished: such steps never run again."""
FAILED_STATUSES = frozenset({"failed", "timeout", "aborted"})
RUN_STATUSES = ("passed", "failed", "stopped", "interrupted")
"""Footer statuses of a run."""


def now() -> datetime:
    """The current time with the local UTC offset."""
    return datetime.now(timezone.utc).astimezone()


def iso(moment: datetime) -> str:
    """ISO 8601 with milliseconds and UTC offset."""
    return moment.isoformat(timespec="milliseconds")


def parse_time(value: Any) -> datetime | None:
    """Read a log timestamp (``Z`` accepted); ``None`` when it is not one."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment


MASKED_FIELDS = frozenset({"argv", "command", "output", "reason", "diff"})
"""The record fields that can carry secrets: the only ones the redactor rewrites.

The log's own metadata (run ID, checklist path, SHA-256, commit, step IDs) stays as it
is: a ``--redact`` pattern or a secret value that happens to match it would otherwise
make the log unresumable and unrelatable to its checklist.
"""


def _mask(value: Any, redactor: Redactor) -> Any:
    if isinstance(value, str):
        return redactor.redact(value)
    if isinstance(value, dict):
        return {key: _mask(item, redactor) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_mask(item, redactor) for item in value]
    return value


def encode(record: dict[str, Any], redactor: Redactor) -> bytes:
    """One record as a JSON line, secrets masked in :data:`MASKED_FIELDS`."""
    scrubbed = {key: _mask(value, redactor) if key in MASKED_FIELDS else value for key, value in record.items()}
    return (json.dumps(scrubbed, ensure_ascii=False, separators=(",", ":")) + "\n").encode(
        "utf-8", errors="surrogateescape"
    )


class LogWriteError(Exception):
    """The run log cannot be written any more (disk full, I/O error): the run must stop."""

    def __init__(self, path: Path, error: OSError) -> None:
        super().__init__(f"{path}: cannot write the run log: {error.strerror or error}")
        self.path = path
        self.error = error


class LogInUse(Exception):
    """Another preflight process is writing this run log: the run is still going on."""

    def __init__(self, path: Path) -> None:
        super().__init__(f"{path}: the run is still going on in another preflight process")
        self.path = path


def _lock(fd: int, path: Path) -> None:
    """Hold the log for this process until its file is closed (or the process dies).

    A second ``--resume`` of a run whose runner is alive (waiting at a prompt in another
    terminal, in a detached tmux) would run its steps a second time, side by side.
    """
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise LogInUse(path) from None
    except OSError:
        pass  # a file system without locks: nothing to hold


def ensure_not_in_use(path: Path) -> None:
    """Raise :class:`LogInUse` when a run still writes ``path``."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        _lock(fd, path)
    finally:
        os.close(fd)


class RunLogWriter:
    """Appends records to a run log: one ``write`` system call and one fsync per record.

    The writer holds an exclusive lock on the file while it is open.
    """

    def __init__(self, path: Path, fd: int, redactor: Redactor) -> None:
        self.path = path
        self._fd = fd
        self._redactor = redactor

    @classmethod
    def create(cls, folder: Path, stem: str, redactor: Redactor) -> RunLogWriter:
        """A new, empty log ``<folder>/<stem>.jsonl`` (``-2``, ``-3`` added if taken)."""
        folder.mkdir(parents=True, exist_ok=True)
        number = 1
        while True:
            name = f"{stem}.jsonl" if number == 1 else f"{stem}-{number}.jsonl"
            path = folder / name
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
            except FileExistsError:
                number += 1
                continue
            break
        _lock(fd, path)
        _fsync_folder(folder)
        return cls(path, fd, redactor)

    @classmethod
    def append(cls, path: Path, redactor: Redactor) -> RunLogWriter:
        """Continue an existing log; :class:`LogInUse` while another run writes it."""
        fd = os.open(path, os.O_WRONLY | os.O_APPEND)
        try:
            _lock(fd, path)
        except LogInUse:
            os.close(fd)
            raise
        return cls(path, fd, redactor)

    def write(self, record: dict[str, Any]) -> None:
        """Append one record durably (redacted, flushed, fsynced)."""
        self.write_many([record])

    def write_many(self, records: list[dict[str, Any]]) -> None:
        """Append records that belong to one event with one write and one fsync.

        Raises :class:`LogWriteError` when that fails; what was written of the records
        is cut off again, so the log ends with its last whole record.
        """
        data = b"".join(encode(record, self._redactor) for record in records)
        view = memoryview(data)
        try:
            size = os.fstat(self._fd).st_size
        except OSError as exc:
            raise LogWriteError(self.path, exc) from None
        try:
            while view:
                written = os.write(self._fd, view)
                view = view[written:]
            os.fsync(self._fd)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, size)
            raise LogWriteError(self.path, exc) from None

    def close(self) -> None:
        """Close the file (idempotent)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1


def _fsync_folder(folder: Path) -> None:
    # The new file's directory entry must survive a crash too.
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
