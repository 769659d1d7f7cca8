"""The HTML the site adds to checklist pages.

This is the contract with ``assets/preflight.js`` and ``assets/preflight.css``: class
names, ``data-preflight-*`` attributes and the page JSON. An item is an
``li.preflight-item`` whose ``id`` is the item's ID; everything else the script needs
about it (line, source state, sections) is in the page JSON.
Every value is escaped here (:func:`_attr`, :func:`_text`, :func:`json_for_html`); the
callers pass raw model values.

Decorations (permalinks, progress bars, controls, step labels) are built as HTML text:
the extension puts a placeholder comment where each goes, and they are expanded after
the search plugin indexed the page (see :class:`~.context.PageContext`), so that the
index and MkDocs' link checks do not pay for a few hundred extra elements per page.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from xml.etree import ElementTree as etree

from ..engine.requirements import ID_SHAPE
from ..engine.slugs import fold
from ..model import Block, Checklist

PAGE_CLASS = "preflight-checklist"
ITEM_CLASS = "preflight-item"
DATA_VERSION = 1
_REQ_ANCHOR = re.compile(r"[^a-z0-9]")
_REQ_ANCHOR_WIDE = re.compile(r"[\x00-\x2f\x3a-\x60\x7b-\x7f\s]")
"""What :func:`requirement_anchor` replaces in a folded ID: ASCII outside ``[a-z0-9]``, and
spaces (what ``fold`` leaves of a non-ASCII character that is no letter)."""
_USUAL_ID = re.compile(ID_SHAPE)
_JSON_UNSAFE = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("'", "\\u0027"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)
PLACEHOLDER = re.compile(r"<!--pf:(\d+)-->")
"""A decoration's place in the rendered page: ``<!--pf:N-->`` (N indexes the page's list)."""


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _text(value: str) -> str:
    return html.escape(value, quote=False)


def requirement_anchor(requirement_id: str) -> str:
    """``req-`` + the ID lowercased, every character outside ``[a-z0-9]`` replaced by ``-``,
    except letters of scripts other than Latin (``要件-1`` → ``req-要件-1``; accented Latin
    letters lose their accents, as in item IDs). The anchor of an ID that shares it with no
    other: see :func:`requirement_anchors`."""
    if requirement_id.isascii():
        return "req-" + _REQ_ANCHOR.sub("-", requirement_id.lower())
    return "req-" + _REQ_ANCHOR_WIDE.sub("-", fold(requirement_id).lower())


def requirement_anchors(requirement_ids: Iterable[str]) -> dict[str, str]:
    """The anchor of every requirement ID, each unique: IDs that differ only in case or
    punctuation (``REQ-1``, ``req-1``, ``REQ.1``) share :func:`requirement_anchor`.

    In such a group the ID of the usual shape (``REQ-1``, ``29.2``; else the first in code
    point order) keeps it; each other one gets it plus ``-`` and the start of a hash of the
    ID. A hash, not a counter: the anchor of ``req-1`` stays the same when other IDs come
    and go, so links to it keep working. An ID alone keeps its plain anchor.
    """
    groups: dict[str, list[str]] = {}
    for requirement_id in dict.fromkeys(requirement_ids):
        groups.setdefault(requirement_anchor(requirement_id), []).append(requirement_id)
    anchors: dict[str, str] = {}
    for base, members in groups.items():
        if len(members) == 1:
            anchors[members[0]] = base
            continue
        members.sort(key=lambda one: (_USUAL_ID.fullmatch(one) is None, one))
        anchors[members[0]] = base
        for other in members[1:]:
            digest = hashlib.sha256(other.encode("utf-8")).hexdigest()
            size = 6
            # Longer while it is taken (an ID `REQ-1-3F2A1B` would have `req-req-1-3f2a1b`).
            while f"{base}-{digest[:size]}" in groups or f"{base}-{digest[:size]}" in anchors.values():
                size += 2
            anchors[other] = f"{base}-{digest[:size]}"
    return anchors


def site_key(site_url: str | None, site_name: str | None) -> str:
    """A short stable key of the site for browser storage (from ``site_url``, else ``site_name``)."""
    basis = (site_url or "").strip() or (site_name or "").strip() or "site"
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:12]


def wrap(
    content: str, checklist: Checklist, markdown: str, key: str, interactive: bool, slugs: Mapping[int, str]
) -> str:
    """The rendered page inside ``<div class="preflight-checklist" ...>``, with the page data
    (``slugs``: the HTML ``id`` of each section's heading, by section index)."""
    head, tail = wrapper(checklist, markdown, key, interactive, slugs)
    return head + content + tail


def wrapper(
    checklist: Checklist, markdown: str, key: str, interactive: bool, slugs: Mapping[int, str]
) -> tuple[str, str]:
    """What :func:`wrap` puts before and after the page (the page data is in the opening tag)."""
    # The data sits in an attribute, not in a <script type="application/json">: Material's
    # instant loading re-creates the content's inline scripts without their type, and the
    # browser would then run the JSON as JavaScript (a SyntaxError on every navigation).
    head = (
        f'<div class="{PAGE_CLASS}" data-preflight-page="{_attr(checklist.stem)}" '
        f'data-preflight-site="{_attr(key)}" data-preflight-interactive="{"true" if interactive else "false"}" '
        f"data-preflight-json='{page_json(checklist, markdown, slugs)}'>"
    )
    tail = "</div>"
    return head, tail


def expand(content: str, decorations: Sequence[str]) -> str:
    """Replace the ``<!--pf:N-->`` placeholders of a rendered page with their HTML."""
    if not decorations:
        return content

    def one(match: re.Match[str]) -> str:
        number = int(match.group(1))
        return decorations[number] if number < len(decorations) else ""

    return PLACEHOLDER.sub(one, content)


def progress(scope: str, done: int, total: int, name: str = "") -> str:
    """A progress bar: ``<div class="preflight-progress" ...><progress .../> <span>3/17 done</span></div>``.

    ``name`` (the checklist's or section's title) names the bar for screen readers, which
    otherwise hear several unnamed progress bars on a page.
    """
    label = f' aria-label="{_attr("Progress: " + name)}"' if name else ""
    return (
        f'<div class="preflight-progress" data-preflight-scope="{_attr(scope)}" '
        f'data-preflight-done="{done}" data-preflight-total="{total}">'
        f'<progress max="{total}" value="{done}"{label}>{done}/{total}</progress> '
        f'<span class="preflight-progress-label">{done}/{total} done</span></div>'
    )


def controls() -> str:
    """The (initially hidden) buttons the script wires up."""
    return (
        '<div class="preflight-controls" hidden>'
        '<button type="button" class="md-button" data-preflight-action="reset">Reset</button> '
        '<button type="button" class="md-button" data-preflight-action="copy-markdown">'
        "Copy progress as Markdown</button> "
        '<button type="button" class="md-button" data-preflight-action="export-log">Export run log</button>'
        "</div>"
    )


def permalink(item_id: str) -> str:
    """The ``¶`` link that follows an item's text (shown on hover by the stylesheet).

    Written ``&para;``, as Python-Markdown's ``toc`` writes heading permalinks: a page of
    ASCII only is copied, not transcoded, when MkDocs encodes it (1% of a 2,000-page build).
    """
    return f'<a class="preflight-permalink" href="#{_attr(item_id)}" title="Permanent link">&para;</a>'


def requirement_link_start(href: str) -> str:
    """The start tag of a link to a requirement's entry on the requirements page (``href``:
    the page's URL relative to the linking page, and the anchor)."""
    return f'<a class="preflight-req" href="{_attr(href)}">'


def outcome(status: str, label: str, title: str) -> str:
    """An item's latest run outcome: ``<span class="preflight-outcome preflight-outcome--passed">``."""
    return (
        f'<span class="preflight-outcome preflight-outcome--{_attr(status)}" title="{_attr(title)}">'
        f"{_text(label)}</span>"
    )


def step(block: Block, checklist_path: str) -> str:
    """The label after a runnable block: its ID, its owning item, its options, and the command
    that runs it."""
    parts = [
        f'<div class="preflight-step" data-preflight-block="{_attr(block.id)}" '
        f'data-preflight-item="{_attr(block.item or "")}">Step <code>{_text(block.id)}</code>'
    ]
    if block.item:
        parts.append(f' of item <a href="#{_attr(block.item)}">{_text(block.item)}</a>')
    options = [f"{key}={value}" if value else key for key, value in block.options.items() if key != "id"]
    if options:
        parts.append(f' <span class="preflight-step-option">{_text(" ".join(options))}</span>')
    command = f"preflight run {shlex.quote(checklist_path)} --only {shlex.quote(block.id)}"
    parts.append(f' <code class="preflight-step-command">{_text(command)}</code></div>')
    return "".join(parts)


def checkbox(checked: bool) -> etree.Element:
    """pymdownx.tasklist's ``custom_checkbox`` markup, for sites that do not load tasklist."""
    label = etree.Element("label", {"class": "task-list-control"})
    attrs = {"type": "checkbox", "disabled": "disabled"}
    if checked:
        attrs["checked"] = "checked"
    etree.SubElement(label, "input", attrs)
    etree.SubElement(label, "span", {"class": "task-list-indicator"})
    label.tail = " "
    return label


def page_json(checklist: Checklist, markdown: str, slugs: Mapping[int, str]) -> str:
    """The page data for the script, as JSON that is safe in a single-quoted attribute.

    Each item names its section by index into ``sections``; a section names its parent
    the same way, and its ``slug`` is the ``data-preflight-scope`` of its progress bar.
    """
    data: dict[str, Any] = {
        "version": DATA_VERSION,
        "page": checklist.stem,
        "path": checklist.path,
        "title": checklist.title,
        "sha256": checklist.sha256,
        "markdown": markdown,
        "sections": [
            {"slug": slugs.get(section.index, section.slug), "parent": section.parent} for section in checklist.sections
        ],
        "items": [
            {"id": item.id, "line": item.line, "checked": item.checked, "section": item.section, "text": item.text}
            # A pinned ID keeps its tick when the item's text is edited (only said when true: pages stay small).
            | ({"pinned": True} if item.explicit_id else {})
            # An item that starts on the line of the one before (`- [ ] - [ ] x`): its box is not
            # the line's first, so the script is told its column (1-based).
            | ({"col": item.col} if index and checklist.items[index - 1].line == item.line else {})
            for index, item in enumerate(checklist.items)
        ],
    }
    return json_for_html(data)


def json_for_html(data: Any) -> str:
    """JSON that is safe inside an HTML ``<script>`` and a single-quoted attribute: ``<``,
    ``>``, ``&`` and ``'`` are written as ``\\u003c`` etc., so nothing in a checklist can
    close the element or the attribute, or be read as markup or as a character reference."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in _JSON_UNSAFE:  # str.replace: far faster than str.translate on long text
        if char in text:
            text = text.replace(char, escaped)
    return text
