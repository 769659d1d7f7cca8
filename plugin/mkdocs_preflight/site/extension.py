"""``preflight``: the Python-Markdown extension that renders checklist pages.

Per-page work only, on top of the engine's model (never a second Markdown parser):

* before Python-Markdown reads the page, hide ``{ #id }`` item markers, rewrite fence
  headers that pymdownx.superfences cannot read (``bash id=x timeout=60``) into the
  brace form, give runnable blocks their step ID as HTML ``id``, and tag the first line
  of every task item with an invisible marker carrying the item's index in the model;
* after Python-Markdown built the page, find each marker to give the ``<li>`` its item
  ID and data; add requirement links and links to repository files; put placeholder
  comments where permalinks, progress bars and step labels go; at the end, expand them,
  wrap the page and add its JSON data (the plugin does that last part itself, after the
  search plugin indexed the page).

Markers are ``STX pf:N ETX``: Python-Markdown strips STX/ETX from the source before any
other preprocessor runs, so they cannot clash with the writer's text, and they travel
with the item's text wherever Python-Markdown puts it (tight or loose lists,
admonitions, tabs, ordered lists), so items are matched by source position, not by
guessing. The source is rewritten before any preprocessor that adds or removes lines
(``pymdownx.snippets`` inserts files) so that line numbers are still the model's; the
markers are then written ``SOH pf:N EOT`` (as pymdownx bypasses the normalisation) and
turned into STX/ETX once Python-Markdown normalised the source.

The MkDocs plugin registers one instance and hands it a :class:`PageContext` per page.
Listed under ``markdown_extensions`` on its own, the extension parses the page itself.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal
from xml.etree import ElementTree as etree

from markdown import Extension, Markdown
from markdown.extensions.toc import slugify as toc_default_slugify
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import HTML_PLACEHOLDER

from ..engine import parse_text
from ..engine.fences import add_brace_id, parse_info, render_brace_header
from ..engine.project import default_matcher
from ..engine.requirements import LIST_LEAD
from ..model import Block, Checklist, Item, Section
from . import markup
from .context import PageContext, PreparedSource

__all__ = ["PreflightExtension", "makeExtension"]

_MARKER = "\x02pf:{}\x03"
_EARLY_MARKER_RE = re.compile("[\x01\x02]pf:(\\d+)[\x04\x03]+")
"""A marker before the normalisation: EOT-padded to whole tab stops, so that a tab after it
on the line expands as it would without it; pymdownx may have turned it into STX/ETX."""
_UNSEEN_CHARS = "\x01\x02\x03\x04"
_UNSEEN = str.maketrans("", "", _UNSEEN_CHARS)
"""Characters Python-Markdown (STX/ETX) and pymdownx (SOH/EOT) drop from the source before
reading it: dropped from a checklist's lines before they are marked."""
_MARKER_PREFIX = "\x02pf:"
_MARKER_RE = re.compile("\x02pf:(\\d+)\x03")
_CODE_TAGS = frozenset(("code", "pre"))
"""An item marker inside these is in text that Python-Markdown read as code: no item there."""
_ITEM_LEAD = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]{1,4}(?=\S))")
"""A list item's marker and the whitespace before its text (at most four columns)."""
_INTERRUPTS = re.compile(r"[ \t]*(?:[-*+]|0*1[.)])[ \t]+\S")
"""A list item that may start a list right under a paragraph (CommonMark)."""
_BOX = re.compile(r"\[[ xX]\][ \t]+")
_BOX_BEFORE = re.compile(r"\[(?P<state>[ xX])\][ \t]*$")
_PLACEHOLDER = re.compile(HTML_PLACEHOLDER % r"(\d+)")
_STASH_PREFIX = HTML_PLACEHOLDER.split("%s")[0]
_CODE_ID = re.compile(r'\s*(?:<(?:div|pre)\b[^>]*?\sid="([^"]+)"|<pre\b[^>]*>\s*<code\b[^>]*?\sid="([^"]+)")')
"""A code block with an HTML id: on its ``<div>``/``<pre>`` (Pygments), or on its
``<code>`` (``pymdownx.highlight`` with ``use_pygments: false``, for a JavaScript highlighter)."""
_HEADING_ATTR = re.compile(r"[ \t]*\{:?[ \t]*#(?P<id>[A-Za-z][\w.:-]*)[^}\n]*\}[ \t]*$")
_DIGIT = re.compile(r"\d")
_ITEM_LINE = re.compile(r"[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]")
_QUOTE_LEVEL = re.compile(r"[ ]{0,3}>[ ]?")
"""One block quote marker, as Python-Markdown strips it."""
_TEXT_ITEM_LEAD = re.compile(r"[ \t>]*(?:[-*+]|\d{1,9}\.)(?=[ \t]|$)")
"""A line that starts like a list item Python-Markdown reads (after any block quote
markers), up to the marker's last character (``-``, or the ``.`` of ``2.``)."""
HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCK_TAGS = frozenset(
    {"ul", "ol", "p", "div", "pre", "table", "blockquote", "details", "dl", "hr", "figure", "section", *HEADINGS}
)
_DECORATION = "preflight-decoration"
_EMPHASIS_TAGS = frozenset({"strong", "em", "b", "i"})
_NO_REQUIREMENT_LINKS = frozenset({"a", "code", "pre", "script", "style", "kbd", "samp"})

SOURCE_PRIORITY = 33
"""Before ``pymdownx.snippets`` (32), ``critic`` (31.1) and ``normalize_whitespace`` (30):
the page's lines are still the model's lines; after pymdownx's own pre-normalisation (35),
which drops SOH/EOT."""
MARKER_PRIORITY = 27
"""After ``normalize_whitespace`` (30, which strips STX/ETX), before superfences and
``fenced_code`` (25) read fence headers: the markers become STX/ETX."""
FIRST_PRIORITY = 26
"""Before ``task-list`` (25), which draws a checkbox only where an item's text comes first."""
TREE_PRIORITY = 6
"""After ``inline`` (20), ``task-list`` (25) and ``attr_list`` (8); before ``toc`` (5), so
that headings keep the engine's slugs, and before MkDocs collects anchors (5)."""
DECORATION_PRIORITY = 4.9
"""After ``toc`` (5), which cannot walk a tree with comments in it."""
POST_PRIORITY = 5
"""After the raw HTML (30) and entities (20) are restored."""


class _State:
    """The context of the page one ``Markdown`` instance is converting."""

    __slots__ = ("context", "serialized")

    def __init__(self) -> None:
        self.context: PageContext | None = None
        self.serialized = False
        """Set once every treeprocessor ran: the next postprocessor run is on the whole page
        (``toc`` and MkDocs also run the postprocessors on each heading's inner HTML)."""


class PreflightExtension(Extension):  # type: ignore[misc]  # Markdown has no type hints
    """Render checklists: item anchors, progress, step labels, requirement links, page data."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "interactive": [True, "Let the browser script make checkboxes clickable - Default: True"],
            "site_key": ["", "Key of the site in browser storage - Default: ''"],
        }
        super().__init__(**kwargs)
        self.managed = False
        """Set by the MkDocs plugin: pages without a context are then left alone."""
        self.page: PageContext | None = None
        """The context of the page about to be rendered (set by the plugin)."""

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the processors on ``md``."""
        state = _State()
        md.preprocessors.register(_SourcePreprocessor(md, self, state), "preflight_source", SOURCE_PRIORITY)
        md.preprocessors.register(_MarkerPreprocessor(md, state), "preflight_markers", MARKER_PRIORITY)
        md.treeprocessors.register(_FirstParagraphTreeprocessor(md, state), "preflight_first", FIRST_PRIORITY)
        md.treeprocessors.register(_PageTreeprocessor(md, state), "preflight", TREE_PRIORITY)
        md.treeprocessors.register(_DecorationTreeprocessor(md, state), "preflight_decorations", DECORATION_PRIORITY)
        md.treeprocessors.register(_LastTreeprocessor(md, state), "preflight_last", -1000)
        md.postprocessors.register(_PagePostprocessor(md, state), "preflight", POST_PRIORITY)
        md.registerExtension(self)

    def context_for(self, lines: list[str]) -> PageContext | None:
        """The context of the page whose Markdown lines are ``lines``."""
        if self.managed:
            # First come, first served: a Markdown instance another extension creates
            # while this page renders (for a snippet, a docstring) gets no context.
            page, self.page = self.page, None
            return page
        text = "\n".join(lines).translate(_UNSEEN)
        checklist = parse_text(text, "page.md")
        return PageContext(
            checklist=checklist,
            source=text,
            markdown=text,
            site_key=str(self.getConfig("site_key")),
            interactive=bool(self.getConfig("interactive")),
            matcher=default_matcher(),
        )


def makeExtension(**kwargs: Any) -> PreflightExtension:
    """Entry point for ``markdown.Markdown(extensions=["mkdocs_preflight.site.extension"])``."""
    return PreflightExtension(**kwargs)


# -- before parsing ---------------------------------------------------------------------


class _SourcePreprocessor(Preprocessor):  # type: ignore[misc]  # Markdown has no type hints
    def __init__(self, md: Markdown, extension: PreflightExtension, state: _State) -> None:
        super().__init__(md)
        self.extension = extension
        self.state = state

    def run(self, lines: list[str]) -> list[str]:
        context = self.extension.context_for(lines)
        self.state.context = context
        if context is None or context.checklist is None:
            return lines
        fences = _fence_reach(self.md)
        if fences != "nested":
            context.unread_blocks = [
                block.line for block in context.checklist.blocks if block.closed and (fences == "none" or block.col > 1)
            ]
        lines, joined = _visible(lines)
        tab = int(self.md.tab_length)
        prepared = context.prepared
        if prepared is not None and prepared.key == _source_key(joined, context.line_offset, fences, tab):
            return list(prepared.lines)
        return _rewrite(lines, context.checklist, context.source, context.line_offset, fences, tab)


def prepare_source(
    checklist: Checklist, text: str, markdown: str, fences: FenceReach, tab: int
) -> PreparedSource | None:
    """:class:`PreparedSource` for the page of ``checklist`` (``text``: its source; ``markdown``:
    the part Python-Markdown will be given, as MkDocs strips the front matter)."""
    if not markdown.strip() or not text.endswith(markdown):
        return None
    offset = text[: len(text) - len(markdown)].count("\n")
    lines, joined = _visible(markdown.split("\n"))
    key = _source_key(joined, offset, fences, tab)
    return PreparedSource(key, tuple(_rewrite(lines, checklist, text, offset, fences, tab)))


def _visible(lines: list[str]) -> tuple[list[str], str]:
    """The lines without the characters Python-Markdown and pymdownx drop (dropped now
    rather than by the normalisation: they would be taken for markers), and joined."""
    joined = "\n".join(lines)
    if any(char in joined for char in _UNSEEN_CHARS):
        joined = joined.translate(_UNSEEN)
        return joined.split("\n"), joined
    return lines, joined


def _source_key(joined: str, offset: int, fences: FenceReach, tab: int) -> bytes:
    digest = hashlib.blake2b(f"{offset}:{fences}:{tab}:".encode(), digest_size=16)
    digest.update(joined.encode("utf-8", "surrogatepass"))
    return digest.digest()


def _rewrite(lines: list[str], checklist: Checklist, text: str, offset: int, fences: FenceReach, tab: int) -> list[str]:
    return rewrite_source(
        lines, checklist, text, offset, fences, marker=lambda n: _early_marker(n, tab), tab_length=tab
    )


def _final_marker(match: re.Match[str]) -> str:
    return _MARKER.format(match[1])


def _early_marker(number: int, tab: int) -> str:
    marker = f"\x01pf:{number}\x04"
    return marker + "\x04" * (-len(marker) % tab)


class _MarkerPreprocessor(Preprocessor):  # type: ignore[misc]  # Markdown has no type hints
    """Turn the item markers into STX/ETX, which survive the rest of the conversion."""

    def __init__(self, md: Markdown, state: _State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, lines: list[str]) -> list[str]:
        context = self.state.context
        if context is None or context.checklist is None:
            return lines
        return [_EARLY_MARKER_RE.sub(_final_marker, line) if "pf:" in line else line for line in lines]


FenceReach = Literal["nested", "top", "none"]


def _fence_reach(md: Markdown) -> FenceReach:
    """Which fences this Markdown renders as code blocks: every one (superfences), only
    those at the left margin (Python-Markdown's ``fenced_code``), or none."""
    if "fenced_code_block" not in md.preprocessors:
        return "none"
    module = type(md.preprocessors["fenced_code_block"]).__module__
    return "nested" if module.startswith("pymdownx.") else "top"


def expected_fence_reach(extensions: Iterable[object]) -> FenceReach:
    """What :func:`_fence_reach` will say for a Markdown with these extensions (``mkdocs.yml``'s
    ``markdown_extensions``), as far as their names tell."""
    names = {name.removeprefix("markdown.extensions.") for name in extensions if isinstance(name, str)}
    if "pymdownx.superfences" in names:
        return "nested"
    return "top" if names & {"fenced_code", "extra"} else "none"


def rewrite_source(
    lines: list[str],
    checklist: Checklist,
    source: str,
    offset: int,
    fences: FenceReach = "nested",
    *,
    marker: Callable[[int], str] = _MARKER.format,
    tab_length: int = 4,
) -> list[str]:
    """Hide ``{ #id }`` markers, fix fence headers, mark each item's first line, and
    indent and space task lists so that Python-Markdown nests them as CommonMark does.

    ``lines`` are the page's Markdown lines; line ``n`` of ``source`` (1-based) is
    ``lines[n - 1 - offset]``. Every edit checks that the line still says what the model
    says, so a page another plugin changed is rendered plainly rather than wrongly. A
    fence header is only rewritten where the page's Markdown reads it as a code block
    (``fences``) and the fence is closed: anywhere else the reader would see the
    rewritten header as text instead of what they wrote.
    """
    out = list(lines)
    # Front matter whose YAML MkDocs could not read stays in the page's Markdown. The
    # engine reads it as front matter, not text, and so does the page: it may hold secrets.
    for index in range(min(checklist.front_matter_lines - offset, len(out))):
        out[index] = ""
    drop: set[int] = set()
    source_lines: list[str] | None = None
    for item in checklist.items:
        if item.id_marker is None:
            continue
        if source_lines is None:
            source_lines = source.split("\n")
        line, start, end = item.id_marker
        text = source_lines[line - 1][start - 1 : end - 1] if 1 <= line <= len(source_lines) else ""
        index = line - 1 - offset
        if not text or not 0 <= index < len(out):
            continue
        found = out[index].rfind(text)
        if found < 0:
            continue
        rest = out[index][:found].rstrip(" \t") + out[index][found + len(text) :]
        if rest.strip():
            out[index] = rest
        else:
            drop.add(index)  # an attr_list line of its own: blanking it would split the item
    for number, item in enumerate(checklist.items):
        index = item.line - 1 - offset
        if 0 <= index < len(out):
            box = _BOX.search(out[index])
            if box is not None:
                text = out[index]
                head = text[: box.start()]
                if item.marker.endswith(")") and head.rstrip(" \t").endswith(item.marker):
                    # `1)` starts a list item in CommonMark (the engine, GitHub) but not in
                    # Python-Markdown, which would show the line as text with no checkbox.
                    cut = len(head.rstrip(" \t")) - 1
                    head = head[:cut] + "." + head[cut + 1 :]
                out[index] = head + text[box.start() : box.end()] + marker(number) + text[box.end() :]
    for block in checklist.blocks:
        if fences == "none" or not block.closed or (fences == "top" and block.col != 1):
            continue
        header = fence_header(block)
        index = block.line - 1 - offset
        if header is None or not 0 <= index < len(out):
            continue
        text = out[index]
        at = text.find(block.fence)
        if at < 0 or " ".join(text[at + len(block.fence) :].split()) != " ".join(block.info.split()):
            continue
        out[index] = text[: at + len(block.fence)] + header
    _escape_item_like_text(out, checklist, offset)
    has_quote = _has_quote("\n".join(out))
    columns = _nest_by_four(out, checklist, offset, int(tab_length), has_quote)
    # In block quotes the rules below read the lines after the `>` markers.
    quoted = [_unquote(text, -1, tab_length) for text in out] if has_quote else None
    inner = [rest for _, _, rest in quoted] if quoted is not None else out
    gaps = _list_starts_after_text(inner, checklist, offset)
    if quoted is not None:
        gaps |= _quotes_right_after_items(quoted, checklist, offset)
        gaps |= _lines_after_quotes(quoted)
    # Last: a run of lines ends at every blank line the rules above put in.
    gaps |= _items_after_deeper_text(inner, checklist, offset, gaps)
    ends = _list_ends_before_code(out, checklist, offset, tab_length, columns)
    if not drop and not gaps and not ends:
        return out
    result: list[str] = []
    for index, text in enumerate(out):
        if index in gaps:
            # A blank line in the quotes both lines around it are in.
            result.append(min(quoted[index - 1], quoted[index])[1].rstrip() if quoted is not None else "")
        if index in ends:
            result.extend(ends[index])
        if index not in drop:
            result.append(text)
    return result


def _escape_item_like_text(lines: list[str], checklist: Checklist, offset: int) -> None:
    """Escape the list marker of lines the engine reads as paragraph text, in place.

    CommonMark (the engine, GitHub) reads ``- [ ] C`` as more text of the paragraph above
    when it cannot start an item there (a lazy line; indented four columns or more past
    the enclosing item's text; ``2.`` under text); Python-Markdown may read it as an item,
    and pymdownx.tasklist would draw a checkbox the engine does not know (no ID, no tick
    kept, progress counts off). ``\\-`` (or ``2\\.``) shows the same text as CommonMark.
    """
    for line in checklist.item_like_text:
        index = line - 1 - offset
        if not 0 <= index < len(lines):
            continue
        text = lines[index]
        lead = _TEXT_ITEM_LEAD.match(text)
        if lead is not None:
            at = lead.end() - 1
            lines[index] = text[:at] + "\\" + text[at:]


def _list_ends_before_code(
    lines: list[str], checklist: Checklist, offset: int, tab_length: int, columns: tuple[dict[str, int], dict[str, int]]
) -> dict[int, tuple[str, str, str]]:
    """An empty HTML comment to put before each indented code block right after a list.

    CommonMark (the engine) ends the list where a line is indented less than the last
    item's text, and such a line indented four columns or more starts a code block
    (``100. [ ] A``, a blank line, ``    - [ ] B``: code). Python-Markdown reads any block
    indented by four after a list as more of its last item: a nested list, with a
    checkbox the engine does not know. An empty comment between blank lines (in the
    code block's quotes, at the column of the text of the item, admonition or content tab
    it is in) ends the list
    for Python-Markdown and shows nothing. ``columns`` are where :func:`_nest_by_four`
    put each item, and in how many block quotes.
    """
    ends: dict[int, tuple[str, str, str]] = {}
    by_line: dict[int, str] | None = None
    for line, owner, column in checklist.code_after_lists:
        index = line - 1 - offset
        if not 0 <= index < len(lines):
            continue
        if column:  # in admonitions or content tabs
            ends[index] = ("", " " * column + "<!-- -->", "")
            continue
        if not owner:
            quote = _unquote(lines[index], -1, tab_length)[1].rstrip()
            ends[index] = (quote, quote + "<!-- -->", quote)
            continue
        if by_line is None:
            by_line = {item.line: item.id for item in checklist.items}
        key = by_line.get(owner, "")
        if key in columns[0]:
            text = columns[0][key] + tab_length  # where the item's text starts
            quote = _unquote(lines[index], columns[1][key], tab_length)[1].rstrip()
            ends[index] = (quote, quote + " " * (text + bool(quote)) + "<!-- -->", quote)
    return ends


def _quotes_right_after_items(quoted: list[tuple[int, str, str]], checklist: Checklist, offset: int) -> set[int]:
    """Lines where a block quote starts right under a task item's last line.

    CommonMark (the engine, GitHub) ends the item there; Python-Markdown reads the
    quote as more lines of the item, and puts it (and any task items in it) inside the
    item. ``quoted`` is each line's block quote markers and the rest (:func:`_unquote`).
    """
    gaps: set[int] = set()
    for item in checklist.items:
        index = item.end_line - offset  # the line after the item's last
        if 0 < index < len(quoted) and quoted[index][0] > quoted[index - 1][0]:
            gaps.add(index)
    return gaps


def _lines_after_quotes(quoted: list[tuple[int, str, str]]) -> set[int]:
    """Lines that leave a block quote right after a blank line of it (``>``), or that
    start a list item right under it (or under more text of its paragraph).

    CommonMark (the engine) ends the quote there (a line it reads as more text of the
    quote's paragraph does not start like an item: :func:`_escape_item_like_text`);
    Python-Markdown reads the line as more of the quote, and an item in it as part of
    the quote's last list. ``quoted`` is each line's block quote markers and the rest.
    """
    gaps: set[int] = set()
    context = 0  # the quotes the lines so far are in (through lazy lines)
    blank = False  # whether the last line in them was a blank line of the quote
    for index, (depth, _, rest) in enumerate(quoted):
        if not rest.strip():
            context, blank = depth, depth > 0
        elif depth >= context:
            context, blank = depth, False
        elif blank or _ITEM_LINE.match(rest):
            gaps.add(index)
            context, blank = depth, False
    return gaps


def _has_quote(text: str) -> bool:
    """Whether a line of ``text`` starts with ``>`` (a block quote marker, maybe)."""
    at = text.find(">")  # a page has few: faster than a multi-line regular expression
    while at >= 0:
        if not text[text.rfind("\n", 0, at) + 1 : at].strip(" \t"):
            return True
        at = text.find(">", at + 1)
    return False


def _list_starts_after_text(lines: list[str], checklist: Checklist, offset: int) -> set[int]:
    """Lines where a task list starts right under a line of text (at any depth).

    CommonMark (the engine, GitHub) lets a list interrupt a paragraph; Python-Markdown
    does not, and would show ``- [ ] item`` as plain text with no checkbox and no anchor.
    A blank line before such a list makes the site show what the engine sees.
    """
    gaps: set[int] = set()
    by_id = {item.id: item for item in checklist.items}
    reach: dict[str | None, int] = {}  # the last line the items so far under a parent extend to
    for item in checklist.items:
        index = item.line - 1 - offset
        # Not the first item of its list when an earlier sibling reaches this line.
        first = reach.get(item.parent, 0) < item.line - 1
        reach[item.parent] = max(reach.get(item.parent, 0), item.end_line)
        parent = by_id.get(item.parent) if item.parent is not None else None
        if item.parent is not None:
            # Under the parent's own first paragraph, Python-Markdown starts the list.
            if parent is None or not parent.text_end_line or item.line - 1 <= parent.text_end_line:
                continue
            if not _ITEM_LINE.match(lines[index] if 0 <= index < len(lines) else ""):
                continue  # in a block quote of its parent: a blank line would end it
        if not first or not 0 < index < len(lines):
            continue
        # Plain items (``- Note``) may start the list: the gap goes before the first.
        start = index
        while start > 0 and _ITEM_LINE.match(lines[start - 1]) and _indent(lines[start - 1]) == _indent(lines[index]):
            start -= 1
        # Only a bullet or `1.` starts a list under text (CommonMark): `15.` there is text.
        while start < index and not _INTERRUPTS.match(lines[start]):
            start += 1
        index = start
        if index > 0 and lines[index - 1].strip() and (parent is None or index + offset > parent.text_end_line):
            gaps.add(index)
    return gaps


def _indent(line: str) -> int:
    """Columns of leading whitespace, tabs to Python-Markdown's stops of four."""
    expanded = line.expandtabs(4)
    return len(expanded) - len(expanded.lstrip(" "))


def _shift(line: str, delta: int, tab_length: int) -> str:
    """``line`` with ``delta`` columns of leading whitespace added (or taken off)."""
    if "\t" not in line:  # most lines
        return " " * delta + line if delta > 0 else line[min(-delta, len(line) - len(line.lstrip(" "))) :]
    head = len(line) - len(line.lstrip(" \t"))
    if "\t" not in line[:head]:
        return " " * delta + line if delta > 0 else line[min(-delta, head) :]
    # A tab reaches the next tab stop: spaces added before it or taken off would change its
    # width (or that of the next tab), so the indentation goes in spaces.
    return " " * max(len(line[:head].expandtabs(tab_length)) + delta, 0) + line[head:]


def _nest_by_four(
    lines: list[str], checklist: Checklist, offset: int, tab_length: int, has_quote: bool = True
) -> tuple[dict[str, int], dict[str, int]]:
    """Indent task items and their content by whole tab stops, in place; return the
    column each item (by ID) now starts at, after its block quotes, and how many block
    quotes it is in. ``has_quote``: whether any line may start with a quote marker.

    CommonMark nests a line under an item by the column the item's text starts at
    (``- `` two columns in, ``100. `` five); Python-Markdown only by whole tab stops of
    four. So a child two or three columns in shows as a sibling, one eight columns in
    under ``100.`` as text of its parent (no checkbox), and a second paragraph two
    columns in leaves the list. Each nested item moves to one tab stop under its
    parent, and each item's other lines (its text, code blocks, plain sub-lists) to one
    tab stop under the item, keeping their indentation relative to each other.

    In a block quote both read the lines after the ``>`` markers (and one space after
    each) as a page of their own: the same is done there, after the item's markers.
    """
    target: dict[str, int] = {}
    moved: dict[str, int] = {}  # columns the lines under an item have moved so far
    quotes: dict[str, int] = {}  # how many block quotes each item is in
    shifts: list[tuple[int, int, int, int]] = []  # (first line, last line, columns, quotes), outermost first
    for item in checklist.items:
        index = item.line - 1 - offset
        if not 0 <= index < len(lines):
            continue
        depth, _, line = _unquote(lines[index], -1, tab_length) if has_quote else (0, "", lines[index])
        lead = _ITEM_LEAD.match(line)
        outer = quotes.get(item.parent, -1) if item.parent is not None else 0
        if lead is None or outer < 0 or outer > depth:
            continue  # not on the page, or under an item that is not: left as written
        quotes[item.id] = depth
        # The first item of a block quote inside its parent starts a list of its own there.
        parent = item.parent if outer == depth else None
        before = moved.get(parent, 0) if parent is not None else 0
        indent = _indent(line) + before
        want = indent if parent is None else target[parent] + tab_length
        target[item.id] = want
        if want != indent:
            shifts.append((index, index, want - indent, depth))
        content = len(lead[0].expandtabs(tab_length)) + before
        moved[item.id] = before + want + tab_length - content
        if want + tab_length != content:
            shifts.append((index + 1, item.end_line - 1 - offset, want + tab_length - content, depth))
    for first, last, delta, depth in shifts:
        span = range(max(first, 0), min(last, len(lines) - 1) + 1)
        if not depth:
            for index in span:
                text = lines[index]
                if text.strip():
                    lines[index] = _shift(text, delta, tab_length)
            continue
        for index in span:
            _, quote, rest = _unquote(lines[index], depth, tab_length)
            if rest.strip():
                lines[index] = quote + _shift(rest, delta, tab_length)
    return target, quotes


def _unquote(line: str, depth: int, tab_length: int) -> tuple[int, str, str]:
    """How many block quote markers ``line`` starts with (at most ``depth``; ``-1``: no
    limit), those markers, and the rest of the line.

    A tab right after a marker would expand by its column on the whole line: a line that
    starts with a marker has its tabs expanded first (as Python-Markdown does).
    """
    stripped = line.lstrip(" \t")
    if not stripped.startswith(">"):
        return 0, "", line
    if "\t" in line:
        line = line.expandtabs(tab_length)
        stripped = line.lstrip(" ")
    # The first marker may be indented by the items the quote is in.
    count, at = 0, len(line) - len(stripped)
    while count != depth:
        level = _QUOTE_LEVEL.match(line, at)
        if level is None:
            break
        count += 1
        at = level.end()
    return count, line[:at], line[at:]


def _items_after_deeper_text(lines: list[str], checklist: Checklist, offset: int, blank: set[int]) -> set[int]:
    """Lines where a task item comes back out of more deeply indented text.

    Python-Markdown nests a run of lines (up to the next blank line) by its first line
    alone, so in ``  - Note`` (under a blank line) followed by ``- [ ] item``, the item
    becomes text of the note: no checkbox, its anchor on the wrong item. CommonMark (the
    engine, GitHub) starts a new item there. A blank line before such an item, which
    CommonMark reads the same way, lets Python-Markdown nest it by its own indentation.
    ``blank`` are the lines that get a blank line before them anyway.
    """
    gaps: set[int] = set()
    # Where the run of lines that each line belongs to starts, in one pass: walking back
    # from every item would cost the square of a long tight list.
    starts: list[int] = []
    for index in range(len(lines)):
        joined = index > 0 and index not in blank and lines[index - 1].strip()
        starts.append(starts[index - 1] if joined else index)
    for item in checklist.items:
        index = item.line - 1 - offset
        if not 0 < index < len(lines) or not lines[index - 1].strip():
            continue
        line = lines[index]
        if not _ITEM_LINE.match(line):
            continue  # in a block quote of its list: a blank line would end it
        if _indent(lines[starts[index - 1]]) > _indent(line):
            gaps.add(index)
    return gaps


_SAFE_VALUE = re.compile(r"[\w ./:@%+=,~-]*")


def _safe_value(value: str) -> bool:
    """Whether an option value can go into a brace header (renderers do not escape it)."""
    return _SAFE_VALUE.fullmatch(value) is not None


def fence_header(block: Block) -> str | None:
    """The info string a block's fence gets on the site, or ``None`` to keep it.

    ``key=value`` headers that superfences cannot read become the brace form (their
    options as ``data-preflight-*``); runnable blocks and blocks with a pinned ID get
    ``#<block id>``, so the step has an anchor and its label can be placed. The
    ``{ .lang ... }`` spelling is used because both superfences and Python-Markdown's
    ``fenced_code`` read it.
    """
    info = parse_info(block.info)
    want_id = block.id if (block.runnable or block.explicit_id) else None
    if info.form == "plain":
        if want_id is None:
            return None
        return _dot_form(info.lang, f"{info.lang} {{ #{want_id} }}")
    if info.form == "kv":
        if info.superfences_safe and want_id is None:
            return None
        info.options = {key: value for key, value in info.options.items() if _safe_value(value)}
        info.attrs = {key: value for key, value in info.attrs.items() if _safe_value(value)}
        info.options.pop("id", None)
        if want_id is not None:
            info.options = {"id": want_id, **info.options}
        return _dot_form(info.lang, render_brace_header(info.lang, info))
    if want_id is None or info.options.get("id") == want_id:
        return None
    raw = block.info.strip()
    old = info.options.get("id")
    if old and f"#{old}" in raw:
        return raw.replace(f"#{old}", f"#{want_id}", 1)
    return add_brace_id(raw, want_id)


def _dot_form(lang: str, header: str) -> str:
    if "{" not in header:
        return header
    inner = header[header.index("{") + 1 : header.rindex("}")].strip()
    return "{ " + (f".{lang} " if lang else "") + inner + " }"


# -- after parsing ----------------------------------------------------------------------


@dataclass(slots=True)
class _Scan:
    """What the page processor needs from the tree, gathered in one walk."""

    parents: dict[etree.Element, etree.Element] = field(default_factory=dict)
    headings: list[etree.Element] = field(default_factory=list)
    links: list[etree.Element] = field(default_factory=list)
    paragraphs: list[etree.Element] = field(default_factory=list)
    markers: list[tuple[etree.Element, etree.Element | None]] = field(default_factory=list)
    """Where item markers are: (element, None) for its text, (parent, child) for the child's tail."""
    stashed: list[tuple[etree.Element, etree.Element | None]] = field(default_factory=list)
    """Stashed HTML (code blocks) inside running text: in a tight list item the block's
    placeholder is part of the ``<li>``'s text, not a paragraph of its own."""

    @classmethod
    def of(cls, root: etree.Element) -> _Scan:
        scan = cls()
        parents = scan.parents
        for element in root.iter():
            tag = element.tag
            if tag in HEADINGS:
                scan.headings.append(element)
            elif tag == "a" or tag == "img":
                scan.links.append(element)
            elif tag == "p":
                scan.paragraphs.append(element)
            text = element.text
            if text and _MARKER_PREFIX in text:
                scan.markers.append((element, None))
            if text and _STASH_PREFIX in text and (tag != "p" or not _PLACEHOLDER.fullmatch(text.strip())):
                scan.stashed.append((element, None))  # (a paragraph of its own is in `paragraphs`)
            for child in element:
                parents[child] = element
                tail = child.tail
                if tail and _MARKER_PREFIX in tail:
                    scan.markers.append((element, child))
                if tail and _STASH_PREFIX in tail:
                    scan.stashed.append((element, child))
        return scan


class _FirstParagraphTreeprocessor(Treeprocessor):  # type: ignore[misc]  # Markdown has no type hints
    """Put a task item's first paragraph back before its nested list.

    In an admonition, a collapsible block or a content tab, an item with a nested list
    whose items a blank line parts (``- [ ] A`` / ``    - [ ] B`` / blank / ``    - [ ] C``)
    comes out of Python-Markdown as ``<li><ul>B</ul><p>[ ] A</p><ul>C</ul></li>``: its
    text after its children, so no checkbox, and its list cut in two. The paragraph that
    holds the item's marker goes first again and the two halves of the list are joined.
    """

    def __init__(self, md: Markdown, state: _State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        context = self.state.context
        if context is None or context.checklist is None or not context.checklist.items:
            return
        for li in root.iter("li"):
            if len(li) < 2 or li[0].tag not in ("ul", "ol") or (li.text or "").strip():
                continue
            at = next((i for i, child in enumerate(li) if child.tag not in ("ul", "ol")), len(li))
            first = li[at] if at < len(li) else None
            if first is None or first.tag != "p" or not _MARKER_RE.search(first.text or ""):
                continue
            li.remove(first)
            li.insert(0, first)
            before, after = li[at], li[at + 1] if at + 1 < len(li) else None
            if after is not None and after.tag == before.tag and not (before.tail or "").strip():
                before.extend(list(after))
                li.remove(after)


class _PageTreeprocessor(Treeprocessor):  # type: ignore[misc]  # Markdown has no type hints
    def __init__(self, md: Markdown, state: _State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        context = self.state.context
        if context is None:
            return
        scan = _Scan.of(root)
        if context.resolve_link is not None:
            _repository_links(scan.links, context)
        checklist = context.checklist
        if "attr_list" not in self.md.treeprocessors:
            for heading in scan.headings:
                _apply_heading_attr(heading)
        if checklist is None:
            return
        engine_slugs = _engine_slugs(self.md)
        if not context.enhanced:
            if not engine_slugs:
                context.headings = _match_headings(scan.headings, checklist.sections, False)
            return
        matched = _match_headings(scan.headings, checklist.sections, engine_slugs)
        if not engine_slugs:
            context.headings = matched  # their ids, once `toc` gave them: see `heading_ids`
        slugs = {section.index: heading.get("id") or section.slug for heading, section in matched}
        context.slugs = slugs
        shown = self._items(scan, context, checklist)
        # Steps before requirement links: those split text nodes, and a code block's
        # placeholder can sit in running text (a fence right below an item's line).
        self._steps(scan, context, checklist)
        if context.requirement_href is not None and context.matcher is not None:
            _requirement_links(root, context)
        _progress(root, scan.parents, context, checklist, shown, matched, slugs)

    def _items(self, scan: _Scan, context: PageContext, checklist: Checklist) -> list[Item]:
        """Anchor each item on its ``<li>``; the items the page shows, in order."""
        tasklist = "task-list" in self.md.treeprocessors
        parents = scan.parents
        hosts: dict[int, etree.Element] = {}
        for host, after in scan.markers:
            if after is None:
                host.text = _take_markers(host.text or "", host, None, hosts, checklist, tasklist)
            else:
                after.tail = _take_markers(after.tail or "", host, after, hosts, checklist, tasklist)
        claimed: set[etree.Element] = set()
        shown: list[int] = []
        for number, host in hosts.items():
            item = checklist.items[number]
            li: etree.Element | None = host
            while li is not None and li.tag != "li" and li.tag not in _CODE_TAGS:
                li = parents.get(li)
            if li is None or li.tag != "li" or li in claimed:
                continue  # (in code: Python-Markdown read the item's line as code, not as an item)
            classes = (li.get("class") or "").split()
            if tasklist and "task-list-item" not in classes:
                continue  # Python-Markdown read the item's line as text: no checkbox to anchor
            claimed.add(li)
            shown.append(number)
            if not tasklist and "task-list-item" not in classes:
                classes.append("task-list-item")
            classes.append(markup.ITEM_CLASS)
            # The item's line and sections are in the page data, not on the <li>: three
            # attributes on every item made the page a fifth bigger, and the search
            # plugin and MkDocs pay for every attribute they parse.
            li.set("id", item.id)
            li.set("class", " ".join(classes))
            badge = context.item_outcome(item.id) if context.item_outcome is not None else None
            decoration = markup.permalink(item.id)
            if badge is not None:
                decoration += " " + markup.outcome(badge.status, badge.label, badge.title)
            link = _decoration(context, decoration, li if host is li else host)
            if host is li:
                position = next((i for i, child in enumerate(li) if child.tag in _BLOCK_TAGS), len(li))
                li.insert(position, link)
            else:
                host.append(link)
        return [checklist.items[number] for number in sorted(shown)]

    def _steps(self, scan: _Scan, context: PageContext, checklist: Checklist) -> None:
        steps = self._stashed_steps(checklist)
        if not steps:
            return
        context.step_anchors = [block.id for block in steps.values()]
        for paragraph in scan.paragraphs:
            if len(paragraph) or not paragraph.text:
                continue
            placeholder = _PLACEHOLDER.fullmatch(paragraph.text.strip())
            block = steps.get(int(placeholder.group(1))) if placeholder else None
            parent = scan.parents.get(paragraph)
            if block is None or parent is None:
                continue
            _insert_after(parent, paragraph, _decoration(context, markup.step(block, checklist.path), parent))
        # By host, not by the (host, child) the scan saw: drawing an item's checkbox (without
        # pymdownx.tasklist) moved the text after the box, placeholders included, to its tail.
        for host in dict.fromkeys(host for host, _ in scan.stashed):
            for child in [None, *host]:
                text = host.text if child is None else child.tail
                if text and _STASH_PREFIX in text:
                    self._steps_in_text(host, child, context, checklist, steps)

    def _stashed_steps(self, checklist: Checklist) -> dict[int, Block]:
        """The runnable blocks among the stashed HTML, by stash index."""
        runnable = {block.id: block for block in checklist.blocks if block.runnable}
        steps: dict[int, Block] = {}
        if not runnable:
            return steps
        # One pass over the stash: it also holds every checkbox of pymdownx.tasklist.
        for number, html in enumerate(self.md.htmlStash.rawHtmlBlocks):
            code = _CODE_ID.match(html) if isinstance(html, str) else None
            block = runnable.get(code.group(1) or code.group(2)) if code else None
            if block is not None:
                steps[number] = block
        return steps

    def _steps_in_text(
        self,
        host: etree.Element,
        child: etree.Element | None,
        context: PageContext,
        checklist: Checklist,
        steps: dict[int, Block],
    ) -> None:
        """Label runnable blocks whose placeholders sit in ``host``'s text (or ``child``'s tail)."""
        text = (host.text if child is None else child.tail) or ""
        # Right to left, so that earlier offsets stay valid while the text is split.
        for placeholder in reversed(list(_PLACEHOLDER.finditer(text))):
            block = steps.get(int(placeholder.group(1)))
            if block is None:
                continue
            stand_in = _decoration(context, markup.step(block, checklist.path), host)
            stand_in.tail = text[placeholder.end() :]
            text = text[: placeholder.end()]
            if child is None:
                host.text = text
                host.insert(0, stand_in)
            else:
                child.tail = text
                _insert_after(host, child, stand_in)


def _take_markers(
    text: str,
    host: etree.Element,
    after: etree.Element | None,
    hosts: dict[int, etree.Element],
    checklist: Checklist,
    tasklist: bool,
) -> str:
    """Remove the item markers from ``text`` (the text of ``host``, or the tail of ``after``).

    Without pymdownx.tasklist the ``[ ]`` before the marker becomes the same checkbox
    markup tasklist would produce.
    """
    result = text
    for match in reversed(list(_MARKER_RE.finditer(text))):
        number = int(match.group(1))
        if number >= len(checklist.items):
            continue
        hosts.setdefault(number, host)
        before, rest = result[: match.start()], result[match.end() :]
        box = None if tasklist else _BOX_BEFORE.search(before)
        if box is None:
            result = before + rest
            continue
        label = markup.checkbox(box.group("state") in "xX")
        label.tail = rest
        result = before[: box.start()]
        if after is None:
            host.insert(0, label)
        else:
            _insert_after(host, after, label)
    return result


def _insert_after(parent: etree.Element, child: etree.Element, new: etree.Element) -> None:
    parent.insert(list(parent).index(child) + 1, new)


def _apply_heading_attr(heading: etree.Element) -> None:
    """Apply a trailing ``{ #id }`` that no ``attr_list`` consumed (and hide it)."""
    last = heading[-1] if len(heading) else None
    text = last.tail if last is not None else heading.text
    if not text or "{" not in text:
        return
    match = _HEADING_ATTR.search(text)
    if match is None:
        return
    stripped = text[: match.start()]
    if last is not None:
        last.tail = stripped
    else:
        heading.text = stripped
    if "id" not in heading.attrib:
        heading.set("id", match.group("id"))


def _heading_text(heading: etree.Element) -> str:
    return " ".join("".join(heading.itertext()).split())


def _engine_slugs(md: Markdown) -> bool:
    """Whether headings get the engine's slugs: they equal what ``toc`` gives with its default
    ``slugify``. A site that configures its own keeps its anchors (and its deep links)."""
    if "toc" not in md.treeprocessors:  # a Markdown Registry, which has no get()
        return True
    return getattr(md.treeprocessors["toc"], "slugify", toc_default_slugify) is toc_default_slugify


def _match_headings(
    headings: list[etree.Element], sections: list[Section], set_ids: bool = True
) -> list[tuple[etree.Element, Section]]:
    """Pair HTML headings with the model's sections, in order (by level, re-synced by text);
    with ``set_ids``, a heading without an ``id`` gets its section's slug."""
    matched: list[tuple[etree.Element, Section]] = []
    next_section = 0
    for heading in headings:
        level = int(heading.tag[1])
        found: int | None = None
        if next_section < len(sections) and sections[next_section].level == level:
            found = next_section
        else:
            text = _heading_text(heading)
            for index in range(next_section, min(next_section + 8, len(sections))):
                if sections[index].level == level and sections[index].title == text:
                    found = index
                    break
        if found is None:
            continue
        section = sections[found]
        next_section = found + 1
        if set_ids and "id" not in heading.attrib:
            heading.set("id", section.slug)
        matched.append((heading, section))
    return matched


def _progress(
    root: etree.Element,
    parents: dict[etree.Element, etree.Element],
    context: PageContext,
    checklist: Checklist,
    shown: list[Item],
    matched: list[tuple[etree.Element, Section]],
    slugs: dict[int, str],
) -> None:
    """Progress bars over the items the page shows (as the script counts them): where
    CommonMark and Python-Markdown read a line differently (``- [ ] - [ ] x`` is two items
    to the engine, one on the page), a bar counts the checkboxes the reader can see."""
    if not shown:
        return
    totals: dict[int, int] = {}
    done: dict[int, int] = {}
    for item in shown:
        for section in checklist.section_path(item.section):
            totals[section.index] = totals.get(section.index, 0) + 1
            done[section.index] = done.get(section.index, 0) + item.checked
    page_bar = markup.progress("", sum(item.checked for item in shown), len(shown), checklist.title)
    if context.interactive:
        page_bar += markup.controls()
    page_heading = root[0] if len(root) and root[0].tag == "h1" else None
    root.insert(1 if page_heading is not None else 0, _decoration(context, page_bar, root))
    for heading, section in matched:
        total = totals.get(section.index, 0)
        parent = parents.get(heading)
        if not total or heading is page_heading or parent is None:
            continue
        slug = slugs.get(section.index, section.slug)
        bar = markup.progress(slug, done.get(section.index, 0), total, section.title)
        _insert_after(parent, heading, _decoration(context, bar, parent))


def _decoration(context: PageContext, html: str, parent: etree.Element) -> etree.Element:
    """A stand-in for ``html`` (see :attr:`PageContext.decorations`), to be inserted into
    ``parent``, until :class:`_DecorationTreeprocessor` makes it a comment."""
    context.decorations.append(html)
    stand_in = etree.Element(_DECORATION, {"n": str(len(context.decorations) - 1)})
    context.stand_ins.append((parent, stand_in))
    return stand_in


def _requirement_spans(text: str, context: PageContext) -> list[tuple[int, int, str]]:
    """``(start, end, id)`` of each requirement reference in ``text``: the whole phrase
    (``Requirement 29.2``) where a pattern matched it, else the ID alone."""
    matcher = context.matcher
    if matcher is None:
        return []
    found = list(matcher.find(text))
    if not found:
        return []
    phrases: dict[int, tuple[int, int]] = {}
    for pattern in matcher.patterns:
        for match in pattern.finditer(text):
            if "id" in pattern.groupindex and match.start("id") >= 0:
                phrases.setdefault(match.start("id"), (match.start(), match.end()))
    spans: list[tuple[int, int, str]] = []
    last = 0
    for ref_id, offset in found:
        start, end = phrases.get(offset, (offset, offset + len(ref_id)))
        if start < last:
            start, end = offset, offset + len(ref_id)
        if start < last:
            continue
        spans.append((start, end, ref_id))
        last = end
    return spans


def _list_lead(element: etree.Element) -> str:
    """The text of an emphasis a requirements list follows (``<strong>Requirements:</strong>
    2.1, 6.2``, as the engine reads ``**Requirements:** 2.1, 6.2``), else ``""``."""
    if element.tag not in _EMPHASIS_TAGS or len(element):
        return ""
    text = element.text or ""
    return text if LIST_LEAD.search(text) else ""


def _link_pieces(
    text: str, context: PageContext, parent: etree.Element, lead: str = ""
) -> tuple[str, list[etree.Element]] | None:
    """Split ``text`` into its leading text and requirement links; ``text`` passed the
    walk's cheap test (:func:`_requirement_links`). ``lead`` is the text of the emphasis
    just before ``text`` that reads as a list's lead-in: it is matched with ``text`` but
    stays where it is.

    A link is two decorations, its start and end tags, around its text (the pieces'
    tails): the search plugin reads the page before they are expanded. As ``<a>``
    elements, the links were most of the time the plugin added to the search plugin's
    HTML parsing on the 200-checklist benchmark corpus (0.22 of 0.26 s); as comments,
    a fifth of that. ``parent`` is the element the pieces go into."""
    if context.requirement_href is None:
        return None
    pieces: list[etree.Element] = []
    head: str | None = None
    cursor = 0
    if lead:
        lead = lead if lead.rstrip().endswith(":") or text.lstrip().startswith(":") else ""
    spans = _requirement_spans(lead + text, context)
    if lead:
        skip = len(lead)
        spans = [(start - skip, end - skip, ref_id) for start, end, ref_id in spans if start >= skip]
    for start, end, ref_id in spans:
        href = context.requirement_href(ref_id)
        if href is None:
            continue
        start_tag = _decoration(context, markup.requirement_link_start(href), parent)
        start_tag.tail = text[start:end]
        if pieces:
            pieces[-1].tail = text[cursor:start]
        else:
            head = text[cursor:start]
        pieces += (start_tag, _decoration(context, "</a>", parent))
        cursor = end
    if not pieces or head is None:
        return None
    pieces[-1].tail = text[cursor:]
    return head, pieces


def _any_text(text: str) -> bool:
    return True


def _requirement_links(root: etree.Element, context: PageContext) -> None:
    matcher = context.matcher
    if matcher is None:
        return
    may_match = matcher.may_match
    # Every ID the default patterns (and a requirements list) find has a digit; a
    # project's own pattern may find IDs without one (`SEC-LOGIN`).
    digit: Callable[[str], object] = _DIGIT.search if matcher.default_patterns else _any_text
    stack = [root]
    while stack:
        element = stack.pop()
        # Most text has no reference: test it here, and copy the children only when a
        # tail is split (a page has a hundred thousand text slots and a few hundred links).
        tails: list[etree.Element] = []
        for child in element:
            tail = child.tail
            if tail and digit(tail) and (may_match(tail) or _list_lead(child)):
                tails.append(child)
            if child.tag not in _NO_REQUIREMENT_LINKS:
                stack.append(child)
        for child in reversed(tails):  # right to left: earlier positions stay valid
            split = _link_pieces(child.tail or "", context, element, _list_lead(child))
            if split is not None:
                child.tail = split[0]
                position = list(element).index(child) + 1
                for offset, link in enumerate(split[1]):
                    element.insert(position + offset, link)
        text = element.text
        if text and may_match(text) and digit(text):
            split = _link_pieces(text, context, element)
            if split is not None:
                element.text = split[0]
                for position, link in enumerate(split[1]):
                    element.insert(position, link)


def _repository_links(links: list[etree.Element], context: PageContext) -> None:
    resolve = context.resolve_link
    if resolve is None:
        return
    for element in links:
        key = "href" if element.tag == "a" else "src"
        url = element.get(key)
        if not url:
            continue
        resolved = resolve(url, element.tag == "img")
        if resolved is None:
            continue
        if resolved.href is not None:
            element.set(key, resolved.href)
        elif element.tag == "a":
            element.tag = "span"
            del element.attrib["href"]
            element.set("class", "preflight-repo-file")
            element.set("title", resolved.repo_path)


class _DecorationTreeprocessor(Treeprocessor):  # type: ignore[misc]  # Markdown has no type hints
    """Turn decoration stand-ins into ``<!--pf:N-->`` comments: what the HTML parser of the
    search plugin skips without indexing (a few microseconds each, against the tags and
    text pieces of the decorations themselves), and what the page postprocessor or the
    plugin expands."""

    def __init__(self, md: Markdown, state: _State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        context = self.state.context
        if context is None:
            return
        for parent, stand_in in context.stand_ins:
            comment = etree.Comment(f"pf:{stand_in.get('n')}")
            comment.tail = stand_in.tail
            parent[list(parent).index(stand_in)] = comment
        context.stand_ins.clear()
        if context.headings:
            ids = ((section.index, heading.get("id")) for heading, section in context.headings)
            context.heading_ids = {index: anchor for index, anchor in ids if anchor}
            context.headings = []


class _LastTreeprocessor(Treeprocessor):  # type: ignore[misc]  # Markdown has no type hints
    """Marks that the tree is final (see ``_State.serialized``)."""

    def __init__(self, md: Markdown, state: _State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, root: etree.Element) -> None:
        self.state.serialized = True


class _PagePostprocessor(Postprocessor):  # type: ignore[misc]  # Markdown has no type hints
    """Expand the decorations and wrap the page (unless the plugin does it later); drop
    item markers Python-Markdown kept where the page processor cannot see them (raw HTML)."""

    def __init__(self, md: Markdown, state: _State) -> None:
        super().__init__(md)
        self.state = state

    def run(self, text: str) -> str:
        if _MARKER_PREFIX in text:
            text = _MARKER_RE.sub("", text)
        context = self.state.context
        if not self.state.serialized:
            return text  # a heading's inner HTML, for a table of contents
        self.state.serialized = False
        if context is None or context.deferred or context.checklist is None or not context.enhanced:
            return text
        text = markup.expand(text, context.decorations)
        return markup.wrap(
            text, context.checklist, context.markdown, context.site_key, context.interactive, context.slugs
        )
