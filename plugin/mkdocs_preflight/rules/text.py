"""PF4xx: the text of a checklist file (mojibake, encoding, readability).

Mojibake is UTF-8 text that was once decoded as Windows-1252 or Mac Roman and saved
again: ``✅`` becomes ``âœ…`` or ``‚úÖ``. Detection and repair use ftfy, whose
heuristics are tuned on real text. ftfy deliberately leaves very short Mac Roman
sequences alone (``‚úÖ`` scores as plausible text), so one narrow addition catches
those: a run of characters is re-read as Mac Roman bytes only when the result is valid
UTF-8 made of punctuation, symbols, emoji or accented Latin letters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from functools import cache

from ..model import Checklist, Diagnostic, Level
from .base import FileCheck, Rule, doc
from .context import RuleContext

RULES: list[Rule] = [
    Rule(
        "PF401",
        "mojibake",
        Level.WARNING,
        "Text that is UTF-8 decoded as Windows-1252 or Mac Roman (`âœ…`, `â€”`, `‚úÖ`)",
        doc(
            """
            When a file passes through a tool or editor that reads UTF-8 as Windows-1252 or
            Mac Roman and saves it again, every non-ASCII character turns into two or three
            wrong ones: `✅` becomes `âœ…` (or `‚úÖ`), `—` becomes `â€”`, `é` becomes `Ã©`.
            Readers see garbage in the runbook, and a command with a mangled quote or dash
            no longer does what it says. Detection uses ftfy's heuristics, so real accented
            text (`naïve café`, `Größe`, `l’été`) is left alone.

            `preflight check --fix` repairs each reported line in place: it writes the file
            atomically and keeps its line endings, byte order mark and every other byte.

            **Example**

            ```markdown
            - [ ] Smoke tests pass âœ… â€” then announce the release
            ```

            **Use instead**

            ```markdown
            - [ ] Smoke tests pass ✅ — then announce the release
            ```
            """
        ),
        fixable=True,
    ),
    Rule(
        "PF402",
        "not-utf8",
        Level.ERROR,
        "The file is not valid UTF-8 (or is a binary file)",
        doc(
            """
            Checklists are UTF-8. A file with bytes that are not UTF-8 (often a file saved
            as Windows-1252 or Latin-1) is still read, with each bad byte shown as `�`, and
            the finding points at the first bad byte. Convert the file to UTF-8.

            **Example**: `caf\\xe9` (Latin-1 bytes) in `checklists/deploy.md`.

            **Use instead**: the same text saved as UTF-8, `café`
            (for instance `iconv -f latin1 -t utf-8`).
            """
        ),
    ),
    Rule(
        "PF403",
        "unreadable-file",
        Level.ERROR,
        "A checklist file cannot be read (permissions, a broken symlink)",
        doc(
            """
            The file was found but could not be opened or read, so nothing in it was
            checked. The message gives the operating system's reason.

            **Example**: `checklists/deploy.md` is a symbolic link to a file that was
            deleted, or has mode `0000`.

            **Use instead**: a readable regular file (`chmod 644 checklists/deploy.md`).
            """
        ),
    ),
]


@cache
def _macroman_run() -> re.Pattern[str]:
    """Runs of Mac Roman characters that start a UTF-8 sequence when written back as Mac Roman.

    Compiled on first use (a non-ASCII line): the character class costs 2.4 ms to compile.
    """
    return re.compile("[\u00a0-\uffff]{2,}")


_LATIN_LEADS = frozenset("√¬")
_SYMBOL_LEADS = frozenset("‚\uf8ff")  # 0xE2 (punctuation, symbols) and 0xF0 (emoji)


def _plausible(decoded: str) -> bool:
    for char in decoded:
        code = ord(char)
        if code < 0x80:
            continue
        if unicodedata.category(char) in ("Cc", "Co", "Cn", "Cs"):
            return False
        if not (0xA0 <= code <= 0x24F or 0x2000 <= code <= 0x2BFF or 0x1F000 <= code <= 0x1FAFF or code == 0xFE0F):
            return False
    return True


def _macroman(line: str) -> str:
    def repair(match: re.Match[str]) -> str:
        run = match.group(0)
        if run[0] not in _LATIN_LEADS and run[0] not in _SYMBOL_LEADS:
            return run
        try:
            decoded = run.encode("mac_roman").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return run
        if run[0] in _LATIN_LEADS and any(ord(c) > 0x24F for c in decoded):
            return run
        return decoded if _plausible(decoded) else run

    return _macroman_run().sub(repair, line)


def repair_line(line: str) -> tuple[str, str]:
    """The line with its mojibake repaired, and the encoding it was misread as (or "")."""
    if line.isascii():
        return line, ""
    import ftfy  # imported on first non-ASCII line: it costs more to import than most files to check

    fixed, plan = ftfy.fix_encoding_and_explain(line)
    encoding = next((step[1] for step in plan or () if step[0] == "encode"), "")
    again = _macroman(fixed)
    if again != fixed:
        return again, encoding or "macroman"
    return fixed, encoding


_ENCODING_NAMES = {"sloppy-windows-1252": "Windows-1252", "windows-1252": "Windows-1252", "macroman": "Mac Roman"}


def _difference(old: str, new: str) -> tuple[int, str, str]:
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return start, old[start:end_old], new[start:end_new]


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def find_mojibake(text: str) -> Iterator[tuple[int, int, str, str, str]]:
    """``(line, col, bad, good, encoding)`` for each line of ``text`` with mojibake."""
    if text.isascii():
        return
    for number, line in enumerate(text.split("\n"), 1):
        if line.isascii():
            continue
        fixed, encoding = repair_line(line)
        if fixed != line:
            start, bad, good = _difference(line, fixed)
            yield number, start + 1, bad, good, _ENCODING_NAMES.get(encoding, encoding or "another encoding")


def mojibake(checklist: Checklist, ctx: RuleContext) -> Iterator[Diagnostic]:
    """PF401: mojibake, line by line (skipped in files that are not valid UTF-8)."""
    if not ctx.wants("PF401") or any(d.code in ("PF402", "PF403") for d in checklist.diagnostics):
        return
    data = ctx.source(checklist)
    if data is None or data.isascii():
        return
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    for line, col, bad, good, encoding in find_mojibake(text):
        yield Diagnostic(
            "PF401",
            f"Mojibake `{_short(bad)}` (UTF-8 read as {encoding}): should be `{_short(good)}`",
            checklist.path,
            line,
            col,
            Level.WARNING,
            fixable=True,
        )


_LINE_BREAK = re.compile(rb"(\r\n|\r|\n)")


def fix_mojibake(data: bytes, diagnostics: Sequence[Diagnostic]) -> bytes:
    """Repair the lines named by ``diagnostics``; every other byte stays as it was."""
    lines = {d.line for d in diagnostics if d.code == "PF401"}
    parts = _LINE_BREAK.split(data)
    for number in lines:
        index = 2 * (number - 1)
        if not 0 <= index < len(parts):
            continue
        raw = parts[index]
        bom = index == 0 and raw.startswith(b"\xef\xbb\xbf")
        body = raw[3:] if bom else raw
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            continue
        fixed, _ = repair_line(text)
        parts[index] = (b"\xef\xbb\xbf" if bom else b"") + fixed.encode("utf-8")
    return b"".join(parts)


FILE_CHECKS: list[FileCheck] = [mojibake]
FIXERS = {"PF401": fix_mojibake}
