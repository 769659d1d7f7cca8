"""Anchors: a link that ``check`` accepts lands on an element of the built page, and one it
rejects (PF206) does not.

On projects drawn by ``tests/check/projects.py``: checklists link to each other's
headings (some repeated, so MkDocs numbers them) and items, and back to themselves.
The site is built with the plugin (the ``mkdocs`` theme); every link from a checklist
page to a checklist page with a fragment is followed in the HTML: the target page has
an element with that ``id`` exactly when ``check`` does not report the anchor.
"""

from __future__ import annotations

import logging
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

from hypothesis import given, settings
from site_html import parse
from site_support import build_site

from check.projects import CHECKLISTS, DRAWN, Start, check, drawn, starts


@settings(DRAWN, max_examples=8)
@given(start=starts)
def test_a_link_lands_where_check_says_it_does(start: Start) -> None:
    with drawn(start, site=True) as project:
        root = project.root
        (root / "docs").mkdir(exist_ok=True)
        (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
        code, findings = check(root, "--no-cache", "--select", "PF206")
        if code == 2:
            return
        broken = {_broken(d) for d in findings if isinstance(d, dict)}
        built = build_site(root, strict=False, level=logging.INFO)
        assert built.ok, built.messages
        # Pages at `checklists/a/`, or at `a/` when the checklists are the docs themselves.
        prefix = "" if "docs_dir: checklists" in (root / "mkdocs.yml").read_text() else "checklists/"
        pages = {f"{prefix}{Path(name).relative_to('checklists').with_suffix('')}/" for name in CHECKLISTS}
        for page in pages:
            for link in parse(built.html(page)).find_all("a"):
                href = link.get("href") or ""
                parts = urlsplit(href)
                if parts.scheme or not parts.fragment or "preflight" in " ".join(link.classes):
                    continue
                target = posixpath.normpath(posixpath.join(page, parts.path)) + "/" if parts.path else page
                if target not in pages:
                    continue
                fragment = unquote(parts.fragment)
                lands = parse(built.html(target)).by_id(fragment) is not None
                assert lands == ((_source(target, prefix), fragment) not in broken), (page, href, broken)


def _broken(finding: dict[str, object]) -> tuple[str, str]:
    """``(checklist, fragment)`` of a PF206: "Anchor `#x` does not exist in `b.md`" (or "in
    this checklist")."""
    parts = str(finding["message"]).split("`")
    target = str(finding["path"]) if "in this checklist" in parts[2] else parts[3]
    return target, parts[1].removeprefix("#")


def _source(page: str, prefix: str) -> str:
    return "checklists/" + page.removeprefix(prefix).rstrip("/") + ".md"
