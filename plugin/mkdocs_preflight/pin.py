"""``preflight ids --write``: pin automatic IDs into the sources, touching nothing else.

An item's marker goes at the end of its text (the last line of its first paragraph), a
block's into its fence header. Edits are made on the raw bytes, line by line, so line
endings (CRLF), a BOM and every other byte stay as they were. After editing, the file
is parsed again: an ID whose marker did not take, or whose item's text changed, is left
unpinned with what to do instead, and nothing is written unless every ID is unchanged.
"""

from __future__ import annotations

import errno
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .engine import parse_bytes
from .engine.fences import add_brace_id
from .engine.requirements import Matcher
from .model import Block, Checklist, Item
from .rules.structure import brace_fix, superfences_reads

_TRAILING = re.compile(rb"([ \t]*)(\r\n|\n|\r)?$")


@dataclass(slots=True)
class PinResult:
    """What pinning a file did."""

    data: bytes
    pinned: list[str] = field(default_factory=list)
    skipped: list[tuple[str, int, str]] = field(default_factory=list)
    """(id, line, why) for IDs that could not be pinned."""


def _append_marker(line: bytes, marker: bytes) -> bytes:
    match = _TRAILING.search(line)
    assert match is not None  # the pattern matches every line
    return line[: match.start()] + b" " + marker + line[match.start() :]


def _pin_block_line(line: bytes, block: Block) -> bytes | None:
    text = line.decode("utf-8", errors="surrogateescape")
    start = text.find(block.fence)
    if start < 0:
        return None
    head = text[: start + len(block.fence)]
    rest = text[start + len(block.fence) :]
    ending = rest[len(rest.rstrip("\r\n")) :]
    info = rest[: len(rest) - len(ending)]
    stripped = info.strip()
    if not stripped:
        return None
    if "{" in stripped:
        new_info = add_brace_id(info, block.id)
    elif "=" in stripped:
        short = stripped + f" id={block.id}"
        if superfences_reads(stripped):
            # `bash title="x"` is read by superfences, `bash title="x" id=...` is not: brace form.
            brace_form = brace_fix(short)
            if brace_form is None:
                return None
            new_info = info[: len(info) - len(info.lstrip())] + brace_form
        else:
            new_info = info.rstrip() + f" id={block.id}"
    else:
        new_info = info.rstrip() + f" {{ #{block.id} }}"
    return (head + new_info + ending).encode("utf-8", errors="surrogateescape")


def _item_unpinned(lines: list[bytes], item: Item) -> str:
    """Why a marker at the end of ``item``'s text did not take, and what to do instead."""
    text = b"".join(lines[item.line - 1 : item.text_end_line])
    if text.count(b"`") % 2:
        # The engine reads no marker after an odd number of backticks (it would be code).
        return (
            "an unmatched backtick (`) in its text hides the marker; write that backtick as &#96;, "
            "then run preflight ids --write again"
        )
    return f"a {{ #{item.id} }} marker at the end of its text is not read there or changes the text; pin it by hand"


def _block_unpinned(block: Block) -> str:
    """What to do about a block whose fence header cannot take an ID."""
    return (
        f"the fence header cannot take an ID; pin it by hand with <!-- preflight: id={block.id} --> "
        "on the line before the fence"
    )


def _placed(checklist: Checklist) -> dict[str, tuple[int, int, int]]:
    """Every item and block ID, with the line, column and nesting depth of its step."""
    placed = {item.id: (item.line, item.col, item.depth) for item in checklist.items}
    placed.update({block.id: (block.line, block.col, -1) for block in checklist.blocks})
    return placed


def pin(data: bytes, checklist: Checklist, matcher: Matcher | None = None) -> PinResult:
    """Pin every automatic item ID and shell block ID of ``checklist`` (parsed from ``data``)."""
    lines = data.splitlines(keepends=True)
    edits: dict[int, tuple[bytes, Item | Block]] = {}
    result = PinResult(data)

    def skip(step: Item | Block, why: str) -> None:
        result.skipped.append((step.id, step.line, why))

    for item in checklist.items:
        if item.explicit_id:
            continue
        # At the end of the item's text, as on a one-line item. On a wrapped item that is
        # its last line: a hard line break (a backslash, two spaces) or a code span may end an
        # earlier line, and the text after the marker stays text.
        index = (item.text_end_line or item.line) - 1
        if index in edits or index >= len(lines):
            skip(item, "another ID is pinned on the same line; pin it by hand")
            continue
        edits[index] = (_append_marker(lines[index], f"{{ #{item.id} }}".encode()), item)
    for block in checklist.blocks:
        if block.explicit_id or not (block.runnable or block.manual):
            continue
        index = block.line - 1
        new_line = _pin_block_line(lines[index], block) if index < len(lines) else None
        if new_line is None or index in edits:
            skip(block, _block_unpinned(block))
            continue
        edits[index] = (new_line, block)
    if not edits:
        return result
    # Each ID with where its step is: an item nested on its parent's line (`- [ ] - [ ] x`)
    # has the same line and may have the same text, and a marker may land on the other one.
    expected = _placed(checklist)
    texts = {i.id: i.text for i in checklist.items}
    for _attempt in range(3):
        candidate = b"".join(edits[i][0] if i in edits else line for i, line in enumerate(lines))
        again = parse_bytes(candidate, checklist.path, matcher)
        placed = _placed(again)
        pinned = {i.id for i in again.items if i.explicit_id and texts.get(i.id) == i.text}
        pinned |= {b.id for b in again.blocks if b.explicit_id}
        pinned = {ident for ident in pinned if placed[ident] == expected.get(ident)}
        failed = [(index, step) for index, (_, step) in edits.items() if step.id not in pinned]
        if not failed:
            if placed != expected:
                for _, step in edits.values():
                    skip(step, "pinning would change other IDs; pin it by hand")
                return result
            result.data = candidate
            result.pinned = [step.id for _, (_, step) in sorted(edits.items())]
            return result
        for index, step in failed:
            skip(step, _item_unpinned(lines, step) if isinstance(step, Item) else _block_unpinned(step))
            del edits[index]
        if not edits:
            return result
    return result


def write_atomic(path: Path, data: bytes, *, within: Path | None = None) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its permissions.

    A symbolic link is written through: its target gets the data and the link stays.
    With ``within``, only when the target is inside that folder: a generated file whose
    committed link points out of the repository (``ops/deploy.sh -> ~/.bashrc``) must
    not let the repository overwrite a file of the machine (``PermissionError``).
    """
    if path.is_symlink():
        target = path.resolve()
        if within is not None and not target.is_relative_to(within.resolve()):
            raise PermissionError(errno.EPERM, f"a symbolic link to {target}, outside {within}", str(path))
        path = target
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    # The temporary file is named after the file, cut short: a name near the limit of 255
    # bytes plus `.` and mkstemp's suffix would be too long to create.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:40]}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
