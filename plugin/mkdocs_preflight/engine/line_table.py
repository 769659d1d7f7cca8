"""markdown-it's block state with its line table built by ``str`` methods.

Before the block rules run, markdown-it-py records for every line where it begins and
ends, how many spaces and tabs indent it and how wide that indentation is, in a Python
loop that looks at the indentation one character at a time: 7% of the parse of a
checklist, whose nested items and fences are indented. :func:`line_table` builds the
same lists with ``split``, ``lstrip`` and ``accumulate``, in a third of the time.

The state also lists the lines shaped like a setext heading's underline
(:func:`underline_lines`, one regular expression over the source), so that
``rule_dispatch`` tries the setext heading rule only where it can match.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import EnvType


def line_table(src: str) -> tuple[list[int], list[int], list[int], list[int]]:
    """``bMarks``, ``eMarks``, ``tShift`` and ``sCount`` as markdown-it-py computes them.

    Each list ends with the extra entry markdown-it appends for the end of the source.
    """
    lines = src.split("\n")
    if lines[-1].strip(" \t") == "":
        # After a final newline there is no line; a last line of only blanks gets none.
        lines.pop()
    begins = [0, *accumulate([len(line) + 1 for line in lines])]
    ends = [begin + len(line) for begin, line in zip(begins, lines, strict=False)]
    shifts = [len(line) - len(line.lstrip(" \t")) for line in lines]
    if "\t" in src:
        counts = [_width(line[:shift]) for line, shift in zip(lines, shifts, strict=True)]
    else:
        counts = shifts.copy()
    end = len(src)
    begins[-1] = end
    ends.append(end)
    shifts.append(0)
    counts.append(0)
    return begins, ends, shifts, counts


_UNDERLINE = re.compile(r"^[ \t>]*(?:-+|=+)[ \t]*$", re.M)
"""A setext heading's underline, after any indentation and block quote markers (which
the block state may skip): every line that can underline a heading has this shape."""


def underline_lines(src: str, begins: list[int]) -> list[int]:
    """The (0-based) lines of ``src`` shaped like a setext underline, in order."""
    return [bisect_right(begins, match.start()) - 1 for match in _UNDERLINE.finditer(src)]


def _width(indent: str) -> int:
    """The columns ``indent`` (spaces and tabs) spans, with tab stops every 4 columns."""
    width = 0
    for character in indent:
        width = width + 4 - width % 4 if character == "\t" else width + 1
    return width


class LineTableState(StateBlock):
    """A :class:`StateBlock` whose line table comes from :func:`line_table`."""

    def __init__(self, src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> None:
        super().__init__("", md, env, tokens)  # every other field, as markdown-it sets it
        self.src = src
        self.bMarks, self.eMarks, self.tShift, self.sCount = line_table(src)
        self.bsCount = [0] * len(self.bMarks)
        self.lineMax = len(self.bMarks) - 1
        self.underlines = underline_lines(src, self.bMarks)
        """Lines that may underline a setext heading: rule_dispatch skips ``lheading``
        for a block with none."""


class LineTableParserBlock(ParserBlock):
    """markdown-it's block parser, starting from a :class:`LineTableState`."""

    def parse(self, src: str, md: MarkdownIt, env: EnvType, outTokens: list[Token]) -> list[Token] | None:
        if not src:
            return None
        state = LineTableState(src, md, env, outTokens)
        self.tokenize(state, state.line, state.lineMax)
        return state.tokens


def use_line_table(md: MarkdownIt) -> None:
    """Give ``md`` the faster block state, keeping its block rules."""
    block = LineTableParserBlock()
    block.ruler = md.block.ruler
    md.block = block
