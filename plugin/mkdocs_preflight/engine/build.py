"""From markdown-it tokens to the checklist model, in one pass over the token stream.

The tokens of a file are dropped as soon as its model is built: the model is all that
is kept (thousands of token streams do not fit in memory; thousands of models do).
"""

from __future__ import annotations

import gc
import re
import sys
from collections.abc import Sequence
from urllib.parse import unquote

import yaml
from markdown_it.token import Token

from ..config import SAFE_LOADER
from ..model import (
    SHELL_LANGS,
    Block,
    Checklist,
    CodeSpan,
    Command,
    Diagnostic,
    Item,
    Level,
    Link,
    RequirementDef,
    RequirementRef,
    RunDefaults,
    Section,
)
from . import ids
from .fences import FenceInfo, parse_comment, parse_info
from .inline import classify
from .markdown import parser
from .requirements import (
    LEAD_IN,
    Matcher,
    definition_pattern,
    front_matter_defs,
    heading_definition_pattern,
    literal_spans,
)
from .run_options import front_matter_timeout, yaml_text
from .slugs import toc_slugify, toc_unique
from .source import Source

_ID_MARKER = re.compile(r"[ \t]*\{:?[ \t]*#(?P<id>[^\s}]+)[^}\n]*\}[ \t]*$", re.M)
_HEADING_ATTRS = re.compile(r"[ \t]*\{:?[ \t]*(?P<body>[^}\n]*)\}[ \t]*$")
_TASK_LINE = re.compile(r"^[ \t>]*(?:[-*+]|\d{1,9}[.)])[ \t]+\[[ xX]\][ \t]")
_ITEM_LIKE = re.compile(r"[ \t>]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
"""A line that starts like a list item, after any block quote markers."""
_OPENER = re.compile(r"^[ \t>]*(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`\s].*)?$")
_ORDINAL = re.compile(r"^\s*(?:step|phase|stage)\s+(?P<n>\d+)\b", re.I)
_MALFORMED_ITEM = re.compile(r"^(?P<box>\[(?:|\s+[xX]|[xX]\s+|\s{2,}|[xX ])\])(?=\S|$)")
_MALFORMED_BOX_ONLY = re.compile(r"^\[(?:|\s+[xX]|[xX]\s+|\s{2,})\](?:\s|$)")
# preflight's own front matter keys and the usual ones of MkDocs and mkdocs-material pages
_FRONT_MATTER_KEYS = frozenset(
    {"title", "id", "owner", "tags", "requirements", "run", "description", "template", "hide", "status"}
    | {"search", "icon", "subtitle", "authors", "date"}
)
_GLUED_BULLET = re.compile(r"^(?P<marker>[-*+])\[[ xX]?\]", re.M)
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)(?P<tag>[A-Za-z_][\w]*)\1")
_COMMENT_PREFIXES = ("#", "//", "--")
_MARKER_AT_END = re.compile(r"[ \t]*\{:?[ \t]*#[^\s}]+[^}\n]*\}[ \t]*$")
"""An item's ``{ #id }`` marker at the end of one text token (``_ID_MARKER`` for a line)."""
_BREAKS = ("softbreak", "hardbreak")
_LIST_CLOSE = ("bullet_list_close", "ordered_list_close")


def _plain(children: Sequence[Token] | None, marker: bool = False) -> str:
    """The plain text of inline ``children``; with ``marker``, without the item's ``{ #id }``.

    The marker ends a line of the item's paragraph, not necessarily its last one (the
    engine and the site read it there), so it is cut from the text that ends that line.
    """
    if not children:
        return ""
    parts: list[str] = []
    last = len(children) - 1
    for index, child in enumerate(children):
        kind = child.type
        if kind == "text" and marker and (index == last or children[index + 1].type in _BREAKS):
            found = _MARKER_AT_END.search(child.content)
            if found is not None:
                marker = False
                parts.append(child.content[: found.start()])
                continue
            parts.append(child.content)
        elif kind == "text" or kind == "code_inline":
            parts.append(child.content)
        elif kind == "softbreak" or kind == "hardbreak":
            parts.append(" ")
        elif kind == "image":
            parts.append(_plain(child.children))
    return "".join(parts)


FRONT_MATTER_LIMIT = 100_000
"""Values (scalars, lists, mappings, counted as often as aliases repeat them) a front
matter may expand to. A few YAML aliases (``&a [*b, *b, ...]``) can stand for billions
of values: printing or copying them would exhaust the memory of ``preflight check``
and of the site build."""


def _expands_too_far(data: object) -> bool:
    """Whether ``data``, with every alias expanded, holds more than :data:`FRONT_MATTER_LIMIT` values."""
    budget = FRONT_MATTER_LIMIT
    stack = [data]
    while stack:
        value = stack.pop()
        budget -= 1
        if budget < 0:
            return True
        if isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, (list, tuple, set)):
            stack.extend(value)
    return False


class _Walker:
    """One walk over one file's tokens; produces a :class:`Checklist`."""

    def __init__(self, source: Source, matcher: Matcher) -> None:
        self.source = source
        self.path = source.path
        self.matcher = matcher
        self.lines = source.text.split("\n")
        self.checklist = Checklist(
            path=source.path,
            title="",
            sha256=source.sha256,
            line_count=len(self.lines),
            checkout_sha256=source.checkout_sha256,
        )
        self.checklist.diagnostics.extend(source.diagnostics)
        self.section: int | None = None
        self.slugs: set[str] = set()
        self.items_stack: list[Item | None] = []
        self.containers: list[str] = []
        """What encloses the current token (``list item``, ``blockquote``, ``admonition``...), innermost last."""
        self.container_lines: list[int] = []
        """The lines admonitions and content tabs around the current token start at."""
        self.owners: list[Item] = []
        """The task items of ``items_stack``, innermost last."""
        self.block_owners: list[Item | None] = []
        self.item_parents: list[Item | None] = []
        self.h1: str | None = None
        # Requirement definitions in the document.
        self.req_heading_level: int | None = None
        self.lead_in_line: int | None = None
        self.def_list_level: int | None = None
        self.pending_options: tuple[int, dict[str, str]] | None = None
        self.comment_run: tuple[int, int] | None = None
        """First and last line of the latest run of ``<!-- preflight: ... -->`` comment lines."""
        self.early_close: tuple[Block, int, int] | None = None

    # -- helpers ---------------------------------------------------------------------

    def diag(self, code: str, message: str, line: int, col: int = 1, level: Level = Level.WARNING) -> None:
        self.checklist.diagnostics.append(Diagnostic(code, message, self.path, line, col, level))

    def col_of(self, line: int, needle: str, default: int = 1, after: int = 0) -> int:
        """1-based column of ``needle`` in source line ``line`` (1-based), from column ``after + 1``."""
        if 1 <= line <= len(self.lines) and needle:
            found = self.lines[line - 1].find(needle, after)
            if found >= 0:
                return found + 1
        return default

    def owner(self) -> Item | None:
        return self.owners[-1] if self.owners else None

    def refs_in(self, text: str, first_line: int, context: str) -> list[RequirementRef]:
        refs: list[RequirementRef] = []
        literal: list[tuple[int, int]] | None = None
        for ref_id, offset in self.matcher.find(text):
            if literal is None:
                # In Markdown text, an ID in a code span or a link's destination is literal
                # (found only once a reference is: most texts have none).
                literal = literal_spans(text) if context != "code" else []
            if literal and any(start <= offset < end for start, end in literal):
                continue
            line = first_line + text.count("\n", 0, offset)
            line_start = text.rfind("\n", 0, offset) + 1
            fragment = text[line_start:offset]
            found = self.col_of(line, fragment + ref_id, 0)  # 0: not on the source line as written
            col = found + len(fragment) if found else offset - line_start + 1
            ref = RequirementRef(ref_id, line, col, context)  # type: ignore[arg-type]
            refs.append(ref)
            self.checklist.requirement_refs.append(ref)
        return refs

    # -- the walk --------------------------------------------------------------------

    def run(self, tokens: list[Token]) -> Checklist:
        count = len(tokens)
        if count and tokens[0].type == "hr" and tokens[0].map == [0, 1]:
            self.unclosed_front_matter()
        i = 0
        while i < count:
            token = tokens[i]
            kind = token.type
            if kind == "inline":
                previous = tokens[i - 1] if i else None
                span = token.map
                # More lines of a paragraph: some may look like list items.
                if span is not None and span[1] - span[0] > 1 and previous and previous.type == "paragraph_open":
                    self.item_like_text(span[0] + 2, span[1])
                self.inline(token, previous)
            elif kind == "heading_open":
                self.heading(token, tokens[i + 1])
                i += 2  # the heading's inline token is handled here
            elif kind == "list_item_open":
                self.containers.append("list item")
                self.list_item(token, tokens, i)
            elif kind == "list_item_close":
                self.containers.pop()
                if self.items_stack and self.items_stack.pop() is not None:
                    self.owners.pop()
            elif kind == "blockquote_open" or kind == "container_open":
                meta = token.meta or {}
                self.containers.append(
                    "blockquote"
                    if kind == "blockquote_open"
                    else "content tab"
                    if meta.get("kind") == "tab"
                    else "admonition"
                )
                if kind == "container_open":
                    self.container_lines.append((token.map or [0])[0] + 1)
                    if '"' in token.info:
                        self.container_title(token)
            elif kind == "blockquote_close" or kind == "container_close":
                self.containers.pop()
                if kind == "container_close" and self.container_lines:
                    self.container_lines.pop()
            elif kind == "fence":
                self.fence(token, tokens[i - 1] if i else None)
            elif kind == "code_block":
                self.code_block(token, tokens, i)
            elif kind == "html_block":
                start, end = token.map or [0, 1]
                # A comment of its own sits on its last line (the line before what it covers);
                # a suppression is reported where it starts, at its `<!--`.
                own = end == start + 1
                self.html(token.content, end, self.col_of(start + 1, "<!--"), own_line=own, first=start + 1)
            elif kind == "front_matter":
                self.front_matter(token)
            elif kind in ("bullet_list_open", "ordered_list_open"):
                if self.lead_in_line is not None and token.level == 0:
                    self.def_list_level = token.level
                self.lead_in_line = None
            elif kind in ("bullet_list_close", "ordered_list_close"):
                if self.def_list_level is not None and token.level == self.def_list_level:
                    self.def_list_level = None
            elif kind == "paragraph_open" and token.level == 0:
                self.lead_in_line = None
            i += 1
        return self.finish()

    def code_block(self, token: Token, tokens: list[Token], index: int) -> None:
        """Note an indented code block right after a list, at the top level, in block
        quotes, right in a task item or in admonitions and content tabs only."""
        containers = self.containers
        owner = self.items_stack[-1] if containers and containers[-1] == "list item" else None
        column = 0
        if not token.map or (owner is None and "list item" in containers):
            return
        if any(kind not in ("blockquote", "list item") for kind in containers):
            if any(kind not in ("admonition", "content tab") for kind in containers) or not self.container_lines:
                return
            # Their text starts four columns in from the line that opens the innermost one.
            opening = self.lines[self.container_lines[-1] - 1].expandtabs(4)
            column = len(opening) - len(opening.lstrip(" ")) + 4
        before = index - 1
        # Python-Markdown joins block quotes that only a blank line parts: look through them.
        while before > 1 and tokens[before].type == "blockquote_open" and tokens[before - 1].type == "blockquote_close":
            before -= 2
        if before >= 0 and tokens[before].type in _LIST_CLOSE:
            self.checklist.code_after_lists.append((token.map[0] + 1, owner.line if owner is not None else 0, column))

    def item_like_text(self, first: int, last: int) -> None:
        """Note the lines ``first`` to ``last`` (1-based, more lines of a paragraph) that
        start like a list item: text to CommonMark, an item to Python-Markdown."""
        lines = self.lines
        match = _ITEM_LIKE.match
        found = self.checklist.item_like_text
        for line in range(first, min(last, len(lines)) + 1):
            if match(lines[line - 1]):
                found.append(line)

    def unclosed_front_matter(self) -> None:
        """``---`` then front matter keys and no closing ``---``: front matter read as text.

        Only when the lines up to the first blank one are a YAML mapping with a key that
        front matter has (``title:``, ``owner:``...): a rule followed by ``Note: ...`` is text.
        """
        lines = self.lines
        if len(lines) < 2 or lines[0].rstrip() != "---" or ":" not in lines[1]:
            return
        # The keys end at a blank line or a heading, where the writer's text starts.
        end = next((i for i, text in enumerate(lines) if i and (not text.strip() or text.startswith("#"))), len(lines))
        head = lines[1:end]
        try:
            data = yaml.load("\n".join(head), Loader=SAFE_LOADER)
        except yaml.YAMLError:
            return
        if isinstance(data, dict) and not _FRONT_MATTER_KEYS.isdisjoint(str(key) for key in data):
            self.diag(
                "PF107",
                "Front matter is never closed, so it is read as text and its keys are ignored: "
                "end it with a `---` line",
                1,
                1,
                Level.ERROR,
            )

    def front_matter(self, token: Token) -> None:
        start, self.checklist.front_matter_lines = token.map or [0, 1]
        try:
            data = yaml.load(token.content, Loader=SAFE_LOADER)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = start + 2 + (mark.line if mark else 0)
            problem = getattr(exc, "problem", None) or "cannot be parsed"
            self.diag(
                "PF107",
                f"Front matter is not valid YAML: {problem}",
                line,
                (mark.column + 1) if mark else 1,
                Level.ERROR,
            )
            return
        if data is None:
            return
        if not isinstance(data, dict):
            self.diag("PF107", "Front matter must be a mapping of keys to values", start + 2, 1, Level.ERROR)
            return
        if _expands_too_far(data):
            self.diag(
                "PF107",
                f"Front matter is too large: its YAML aliases expand to more than {FRONT_MATTER_LIMIT:,} values",
                start + 2,
                1,
                Level.ERROR,
            )
            return
        checklist = self.checklist
        checklist.front_matter = data
        # Scalars (`id: 7`, `title: 2024-05-01`) are text, as written; a list or a mapping
        # where text goes is reported, not dropped in silence.
        texts = {key: data.get(key) for key in ("title", "id", "owner", "tags")}
        for key, value in texts.items():
            if isinstance(value, dict) or (isinstance(value, list) and key != "tags"):
                kind = "text or a list of text" if key == "tags" else "text"
                line, col = _key_position(token, key)
                shown = yaml_text(value)
                self.diag("PF107", f"Front matter `{key}: {shown}` must be {kind}: ignored", line, col)
                texts[key] = None
        title, prefix, owner, tags = texts.values()
        if title is not None:
            checklist.title = str(title)
        if prefix is not None:
            checklist.prefix = str(prefix)
        if owner is not None:
            checklist.owner = str(owner)
        if isinstance(tags, list):
            checklist.tags = [str(t) for t in tags]
        elif tags is not None:
            checklist.tags = [str(tags)]
        run = data.get("run")
        if isinstance(run, dict):
            env = run.get("env")
            checklist.run = RunDefaults(
                # Text only: PF307 reports any other value as ignored, so nothing may use it.
                shell=_text(run.get("shell")),
                cwd=_text(run.get("cwd")),
                env={str(k): str(v) for k, v in env.items()} if isinstance(env, dict) else {},
                timeout=front_matter_timeout(run.get("timeout")),
            )
        if "requirements" in data:
            defs, problems = front_matter_defs(token.content, self.path, start + 2)
            checklist.requirement_defs.extend(defs)
            for message, line, col in problems:
                self.diag("PF107", f"Front matter `requirements`: {message}", line, col)

    def container_title(self, token: Token) -> None:
        """An admonition's or a tab's title (`!!! note "Check REQ-7"`): text on the site."""
        owner = self.owner()
        refs = self.refs_in(token.info, (token.map or [0, 1])[0] + 1, "item" if owner else "paragraph")
        if owner is not None:
            owner.refs.extend(refs)

    def heading(self, token: Token, inline: Token) -> None:
        level = int(token.tag[1])
        line = (token.map or [0, 1])[0] + 1
        text = _plain(inline.children)
        explicit = None
        attrs = _HEADING_ATTRS.search(text)
        if attrs:
            words = attrs.group("body").split()
            explicit = next((w[1:] for w in words if w.startswith("#") and len(w) > 1), None)
            text = text[: attrs.start()]
        text = " ".join(text.split())
        if level == 1 and self.h1 is None:
            self.h1 = text
        if self.req_heading_level is not None and level <= self.req_heading_level:
            self.req_heading_level = None
        definition = heading_definition_pattern().match(text) if self.req_heading_level is not None else None
        if definition:
            self.checklist.requirement_defs.append(
                RequirementDef(definition.group("id"), definition.group("title"), "document", self.path, line)
            )
        elif LEAD_IN.search(text) and not self.matcher_hits(text):
            self.req_heading_level = level
        parent = self.section
        while parent is not None and self.checklist.sections[parent].level >= level:
            parent = self.checklist.sections[parent].parent
        slug = explicit or toc_slugify(text)
        slug = toc_unique(slug, self.slugs)
        ordinal = _ORDINAL.match(text)
        section = Section(
            index=len(self.checklist.sections),
            level=level,
            title=text,
            slug=slug,
            line=line,
            parent=parent,
            ordinal=int(ordinal.group("n")) if ordinal else None,
        )
        if not definition:
            section.refs = self.refs_in(inline.content, line, "heading")
        self.collect_inline(inline, line, None)
        self.checklist.sections.append(section)
        self.section = section.index
        self.lead_in_line = None

    def matcher_hits(self, text: str) -> bool:
        return next(iter(self.matcher.find(text)), None) is not None

    def list_item(self, token: Token, tokens: list[Token], index: int) -> None:
        meta = token.meta
        start, end = token.map or [0, 1]
        if not meta or "checked" not in meta:
            self.items_stack.append(None)
            self.malformed_item(tokens, index, start + 1)
            return
        line = start + 1
        parent = self.owner()
        inline = tokens[index + 2] if index + 2 < len(tokens) and tokens[index + 2].type == "inline" else None
        raw = inline.content if inline is not None else ""
        # The checkbox: after the parent's, when the item starts on its parent's line (`- [ ] - [ ] x`).
        col = self.col_of(line, "[", 1, parent.col if parent is not None and parent.line == line else 0)
        item = Item(
            id="",
            text="",
            checked=bool(meta["checked"]),
            line=line,
            end_line=max(line, end),
            text_end_line=inline.map[1] if inline is not None and inline.map else line,
            col=col,
            marker=(token.info + token.markup) if token.info else token.markup,
            depth=len(self.owners),
            parent=None,  # set by ids.assign once item IDs are final
            section=self.section,
        )
        self.item_parents.append(parent)
        marker = _ID_MARKER.search(raw) if "{" in raw else None
        if marker and raw.count("`", 0, marker.start()) % 2:
            marker = None  # inside a code span: literal text, as on the site
        if marker:
            item.id = marker.group("id")
            item.explicit_id = True
            marker_line = line + raw.count("\n", 0, marker.start())
            marker_text = marker.group(0).strip()
            # The marker ends its line: the same text may be quoted earlier (`{ #id }` in code).
            source = self.lines[marker_line - 1] if 1 <= marker_line <= len(self.lines) else ""
            marker_col = source.rfind(marker_text) + 1 or 1
            item.id_marker = (marker_line, marker_col, marker_col + len(marker_text))
        self.items_stack.append(item)
        self.owners.append(item)
        self.checklist.items.append(item)
        if inline is not None:
            text = _plain(inline.children, marker is not None)
            item.text = " ".join(text.split())
            item.refs = self.refs_in(raw, line, "item")
            self.collect_inline(inline, line, item)
            inline.meta = {"preflight_item": True}

    def malformed_item(self, tokens: list[Token], index: int, line: int) -> None:
        if index + 2 >= len(tokens) or tokens[index + 2].type != "inline":
            return
        inline = tokens[index + 2]
        content = inline.content
        if _MALFORMED_BOX_ONLY.match(content) or _MALFORMED_ITEM.match(content):
            if inline.children and inline.children[0].type == "link_open":
                return  # `- [x](https://...)`: a link whose text is `x`, as the site shows it
            box = content.split("]", 1)[0] + "]"
            if content.rstrip() == box and box in ("[ ]", "[x]", "[X]"):
                message = f"Task item `{box}` has no text: write the step after the box (`- {box} Tag the release`)"
            else:
                message = f"Malformed checkbox `{box}`: write `[ ]` or `[x]` followed by a space and the item text"
            self.diag("PF106", message, line, self.col_of(line, box), Level.WARNING)

    def inline(self, token: Token, previous: Token | None) -> None:
        if token.meta and token.meta.get("preflight_item"):
            return
        line = (token.map or [0, 1])[0] + 1
        content = token.content
        owner = self.owner()
        if "[" in content:
            for glued in _GLUED_BULLET.finditer(content):
                at = line + content.count("\n", 0, glued.start())
                self.diag(
                    "PF106",
                    f"`{glued.group(0)}` is not a task item: put a space after `{glued.group('marker')}`",
                    at,
                    self.col_of(at, glued.group(0)),
                )
        # Requirement definitions: `ID: title` items of a definitions list.
        in_def_list = self.def_list_level is not None or (self.req_heading_level is not None and self.items_stack)
        if in_def_list and self.items_stack and self.items_stack[-1] is None:
            definition = definition_pattern().match(_plain(token.children))
            if definition:
                self.checklist.requirement_defs.append(
                    RequirementDef(definition.group("id"), definition.group("title"), "document", self.path, line)
                )
                self.collect_inline(token, line, owner)
                return
        refs = self.refs_in(content, line, "item" if owner else "paragraph")
        if owner is not None:
            owner.refs.extend(refs)
        self.collect_inline(token, line, owner)
        if (
            not self.items_stack
            and previous is not None
            and previous.type == "paragraph_open"
            and previous.level == 0
            and LEAD_IN.search(content)
            and content.rstrip("*_ ").endswith(":")
        ):
            self.lead_in_line = line

    def collect_inline(self, token: Token, first_line: int, owner: Item | None) -> None:
        children = token.children
        if not children:
            return
        line = first_line
        checklist = self.checklist
        link: Link | None = None
        # Where the last placed element of each line ends: the next one is searched after
        # it, so that `a.sh` twice on a line, or a span whose text the line has earlier
        # (`make x then \`make x\``), gets its own column.
        cursor: dict[int, int] = {}

        def place(line: int, needle: str, skip: int) -> int | None:
            """1-based column of ``needle`` after the line's cursor, plus ``skip``; moves the cursor."""
            if not 1 <= line <= len(self.lines) or not needle:
                return None
            found = self.lines[line - 1].find(needle, cursor.get(line, 0))
            if found < 0:
                return None
            cursor[line] = found + len(needle)
            return found + 1 + skip

        def span_end(line: int, markup: str) -> int:
            """The line where a code span that wraps after ``line`` closes (the cursor moves past it)."""
            number, start = line + 1, 0
            while 1 <= number <= len(self.lines):
                end = self.lines[number - 1].find(markup, start)
                if end >= 0:
                    cursor[number] = end + len(markup)
                    return number
                number += 1
            return line

        def target_place(line: int, target: str, text: str) -> tuple[int, int, str]:
            """Line and column of a link's target: after ``](`` on ``line``, else on the next line;
            for a reference link (``[text][label]``, the target is elsewhere), its text. Then
            the target as written, when that is not ``target`` (else ``""``)."""
            # markdown-it percent-encodes the target (`café.md`, `<my file.md>`): try it as written too.
            written = unquote(target)
            for needle, skip, as_written in (
                ("](" + target, 2, ""),
                ("](" + written, 2, written),
                ("](<" + written, 3, written),
            ):
                found = place(line, needle, skip)
                if found is not None:
                    return line, found, as_written
            if 1 <= line < len(self.lines) and self.lines[line - 1].rstrip().endswith("]("):
                found = self.lines[line].find(target)  # `[text](` ends the line, the target starts the next
                if found >= 0:
                    cursor[line + 1] = found + len(target)
                    return line + 1, found + 1, ""
            found = place(line, "[" + text, 1) if text else None
            return line, found or self.col_of(line, "](" + target, 0) + 2, ""

        for child in children:
            kind = child.type
            if kind == "softbreak" or kind == "hardbreak":
                line += 1
            elif kind == "code_inline":
                content = child.content
                span_line = line
                col = place(line, "`" + content, 1) or place(line, content, 0)
                if col is None:
                    # A span that wraps onto the next line: its first word is on this one, and
                    # what follows it is on the line where it closes.
                    col = place(line, "`" + content.split(" ", 1)[0], 1) or self.col_of(line, content)
                    line = span_end(line, child.markup or "`")
                span = CodeSpan(content, classify(content), span_line, col)
                checklist.code_spans.append(span)
                if owner is not None:
                    owner.code_spans.append(span)
            elif kind == "link_open":
                # Placed at its end, when the line is that of `](target` (the text may wrap).
                link = Link(str(child.attrs.get("href", "")), "", line, 1)
                checklist.links.append(link)
                if owner is not None:
                    owner.links.append(link)
            elif kind == "link_close":
                if link is not None and link.target:
                    link.line, link.col, link.written = target_place(line, link.target, link.text.split("\n", 1)[0])
                    line = link.line
                link = None
            elif kind == "text" and link is not None:
                link.text += child.content
            elif kind == "image":
                target = str(child.attrs.get("src", ""))
                line += sum(1 for c in child.children or () if c.type in ("softbreak", "hardbreak"))
                at_line, col, written = target_place(line, target, "") if target else (line, 1, "")
                line = at_line
                image = Link(target, _plain(child.children), at_line, col, image=True, written=written)
                checklist.links.append(image)
                if owner is not None:
                    owner.links.append(image)
            elif kind == "html_inline":
                self.html(child.content, line, place(line, child.content, 0) or self.col_of(line, child.content))

    def html(self, content: str, line: int, col: int = 1, *, own_line: bool = False, first: int = 0) -> None:
        """A ``<!-- preflight: ... -->`` comment whose last line is ``line``; ``first`` is
        the line where it starts, at column ``col`` (the same line when ``0``)."""
        if "preflight" not in content:
            return
        parsed = parse_comment(content)
        if parsed is None:
            return
        if own_line:
            # Comments stacked on the lines right above a fence (options and suppressions,
            # in any order) all belong to it.
            run = self.comment_run
            self.comment_run = (run[0], line) if run is not None and run[1] == line - 1 else (line, line)
        kind, values = parsed
        if kind == "ignore":
            self.checklist.suppressions.append((first or line, col, frozenset(values), line))
        else:
            self.pending_options = (line, values)

    def fence(self, token: Token, previous: Token | None) -> None:
        start, end = token.map or [0, 1]
        line = start + 1
        info = parse_info(token.info)
        run, self.comment_run = self.comment_run, None
        attached = run is not None and run[1] == start and previous is not None and previous.type == "html_block"
        options_line = 0
        if self.pending_options is not None:
            comment_line, values = self.pending_options
            self.pending_options = None
            if attached and run is not None and run[0] <= comment_line <= run[1]:
                options_line = comment_line
                for key, value in values.items():
                    info.options.setdefault(key, value)
                if "id" in values and info.id_source == "auto":
                    info.id_source = "comment"
        code = token.content
        content_lines = code.count("\n")
        closed = content_lines != end - start - 1 or (end - start >= 2 and self.is_closing(end, token.markup))
        owner = self.owner()
        block = self.make_block(info, token, code, line, end, closed, owner)
        block.options_line = options_line
        block.lead_line = run[0] if attached and run is not None else 0
        self.checklist.blocks.append(block)
        self.block_owners.append(owner)
        self.check_fence(block, token.markup, info, owner)

    def is_closing(self, end: int, markup: str) -> bool:
        if end - 1 >= len(self.lines):
            return False
        last = self.lines[end - 1].lstrip(" \t>")
        return last.startswith(markup) and not last.strip(markup[0] + " \t")

    def make_block(
        self, info: FenceInfo, token: Token, code: str, line: int, end: int, closed: bool, owner: Item | None
    ) -> Block:
        lang = info.lang
        commands: list[Command] = []
        manual = False
        if lang in SHELL_LANGS:
            commands = console_commands(code, line + 1) if lang == "console" else shell_commands(code, line + 1)
            manual = not commands and bool(code.strip())
        refs: list[str] = []
        if self.matcher.may_match(code):
            for offset, text in enumerate(code.split("\n")):
                stripped = text.lstrip()
                if stripped.startswith(_COMMENT_PREFIXES):
                    refs.extend(r.id for r in self.refs_in(text, line + 1 + offset, "code"))
        explicit = info.options.get("id")
        block = Block(
            id=explicit or "",
            lang=lang,
            info=token.info,
            options=dict(info.options),
            code=code,
            line=line,
            end_line=end,
            col=self.col_of(line, token.markup),
            fence=token.markup,
            item=None,  # set by ids.assign once item IDs are final
            section=self.section,
            runnable=lang in SHELL_LANGS and bool(commands) and info.options.get("run") != "never",
            manual=manual,
            commands=commands,
            explicit_id=bool(explicit),
            id_source=info.id_source if explicit else "auto",  # type: ignore[arg-type]
            closed=closed,
            requirements=refs,
        )
        return block

    def check_fence(self, block: Block, markup: str, info: FenceInfo, owner: Item | None) -> None:
        early, self.early_close = self.early_close, None
        if block.closed and early is None and not (info.lang and markup[:3] in block.code):
            return  # the common case: a closed block with nothing fence-like inside
        lines = block.code.split("\n")
        hidden = sum(1 for text in lines if _TASK_LINE.match(text)) if not block.closed or early else 0
        items = f"{hidden} task item{'s' if hidden != 1 else ''}"
        level = Level.ERROR if hidden else Level.WARNING
        if early is not None and not info.lang:
            outer, nested_line, close_line = early
            reach = f"to line {block.end_line}" if block.closed else "to the end of the " + self.container()
            self.diag(
                "PF105",
                f"Code fence closes early at line {close_line} because the nested fence at line {nested_line} "
                f"is not shorter than it; the fence at line {block.line} then runs {reach} and hides {items} "
                f"(use a longer outer fence, e.g. {markup[0] * (len(markup) + 1)})",
                outer.line,
                outer.col,
                level,
            )
            return
        if not block.closed:
            self.diag(
                "PF105",
                f"Code fence is never closed: everything up to the end of the {self.container()} "
                f"is read as code and hides {items}",
                block.line,
                block.col,
                level,
            )
            return
        # Only a fence that holds a line starting like its own fence can close early.
        if info.lang and markup[:3] in block.code:
            for offset, text in enumerate(lines):
                opener = _OPENER.match(text)
                if (
                    opener
                    and opener.group("info")
                    and opener.group("fence")[0] == markup[0]
                    and len(opener.group("fence")) >= len(markup)
                ):
                    self.early_close = (block, block.line + 1 + offset, block.end_line)
                    break

    def container(self) -> str:
        """What an unclosed fence here runs to the end of: the innermost container, else the file."""
        return self.containers[-1] if self.containers else "file"

    def finish(self) -> Checklist:
        checklist = self.checklist
        if not checklist.title:
            checklist.title = self.h1 or _title_from_path(self.path)
        ids.assign(checklist, self.item_parents, self.block_owners, self.lines)
        _inherit_requirements(checklist)
        return checklist


def _title_from_path(path: str) -> str:
    stem = path.rsplit("/", 1)[-1]
    stem = stem[:-3] if stem.endswith(".md") else stem
    return stem.replace("-", " ").replace("_", " ").strip().capitalize() or stem


def _inherit_requirements(checklist: Checklist) -> None:
    section_reqs: dict[int | None, list[str]] = {None: []}
    for section in checklist.sections:
        inherited = section_reqs.get(section.parent, [])
        section_reqs[section.index] = _unique(inherited + [r.id for r in section.refs])
    by_id = {item.id: item for item in checklist.items}
    for item in checklist.items:
        parent = by_id.get(item.parent) if item.parent else None
        base = parent.requirements if parent else section_reqs.get(item.section, [])
        item.requirements = _unique([r.id for r in item.refs] + base) if item.refs else list(base)
    for block in checklist.blocks:
        owner = by_id.get(block.item) if block.item else None
        base = owner.requirements if owner else section_reqs.get(block.section, [])
        block.requirements = _unique(block.requirements + base)


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def shell_commands(code: str, first_line: int) -> list[Command]:
    """Logical commands of a shell block: no blanks, no comments, continuations joined."""
    commands: list[Command] = []
    pending: list[str] = []
    pending_line = 0
    heredoc: str | None = None
    for offset, raw in enumerate(code.split("\n")):
        text = raw.strip()
        if heredoc is not None:
            if text == heredoc:
                heredoc = None
            continue
        if not pending and (not text or text.startswith("#")):
            continue
        if not pending:
            pending_line = first_line + offset
        if text.endswith("\\") and not text.endswith("\\\\"):
            pending.append(text[:-1].rstrip())
            continue
        pending.append(text)
        command = " ".join(p for p in pending if p)
        pending = []
        commands.append(Command(command, pending_line))
        doc = _HEREDOC.search(command)
        if doc:
            heredoc = doc.group("tag")
    if pending:
        commands.append(Command(" ".join(p for p in pending if p), pending_line))
    return commands


def console_commands(code: str, first_line: int) -> list[Command]:
    """``$ `` lines of a console block, with the output documented after each."""
    commands: list[Command] = []
    current: Command | None = None
    output: list[str] = []
    continuing = False
    for offset, raw in enumerate(code.split("\n")):
        stripped = raw.lstrip()
        if continuing and current is not None:
            part = stripped[2:] if stripped.startswith("> ") else stripped
            continuing = part.endswith("\\")
            current.text += " " + part.rstrip("\\").strip()
            continue
        if stripped.startswith("$ ") or stripped == "$":
            if current is not None:
                current.expected = _output(output)
            output = []
            body = stripped[2:].strip()
            continuing = body.endswith("\\")
            current = Command(body.rstrip("\\").strip(), first_line + offset)
            if current.text or continuing:
                commands.append(current)
        elif current is not None:
            output.append(raw)
    if current is not None:
        current.expected = _output(output)
    return commands


def _output(lines: list[str]) -> str:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return "\n".join(lines)


def build(source: Source, matcher: Matcher) -> Checklist:
    """Parse decoded source into a checklist. Never raises on any input."""
    # markdown-it allocates hundreds of thousands of small, acyclic objects per file;
    # the cyclic GC would scan them again and again for nothing (~20% of the time).
    # Reference counting frees them; any cycle is collected once GC is back on.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _Walker(source, matcher).run(_tokens(source.text))
    finally:
        if enabled:
            gc.enable()


def _tokens(text: str) -> list[Token]:
    md = parser()
    try:
        return md.parse(text)
    except RecursionError:
        # Pathological nesting (thousands of levels): parse again with more stack.
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 200_000))
        try:
            return md.parse(text)
        finally:
            sys.setrecursionlimit(limit)


def _text(value: object) -> str | None:
    """A front matter value that must be text: itself when it is non-empty text, else ``None``."""
    return value if isinstance(value, str) and value else None


def _key_position(token: Token, key: str) -> tuple[int, int]:
    """Line and column of a top-level front matter key (composed again: only on a finding)."""
    start = (token.map or [0, 1])[0] + 2
    try:
        node = yaml.compose(token.content, Loader=SAFE_LOADER)
    except yaml.YAMLError:
        return start, 1
    position = (start, 1)
    if isinstance(node, yaml.MappingNode):
        for name, _value in node.value:
            if isinstance(name, yaml.ScalarNode) and name.value == key:
                position = (start + name.start_mark.line, name.start_mark.column + 1)  # the last one wins, as in load
    return position
