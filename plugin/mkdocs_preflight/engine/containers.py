"""Indented containers that Python-Markdown and mkdocs-material understand.

Admonitions (``!!! warning "Title"``), collapsible blocks (``??? note``,
``???+ tip``) and content tabs (``=== "Staging"``) hold Markdown indented by four
spaces. Plain CommonMark would read that as an indented code block and hide every task
item inside; this block rule makes the engine see what the site shows.
"""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

# Longest first: "???+" must win over "???".
MARKERS = ("???+", "===!", "===+", "!!!", "???", "===")
_FIRST = frozenset(m[0] for m in MARKERS)
BODY_INDENT = 4


def _container(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    start = state.bMarks[start_line] + state.tShift[start_line]
    maximum = state.eMarks[start_line]
    if start >= maximum or state.src[start] not in _FIRST:
        return False
    line_text = state.src[start:maximum]
    marker = next((m for m in MARKERS if line_text.startswith(m)), None)
    if marker is None:
        return False
    params = line_text[len(marker) :]
    # A marker must be followed by a space and a type or a quoted title.
    if not params.startswith((" ", "\t")) or not params.strip():
        return False
    if silent:
        return True

    old_parent, old_line_max, old_indent = state.parentType, state.lineMax, state.blkIndent
    body_indent = state.sCount[start_line] + BODY_INDENT

    next_line = start_line + 1
    while next_line < end_line:
        pos = state.bMarks[next_line] + state.tShift[next_line]
        if pos < state.eMarks[next_line] and state.sCount[next_line] < body_indent:
            break  # a non-blank line that is not indented ends the container
        next_line += 1
    # Trailing blank lines belong to what follows.
    while next_line > start_line + 1 and state.isEmpty(next_line - 1):
        next_line -= 1

    kind = "tab" if marker.startswith("=") else "admonition"
    token = state.push("container_open", "div", 1)
    token.markup = marker
    token.info = params.strip()
    token.meta = {"kind": kind}
    token.map = [start_line, next_line]
    token.block = True

    state.parentType = "container"
    state.lineMax = next_line
    state.blkIndent = body_indent
    state.md.block.tokenize(state, start_line + 1, next_line)

    token = state.push("container_close", "div", -1)
    token.markup = marker
    token.block = True

    state.parentType, state.lineMax, state.blkIndent = old_parent, old_line_max, old_indent
    state.line = next_line
    return True


def containers_plugin(md: MarkdownIt) -> None:
    """Add the admonition / details / tabs container rule to ``md``."""
    md.block.ruler.before(
        "fence",
        "preflight_container",
        _container,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
