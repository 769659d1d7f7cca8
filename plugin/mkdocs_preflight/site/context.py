"""What the Markdown extension needs to know about the page it renders.

The plugin builds one :class:`PageContext` per checklist page from the model it parsed
once for the whole build, and hands it to the extension just before MkDocs renders the
page. Used on its own (``markdown_extensions: [preflight]`` without the plugin), the
extension builds a minimal context from the text it is given.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..engine.requirements import Matcher
from ..model import Checklist, Section
from .links import Resolved

LinkHook = Callable[[str, bool], "Resolved | None"]
"""``(href, is_image) -> what the link becomes`` (``None``: leave it alone)."""
RequirementHook = Callable[[str], "str | None"]
"""``requirement id -> href of its entry on the requirements page`` (``None``: no link)."""
OutcomeHook = Callable[[str], "Outcome | None"]
"""``item id -> its latest run outcome`` (``None``: no run recorded)."""


@dataclass(frozen=True, slots=True)
class PreparedSource:
    """A page's lines as the extension's first preprocessor hands them on, worked out
    ahead of the page (by the plugin's worker process, while MkDocs renders the pages
    before it). ``key`` names everything they follow from besides the model; a page whose
    Markdown or Markdown settings turn out otherwise is worked out when it is rendered."""

    key: bytes
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Outcome:
    """An item's latest run outcome, as its badge shows it."""

    status: str
    """``passed``, ``failed``, ``skipped``, ``manual``, ``manual-pending`` or ``pending``."""
    label: str
    """``passed · 2026-11-21 10:02 · alice``."""
    title: str = ""
    """More detail on hover (the run, the exit code)."""


@dataclass(slots=True)
class PageContext:
    """One page's rendering inputs."""

    checklist: Checklist | None
    """The page's model; ``None`` for a generated page that only needs heading IDs."""
    source: str = ""
    """The checklist's full source text (front matter included), as the engine decoded it."""
    line_offset: int = 0
    """Source lines before the first line of the Markdown that Python-Markdown receives
    (MkDocs strips the front matter before rendering)."""
    markdown: str = ""
    """The source as the page data offers it for "Copy progress as Markdown"."""
    prepared: PreparedSource | None = None
    """The page's rewritten lines, if the worker process worked them out ahead."""
    site_key: str = ""
    interactive: bool = True
    matcher: Matcher | None = None
    requirement_href: RequirementHook | None = None
    resolve_link: LinkHook | None = None
    item_outcome: OutcomeHook | None = None
    """Run outcomes to show on items (the ``run_logs`` option)."""
    deferred: bool = False
    """Set by the plugin: it expands the decorations and wraps the page itself, after the
    search plugin indexed it, so that neither the index nor MkDocs' link checks pay for
    them (a wrapper around everything would also make every element one level deeper,
    which the search indexer pays for at every tag). Otherwise the extension does it."""
    slugs: dict[int, str] = field(default_factory=dict)
    """The HTML ``id`` of each section's heading, by section index (set while the page renders)."""
    headings: list[tuple[Any, Section]] = field(default_factory=list)
    """(heading element, section) of the page's headings while ``toc`` gives them their ids,
    when the site has its own ``slugify`` (see :attr:`heading_ids`)."""
    heading_ids: dict[int, str] = field(default_factory=dict)
    """The HTML ``id`` of each section's heading by section index, where a site's own ``toc``
    ``slugify`` gives them (empty otherwise: the ids are the engine's slugs). Links from
    the requirements page to a section use them."""
    unread_blocks: list[int] = field(default_factory=list)
    """Source lines of the closed fences this page's Markdown does not read as code (no
    ``pymdownx.superfences``): their content renders as Markdown text."""
    step_anchors: list[str] = field(default_factory=list)
    """The ``id`` of each runnable block: in stashed HTML, where MkDocs' anchor check cannot see it."""
    decorations: list[str] = field(default_factory=list)
    """HTML of the page's decorations; ``<!--pf:N-->`` in the page marks where N goes."""
    stand_ins: list[tuple[Any, Any]] = field(default_factory=list)
    """(parent element, stand-in element) of each decoration while the page is processed."""

    @property
    def enhanced(self) -> bool:
        """Whether the page gets the checklist treatment (wrapper, bars, data)."""
        return self.checklist is not None and bool(self.checklist.items or self.checklist.blocks)
