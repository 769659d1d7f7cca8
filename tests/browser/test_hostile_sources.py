"""Repository content the plugin turns into pages cannot run script in a real browser.

Payloads that fire on their own (``autofocus`` + ``onfocus``), so that a page that lets
one through runs it on load, without a click.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By

from ._support import BuiltSite, Page, served_site

pytestmark = pytest.mark.browser

PWNED = "const p = window.__pwned ?? window.pwned; return p === undefined ? null : String(p)"
ATTR_LIST = "{: tabindex=0 autofocus onfocus=\"window.__pwned='%s'\" }"
"""An ``attr_list`` block: Markdown text ending in it gives its element these attributes."""
QUOTE = 'Q" tabindex=0 autofocus onfocus="window.__pwned=\'%s\'" x="'
"""Text that ends a double-quoted HTML attribute it is printed in."""
FOLDER = "<img src=x onerror=\"window.pwned='folder'\">"
"""A checklist folder: its name is the title of a nav section (MkDocs turns ``_`` into spaces)."""


def _load(page: Page, url: str) -> str | None:
    """Open ``url`` (a page that may have no checklist); what ran, if anything, by then.

    Waits for the load, then a moment for ``autofocus`` to fire its ``onfocus``.
    """
    page.driver.get(url)
    page.wait(lambda d: d.execute_script("return document.readyState") == "complete", f"{url} loaded")
    deadline = time.monotonic() + 1.5
    while time.monotonic() < deadline:
        pwned = page.js(PWNED)
        if pwned is not None:
            return str(pwned)
        time.sleep(0.05)
    return None


def _run_log() -> str:
    header = {
        "type": "header",
        "version": 1,
        "source": "browser",
        "checklist": "checklists/deploy.md",
        "run_id": "r1 " + ATTR_LIST % "run-id",
        "title": "Deploy " + ATTR_LIST % "title",
        "host": "host " + ATTR_LIST % "host",
        "operator": "alice " + ATTR_LIST % "operator",
        "start": "2025-01-01T00:00:00Z",
    }
    tick = {
        "type": "step",
        "id": "first",
        "kind": "item",
        "status": "manual-done",
        "at": "2025-01-01T00:00:00Z",
        "duration": 0,
        "text": "first " + ATTR_LIST % "step",
    }
    return json.dumps(header) + "\n" + json.dumps(tick) + "\n"


@pytest.fixture(scope="module")
def runs_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """Material with ``run_logs``: the Runs page and a run's page come from a committed log."""
    config = (
        "site_name: Runs\nsite_url: {site_url}\ntheme:\n  name: material\n  font: false\n"
        "markdown_extensions: [attr_list, pymdownx.superfences, tables]\n"
        "plugins: [search, {preflight: {run_logs: .preflight/runs}}]\n"
    )
    files = {
        "docs/index.md": "# Home\n",
        "checklists/deploy.md": "# Deploy\n\n- [ ] first { #first }\n",
        ".preflight/runs/a.jsonl": _run_log(),
        f"checklists/{FOLDER}/other.md": "# Other\n\n- [ ] two\n",
    }
    with served_site(tmp_path_factory.mktemp("runs"), files, config) as built:
        yield built


@pytest.fixture(scope="module")
def readthedocs_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """MkDocs' readthedocs theme, which prints page titles in ``title="..."`` attributes."""
    config = (
        "site_name: RTD\nsite_url: {site_url}\ntheme:\n  name: readthedocs\n  highlightjs: false\n"
        "plugins: [search, preflight]\n"
    )
    title = (QUOTE % "title").replace("'", "''")
    files = {
        "docs/index.md": "# Home\n",
        "checklists/a.md": f"---\ntitle: '{title}'\n---\n# A\n\n- [ ] one\n",
        "checklists/b.md": "# B\n\n- [ ] two\n",
    }
    with served_site(tmp_path_factory.mktemp("readthedocs"), files, config) as built:
        yield built


def test_run_logs_cannot_run_script_on_the_runs_pages(runs_site: BuiltSite, page: Page) -> None:
    assert _load(page, runs_site.url("runs/")) is None
    links = page.driver.find_elements(By.CSS_SELECTOR, "article a[href*='r1']")
    assert links, "the Runs page links to the run"
    assert _load(page, str(links[0].get_attribute("href"))) is None
    heading = page.driver.find_element(By.CSS_SELECTOR, "article h1")
    assert heading.text == "Run r1 " + ATTR_LIST % "run-id"


def test_a_title_cannot_leave_the_themes_title_attribute(readthedocs_site: BuiltSite, page: Page) -> None:
    assert _load(page, readthedocs_site.url("checklists/b/")) is None
    titles = [a.get_attribute("title") for a in page.driver.find_elements(By.CSS_SELECTOR, "a[title]")]
    assert QUOTE % "title" in titles, titles


def test_a_folder_name_cannot_run_script_in_the_nav(runs_site: BuiltSite, page: Page) -> None:
    assert _load(page, runs_site.url("")) is None
    titles = page.js("return Array.from(document.querySelectorAll('.md-nav__link')).map((a) => a.textContent.trim())")
    assert FOLDER.capitalize() in titles, titles
