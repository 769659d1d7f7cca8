"""Fixtures for the browser tests: one Chromium per module, fresh storage per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium import webdriver

from ._support import Page, start_chromium


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the module's browser saves downloads."""
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def chromium(downloads: Path) -> Iterator[webdriver.Chrome]:
    """One headless Chromium per test module (starting one costs about a second)."""
    driver = start_chromium(downloads=downloads)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def page(chromium: webdriver.Chrome, downloads: Path) -> Iterator[Page]:
    """The module's browser with one window, an empty download folder and no preflight storage."""
    for old in downloads.iterdir():
        old.unlink()
    helper = Page(chromium, downloads)
    yield helper
    for handle in chromium.window_handles[1:]:
        chromium.switch_to.window(handle)
        chromium.close()
    chromium.switch_to.window(chromium.window_handles[0])
    if chromium.current_url.startswith("http"):
        chromium.execute_script("localStorage.clear()")
