"""The one markdown-it-py parser configuration every front end uses.

CommonMark plus tables, task lists (markdown-it-py's own: the state lands on the list
item token), front matter, and the indented containers of mkdocs-material. Not the
``gfm-like`` preset: its linkify pass costs 60% more parse time and we need no
autolinks.

Two speedups change how markdown-it works, not what it gives (tests compare the tokens
with its own): rules are tried by the character they start at (``rule_dispatch``), and
the block state's line table is built with ``str`` methods (``line_table``).
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore, inline
from mdit_py_plugins.front_matter import front_matter_plugin

from .containers import containers_plugin
from .line_table import use_line_table
from .rule_dispatch import dispatch_by_first_character

MAX_NESTING = 10_000
"""How deep blocks may nest: markdown-it's default (20) silently drops deeper content, and
no item may be dropped."""
INLINE_MAX_NESTING = 20
"""How deep inline markup may nest (markdown-it's default). Deeper markup stays text, so
nothing is lost; a higher limit makes an unclosed ``[[[[...`` cost quadratic time, since
each ``[`` looks for its label to the end of the paragraph (42 s for 10,000 of them)."""


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The shared parser (built once; markdown-it parsers are reusable)."""
    return build_parser()


def build_parser(speedups: bool = True) -> MarkdownIt:
    """A new parser; ``speedups=False`` gives markdown-it's own (same tokens, slower)."""
    md = MarkdownIt("commonmark", {"tasklists": True, "maxNesting": MAX_NESTING})
    md.enable("table")
    md.use(front_matter_plugin)
    md.use(containers_plugin)
    md.core.ruler.at("inline", _inline_with_own_nesting)
    if speedups:
        use_line_table(md)
        dispatch_by_first_character(md)
    return md


def _inline_with_own_nesting(state: StateCore) -> None:
    """markdown-it's inline pass, under :data:`INLINE_MAX_NESTING` (it has one limit for both)."""
    options = state.md.options
    block_limit = options.maxNesting
    options.maxNesting = INLINE_MAX_NESTING
    try:
        inline(state)
    finally:
        options.maxNesting = block_limit
