"""Try markdown-it's block rules by the first character of the line.

At the start of every block, and again at every line of a paragraph or list item (to
see whether something interrupts it), markdown-it calls each block rule in turn until
one matches. Most rules give up unless the line starts with their own character (`#`
for a heading, `>` for a block quote...), but each try is a Python call, and most call
the logger first. On the benchmark corpus these tries were a quarter of the block
parse, and a sixth of the whole parse.

:func:`dispatch_by_first_character` keeps each chain's rules and order, and puts one
rule in its place that skips, for the line at hand, the rules whose first character it
does not start with. The token stream is the same (a property test compares it with
markdown-it's own on generated documents); rules it does not know are always tried.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

from .containers import MARKERS

BlockRule = Callable[[StateBlock, int, int, bool], bool]

FIRST_CHARACTERS: dict[str, frozenset[str]] = {
    "fence": frozenset("`~"),
    "blockquote": frozenset(">"),
    "hr": frozenset("*-_"),
    "list": frozenset("*-+0123456789"),
    "reference": frozenset("["),
    "html_block": frozenset("<"),
    "heading": frozenset("#"),
    "preflight_container": frozenset(marker[0] for marker in MARKERS),
}
"""What a line must start with (after its indentation) for the rule to match it."""


def dispatch_by_first_character(md: MarkdownIt) -> bool:
    """Replace each of ``md``'s block rule chains by one dispatching rule.

    Call it once the parser is configured: enabling or disabling a rule afterwards
    rebuilds the chains without it, which is correct, only slower. Returns whether
    the chains were replaced (they are not if markdown-it's ruler has changed shape).
    """
    ruler: Any = md.block.ruler
    rules = getattr(ruler, "__rules__", None)
    ruler.getRules("")  # builds the chains
    chains = getattr(ruler, "__cache__", None)
    if not isinstance(rules, list) or not isinstance(chains, dict):
        return False
    names = {rule.fn: rule.name for rule in rules}
    for chain, functions in chains.items():
        if functions:
            chains[chain] = [_dispatcher([(fn, FIRST_CHARACTERS.get(names.get(fn, ""))) for fn in functions])]
    return True


def _dispatcher(rules: Sequence[tuple[BlockRule, frozenset[str] | None]]) -> BlockRule:
    by_character: dict[str, list[BlockRule]] = {}

    def candidates(character: str) -> list[BlockRule]:
        found = [fn for fn, first in rules if first is None or character in first]
        by_character[character] = found
        return found

    def dispatch(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        pos = state.bMarks[start_line] + state.tShift[start_line]
        character = state.src[pos] if pos < state.eMarks[start_line] else ""
        found = by_character.get(character)
        for rule in candidates(character) if found is None else found:
            if rule(state, start_line, end_line, silent):
                return True
        return False

    return dispatch
