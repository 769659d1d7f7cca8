"""Build real MkDocs sites in temporary folders and read what they produced."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from site_html import Node, parse

from markdown_setups import CONTAINER_EXTENSIONS
from mkdocs_preflight.config import load_settings
from mkdocs_preflight.engine import Project
from mkdocs_preflight.model import Checklist

BIN = Path(sys.executable).parent
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}

MATERIAL_EXTENSIONS: list[Any] = [*CONTAINER_EXTENSIONS, "pymdownx.highlight", "tables"]


def site_config(theme: str = "material", *, repository: bool = True, **overrides: Any) -> dict[str, Any]:
    """A typical ``mkdocs.yml`` (as a dict) for a site with the plugin (without
    ``repo_url`` and ``edit_uri`` when not ``repository``)."""
    config: dict[str, Any] = {
        "site_name": "Runbooks",
        "site_url": "https://example.invalid/runbooks/",
        "repo_url": "https://github.com/acme/app",
        "edit_uri": "edit/main/docs/",
        "theme": {"name": theme, "features": ["navigation.instant", "navigation.footer", "content.action.edit"]}
        if theme == "material"
        else {"name": theme},
        "markdown_extensions": MATERIAL_EXTENSIONS,
        "plugins": ["search", {"preflight": {"registry": "requirements.yml"}}],
        "validation": {"anchors": "warn"},
    }
    if not repository:
        del config["repo_url"], config["edit_uri"]
    config.update(overrides)
    return config


def write(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write files below ``root`` (a ``dict`` value for ``mkdocs.yml`` is dumped as YAML)."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        if name.endswith(".sh"):
            path.chmod(0o755)  # scripts a checklist runs directly are executable (PF202)
    return root


def write_config(root: Path, config: dict[str, Any]) -> Path:
    """Write ``mkdocs.yml``."""
    path = root / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path


@dataclass
class Built:
    """The result of a build: success, what MkDocs logged, and the site folder."""

    ok: bool
    messages: list[tuple[int, str]]
    site: Path

    def page(self, url: str) -> Node:
        """The parsed HTML of ``url`` (``checklists/deploy/``)."""
        return parse(self.html(url))

    def html(self, url: str) -> str:
        """The HTML text of ``url``."""
        path = self.site / url
        if url.endswith("/") or not url:
            path = path / "index.html"
        return path.read_text(encoding="utf-8")

    def logged(self, level: int = logging.WARNING) -> list[str]:
        """Messages at ``level`` exactly."""
        return [message for lvl, message in self.messages if lvl == level]


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


@contextmanager
def _captured(level: int) -> Iterator[_Capture]:
    logger = logging.getLogger("mkdocs")
    handler = _Capture()
    old_level = logger.level
    logger.addHandler(handler)
    logger.setLevel(level)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


def build_site(root: Path, *, strict: bool = True, level: int = logging.INFO) -> Built:
    """``mkdocs build [--strict]`` in-process (as the CLI does: load the config, build);
    ``level=logging.DEBUG`` keeps what ``--verbose`` shows too."""
    with _captured(level) as capture:
        try:
            config = load_config(str(root / "mkdocs.yml"), strict=strict)
            build(config)
            ok = True
        except Abort:
            ok = False
    return Built(ok, capture.records, root / "site")


@contextmanager
def serving(root: Path) -> Iterator[Callable[[], Built]]:
    """Rebuilds as ``mkdocs serve`` makes them, in this process: the config is read again
    for each build and the plugins that have ``on_startup`` live on between builds (no
    server; each call of the yielded function is one rebuild, with DEBUG records kept)."""
    plugins = load_config(str(root / "mkdocs.yml")).plugins
    plugins.on_startup(command="serve", dirty=False)

    def rebuild() -> Built:
        with _captured(logging.DEBUG) as capture:
            try:
                build(load_config(str(root / "mkdocs.yml")), serve_url="http://127.0.0.1:8000/")
                ok = True
            except Abort:
                ok = False
        return Built(ok, capture.records, root / "site")

    try:
        yield rebuild
    finally:
        plugins.on_shutdown()
        # The same plugin objects serve every later build of this process, as after a
        # `mkdocs build`: they must not keep their models as for `serve`.
        plugins.on_startup(command="build", dirty=False)


def run_cli(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``mkdocs`` or ``properdocs`` (``args[0]``) from the venv in ``root``."""
    return subprocess.run(
        [str(BIN / args[0]), *args[1:]],
        cwd=root,
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def engine_checklists(root: Path) -> dict[str, Checklist]:
    """What the engine sees in the project: the single source of truth for the site."""
    project = Project(load_settings(root / "mkdocs.yml"))
    return {checklist.path: checklist for checklist in project.checklists()}


def article(page: Node) -> Node:
    """The page's content (Material's ``<article>``, the mkdocs theme's ``[role=main]``)."""
    found = page.find("article") or page.find(where=lambda n: n.get("role") == "main")
    assert found is not None, "no content element"
    return found


def items_of(page: Node) -> dict[str, Node]:
    """The ``<li>`` of every checklist item on a page, by item ID."""
    return {str(node.get("id")): node for node in page.find_all("li", cls="preflight-item")}


def page_data(page: Node) -> dict[str, Any]:
    """The page's JSON data for the browser script."""
    (wrapper,) = page.find_all("div", cls="preflight-checklist")
    data: dict[str, Any] = json.loads(wrapper.get("data-preflight-json") or "")
    return data


def item_scopes(data: dict[str, Any], item: dict[str, Any]) -> list[str]:
    """The progress-bar scopes (section slugs) an item of the page data counts towards, outermost first."""
    scopes: list[str] = []
    index = item["section"]
    while index is not None:
        section = data["sections"][index]
        scopes.append(section["slug"])
        index = section["parent"]
    return scopes[::-1]


def primary_nav(page: Node) -> Node:
    """Material's primary navigation."""
    nav = page.find("nav", cls="md-nav--primary")
    assert nav is not None
    return nav


def nav_tree(nav: Node) -> list[Any]:
    """Material's primary nav as nested lists: a page is its title, a section is (title, children)."""
    top = nav.find("ul", cls="md-nav__list")
    assert top is not None
    return _nav_items(top)


def _nav_items(ul: Node) -> list[Any]:
    result: list[Any] = []
    for li in (c for c in ul.children if isinstance(c, Node) and c.tag == "li"):
        nested = next((n for n in li.find_all("ul", cls="md-nav__list") if n is not ul), None)
        title_node = li.find(where=lambda n: "md-nav__link" in n.classes)
        assert title_node is not None
        title = " ".join((title_node.find("span", cls="md-ellipsis") or title_node).text().split())
        if nested is not None and li.find("input", cls="md-nav__toggle") is not None:
            result.append((title, _nav_items(nested)))
        elif "md-nav__item--section" in li.classes or "md-nav__item--nested" in li.classes:
            result.append((title, _nav_items(nested) if nested else []))
        else:
            result.append(title)
    return result
