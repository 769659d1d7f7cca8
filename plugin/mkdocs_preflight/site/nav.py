"""The checklists' place in the site navigation.

With no ``nav:`` in ``mkdocs.yml`` MkDocs builds the nav from the files, and the
checklists' folder already shows up as a section mirroring the folder tree: it only gets
``nav_title`` as its title. With an explicit ``nav:``, checklist pages the user did not
list are appended as a ``nav_title`` section mirroring their folders (and the
requirements page as its last entry), so a curated nav is never reordered. Checklists
that already live in ``docs_dir`` are the user's own pages: their folder keeps its title
(unless ``nav_title`` is set) and an explicit ``nav:`` decides where they go.
"""

from __future__ import annotations

import html
import posixpath
from collections.abc import Iterable, Iterator
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import StructureItem
from mkdocs.structure.files import File
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page
from mkdocs.utils import dirname_to_title


def nav_paths(nav_config: Any) -> set[str]:
    """Every docs-relative path an explicit ``nav:`` names (external links excluded)."""
    found: set[str] = set()
    stack = [nav_config]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if "://" not in value and not value.startswith("/"):
                found.add(posixpath.normpath(value))
        elif isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def _page(file: File, config: MkDocsConfig) -> Page:
    page = file.page
    if isinstance(page, Page):
        return page
    return Page(None, file, config)


def folder_section(title: str, files: list[File], base: str, config: MkDocsConfig) -> Section:
    """A section titled ``title`` holding ``files`` in folders mirroring their paths below ``base``."""
    root = Section(title, [])
    folders: dict[str, Section] = {"": root}
    for file in sorted(files, key=lambda f: f.src_uri):
        relative = posixpath.relpath(file.src_uri, base) if base else file.src_uri
        parent = root
        path = ""
        for part in relative.split("/")[:-1]:
            path = f"{path}/{part}" if path else part
            section = folders.get(path)
            if section is None:
                section = folders[path] = Section(folder_title(part), [])
                parent.children.append(section)
            parent = section
        parent.children.append(_page(file, config))
    _index_first(root)
    return root


def folder_title(name: str) -> str:
    """A folder's nav title, as MkDocs makes it, as text: themes print nav titles as HTML,
    and a checklist's folder name (``<img src=x onerror=...>``) must not become markup."""
    return html.escape(dirname_to_title(name))


def escape_folder_titles(items: Iterable[StructureItem], uris: set[str]) -> None:
    """Give MkDocs' sections of checklist folders (every page in ``uris``) text titles."""
    for item in items:
        if isinstance(item, Section):
            escape_folder_titles(item.children, uris)
            pages = list(pages_in(item.children))
            if pages and all(page.file.src_uri in uris for page in pages) and isinstance(item.title, str):
                item.title = html.escape(item.title)


def _index_first(section: Section) -> None:
    """``index.md`` first in each folder, pages before subfolders (as MkDocs' auto nav does)."""

    def key(item: StructureItem) -> tuple[int, int]:
        if isinstance(item, Page):
            return (0, 0 if item.file.name == "index" else 1)
        return (1, 0)

    section.children.sort(key=key)
    for child in section.children:
        if isinstance(child, Section):
            _index_first(child)


def pages_in(items: Iterable[StructureItem]) -> Iterator[Page]:
    """Pages of a nav tree, in order."""
    for item in items:
        if isinstance(item, Page):
            yield item
        elif isinstance(item, Section):
            yield from pages_in(item.children)


def relink(nav: Navigation) -> None:
    """Recompute ``nav.pages``, previous/next links and parents after the tree changed."""
    pages = list(pages_in(nav.items))
    nav.pages = pages
    for index, page in enumerate(pages):
        page.previous_page = pages[index - 1] if index else None
        page.next_page = pages[index + 1] if index + 1 < len(pages) else None

    def parents(items: Iterable[StructureItem], parent: Section | None) -> None:
        for item in items:
            item.parent = parent
            if isinstance(item, Section):
                parents(item.children, item)

    parents(nav.items, None)


def find_section(items: Iterable[StructureItem], uris: set[str]) -> Section | None:
    """The top-level section whose pages are all in ``uris`` (the auto nav's checklist folder)."""
    for item in items:
        if isinstance(item, Section):
            pages = list(pages_in(item.children))
            if pages and all(page.file.src_uri in uris for page in pages):
                return item
    return None
