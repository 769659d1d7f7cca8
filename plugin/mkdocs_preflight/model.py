"""The checklist model: what the engine extracts from one Markdown checklist.

Every element keeps its source position (1-based line; 1-based column where known) so
that every front end (the CLI, the MkDocs plugin, the runner) can point a writer at the
exact place in the file. The model holds no Markdown tokens: it is small, plain data,
cheap to keep for thousands of files.

The dataclasses here and on the rest of the ``check`` path are declared with
``eq=False, repr=False`` unless something compares or prints them (:class:`Diagnostic`
is compared): every generated method is source that Python compiles at import, about
0.1 ms each, and start-up is most of what checking one file costs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

SHELL_LANGS = frozenset({"bash", "sh", "shell", "zsh", "console"})
"""Fence languages whose blocks are runnable commands."""

SpanKind = Literal["command", "path", "literal"]
RefContext = Literal["heading", "item", "paragraph", "code", "front-matter"]
DefSource = Literal["front-matter", "registry", "document"]
RunMode = Literal["auto", "manual", "never"]


class Level(str, Enum):
    """How serious a diagnostic is. Ordered: ``ERROR > WARNING > INFO``."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """A number that orders levels: higher is more serious."""
        return {"info": 0, "warning": 1, "error": 2}[self.value]


@dataclass(slots=True)
class Diagnostic:
    """One finding, at a place in a file.

    ``level`` is the rule's default level as the producer knows it; the rule registry
    and the user's configuration may change it before it is reported.
    """

    code: str
    message: str
    path: str
    line: int
    col: int = 1
    level: Level = Level.WARNING
    fixable: bool = False

    def sort_key(self) -> tuple[str, int, int, str]:
        """Sort by file, line, column, code (the order ruff prints in)."""
        return (self.path, self.line, self.col, self.code)


@dataclass(slots=True, eq=False, repr=False)
class CodeSpan:
    """An inline code span, classified by what it most likely is."""

    text: str
    kind: SpanKind
    line: int
    col: int


@dataclass(slots=True, eq=False, repr=False)
class Link:
    """A Markdown link (inline or reference style) or an image."""

    target: str
    text: str
    line: int
    col: int
    image: bool = False
    written: str = ""
    """The target as the source writes it, when markdown-it changed it (``café.md`` for
    ``caf%C3%A9.md``); empty when it is :attr:`target` itself or unknown."""


@dataclass(slots=True, eq=False, repr=False)
class RequirementRef:
    """A reference to a requirement ID somewhere in a checklist."""

    id: str
    line: int
    col: int
    context: RefContext


@dataclass(slots=True, eq=False, repr=False)
class RequirementDef:
    """A requirement definition: an ID and its title, and where it was defined."""

    id: str
    title: str
    source: DefSource
    path: str
    line: int


@dataclass(slots=True, eq=False, repr=False)
class Command:
    """One logical command of a runnable block.

    Lines continued with a trailing backslash are joined into one command; ``line``
    is the 1-based source line of its first physical line. For ``console`` blocks,
    ``expected`` is the documented output that follows the ``$`` line.
    """

    text: str
    line: int
    expected: str | None = None


@dataclass(slots=True, eq=False, repr=False)
class Block:
    """A fenced code block.

    ``code`` is the exact content, with the container indentation removed as
    CommonMark removes it. ``line`` is the line of the opening fence.
    """

    id: str
    lang: str
    info: str
    options: dict[str, str]
    code: str
    line: int
    end_line: int
    col: int
    fence: str
    item: str | None
    section: int | None
    runnable: bool
    manual: bool
    commands: list[Command]
    explicit_id: bool = False
    id_source: Literal["auto", "option", "brace", "comment"] = "auto"
    closed: bool = True
    requirements: list[str] = field(default_factory=list)
    """Requirement IDs that apply: own comments, the owning item's and the section's."""
    options_line: int = 0
    """The line of the ``<!-- preflight: key=value -->`` comment that gives options (0: none)."""
    lead_line: int = 0
    """The first of the ``<!-- preflight: ... -->`` comment lines right above the fence (0: none)."""

    @property
    def is_shell(self) -> bool:
        """Whether the block's language is a shell language (runnable or not)."""
        return self.lang in SHELL_LANGS

    @property
    def run_mode(self) -> RunMode:
        """The ``run`` option: ``auto`` unless the writer chose ``manual`` or ``never``."""
        mode = self.options.get("run", "auto")
        return mode if mode in ("auto", "manual", "never") else "auto"  # type: ignore[return-value]

    @property
    def destructive(self) -> bool | None:
        """The ``destructive`` option, or ``None`` when the writer did not set it."""
        value = self.options.get("destructive")
        if value is None:
            return None
        return value.lower() in ("true", "yes", "1", "")


@dataclass(slots=True, eq=False, repr=False)
class Item:
    """A task list item: a list item whose text starts with ``[ ]``, ``[x]`` or ``[X]``."""

    id: str
    text: str
    checked: bool
    line: int
    end_line: int
    col: int
    marker: str
    depth: int
    parent: str | None
    section: int | None
    children: list[str] = field(default_factory=list)
    code_spans: list[CodeSpan] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    refs: list[RequirementRef] = field(default_factory=list)
    requirements: list[str] = field(default_factory=list)
    """Requirement IDs that apply: the item's own references, then its sections'."""
    explicit_id: bool = False
    id_marker: tuple[int, int, int] | None = None
    """Where a ``{ #id }`` marker sits: (line, start col, end col), 1-based, end exclusive."""
    text_end_line: int = 0
    """The last line of the item's own text (its first paragraph), 1-based; 0 if unknown."""


@dataclass(slots=True, eq=False, repr=False)
class Section:
    """A heading and what follows it up to the next heading of the same or higher level."""

    index: int
    level: int
    title: str
    slug: str
    line: int
    parent: int | None
    ordinal: int | None = None
    """The step number of headings like ``Step 3: Deploy``, else ``None``."""
    items: list[str] = field(default_factory=list)
    blocks: list[str] = field(default_factory=list)
    refs: list[RequirementRef] = field(default_factory=list)


@dataclass(slots=True, eq=False, repr=False)
class RunDefaults:
    """The ``run:`` front matter defaults for every block of a checklist."""

    shell: str | None = None
    cwd: str | None = None
    env: dict[str, str] = field(default_factory=dict)
    timeout: float | None = None


@dataclass(slots=True, eq=False, repr=False)
class Checklist:
    """Everything the engine knows about one checklist file."""

    path: str
    """Path relative to the project root, with ``/`` separators."""
    title: str
    sha256: str
    """The sha256 of the file's bytes."""
    front_matter: dict[str, Any] = field(default_factory=dict)
    front_matter_lines: int = 0
    """Lines the front matter block takes, its ``---`` lines included (0: none), even
    when its YAML cannot be read and ``front_matter`` stays empty."""
    prefix: str | None = None
    owner: str | None = None
    tags: list[str] = field(default_factory=list)
    run: RunDefaults = field(default_factory=RunDefaults)
    sections: list[Section] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    code_spans: list[CodeSpan] = field(default_factory=list)
    """Every inline code span of the file, in items or not."""
    checkout_sha256: str = ""
    """The sha256 of its content whatever the checkout's line endings (CRLF read as LF);
    what a generated script names, so that it is the same on every machine."""
    links: list[Link] = field(default_factory=list)
    """Every link of the file, in items or not."""
    requirement_defs: list[RequirementDef] = field(default_factory=list)
    requirement_refs: list[RequirementRef] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppressions: list[tuple[int, int, frozenset[str], int]] = field(default_factory=list)
    """``<!-- preflight: ignore CODE ... -->`` comments: (line, column, codes, last line),
    where the comment starts and the line it ends on; empty codes = all."""
    line_count: int = 0
    item_like_text: list[int] = field(default_factory=list)
    """Lines that start like a list item (``- [ ] C``, after any block quote ``>``) but
    that CommonMark reads as more text of the paragraph above (a lazy line, or one
    indented too far to start an item there): the site shows them as that text."""
    code_after_lists: list[tuple[int, int, int]] = field(default_factory=list)
    """Indented code blocks right after a list, which Python-Markdown would read as more
    of the list's last item: (first line, line of the task item the block is in or 0,
    column the text of the admonitions or content tabs it is in starts at or 0); not in
    plain list items, nor in a mix of containers."""

    @property
    def stem(self) -> str:
        """The path without its ``.md`` suffix: the first half of a global ID."""
        return self.path[:-3] if self.path.endswith(".md") else self.path

    def global_id(self, local_id: str) -> str:
        """``<checklist-path-without-.md>#<id>``: how logs, links and the browser name an item."""
        return f"{self.stem}#{local_id}"

    def item(self, item_id: str) -> Item | None:
        """The item with this ID, if any."""
        for item in self.items:
            if item.id == item_id:
                return item
        return None

    def block(self, block_id: str) -> Block | None:
        """The block with this ID, if any."""
        for block in self.blocks:
            if block.id == block_id:
                return block
        return None

    def section_of(self, index: int | None) -> Section | None:
        """The section with this index (``None`` for content before any heading)."""
        return None if index is None else self.sections[index]

    def section_path(self, index: int | None) -> list[Section]:
        """The section and its ancestors, outermost first."""
        path: list[Section] = []
        while index is not None:
            section = self.sections[index]
            path.append(section)
            index = section.parent
        return path[::-1]

    def steps(self) -> Iterator[Item | Block]:
        """Items and blocks in document order (by line): the order a run takes."""
        items = iter(self.items)
        blocks = iter(self.blocks)
        item = next(items, None)
        block = next(blocks, None)
        while item is not None or block is not None:
            if block is None or (item is not None and item.line <= block.line):
                assert item is not None
                yield item
                item = next(items, None)
            else:
                yield block
                block = next(blocks, None)

    @property
    def done(self) -> int:
        """How many items are checked in the source."""
        return sum(1 for item in self.items if item.checked)
