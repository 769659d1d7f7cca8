"""Interactive checklists on a real mkdocs-material site with instant navigation."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from html.parser import HTMLParser

import pytest
from selenium.webdriver.common.by import By

from mkdocs_preflight.runner.logs import outcomes_from, read_log

from ._support import BuiltSite, Page, served_site, start_chromium

pytestmark = pytest.mark.browser

CONFIG = """\
site_name: Preflight browser test
site_url: {site_url}
theme:
  name: material
  font: false
  features:
    - navigation.instant
markdown_extensions:
  - attr_list
  - pymdownx.highlight
  - pymdownx.superfences
plugins: [search, preflight]
"""

DEPLOY = """\
---
owner: web-team
tags: [deploy]
---
# Deploy the web app

Work through this list top to bottom.

## Before you start

- [x] Announce the deployment in the ops channel
- [ ] Check the error budget
- [ ] Take a database backup

## Roll out

### Staging

- [ ] Deploy to staging
- [ ] Run the smoke tests

    ```bash
    make smoke
    ```

### Production

- [ ] Deploy to production
    - [ ] Drain the old pool
- [X] Watch the dashboards for 15 minutes
"""

RELEASE = """\
# Release

## Steps

- [ ] Bump the version
- [x] Update the changelog
- [ ] Tag the release
"""

HOSTILE = """\
---
title: Hostile <script>window.__pwned = "title"</script><img src=x onerror="window.__pwned = 'title-img'">
---
# Hostile &lt;img src=x onerror="window.__pwned='h1'"&gt;

## Items

- [ ] Run `<script>window.__pwned = "code"</script>` now
- [ ] Look at &lt;img src=x onerror="window.__pwned = 'entity'"&gt;
- [ ] Close `</script><script>window.__pwned = "json"</script>` too

```html
</script><img src=x onerror="window.__pwned = 'block'">
```
"""

# CRLF line ends, every list marker, a box in a quote, "[x]" inside item text.
EDGE = (
    "# Edge cases\r\n\r\n1. [ ] Ordered one\r\n2. [x] Ordered two\r\n\r\nSome text.\r\n\r\n"
    "* [ ] Star bullet\r\n\r\nMore text.\r\n\r\n+ [X] Plus bullet with [ ] inside\r\n\r\n"
    "> - [ ] Inside a quote\r\n\r\nEnd.\r\n\r\n- [ ] Mentions [x] in its text\r\n  continued on a second line\r\n"
    # Two items on one line (CommonMark nests them; the site shows the outer one only).
    "\r\nLast.\r\n\r\n- [x] - [x] Two on one line\r\n"
)

SOURCE_DEPLOY = {
    "announce-the-deployment-in-the-ops-channel": True,
    "check-the-error-budget": False,
    "take-a-database-backup": False,
    "deploy-to-staging": False,
    "run-the-smoke-tests": False,
    "deploy-to-production": False,
    "drain-the-old-pool": False,
    "watch-the-dashboards-for-15-minutes": True,
}

SOURCE_PROGRESS = {
    "": "2/8",
    "before-you-start": "1/3",
    "roll-out": "1/5",
    "staging": "0/2",
    "production": "1/3",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """One Material site with three checklists, built once for the module."""
    files = {
        "docs/index.md": "# Home\n\nThe runbooks are under Checklists.\n",
        "checklists/deploy.md": DEPLOY,
        "checklists/release.md": RELEASE,
        "checklists/hostile.md": HOSTILE,
        "checklists/edge.md": EDGE,
        "Makefile": "smoke:\n\techo smoke\n",  # the repository the checklists describe (PF203)
    }
    with served_site(tmp_path_factory.mktemp("material"), files, CONFIG) as built:
        yield built


def storage_key(page: Page, checklist: str) -> str:
    site_key = page.js("return document.querySelector('.preflight-checklist').getAttribute('data-preflight-site')")
    return f"preflight:v1:{site_key}:checklists/{checklist}"


def click_nav(page: Page, checklist: str) -> None:
    """Follow the navigation link to a checklist the way a reader does (Material intercepts it)."""
    links = page.driver.find_elements(By.CSS_SELECTOR, f'.md-sidebar--primary a[href$="checklists/{checklist}/"]')
    visible = [link for link in links if link.is_displayed()]
    assert visible, f"no visible nav link to {checklist}"
    visible[0].click()
    page.wait_ready(f"checklists/{checklist}")


def test_page_loads_with_source_state_and_controls(site: BuiltSite, page: Page) -> None:
    page.open(site.url("checklists/deploy/"))
    assert page.item_ids() == list(SOURCE_DEPLOY)
    assert page.checked() == SOURCE_DEPLOY
    assert all(page.enabled().values())
    assert page.progress() == SOURCE_PROGRESS
    controls = page.driver.find_element(By.CSS_SELECTOR, ".preflight-controls")
    assert controls.is_displayed()
    assert [b.text for b in controls.find_elements(By.TAG_NAME, "button")] == [
        "Reset",
        "Copy progress as Markdown",
        "Export run log",
    ]
    assert page.debug()["bindings"] == 1
    assert page.console_errors() == []


def test_tick_updates_progress_live_and_survives_reload(site: BuiltSite, page: Page) -> None:
    page.open(site.url("checklists/deploy/"))
    page.click_item("deploy-to-staging")
    assert page.checked()["deploy-to-staging"] is True
    assert page.progress() == {**SOURCE_PROGRESS, "": "3/8", "roll-out": "2/5", "staging": "1/2"}

    page.click_item("watch-the-dashboards-for-15-minutes")  # un-tick a box ticked in the source
    assert page.progress() == {**SOURCE_PROGRESS, "": "2/8", "roll-out": "1/5", "staging": "1/2", "production": "0/3"}

    stored = page.storage()[storage_key(page, "deploy")]
    assert set(stored["items"]) == {"deploy-to-staging", "watch-the-dashboards-for-15-minutes"}
    assert stored["items"]["deploy-to-staging"]["checked"] is True
    assert stored["items"]["watch-the-dashboards-for-15-minutes"]["checked"] is False
    for entry in stored["items"].values():
        datetime.fromisoformat(entry["at"].replace("Z", "+00:00"))
    datetime.fromisoformat(stored["started"].replace("Z", "+00:00"))

    page.driver.refresh()
    page.wait_ready()
    expected = {**SOURCE_DEPLOY, "deploy-to-staging": True, "watch-the-dashboards-for-15-minutes": False}
    assert page.checked() == expected
    assert page.progress()[""] == "2/8"


def test_nested_item_toggles_only_itself(site: BuiltSite, page: Page) -> None:
    page.open(site.url("checklists/deploy/"))
    page.click_item("drain-the-old-pool")
    assert page.checked() == {**SOURCE_DEPLOY, "drain-the-old-pool": True}
    page.click_item("deploy-to-production")
    assert page.checked() == {**SOURCE_DEPLOY, "drain-the-old-pool": True, "deploy-to-production": True}
    assert page.progress()["production"] == "3/3"
    complete = page.js(
        "return document.querySelector('.preflight-progress[data-preflight-scope=\"production\"]')"
        ".classList.contains('preflight-progress--complete')"
    )
    assert complete is True


def test_instant_navigation_keeps_state_and_binds_once(site: BuiltSite, page: Page) -> None:
    page.open(site.url("checklists/deploy/"))
    page.js("window.__sameDocument = true")
    page.click_item("check-the-error-budget")

    click_nav(page, "release")
    assert page.js("return window.__sameDocument") is True, "navigation reloaded the page: not instant"
    assert page.progress()[""] == "1/3"
    page.click_item("bump-the-version")
    assert page.progress()[""] == "2/3"

    click_nav(page, "deploy")
    assert page.js("return window.__sameDocument") is True
    assert page.checked() == {**SOURCE_DEPLOY, "check-the-error-budget": True}
    assert page.progress()["before-you-start"] == "2/3"

    # One click must toggle exactly once, however many page views the script handled.
    page.click_item("check-the-error-budget")
    page.settle()
    assert page.checked()["check-the-error-budget"] is False
    assert page.storage()[storage_key(page, "deploy")]["items"]["check-the-error-budget"]["checked"] is False
    assert page.progress()["before-you-start"] == "1/3"

    page.driver.back()  # popstate: Material loads the previous page instantly too
    page.wait_ready("checklists/release")
    assert page.js("return window.__sameDocument") is True
    assert page.checked() == {"bump-the-version": True, "update-the-changelog": True, "tag-the-release": False}
    page.click_item("tag-the-release")
    assert page.progress()[""] == "3/3"

    counters = page.debug()
    assert counters["bindings"] == 1
    assert counters["views"] == 4
    # Material re-creates the content's inline <script>s without their type: the page data
    # is an attribute, so nothing of ours is run as JavaScript.
    assert page.console_errors() == []


def test_reset_restores_source_state(site: BuiltSite, page: Page) -> None:
    page.open(site.url("checklists/deploy/"))
    page.click_item("take-a-database-backup")
    page.click_item("announce-the-deployment-in-the-ops-channel")
    changed = {**SOURCE_DEPLOY, "take-a-database-backup": True, "announce-the-deployment-in-the-ops-channel": False}

    page.press("reset")
    page.driver.switch_to.alert.dismiss()
    assert page.checked() == changed

    page.press("reset")
    page.driver.switch_to.alert.accept()
    assert page.checked() == SOURCE_DEPLOY
    assert page.progress() == SOURCE_PROGRESS
    assert storage_key(page, "deploy") not in page.storage()

    page.driver.refresh()
    page.wait_ready()
    assert page.checked() == SOURCE_DEPLOY


def test_copy_progress_as_markdown(site: BuiltSite, page: Page) -> None:
    page.open(site.url("checklists/deploy/"))
    page.driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": site.url().rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    page.click_item("check-the-error-budget")
    page.click_item("drain-the-old-pool")
    page.click_item("watch-the-dashboards-for-15-minutes")
    page.press("copy-markdown")
    page.wait(lambda d: d.execute_script("return document.querySelector('[data-preflight-copied]')"), "copy done")

    expected = DEPLOY.replace("- [ ] Check the error budget", "- [x] Check the error budget")
    expected = expected.replace("    - [ ] Drain the old pool", "    - [x] Drain the old pool")
    expected = expected.replace("- [X] Watch the dashboards", "- [ ] Watch the dashboards")
    assert page.export_text("markdown") == expected

    copied = page.driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, (e) => done('ERROR ' + e));"
    )
    assert copied == expected
    assert page.js("return document.querySelector('.preflight-checklist').dataset.preflightCopied") == "true"


def test_copy_markdown_rewrites_only_each_items_own_box(site: BuiltSite, page: Page) -> None:
    page.open(site.url("checklists/edge/"))
    for item_id in page.item_ids():
        page.click_item(item_id)
    page.press("copy-markdown")
    page.wait(lambda d: d.execute_script("return document.querySelector('[data-preflight-copied]')"), "copy done")
    expected = (
        "# Edge cases\r\n\r\n1. [x] Ordered one\r\n2. [ ] Ordered two\r\n\r\nSome text.\r\n\r\n"
        "* [x] Star bullet\r\n\r\nMore text.\r\n\r\n+ [ ] Plus bullet with [ ] inside\r\n\r\n"
        "> - [x] Inside a quote\r\n\r\nEnd.\r\n\r\n- [x] Mentions [x] in its text\r\n  continued on a second line\r\n"
        "\r\nLast.\r\n\r\n- [ ] - [x] Two on one line\r\n"  # the outer box unticked, the inner one kept
    )
    assert page.export_text("markdown") == expected


def test_export_run_log(site: BuiltSite, page: Page) -> None:
    page.open(site.url("checklists/release/"))
    page.click_item("bump-the-version")
    page.press("export-log")

    files = page.downloaded(".jsonl")
    assert len(files) == 1, files
    assert re.fullmatch(r"checklists-release-\d{8}T\d{6}Z\.jsonl", files[0].name)
    text = files[0].read_text(encoding="utf-8")
    assert text == page.export_text("run-log")

    records = [json.loads(line) for line in text.splitlines()]
    header, *steps = records
    data = page.js("return JSON.parse(document.querySelector('.preflight-checklist').dataset.preflightJson)")
    stored = page.storage()[storage_key(page, "release")]
    assert header == {
        "type": "header",
        "version": 1,
        "source": "browser",
        "run_id": files[0].stem,
        "checklist": "checklists/release.md",
        "title": "Release",
        "sha256": data["sha256"],
        "steps": [
            {"id": "bump-the-version", "kind": "item", "text": "Bump the version"},
            {"id": "update-the-changelog", "kind": "item", "text": "Update the changelog"},
            {"id": "tag-the-release", "kind": "item", "text": "Tag the release"},
        ],
        "host": site.url().split("/")[2],
        "start": stored["started"],
    }
    assert re.fullmatch(r"[0-9a-f]{64}", header["sha256"])
    assert steps == [
        {
            "type": "step",
            "id": "bump-the-version",
            "kind": "item",
            "status": "manual-done",
            "at": stored["items"]["bump-the-version"]["at"],
            "duration": 0,
        },
        {
            "type": "step",
            "id": "update-the-changelog",
            "kind": "item",
            "status": "manual-done",
            "at": stored["started"],
            "duration": 0,
        },
    ]

    # The runner's own reader takes it as it is: no warnings, outcomes per global ID.
    log = read_log(files[0])
    assert log.warnings == [] and not log.torn and log.source == "browser"
    outcomes = outcomes_from([log])
    assert {key: o.status for key, o in outcomes.items()} == {
        "checklists/release#bump-the-version": "manual-done",
        "checklists/release#update-the-changelog": "manual-done",
    }


def test_other_tab_ticks_show_up(site: BuiltSite, page: Page) -> None:
    page.open(site.url("checklists/release/"))
    first = page.driver.current_window_handle
    page.driver.switch_to.new_window("tab")
    page.open(site.url("checklists/release/"))
    page.click_item("tag-the-release")
    page.driver.switch_to.window(first)
    page.wait(lambda d: Page(d).checked()["tag-the-release"], "the first tab follows the second")
    assert page.progress()[""] == "2/3"


class _Boxes(HTMLParser):
    """Collects the checkboxes of preflight items and whether the controls are hidden."""

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[str, dict[str, bool]] = {}
        self.controls_hidden: bool | None = None
        self._current: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if tag == "li" and "preflight-item" in classes:
            self._current.append(a["id"] or "")
        if tag == "input" and a.get("type") == "checkbox" and self._current:
            self.items.setdefault(self._current[-1], {"checked": "checked" in a, "disabled": "disabled" in a})
        if "preflight-controls" in classes:
            self.controls_hidden = "hidden" in a

    def handle_endtag(self, tag: str) -> None:
        if tag == "li" and self._current:
            self._current.pop()


def test_static_html_shows_source_checkboxes(site: BuiltSite) -> None:
    with urllib.request.urlopen(site.url("checklists/deploy/")) as response:
        parser = _Boxes()
        parser.feed(response.read().decode("utf-8"))
    assert {k: v["checked"] for k, v in parser.items.items()} == SOURCE_DEPLOY
    assert all(v["disabled"] for v in parser.items.values())
    assert parser.controls_hidden is True


def test_without_javascript_the_page_shows_source_state(site: BuiltSite) -> None:
    driver = start_chromium(javascript=False)
    try:
        driver.get(site.url("checklists/deploy/"))
        # WebDriver's own scripts still run; the page's did not.
        assert driver.execute_script("return window.__mkdocsPreflight === undefined && !window.document$") is True
        wrapper = driver.find_element(By.CSS_SELECTOR, ".preflight-checklist")
        assert wrapper.get_attribute("data-preflight-ready") is None
        boxes = {
            li.get_attribute("id"): li.find_element(By.CSS_SELECTOR, "input[type=checkbox]")
            for li in driver.find_elements(By.CSS_SELECTOR, "li.preflight-item")
        }
        assert {k: box.is_selected() for k, box in boxes.items()} == SOURCE_DEPLOY
        assert not any(box.is_enabled() for box in boxes.values())
        assert not driver.find_element(By.CSS_SELECTOR, ".preflight-controls").is_displayed()
        label = driver.find_element(By.CSS_SELECTOR, ".preflight-progress-label").text
        assert label == "2/8 done"
    finally:
        driver.quit()


def test_hostile_text_never_runs(site: BuiltSite, page: Page) -> None:
    pwned = "return window.__pwned === undefined ? null : String(window.__pwned)"
    page.open(site.url("checklists/deploy/"))
    page.js("window.__sameDocument = true")
    click_nav(page, "hostile")  # instant loading re-evaluates the scripts inside the content
    assert page.js("return window.__sameDocument") is True
    page.click_item(page.item_ids()[0])
    page.press("copy-markdown")
    page.press("export-log")
    page.wait(lambda d: d.execute_script("return document.querySelector('[data-preflight-copied]')"), "copy done")
    assert page.js(pwned) is None

    # The hostile text travels as text: into the copied Markdown and the run log.
    assert '- [x] Run `<script>window.__pwned = "code"</script>` now' in page.export_text("markdown")
    header = json.loads(page.export_text("run-log").splitlines()[0])
    assert (
        header["title"]
        == 'Hostile <script>window.__pwned = "title"</script><img src=x onerror="window.__pwned = \'title-img\'">'
    )
    assert page.downloaded(".jsonl")

    page.driver.refresh()  # a full load of the page, with the tick restored
    page.wait_ready("checklists/hostile")
    assert page.checked()[page.item_ids()[0]] is True
    assert page.js(pwned) is None
    assert page.console_errors() == []
