"""The script on MkDocs' built-in theme (no Material, no document$) and on a read-only site."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By

from ._support import BuiltSite, Page, served_site

pytestmark = pytest.mark.browser

CHECKLIST = """\
# Rotate the TLS certificate

## Prepare

- [ ] Order the new certificate
- [x] Book a change window

## Swap

- [ ] Install it on the load balancer
- [ ] Check the expiry date from outside
"""

SOURCE = {
    "order-the-new-certificate": False,
    "book-a-change-window": True,
    "install-it-on-the-load-balancer": False,
    "check-the-expiry-date-from-outside": False,
}


@pytest.fixture(scope="module")
def mkdocs_theme_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """The checklist on MkDocs' own theme, interactive (the default)."""
    config = (
        "site_name: Plain theme\nsite_url: {site_url}\n"
        "theme:\n  name: mkdocs\n  highlightjs: false\n"  # highlight.js comes from a CDN: no network here
        "plugins: [search, preflight]\n"
    )
    files = {"docs/index.md": "# Home\n", "checklists/tls.md": CHECKLIST}
    with served_site(tmp_path_factory.mktemp("mkdocs-theme"), files, config) as built:
        yield built


@pytest.fixture(scope="module")
def read_only_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """The checklist on Material with ``interactive: false``."""
    config = (
        "site_name: Read only\nsite_url: {site_url}\ntheme:\n  name: material\n  font: false\n"
        "plugins: [search, {preflight: {interactive: false}}]\n"
    )
    files = {"docs/index.md": "# Home\n", "checklists/tls.md": CHECKLIST}
    with served_site(tmp_path_factory.mktemp("read-only"), files, config) as built:
        yield built


def test_mkdocs_theme_ticks_persist_and_reset(mkdocs_theme_site: BuiltSite, page: Page) -> None:
    page.open(mkdocs_theme_site.url("checklists/tls/"))
    assert page.js("return window.document$ === undefined") is True  # the DOMContentLoaded path
    assert page.checked() == SOURCE
    assert page.progress() == {"": "1/4", "prepare": "1/2", "swap": "0/2"}

    page.click_item("install-it-on-the-load-balancer")
    assert page.progress() == {"": "2/4", "prepare": "1/2", "swap": "1/2"}
    page.driver.refresh()
    page.wait_ready()
    assert page.checked() == {**SOURCE, "install-it-on-the-load-balancer": True}

    page.press("copy-markdown")
    page.wait(lambda d: d.execute_script("return document.querySelector('[data-preflight-copied]')"), "copy done")
    assert page.export_text("markdown") == CHECKLIST.replace(
        "- [ ] Install it on the load balancer", "- [x] Install it on the load balancer"
    )

    page.press("reset")
    page.driver.switch_to.alert.accept()
    assert page.checked() == SOURCE
    assert page.progress()[""] == "1/4"
    assert page.debug() == {"version": 1, "views": 1, "bindings": 1}
    assert page.console_errors() == []


def test_read_only_site_keeps_boxes_disabled(read_only_site: BuiltSite, page: Page) -> None:
    page.open(read_only_site.url("checklists/tls/"))
    assert page.checked() == SOURCE
    assert not any(page.enabled().values())
    assert page.driver.find_elements(By.CSS_SELECTOR, ".preflight-controls") == []

    page.click_item("order-the-new-certificate")  # a real click on the box, which is disabled
    page.settle()
    assert page.checked() == SOURCE
    assert page.storage() == {}
    assert page.progress() == {"": "1/4", "prepare": "1/2", "swap": "0/2"}
