"""The generated requirements (traceability) page.

Every requirement defined in the registry, in front matter or in a checklist, with
where it is defined, every item and section that references it, its coverage and its
latest run status; then the references to requirements nobody defined. Written as
Markdown (from a Jinja2 template) so that MkDocs renders it with the theme, the table
of contents, link validation and search.

Everything that comes from a checklist or the registry goes through :func:`md_text`
(escaped for Markdown *and* HTML) or :func:`md_url`; the template has no other way to
print a value.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import quote

import jinja2
from markupsafe import escape

from ..engine.requirements import Matcher
from ..model import Checklist, RequirementDef, RequirementRef, Section
from ..printable import one_line
from .markup import requirement_anchor, requirement_anchors

# Characters some Markdown or pymdown syntax reads mid-line (values are never at the
# start of a line in the template, so list and heading markers need no escaping).
_MD_ESCAPES = {ord(char): f"&#{ord(char)};" for char in "\\`*_{}[]|~^=:$#@"}
_MD_ESCAPES.update({ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;"})
_NATURAL = re.compile(r"(\d+)")

RunStatus = Callable[[str], "str | None"]
"""``requirement id -> latest run status text`` (``None``: no run recorded)."""


def no_run_status(requirement_id: str) -> str | None:
    """The run status hook until run logs are read: nothing recorded."""
    return None


def md_text(value: object) -> str:
    """``value`` as literal text in Markdown, on one line (it must fit a table cell or a heading).

    HTML syntax becomes entities, and so does every character that Markdown or a
    pymdown extension could read as syntax: an entity is never markup. Control
    characters show as ``\\xNN``, as on the terminal (Python-Markdown itself uses
    STX and ETX, and drops them).
    """
    return " ".join(one_line(str(value)).split()).translate(_MD_ESCAPES)


def md_url(value: object) -> str:
    """A link target with every character that could end a Markdown link, start a link
    title or form markup (spaces, quotes, parentheses, angle brackets) percent-encoded."""
    return quote(str(value), safe="/#:.-_~%?=&;,+@!$*")


@dataclass(slots=True)
class Reference:
    """One place that references a requirement."""

    kind: str
    """``item``, ``section``, ``text`` or ``code``."""
    label: str
    """Short: the item's ID, the section's title, or ``line N``."""
    checklist: str
    """The checklist's repository path."""
    line: int
    href: str
    """The URL of the place, relative to the requirements page."""


@dataclass(slots=True)
class ReferenceGroup:
    """The references of one requirement in one checklist."""

    checklist: str
    title: str
    href: str
    references: list[Reference] = field(default_factory=list)


@dataclass(slots=True)
class Requirement:
    """A requirement as the page shows it."""

    id: str
    anchor: str
    definitions: list[RequirementDef] = field(default_factory=list)
    groups: dict[str, ReferenceGroup] = field(default_factory=dict)
    """References by checklist path, in checklist order."""
    status: str | None = None

    @property
    def references(self) -> list[Reference]:
        """Every reference, checklist by checklist."""
        return [ref for group in self.groups.values() for ref in group.references]

    @property
    def title(self) -> str:
        """The first non-empty title among its definitions."""
        return next((d.title for d in self.definitions if d.title), "")

    @property
    def titles(self) -> list[str]:
        """Every distinct title (more than one means conflicting definitions)."""
        return list(dict.fromkeys(d.title for d in self.definitions if d.title))

    @property
    def covered(self) -> bool:
        """Whether anything references it."""
        return bool(self.references)

    @property
    def counts(self) -> str:
        """``3 items, 1 section``."""
        kinds: dict[str, int] = {}
        for ref in self.references:
            kinds[ref.kind] = kinds.get(ref.kind, 0) + 1
        names = {"item": "item", "section": "section", "text": "mention", "code": "code comment"}
        return ", ".join(f"{n} {names[k]}{'s' if n != 1 else ''}" for k, n in kinds.items())


@dataclass(slots=True)
class Contribution:
    """What one checklist gives the requirements page.

    The plugin keeps this instead of the checklist's model once its page is rendered:
    on a large site the models of every page were most of the build's memory.
    """

    path: str
    title: str
    url: str
    """Its page's URL relative to the requirements page."""
    definitions: list[RequirementDef]
    references: list[tuple[str, Reference]]
    """``(requirement id, where)`` for every reference, in checklist order."""
    steps: dict[str, list[str]] = field(default_factory=dict)
    """``requirement id -> global IDs of the items tied to it`` (for run status; may be empty)."""
    definition_anchors: dict[int, str] = field(default_factory=dict)
    """``line -> anchor`` of each definition in the checklist: its heading, or the section it is in."""


def contribution(
    checklist: Checklist, url: str, *, steps: bool = False, slugs: Mapping[int, str] | None = None
) -> Contribution:
    """The requirements page's part of ``checklist`` (``url``: its page, relative to that page;
    ``steps``: also map requirements to the items tied to them, for run status; ``slugs``: the
    ``id`` of each section's heading on the page, by section index, where it is not the
    engine's slug: a site's own ``toc`` ``slugify`` gives ``prépare`` for ``prepare``)."""
    anchor_of: Callable[[Section], str] = (
        (lambda section: slugs.get(section.index, section.slug)) if slugs else (lambda section: section.slug)
    )
    tied: dict[str, list[str]] = {}
    if steps:
        for item in checklist.items:
            for requirement_id in item.requirements:
                tied.setdefault(requirement_id, []).append(checklist.global_id(item.id))
    anchors: dict[int, str] = {}
    for definition in checklist.requirement_defs:
        section = _section_at(checklist, definition.line) if definition.source == "document" else None
        if section is not None:
            anchors[definition.line] = anchor_of(section)
    return Contribution(
        checklist.path,
        checklist.title,
        url,
        list(checklist.requirement_defs),
        list(_references(checklist, url, anchor_of)),
        tied,
        anchors,
    )


def _section_at(checklist: Checklist, line: int) -> Section | None:
    """The section that holds ``line`` (a heading's own line is its section's)."""
    found = None
    for candidate in checklist.sections:
        if candidate.line > line:
            break
        found = candidate
    return found


def natural_key(requirement_id: str) -> tuple[tuple[int, int | str], ...]:
    """Sort ``REQ-2`` before ``REQ-10`` and ``29.2`` before ``29.10``."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.lower()) for part in _NATURAL.split(requirement_id) if part
    )


def _references(
    checklist: Checklist, target: str, anchor_of: Callable[[Section], str]
) -> Iterable[tuple[str, Reference]]:
    def href(anchor: str | None) -> str:
        return target + ("#" + anchor if anchor else "")

    for item in checklist.items:
        for ref_id in dict.fromkeys(ref.id for ref in item.refs):
            yield ref_id, Reference("item", item.id, checklist.path, item.line, href(item.id))
    for section in checklist.sections:
        for ref_id in dict.fromkeys(ref.id for ref in section.refs):
            yield ref_id, Reference("section", section.title, checklist.path, section.line, href(anchor_of(section)))
    seen: set[tuple[str, int]] = set()
    for ref in checklist.requirement_refs:
        if ref.context in ("item", "heading") or (ref.id, ref.line) in seen:
            continue
        seen.add((ref.id, ref.line))
        yield ref.id, _text_reference(checklist, ref, href, anchor_of)


def _text_reference(
    checklist: Checklist,
    ref: RequirementRef,
    href: Callable[[str | None], str],
    anchor_of: Callable[[Section], str],
) -> Reference:
    anchor: str | None = None
    kind = "code" if ref.context == "code" else "text"
    if kind == "code":
        block = next((b for b in checklist.blocks if b.line <= ref.line <= b.end_line), None)
        if block is not None and (block.runnable or block.explicit_id):
            anchor = block.id
        elif block is not None and block.item:
            anchor = block.item
    if anchor is None:
        section = _section_at(checklist, ref.line)
        anchor = anchor_of(section) if section is not None else None
    return Reference(kind, f"line {ref.line}", checklist.path, ref.line, href(anchor))


def collect(
    contributions: Iterable[Contribution],
    registry: Iterable[RequirementDef],
    run_status: RunStatus = no_run_status,
) -> tuple[list[Requirement], list[Requirement]]:
    """Defined requirements and references to undefined ones, each sorted naturally."""
    by_id: dict[str, Requirement] = {}

    def get(requirement_id: str) -> Requirement:
        found = by_id.get(requirement_id)
        if found is None:
            found = by_id[requirement_id] = Requirement(requirement_id, requirement_anchor(requirement_id))
        return found

    for definition in registry:
        get(definition.id).definitions.append(definition)
    for entry in contributions:
        for definition in entry.definitions:
            get(definition.id).definitions.append(definition)
        for ref_id, reference in entry.references:
            groups = get(ref_id).groups
            group = groups.get(entry.path)
            if group is None:
                group = groups[entry.path] = ReferenceGroup(entry.path, entry.title, entry.url)
            group.references.append(reference)
    anchors = requirement_anchors(by_id)
    for requirement in by_id.values():
        requirement.anchor = anchors[requirement.id]
        requirement.status = run_status(requirement.id)
    ordered = sorted(by_id.values(), key=lambda r: natural_key(r.id))
    return [r for r in ordered if r.definitions], [r for r in ordered if not r.definitions]


@lru_cache(maxsize=2)
def _environment(html: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("mkdocs_preflight.site", "templates"),
        # The Markdown template prints values through `md` or `url`; the HTML ones escape.
        autoescape=html,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["md"] = md_text
    env.filters["url"] = md_url
    return env


@dataclass(slots=True)
class RenderedPage:
    """The page's Markdown, and the HTML fragments that replace its placeholders after rendering.

    The big parts (the table, thousands of reference links) are HTML from the start: run
    through Python-Markdown they would cost more than the rest of the page.
    """

    markdown: str
    fragments: dict[str, str]
    moved: dict[str, str] = field(default_factory=dict)
    """``requirement id -> anchor`` of the IDs whose anchor is not :func:`requirement_anchor`
    (they share it with another ID): links from checklist pages are corrected with it."""

    def fill(self, html: str) -> str:
        """Put the fragments into the rendered page."""
        if not self.fragments:
            return html
        return _PLACEHOLDER.sub(lambda m: self.fragments.get(m.group(0), m.group(0)), html)


_PLACEHOLDER = re.compile(r"<!-- preflight:[a-z]+ [^\s<>]+ -->")


def _references_html(requirement: Requirement) -> str:
    """The list of a requirement's references, checklist by checklist, as HTML.

    Built in Python rather than from a template: on a large site it is a million links,
    and a template loop cost more than the rest of the page.
    """
    lines = ['<ul class="preflight-references">']
    for group in requirement.groups.values():
        links = ", ".join(
            f'{"" if ref.kind == "item" else ref.kind + " "}<a href="{escape(ref.href)}">{escape(ref.label)}</a>'
            for ref in group.references
        )
        lines.append(f'<li><a href="{escape(group.href)}">{escape(group.title)}</a>: {links}</li>')
    lines.append("</ul>\n")
    return "\n".join(lines)


def _placeholder(kind: str, key: str) -> str:
    return f"<!-- preflight:{kind} {key} -->"


def render(
    defined: list[Requirement],
    undefined: list[Requirement],
    *,
    title: str,
    definition_href: Callable[[RequirementDef], str | None],
) -> RenderedPage:
    """The requirements page: Markdown with placeholders, and the HTML for them."""
    html = _environment(True)
    fragments: dict[str, str] = {}
    if defined:
        fragments[_placeholder("table", "requirements")] = html.get_template("requirements-table.html.j2").render(
            defined=defined
        )
    for requirement in (*defined, *undefined):
        if requirement.groups:
            fragments[_placeholder("references", requirement.anchor)] = _references_html(requirement)
    markdown = (
        _environment(False)
        .get_template("requirements.md.j2")
        .render(
            title=title,
            defined=defined,
            undefined=undefined,
            covered=sum(1 for r in defined if r.covered),
            definition_href=definition_href,
            placeholder=_placeholder,
        )
    )
    moved = {r.id: r.anchor for r in (*defined, *undefined) if r.anchor != requirement_anchor(r.id)}
    return RenderedPage(markdown, fragments, moved)


_REQUIREMENT_LINK = re.compile(r'(<a class="preflight-req" href="[^"#]*#)(req-[^"]+)(">)([^<]*)(</a>)')


def relink(content: str, moved: Mapping[str, str], matcher: Matcher) -> str:
    """Point the requirement links of a rendered checklist page at the anchors of the IDs in
    ``moved``. A page links ``req-1`` to the anchor of its ID before the requirements page
    knows that ``REQ-1`` has it too; each such link's text is the reference the matcher
    found (``Req req-1``, or the ID alone in a list), which tells the two apart."""
    bases = {requirement_anchor(requirement_id) for requirement_id in moved}

    def one(match: re.Match[str]) -> str:
        if match.group(2) not in bases:
            return match.group(0)
        text = html.unescape(match.group(4))
        requirement_id = next((found for found, _ in matcher.find(text)), text)
        anchor = moved.get(requirement_id)
        if anchor is None:
            return match.group(0)
        return match.group(1) + anchor + match.group(3) + match.group(4) + match.group(5)

    return _REQUIREMENT_LINK.sub(one, content)
