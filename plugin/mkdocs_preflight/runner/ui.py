"""The runner's terminal: output (colour when it is a terminal), single-key choices, prompts."""

from __future__ import annotations

import contextlib
import getpass
import os
import select
import sys
import termios
import tty
from collections.abc import Sequence
from typing import TextIO

import click

from ..colors import use_color

STYLES = {
    "passed": {"fg": "green"},
    "manual-done": {"fg": "green"},
    "failed": {"fg": "red", "bold": True},
    "timeout": {"fg": "red", "bold": True},
    "aborted": {"fg": "red"},
    "skipped": {"fg": "yellow"},
    "manual-pending": {"fg": "yellow"},
    "running": {"fg": "cyan"},
    "prefix": {"dim": True},
    "heading": {"bold": True},
    "id": {"fg": "cyan", "bold": True},
    "error": {"fg": "red", "bold": True},
    "hint": {"dim": True},
}


class Terminal:
    """Writes to stdout; reads keys and lines from stdin when it is a terminal."""

    def __init__(self, out: TextIO | None = None, *, color: bool | None = None) -> None:
        self.out = out or sys.stdout
        if color is None:
            color = use_color(self.out)
        self.color = color
        self._closed = False
        self.can_ask = _isatty(sys.stdin)
        """Whether a person can answer (stdin is a terminal)."""

    def style(self, text: str, name: str) -> str:
        """``text`` in the named style, when colour is on."""
        if not self.color or name not in STYLES:
            return text
        return click.style(text, **STYLES[name])  # type: ignore[arg-type]

    def write(self, text: str) -> None:
        """Write text as it is (UTF-8, never failing on odd characters) and flush.

        A closed pipe (``preflight run ... | head``) or a terminal that hung up (the SSH
        connection dropped: EIO) silences the terminal for the rest of the run instead of
        ending it: the run log is the record that matters.
        """
        if self._closed:
            return
        try:
            buffer = getattr(self.out, "buffer", None)
            if buffer is not None:
                self.out.flush()
                buffer.write(text.encode("utf-8", errors="replace"))
                buffer.flush()
            else:
                self.out.write(text)
                self.out.flush()
        except (OSError, ValueError):
            self._closed = True

    def line(self, text: str = "") -> None:
        """Write one line."""
        self.write(text + "\n")

    def choose(self, prompt: str, keys: Sequence[str]) -> str:
        """Ask for one key among ``keys`` (lower case; Enter is ``"\\r"`` if listed).

        Ctrl-C raises ``KeyboardInterrupt``; Ctrl-D (end of input) answers ``q``.
        Keys typed before the question was shown do not answer it.
        """
        discard_typeahead()
        self.write(prompt)
        while True:
            key = read_key()
            if key in ("\n", "\r"):
                key = "\r"
            elif key == "\x04" or key == "":
                self.write("\n")
                return "q"
            else:
                key = key.lower()
            if key in keys:
                self.write(key.strip() + "\n")
                return key

    def ask(self, prompt: str, *, secret: bool = False) -> str | None:
        """Read one line; ``None`` at end of input. Lines typed before the prompt do not count."""
        discard_typeahead()
        try:
            if secret:
                self.out.flush()
                return getpass.getpass(prompt)
            self.write(prompt)
            value = sys.stdin.readline()
        except (EOFError, OSError):  # OSError: the terminal hung up
            return None
        if not value:
            return None
        return value.rstrip("\n").rstrip("\r")


def _isatty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:  # closed
        return False


def discard_typeahead() -> None:
    """Drop what was typed on the terminal before a question is shown.

    Enter pressed during a long step (to see whether the terminal is alive) waits in
    the terminal's input queue, and would answer the next step's question: run it.
    """
    with contextlib.suppress(termios.error, OSError, ValueError, AttributeError):
        if os.isatty(sys.stdin.fileno()):
            termios.tcflush(sys.stdin.fileno(), termios.TCIFLUSH)


def read_key() -> str:
    """One key press from stdin, without waiting for Enter; ``""`` at end of input.

    The terminal is put in cbreak mode (not raw): Ctrl-C still raises
    ``KeyboardInterrupt``. Escape sequences (arrow keys) are read whole and ignored.
    """
    fd = sys.stdin.fileno()
    try:
        old = termios.tcgetattr(fd)
    except termios.error:
        line = sys.stdin.readline()
        return line[:1] if line else ""
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        data = os.read(fd, 1)
        if data == b"\x1b":
            while select.select([fd], [], [], 0.05)[0]:
                os.read(fd, 16)
            return "\x1b"
        if data and data[0] >= 0x80:  # the rest of a UTF-8 character
            while select.select([fd], [], [], 0.01)[0]:
                data += os.read(fd, 1)
                try:
                    return data.decode("utf-8")
                except UnicodeDecodeError:
                    continue
        return data.decode("utf-8", errors="replace")
    finally:
        # A terminal that hung up (SIGHUP on its way) cannot be set any more: the
        # interruption, not this, must reach the run.
        with contextlib.suppress(termios.error):
            termios.tcsetattr(fd, termios.TCSADRAIN, old)
