"""Real headless Chromium against real built MkDocs sites served over loopback HTTP."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
CHROMEDRIVER_CANDIDATES = ("chromedriver",)
CHROMIUM_FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--window-size=1280,900",
)
WAIT_SECONDS = 10.0


def _find(candidates: tuple[str, ...], fallback: str) -> str | None:
    for name in candidates:
        found = shutil.which(name)
        if found:
            return found
    return fallback if os.access(fallback, os.X_OK) else None


def browser_binaries() -> tuple[str, str]:
    """Chromium and chromedriver, or fail (in CI) / skip (elsewhere) with the reason."""
    chromium = _find(CHROMIUM_CANDIDATES, "/usr/bin/chromium")
    driver = _find(CHROMEDRIVER_CANDIDATES, "/usr/bin/chromedriver")
    if chromium and driver:
        return chromium, driver
    missing = " and ".join(n for n, p in (("chromium", chromium), ("chromedriver", driver)) if not p)
    reason = f"{missing} not found: install the Debian packages chromium and chromium-driver"
    if os.environ.get("CI"):
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def start_chromium(*, javascript: bool = True, downloads: Path | None = None) -> webdriver.Chrome:
    """A fresh headless Chromium (own profile folder) driven through the system chromedriver."""
    chromium, driver_path = browser_binaries()
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='preflight-chromium-')}")
    prefs: dict[str, Any] = {}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    if downloads is not None:
        prefs["download.default_directory"] = str(downloads)
        prefs["download.prompt_for_download"] = False
    if prefs:
        options.add_experimental_option("prefs", prefs)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    chrome = webdriver.Chrome(service=Service(driver_path), options=options)
    if downloads is not None:
        chrome.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)})
    return chrome


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class SiteServer:
    """Serves a folder over HTTP on a free loopback port, in a daemon thread."""

    def __init__(self, root: Path) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        handler = functools.partial(_QuietHandler, directory=str(root))
        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/``: Material's instant loading needs site_url to match it."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def url(self, path: str = "") -> str:
        """The absolute URL of a site path like ``checklists/deploy/``."""
        return self.base_url + path.lstrip("/")

    def close(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()


def write_files(root: Path, files: dict[str, str]) -> None:
    """Write a project's files (UTF-8, parents created)."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def mkdocs_build(project: Path, site_dir: Path) -> None:
    """Run a real ``mkdocs build`` of ``project`` into ``site_dir`` (fails the test on error)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"mkdocs build failed ({result.returncode}):\n{result.stderr}", pytrace=False)


@dataclass
class BuiltSite:
    """A built site and the server that serves it."""

    project: Path
    server: SiteServer

    def url(self, path: str = "") -> str:
        """The absolute URL of a site path."""
        return self.server.url(path)


@contextlib.contextmanager
def served_site(workdir: Path, files: dict[str, str], config: str) -> Iterator[BuiltSite]:
    """Write a project, serve its site folder, build it with site_url = the server's URL.

    The server starts first because Material's instant loading only intercepts links
    listed in sitemap.xml, matched on host *and port*, so site_url needs the real port.
    """
    project = workdir / "project"
    server = SiteServer(workdir / "site")
    config = config.replace("{site_url}", server.base_url)
    write_files(project, {**files, "mkdocs.yml": config})
    mkdocs_build(project, server.root)
    try:
        yield BuiltSite(project, server)
    finally:
        server.close()


# Where the visible checkbox is. Material hides the real <input> (opacity 0, z-index -1)
# and draws .task-list-indicator::before; the mkdocs theme shows the input itself. Hit
# testing a pseudo-element returns its element, so the point must land in the label.
_CHECKBOX_POINT = """
const li = arguments[0];
li.scrollIntoView({block: "center", behavior: "instant"});
const input = Array.from(li.querySelectorAll('input[type="checkbox"]'))
  .find((box) => box.closest("li.preflight-item") === li);
let rect = input.getBoundingClientRect();
if (rect.width < 2 || getComputedStyle(input).opacity === "0") {
  const indicator = input.parentElement.querySelector(".task-list-indicator");
  const before = getComputedStyle(indicator, "::before");
  const origin = indicator.offsetParent.getBoundingClientRect();
  rect = {left: origin.left + parseFloat(before.left), top: origin.top + parseFloat(before.top),
          width: parseFloat(before.width), height: parseFloat(before.height)};
}
const x = Math.round(rect.left + rect.width / 2), y = Math.round(rect.top + rect.height / 2);
const hit = document.elementFromPoint(x, y);
const ok = !!hit && (hit === input || (!!input.closest("label") && hit.closest("label") === input.closest("label")));
return [x, y, ok, hit ? hit.outerHTML.slice(0, 120) : null];
"""


class Page:
    """A Selenium driver with the few gestures and reads the tests need."""

    def __init__(self, driver: webdriver.Chrome, downloads: Path | None = None) -> None:
        self.driver = driver
        self.downloads = downloads

    def downloaded(self, suffix: str) -> list[Path]:
        """The finished downloads with this suffix, waiting up to a few seconds for one."""
        assert self.downloads is not None, "this browser has no download folder"
        deadline = time.monotonic() + WAIT_SECONDS
        while True:
            found = sorted(p for p in self.downloads.iterdir() if p.suffix == suffix)
            if found or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def open(self, url: str) -> None:
        """Load a URL (a full page load) and wait for the script to set up the checklist."""
        self.driver.get(url)
        self.wait_ready()

    def wait(self, condition: Callable[[webdriver.Chrome], Any], message: str) -> Any:
        """Wait until ``condition`` is truthy."""
        try:
            return WebDriverWait(self.driver, WAIT_SECONDS, poll_frequency=0.05).until(condition)
        except TimeoutException:
            pytest.fail(f"timed out waiting: {message}", pytrace=False)

    def wait_ready(self, checklist: str | None = None) -> None:
        """Wait until the script has set up the checklist ``checklist`` (e.g. ``checklists/deploy``).

        Checking the wrapper's own page matters with instant loading: Material changes the
        URL before it swaps the content, so the old, ready page is still there for a moment.
        """

        def ready(driver: webdriver.Chrome) -> bool:
            return bool(
                driver.execute_script(
                    "const root = document.querySelector('.preflight-checklist[data-preflight-ready]');"
                    " return !!root && (arguments[0] === null"
                    " || root.getAttribute('data-preflight-page') === arguments[0]);",
                    checklist,
                )
            )

        self.wait(ready, f"checklist {checklist or self.driver.current_url} ready")

    def js(self, script: str, *args: Any) -> Any:
        """Run JavaScript in the page and return its result."""
        return self.driver.execute_script(script, *args)

    def item(self, item_id: str) -> WebElement:
        """The ``<li>`` of an item."""
        return self.driver.find_element(By.CSS_SELECTOR, f'li.preflight-item[id="{item_id}"]')

    def item_ids(self) -> list[str]:
        """The IDs of the page's items, in page order."""
        ids = self.js("return Array.from(document.querySelectorAll('li.preflight-item')).map(li => li.id)")
        return list(ids)

    def click_item(self, item_id: str) -> None:
        """Click an item's checkbox where a person would: on the visible box, with a real pointer."""
        x, y, ok, hit = self.js(_CHECKBOX_POINT, self.item(item_id))
        assert ok, f"the checkbox of {item_id} is not clickable at ({x}, {y}): {hit}"
        actions = ActionBuilder(self.driver)
        actions.pointer_action.move_to_location(x, y).click()  # type: ignore[no-untyped-call]
        actions.perform()

    def checked(self) -> dict[str, bool]:
        """Every item's own checkbox state."""
        states = self.js(
            "return Object.fromEntries(Array.from(document.querySelectorAll('li.preflight-item')).map(li => "
            "[li.id, Array.from(li.querySelectorAll('input[type=checkbox]'))"
            ".find(b => b.closest('li.preflight-item') === li).checked]))"
        )
        return dict(states)

    def enabled(self) -> dict[str, bool]:
        """Whether each item's own checkbox can be clicked."""
        states = self.js(
            "return Object.fromEntries(Array.from(document.querySelectorAll('li.preflight-item')).map(li => "
            "[li.id, !Array.from(li.querySelectorAll('input[type=checkbox]'))"
            ".find(b => b.closest('li.preflight-item') === li).disabled]))"
        )
        return dict(states)

    def progress(self) -> dict[str, str]:
        """Each progress bar's label by scope ('' is the page), checked against its <progress>."""
        bars = self.js(
            "return Array.from(document.querySelectorAll('.preflight-checklist .preflight-progress')).map(b => {"
            " const p = b.querySelector('progress');"
            " return [b.getAttribute('data-preflight-scope'), b.querySelector('.preflight-progress-label').textContent,"
            " p.value, p.max, b.getAttribute('data-preflight-done'), b.getAttribute('data-preflight-total')]; })"
        )
        result: dict[str, str] = {}
        for scope, label, value, maximum, done, total in bars:
            assert label == f"{done}/{total} done", (scope, label, done, total)
            assert int(value) == int(done) and int(maximum) == max(int(total), 1), (scope, value, maximum)
            result[scope] = f"{done}/{total}"
        return result

    def storage(self) -> dict[str, Any]:
        """The page origin's preflight localStorage entries, decoded."""
        raw = self.js(
            "const out = {}; for (let i = 0; i < localStorage.length; i++) { const k = localStorage.key(i);"
            " if (k.startsWith('preflight:')) out[k] = localStorage.getItem(k); } return out;"
        )
        return {key: json.loads(value) for key, value in raw.items()}

    def press(self, action: str) -> None:
        """Click a control button (by its data-preflight-action), scrolled clear of sticky headers."""
        button = self.driver.find_element(By.CSS_SELECTOR, f'.preflight-controls [data-preflight-action="{action}"]')
        self.js("arguments[0].scrollIntoView({block: 'center', behavior: 'instant'})", button)
        button.click()

    def export_text(self, kind: str) -> str:
        """What the last copy/export produced, exactly (kept on a hidden textarea; its value drops CRs)."""
        value = self.js(
            "const f = Array.from(document.querySelectorAll('textarea.preflight-export'))"
            ".find((t) => t.getAttribute('data-preflight-export') === arguments[0]);"
            " return f ? f.getAttribute('data-preflight-text') : null;",
            kind,
        )
        assert value is not None, f"no export field for {kind}"
        return str(value)

    def debug(self) -> dict[str, int]:
        """The script's counters: page views handled and global listener bindings."""
        return dict(self.js("return Object.assign({}, window.__mkdocsPreflight)"))

    def console_errors(self) -> list[str]:
        """Severe browser console messages since the last call, network noise excluded."""
        entries = self.driver.get_log("browser")  # type: ignore[no-untyped-call]
        return [e["message"] for e in entries if e["level"] == "SEVERE" and e.get("source") != "network"]

    def settle(self, seconds: float = 0.1) -> None:
        """Give the page a moment (only for asserting that something does NOT happen)."""
        time.sleep(seconds)
