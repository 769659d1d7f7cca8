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


@pytest.fixture(scope="module")
def narrow_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """Material with a registry, so that the requirements page has its table."""
    config = (
        "site_name: Narrow\nsite_url: {site_url}\ntheme:\n  name: material\n  font: false\n"
        "plugins: [search, {preflight: {registry: requirements.yml}}]\n"
    )
    registry = "".join(f'"SEC-{n}": "A requirement with a rather long title, number {n}"\n' for n in range(1, 6))
    checklist = CHECKLIST.replace("- [ ] Order the new certificate", "- [ ] Order the new certificate (SEC-1)")
    files = {"docs/index.md": "# Home\n", "checklists/tls.md": checklist, "requirements.yml": registry}
    with served_site(tmp_path_factory.mktemp("narrow"), files, config) as built:
        yield built


def test_boxes_and_bars_have_names_for_screen_readers(narrow_site: BuiltSite, page: Page) -> None:
    page.open(narrow_site.url("checklists/tls/"))
    names = page.js(
        "return [...document.querySelectorAll('li.preflight-item input')]"
        ".map(box => [box.closest('li').id, box.getAttribute('aria-label')])"
    )
    assert names == [
        ["order-the-new-certificate-sec-1", "Order the new certificate (SEC-1)"],
        ["book-a-change-window", "Book a change window"],
        ["install-it-on-the-load-balancer", "Install it on the load balancer"],
        ["check-the-expiry-date-from-outside", "Check the expiry date from outside"],
    ]
    bars = page.js("return [...document.querySelectorAll('.preflight-progress progress')].map(bar => bar.ariaLabel)")
    assert bars == ["Progress: Rotate the TLS certificate", "Progress: Prepare", "Progress: Swap"]
    assert page.console_errors() == []


def test_the_requirements_table_scrolls_in_place_on_a_phone(narrow_site: BuiltSite, page: Page) -> None:
    page.driver.set_window_size(375, 812)
    try:
        page.driver.get(narrow_site.url("requirements/"))
        page.wait(lambda d: d.execute_script("return document.readyState") == "complete", "page load")
        widths = page.js(
            "const table = document.querySelector('table.preflight-requirements');"
            "return [document.documentElement.clientWidth, document.documentElement.scrollWidth,"
            " table.parentElement.scrollWidth > table.parentElement.clientWidth]"
        )
        viewport, page_width, table_scrolls = widths
        assert page_width <= viewport, "the page itself does not scroll sideways"
        assert table_scrolls, "the table is wider than the phone and scrolls in its own box"
    finally:
        page.driver.set_window_size(1280, 900)
