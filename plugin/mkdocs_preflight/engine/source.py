"""Turning the bytes of a file into text, without ever failing.

Checklists are UTF-8. A BOM is dropped, CRLF and lone CR become LF (line numbers are
unchanged), and bytes that are not UTF-8 are replaced with U+FFFD after recording a
diagnostic that points at the first bad byte, so the rest of the file is still parsed.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Diagnostic, Level
from .digest import sha256


@dataclass(slots=True, eq=False, repr=False)
class Source:
    """The decoded text of one checklist, and what went wrong decoding it."""

    path: str
    text: str
    sha256: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    newline: str = "\n"
    bom: bool = False
    checkout_sha256: str = ""
    """:func:`checkout_digest` of the bytes: ``sha256`` unless the file has CRLF."""
    original: str = ""
    """The text with its own line ends when they are mixed (CRLF beside LF, or a lone CR);
    empty when every line ends in ``newline``."""


def as_written(source: Source) -> str:
    """The text as the file holds it: its byte order mark and every line's own ending
    (bytes that are not UTF-8 stay U+FFFD)."""
    text = source.original or (source.text if source.newline == "\n" else source.text.replace("\n", source.newline))
    return "\ufeff" + text if source.bom else text


def decode(data: bytes, path: str) -> Source:
    """Decode checklist bytes. Never raises."""
    sha = sha256(data).hexdigest()
    checkout = checkout_digest(data) if b"\r\n" in data else sha
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    diagnostics: list[Diagnostic] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Lines as the text is read (CRLF and a lone CR end a line too).
        head = data[: exc.start].replace(b"\r\n", b"\n").replace(b"\r", b"\n")
        line = head.count(b"\n") + 1
        # Columns count characters, as everywhere else: the line's valid bytes decode cleanly.
        col = len(head[head.rfind(b"\n") + 1 :].decode("utf-8")) + 1
        binary = b"\x00" in data[:8192]
        what = "is a binary file, not UTF-8 text" if binary else "is not valid UTF-8"
        diagnostics.append(
            Diagnostic(
                "PF402",
                f"File {what}: byte 0x{data[exc.start]:02x} cannot be decoded; undecodable bytes are shown as U+FFFD",
                path,
                line,
                col,
                Level.ERROR,
            )
        )
        text = data.decode("utf-8", errors="replace")
    newline = "\r\n" if "\r\n" in text else "\n"
    original = ""
    if "\r" in text:
        normalized = text.replace("\r\n", "\n").replace("\r", "\n")
        if newline == "\n" or normalized.count("\n") != text.count("\r\n"):
            original = text  # mixed: the page's "Copy progress as Markdown" gives it back as is
        text = normalized
    return Source(path, text, sha, diagnostics, newline, bom, checkout, original)


def checkout_digest(data: bytes) -> str:
    """The sha256 of a file's content as git stores it, whatever the checkout's line endings.

    A checkout with ``core.autocrlf`` (Windows) or ``eol=crlf`` writes text files with
    CRLF where the repository has LF, so a raw sha256 would differ from the one recorded
    on another machine for the same commit. Text files (no NUL byte in the first 8000
    bytes, git's own test) are hashed with CRLF read as LF; other files byte for byte.
    """
    if b"\r\n" in data and b"\x00" not in data[:8000]:
        data = data.replace(b"\r\n", b"\n")
    return sha256(data).hexdigest()


def read_regular(path: Path | str) -> bytes:
    """The bytes of a regular file (links followed).

    Checklists, the registry, the lock file and run logs are repository content, and a
    repository can commit a link to a pipe or a device (``x.md -> /dev/zero``): reading
    that would block or never end. Anything but a regular file is an ``OSError``
    ("not a regular file"), which every reader reports like an unreadable file.
    """
    # O_NONBLOCK: opening a pipe must not wait for a writer (it changes nothing for files).
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", os.fspath(path))
        return handle.read()
