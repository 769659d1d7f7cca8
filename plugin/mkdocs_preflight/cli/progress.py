"""A progress line on the terminal while a long command works through many files.

``preflight check`` prints its findings sorted, so only at the end: on 20,000 checklists
that is a minute or two of silence. When standard error is a terminal, this shows
``checking 1,234 of 20,000 checklists...`` on one line, rewritten in place, and erases
it before the report is printed. Nothing is shown for the first half second (a
small check never flickers), when standard error is not a terminal (a pipe, a CI
log) or with ``TERM=dumb``.
Commands that print as they go (``list``, ``ids``) show it only while their output is
redirected, as curl does.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator, Sequence
from typing import TextIO, TypeVar

T = TypeVar("T")

SHOW_AFTER = 0.5
"""Seconds of work before the line first appears."""
REFRESH = 0.1
"""Least seconds between two updates of the line (a terminal is slow to write to)."""
ERASE = "\r\x1b[K"


def on_terminal(stream: TextIO) -> bool:
    """Whether ``stream`` is a terminal that understands moving back over a line."""
    if os.environ.get("TERM") == "dumb":
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


class FileProgress:
    """``with FileProgress(stream, "checking", "checklists") as progress: ... progress(done, total)``.

    Does nothing when ``stream`` is not a terminal, or when ``streaming`` (the output a
    command writes as it goes) is one: that output shows the progress already, and the
    line would break into it. The line is erased when the block ends, also on an error
    or Ctrl-C, so what follows starts on a clean line.
    """

    def __init__(
        self,
        stream: TextIO,
        verb: str,
        noun: str,
        *,
        streaming: TextIO | None = None,
        show_after: float = SHOW_AFTER,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._verb = verb
        self._noun = noun
        self._clock = clock
        self._enabled = on_terminal(stream) and not (streaming is not None and on_terminal(streaming))
        self._start = clock()
        self._show_after = show_after
        self._last = float("-inf")
        self._shown = False

    def __call__(self, done: int, total: int) -> None:
        """Note that ``done`` of ``total`` files are finished."""
        if not self._enabled:
            return
        now = self._clock()
        if now - self._start < self._show_after or now - self._last < REFRESH:
            return
        self._last = now
        percent = done * 100 // total if total else 100
        self._write(f"{ERASE}{self._verb} {done:,} of {total:,} {self._noun}... {percent}%")
        self._shown = True

    def each(self, files: Sequence[T]) -> Iterator[T]:
        """``files`` one by one, each counted as done once the loop's body for it ends."""
        for done, file in enumerate(files, 1):
            yield file
            self(done, len(files))

    def __enter__(self) -> FileProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._shown:
            self._write(ERASE)
            self._shown = False

    def _write(self, text: str) -> None:
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):  # the terminal went away: the work goes on
            self._enabled = False
