"""``preflight.lock``: the sha256 of every repository file each step references.

The format is plain text made for review in diffs: comment lines, then one entry per
line, sorted, three fields separated by a tab (step global ID, file, sha256; ``missing``
when the file did not exist when it was locked)::

    checklists/deploy#take-a-backup<TAB>scripts/backup.sh<TAB>3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.source import read_regular

HEADER = (
    "# preflight.lock: sha256 of the repository files that each checklist step references.\n"
    "# Written by `preflight lock`. `preflight check` reports a step (PF502) when one of its files\n"
    "# changed: review the step, then run `preflight lock` again. Do not edit by hand.\n"
)
MISSING = "missing"
_CONFLICT_MARKERS = ("<<<<<<< ", "=======", ">>>>>>> ", "||||||| ")


@dataclass(slots=True, eq=False, repr=False)
class Lock:
    """A parsed lock file: ``{step global ID: {file: (sha256, ...)}}`` plus the lines it could not read.

    A file has several digests when the lock holds both sides of a merge (conflict
    markers left in, or ``merge=union``): each is a version someone reviewed the step
    against, so the step is up to date when the file is any of them.
    """

    path: Path
    steps: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)
    """``(line, message)`` for lines that are not entries (merge conflict markers, edits)."""


def _valid_digest(value: str) -> bool:
    return value == MISSING or (len(value) == 64 and all(c in "0123456789abcdef" for c in value))


def read_lock(path: Path) -> Lock | None:
    """Read a lock file; ``None`` when there is none (the PF502 check is then off)."""
    try:
        data = read_regular(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Lock(path, errors=[(1, f"Lock file cannot be read: {exc.strerror}")])
    lock = Lock(path)
    text = data.decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if line.startswith(_CONFLICT_MARKERS):
            # Both sides' entries are read (a step matching either is up to date).
            lock.errors.append(
                (
                    number,
                    f"Merge conflict marker in the lock file: {line.split(' ', 1)[0]!r}; the entries of both "
                    "sides count: review the steps reported with PF502, if any, then run `preflight lock`",
                )
            )
            continue
        if len(fields) != 3 or "#" not in fields[0] or not fields[1] or not _valid_digest(fields[2]):
            shown = line if len(line) <= 60 else line[:59] + "…"
            lock.errors.append(
                (
                    number,
                    f"Lock file line is not `<step id><TAB><file><TAB><sha256>`: {shown!r}; "
                    "the steps it was about are no longer tracked: review them, then run `preflight lock`",
                )
            )
            continue
        files = lock.steps.setdefault(fields[0], {})
        seen = files.get(fields[1], ())
        if fields[2] not in seen:
            files[fields[1]] = (*seen, fields[2])
    return lock


def render_lock(entries: Iterable[tuple[str, str, str]]) -> str:
    """The text of a lock file for ``(step global ID, file, sha256)`` entries (sorted, unique)."""
    lines = sorted({f"{step}\t{file}\t{digest}" for step, file, digest in entries})
    return HEADER + "".join(line + "\n" for line in lines)
