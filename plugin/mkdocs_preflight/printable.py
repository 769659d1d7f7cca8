"""Text from a checklist or a run log, safe to print on a terminal.

A checklist, its file name and a run log are repository content, and the terminal
obeys the control characters in what it is given: an escape sequence in an item's text
or code could clear lines (hiding a command from ``preflight run --dry-run``, or a
finding from ``preflight check``), retitle the window or write the clipboard (OSC 52).
Printed text therefore shows every control character as an escape (``\\x1b``); line
breaks and tabs stay as they are, and so does a carriage return that ends a line
(CRLF files). What the commands themselves print while they run is not touched: it
comes from programs the operator chose to run.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n|$)", re.M)
_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""Every character :data:`_CONTROL` may match: one character class scans a listing's
text three times faster than the alternation, and most text has none."""


def printable(text: str) -> str:
    """``text`` with every control character but line breaks and tabs written as ``\\xNN``."""
    if not _ANY_CONTROL.search(text):
        return text
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def one_line(text: str) -> str:
    """``text`` on one line, for a table cell or a heading: every line ending (CRLF, LF,
    a lone CR) becomes a space and every other control character is written as ``\\xNN``."""
    return printable(text.replace("\r\n", " ").replace("\r", " ").replace("\n", " "))
