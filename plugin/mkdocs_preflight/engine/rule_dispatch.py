"""Try markdown-it's rules by the character they must start at.

markdown-it calls its rules in turn until one matches: the block rules at the start of
every block, and again at every line of a paragraph or list item (to see whether
something interrupts it); the inline rules at every character that may start markup.
Most rules give up at once unless the text starts with their own character (`#` for a
heading, `>` for a block quote, `[` for a link...), but each try is a Python call.
On the benchmark corpus, skipping the tries that cannot match takes a quarter off the
block parse, and a fifth off the whole parse.

:func:`dispatch_by_first_character` keeps every chain's rules and their order, and
puts one rule in their place that calls, for the character at hand, only the rules
that can start with it. The token stream is the same (property tests compare it with
markdown-it's own on generated documents); rules it does not know are always tried.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline

from .containers import MARKERS

BlockRule = Callable[[StateBlock, int, int, bool], bool]
InlineRule = Callable[[StateInline, bool], bool]

BLOCK_FIRST_CHARACTERS: dict[str, frozenset[str]] = {
    "fence": frozenset("`~"),
    "blockquote": frozenset(">"),
    "hr": frozenset("*-_"),
    "list": frozenset("*-+0123456789"),
    "reference": frozenset("["),
    "html_block": frozenset("<"),
    "heading": frozenset("#"),
    "preflight_container": frozenset(marker[0] for marker in MARKERS),
}
"""What a line must start with (after its indentation) for the block rule to match it."""

INLINE_FIRST_CHARACTERS: dict[str, frozenset[str]] = {
    "linkify": frozenset(":"),
    "newline": frozenset("\n"),
    "escape": frozenset("\\"),
    "backticks": frozenset("`"),
    "strikethrough": frozenset("~"),
    "emphasis": frozenset("*_"),
    "link": frozenset("["),
    "image": frozenset("!"),
    "autolink": frozenset("<"),
    "html_inline": frozenset("<"),
    "entity": frozenset("&"),
}
"""The character an inline rule must find at the current position to match."""


def dispatch_by_first_character(md: MarkdownIt) -> bool:
    """Replace each of ``md``'s block and inline rule chains by one dispatching rule.

    Call it once the parser is configured: enabling or disabling a rule afterwards
    rebuilds markdown-it's own chains, which is correct, only slower. Returns whether
    the chains were replaced (not if markdown-it's rulers have changed shape).
    """
    block = _chains(md.block.ruler)
    inline = _chains(md.inline.ruler)
    if block is None or inline is None:
        return False
    chains, names = block
    for chain, functions in chains.items():
        if functions:
            chains[chain] = [_block_dispatcher([(fn, names.get(fn, "")) for fn in functions])]
    chains, names = inline
    inline_rules = chains.get("") or []
    if inline_rules and names.get(inline_rules[0]) == "text":
        known = [(fn, INLINE_FIRST_CHARACTERS.get(names.get(fn, ""))) for fn in inline_rules[1:]]
        chains[""] = [_inline_dispatcher(inline_rules[0], known, md)]
    return True


def _chains(ruler: Any) -> tuple[dict[str, list[Any]], dict[Any, str]] | None:
    rules = getattr(ruler, "__rules__", None)
    ruler.getRules("")  # builds the chains
    chains = getattr(ruler, "__cache__", None)
    if not isinstance(rules, list) or not isinstance(chains, dict):
        return None
    return chains, {rule.fn: rule.name for rule in rules}


_AT_FIRST_LINE, _INDENTED, _TABLE_BELOW, _UNDERLINE_BELOW = 1, 2, 4, 8
BLOCK_CONDITIONS: dict[str, int] = {
    "front_matter": _AT_FIRST_LINE,
    "code": _INDENTED,
    "table": _TABLE_BELOW,
    "lheading": _UNDERLINE_BELOW,
}
"""Block rules that look at more than the first character: front matter only starts the
document, an indented code block needs four columns of indentation, a table needs a
delimiter row (``|``, ``-`` or ``:`` first) on the next line, and a setext heading an
underline (``---`` or ``===`` alone on its line) further down the block."""


def _block_dispatcher(named: Sequence[tuple[BlockRule, str]]) -> BlockRule:
    # Each rule with what it needs: a first character (or any), and conditions.
    rules = [(fn, BLOCK_FIRST_CHARACTERS.get(name), BLOCK_CONDITIONS.get(name, 0)) for fn, name in named]
    wanted = 0
    for _, _, needs in rules:
        wanted |= needs
    # One table per combination of the conditions above, each by first character.
    tables: list[dict[str, list[BlockRule]]] = [{} for _ in range(16)]

    def candidates(character: str, conditions: int) -> list[BlockRule]:
        found = [
            fn for fn, first, needs in rules if (first is None or character in first) and needs & conditions == needs
        ]
        tables[conditions][character] = found
        return found

    def dispatch(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        pos = state.bMarks[start_line] + state.tShift[start_line]
        character = state.src[pos] if pos < state.eMarks[start_line] else ""
        conditions = _AT_FIRST_LINE if start_line == 0 else 0
        if wanted & _INDENTED and state.sCount[start_line] - state.blkIndent >= 4:
            conditions |= _INDENTED
        below = start_line + 1
        if wanted & _TABLE_BELOW and below < end_line:
            pos = state.bMarks[below] + state.tShift[below]
            if pos < state.eMarks[below] and state.src[pos] in "|-:":
                conditions |= _TABLE_BELOW
        if wanted & _UNDERLINE_BELOW:
            underlines: list[int] | None = getattr(state, "underlines", None)
            if underlines is None:
                conditions |= _UNDERLINE_BELOW  # a state without the list: always try
            elif underlines:
                at = bisect_right(underlines, start_line)
                if at < len(underlines) and underlines[at] < end_line:
                    conditions |= _UNDERLINE_BELOW
        found = tables[conditions].get(character)
        for rule in candidates(character, conditions) if found is None else found:
            if rule(state, start_line, end_line, silent):
                return True
        return False

    return dispatch


def _inline_dispatcher(
    text: InlineRule, rules: Sequence[tuple[InlineRule, frozenset[str] | None]], md: MarkdownIt
) -> InlineRule:
    # The `text` rule comes first and consumes everything up to the next terminator
    # character: elsewhere it is the only rule that runs, and at a terminator it fails.
    by_character: dict[str, list[InlineRule]] = {}
    terminator = md.inline.terminator_re

    def candidates(character: str) -> list[InlineRule]:
        if not character:  # past the end: never asked by markdown-it, but stay exact
            found = [text, *(fn for fn, _ in rules)]
        elif terminator.match(character) is None:
            found = [text]
        else:
            found = [fn for fn, first in rules if first is None or character in first]
        by_character[character] = found
        return found

    def dispatch(state: StateInline, silent: bool) -> bool:
        pos = state.pos
        character = state.src[pos] if pos < len(state.src) else ""
        found = by_character.get(character)
        for rule in candidates(character) if found is None else found:  # noqa: SIM110 (any() over a generator: 3x slower, per character)
            if rule(state, silent):
                return True
        return False

    return dispatch
