"""``preflight ids --write``: pin automatic IDs into the sources, touching nothing else.

Edits are made on the raw bytes, line by line, so line endings (CRLF), a BOM and every
other byte stay as they were. After editing, the file is parsed again: an item whose
marker did not take (for example a first line that ends inside a code span) is left
unpinned, and nothing is written unless every ID is unchanged.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .engine import parse_bytes
from .engine.fences import add_brace_id
from .engine.requirements import Matcher
from .model import Block, Checklist
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


def pin(data: bytes, checklist: Checklist, matcher: Matcher | None = None) -> PinResult:
    """Pin every automatic item ID and shell block ID of ``checklist`` (parsed from ``data``)."""
    lines = data.splitlines(keepends=True)
    edits: dict[int, tuple[bytes, str]] = {}
    result = PinResult(data)
    for item in checklist.items:
        if item.explicit_id:
            continue
        index = item.line - 1
        if index in edits or index >= len(lines):
            result.skipped.append((item.id, item.line, "another ID is pinned on the same line"))
            continue
        if lines[index].rstrip(b"\r\n").endswith(b"\\"):
            # A marker after the `\` would turn the hard line break into text.
            result.skipped.append((item.id, item.line, "the first line ends with a hard line break (\\)"))
            continue
        edits[index] = (_append_marker(lines[index], f"{{ #{item.id} }}".encode()), item.id)
    for block in checklist.blocks:
        if block.explicit_id or not (block.runnable or block.manual):
            continue
        index = block.line - 1
        new_line = _pin_block_line(lines[index], block) if index < len(lines) else None
        if new_line is None or index in edits:
            result.skipped.append((block.id, block.line, "the fence header cannot take an ID"))
            continue
        edits[index] = (new_line, block.id)
    if not edits:
        return result
    expected = {i.id for i in checklist.items} | {b.id for b in checklist.blocks}
    for _attempt in range(3):
        candidate = b"".join(edits[i][0] if i in edits else line for i, line in enumerate(lines))
        again = parse_bytes(candidate, checklist.path, matcher)
        texts = {i.id: i.text for i in checklist.items}
        pinned = {i.id for i in again.items if i.explicit_id and texts.get(i.id) == i.text}
        pinned |= {b.id for b in again.blocks if b.explicit_id}
        failed = [(index, ident) for index, (_, ident) in edits.items() if ident not in pinned]
        if not failed:
            now = {i.id for i in again.items} | {b.id for b in again.blocks}
            if now != expected:
                result.skipped.extend(
                    (ident, index + 1, "pinning would change other IDs") for index, (_, ident) in edits.items()
                )
                return result
            result.data = candidate
            result.pinned = [ident for _, (_, ident) in sorted(edits.items())]
            return result
        for index, ident in failed:
            result.skipped.append((ident, index + 1, "the marker does not take on this line"))
            del edits[index]
        if not edits:
            return result
    return result


def write_atomic(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, keeping its permissions.

    A symbolic link is written through: its target gets the data and the link stays.
    """
    if path.is_symlink():
        path = path.resolve()
    mode = path.stat().st_mode & 0o7777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
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
