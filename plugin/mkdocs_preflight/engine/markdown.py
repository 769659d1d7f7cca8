"""The one markdown-it-py parser configuration every front end uses.

CommonMark plus tables, task lists (markdown-it-py's own: the state lands on the list
item token), front matter, and the indented containers of mkdocs-material. Not the
``gfm-like`` preset: its linkify pass costs 60% more parse time and we need no
autolinks.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from .containers import containers_plugin
from .rule_dispatch import dispatch_by_first_character

MAX_NESTING = 10_000
"""markdown-it's default (20) silently drops deeper content; no item may be dropped."""


@lru_cache(maxsize=1)
def parser() -> MarkdownIt:
    """The shared parser (built once; markdown-it parsers are reusable)."""
    return build_parser()


def build_parser(dispatch: bool = True) -> MarkdownIt:
    """A new parser; ``dispatch=False`` leaves markdown-it's rule chains as they are."""
    md = MarkdownIt("commonmark", {"tasklists": True, "maxNesting": MAX_NESTING})
    md.enable("table")
    md.use(front_matter_plugin)
    md.use(containers_plugin)
    if dispatch:
        dispatch_by_first_character(md)
    return md
