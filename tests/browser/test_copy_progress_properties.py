"""The interactive page for any checklist, in Chromium, checked against the engine.

Hypothesis writes a checklist line by line (task items at any indent and in any list,
several on one line, in quotes, admonitions and tabs, fences, non-ASCII text), each line
ending in LF, CRLF or a lone CR. The site is built with mkdocs-material or MkDocs' own
theme, with code highlighted or not, and served. In the browser each item the page shows
gets a drawn state (its checkbox set and a ``change`` event, as a click does), after
checking that the script's progress bars start where the page without it stands. Then:
every progress bar counts the items of its section as the engine sees them; the exported
run log lists the ticks for ``preflight report`` and ``preflight run --resume``; a
reload brings every tick back; "Copy progress as Markdown" gives the source with only
box characters changed, in which the engine finds every shown item in the state the
operator gave it and every other item as the source had it; and "Reset" brings back
the source's boxes and bars.
"""

from __future__ import annotations

import html
import json
import logging
import re
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mkdocs.commands.build import build
from mkdocs.config import load_config

from markdown_setups import CONTAINER_EXTENSIONS
from mkdocs_preflight.cli import main
from mkdocs_preflight.config import load_settings
from mkdocs_preflight.engine import Project
from mkdocs_preflight.model import Checklist

from ._support import Page, SiteServer

pytestmark = pytest.mark.browser

INDENTS = ["", "", "  ", "    ", "        ", "\t", "> ", "> > ", "    > "]
MARKERS = ["- ", "* ", "+ ", "1. ", "2) "]
BOXES = ["[ ] ", "[x] ", "[X] "]
HEADINGS = ["# Title", "## Section", "## Section", "### Step 2", "#### Deep"]
OTHER_LINES = ["", "```", "```bash", "~~~", "    ```", "!!! note", '=== "Tab"', "- a", "[ ]"]
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x85\u2028\u2029"), max_size=8
)
box = st.tuples(st.sampled_from(MARKERS), st.sampled_from(BOXES))
boxes = st.sampled_from([1, 2, 2, 3]).flatmap(lambda n: st.lists(box, min_size=n, max_size=n))
items = st.builds(
    lambda indent, chain, text: indent + "".join(marker + tick for marker, tick in chain) + text,
    st.sampled_from(INDENTS),
    boxes,
    st.one_of(st.sampled_from(["x", "Step `[ ]`", "{ #pin }", "é 😀 [x]"]), TEXT),
)
lines = st.one_of(items, items, st.sampled_from(HEADINGS), st.sampled_from(OTHER_LINES), TEXT)
"""Task items (several on one line too) in nested sections, lists, quotes, fences,
admonitions and tabs."""
ENDINGS = st.sampled_from(["\n"] * 6 + ["\r\n"] * 3 + ["\r"])
documents = st.lists(st.tuples(lines, ENDINGS), min_size=1, max_size=25).map(
    lambda pairs: "".join(line + end for line, end in pairs)
)

configs = st.builds(
    lambda theme, highlight: {
        "site_name": "Copy",
        "theme": {"name": theme},
        "plugins": ["search", "preflight"],
        "markdown_extensions": CONTAINER_EXTENSIONS + (["pymdownx.highlight"] if highlight else []),
    },
    st.sampled_from(["material", "mkdocs"]),
    st.booleans(),
)
"""mkdocs-material or MkDocs' own theme; code highlighted by Pygments (a block is then
stashed HTML) or not (a block is then part of the page's tree)."""

OWN_BOX = """
const ownBox = (li) => Array.from(li.querySelectorAll('input[type=checkbox]'))
  .find((box) => box.closest('li.preflight-item') === li);
const boxes = Array.from(document.querySelectorAll('li.preflight-item'))
  .filter((li) => ownBox(li)).map((li) => [li.id, ownBox(li)]);
"""
STATES = OWN_BOX + "return Object.fromEntries(boxes.map(([id, box]) => [id, box.checked]));"
"""Each item's state (by ID, for every item with its own checkbox)."""
SET_STATES = (
    OWN_BOX
    + """
for (const [id, box] of boxes) {
  if (box.checked !== arguments[0][id]) {
    box.checked = arguments[0][id];
    box.dispatchEvent(new Event('change', {bubbles: true}));
  }
}
"""
)
"""Set each box as a click does: its state, then a ``change`` event."""
EXPORTED = (
    "const f = Array.from(document.querySelectorAll('textarea.preflight-export'))"
    ".find((t) => t.getAttribute('data-preflight-export') === arguments[0]);"
    " return f ? f.getAttribute('data-preflight-text') : null;"
)
BAR = re.compile(r'data-preflight-scope="([^"]*)" data-preflight-done="(\d+)" data-preflight-total="(\d+)"')
"""A progress bar as the page is written (the script updates these attributes)."""
PAGE_DATA = "return JSON.parse(document.querySelector('.preflight-checklist').getAttribute('data-preflight-json'))"


def _checklist(root: Path) -> Checklist:
    (checklist,) = Project(load_settings(root / "mkdocs.yml")).checklists()
    return checklist


def _build(root: Path) -> None:
    """``mkdocs build`` in the process; arbitrary checklists have findings, so not strict."""
    logger = logging.getLogger("mkdocs")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        build(load_config(str(root / "mkdocs.yml")))
    finally:
        logger.setLevel(level)


def _ready(page: Page) -> bool:
    """Wait until the script has set up the checklist; ``False`` if the page has none."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        state = page.js(
            "if (document.readyState !== 'complete') return 'loading';"
            " const root = document.querySelector('.preflight-checklist');"
            " return !root ? 'none' : root.hasAttribute('data-preflight-ready') ? 'ready' : 'loading';"
        )
        if state != "loading":
            return state == "ready"
        time.sleep(0.05)
    raise AssertionError("the checklist was not set up within 10 s")


def _progress(checklist: Checklist, slugs: list[str], states: dict[str, bool]) -> dict[str, str]:
    """What each progress bar must say: the items shown in its section or below it (all
    of them for the page's bar, scope ``""``), and how many of those are ticked."""

    def scopes(section: int | None) -> set[str]:
        found = {""}
        while section is not None:
            found.add(slugs[section])
            section = checklist.sections[section].parent
        return found

    counted: dict[str, list[bool]] = {}
    for item in checklist.items:
        if item.id in states:
            for scope in scopes(item.section):
                counted.setdefault(scope, []).append(states[item.id])
    return {scope: f"{sum(ticks)}/{len(ticks)}" for scope, ticks in counted.items()}


def _check_run_log(root: Path, run_log: str, ticks: dict[str, bool]) -> None:
    """The exported run log lists every shown item: ``preflight report``
    has the ticked ones ``manual-done`` and the others ``not-run``, and ``preflight run
    --resume`` accepts it (unless the runner refuses the checklist itself, e.g. a fence
    that hides items)."""
    log_file = root / "export.jsonl"
    log_file.write_text(run_log, encoding="utf-8")
    config = ["--config-file", str(root / "mkdocs.yml")]
    report = CliRunner().invoke(main, [*config, "report", str(log_file), "--format", "json"])
    assert report.exit_code == 0, report.output
    steps = {step["id"]: step["status"] for step in json.loads(report.stdout)["steps"]}
    assert steps == {item_id: "manual-done" if ticked else "not-run" for item_id, ticked in ticks.items()}
    resumed = CliRunner().invoke(main, [*config, "run", "--resume", str(log_file), "--dry-run"])
    if resumed.exit_code != 0:  # only where the runner refuses the checklist itself
        fresh = CliRunner().invoke(main, [*config, "run", str(root / "checklists" / "run.md"), "--dry-run"])
        assert (resumed.exit_code, resumed.stderr) == (fresh.exit_code, fresh.stderr)


def _only_boxes_changed(source: str, copied: str) -> None:
    assert len(copied) == len(source), (source, copied)
    for at, (old, new) in enumerate(zip(source, copied, strict=True)):
        if old != new:
            assert old in " xX" and new in " xX", (at, source, copied)
            assert source[at - 1 : at] == "[" and source[at + 1 : at + 2] == "]", (at, source, copied)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(document=documents, config=configs, data=st.data())
def test_the_copy_is_the_source_with_the_operators_ticks(
    chromium: Any, document: str, config: dict[str, Any], data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "docs").mkdir()
        (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
        (root / "checklists").mkdir()
        source_file = root / "checklists" / "run.md"
        source_file.write_bytes(document.encode("utf-8"))
        (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
        before = _checklist(root)
        _build(root)

        server = SiteServer(root / "site")
        try:
            page = Page(chromium)
            page.driver.get(server.url("checklists/run/"))
            if not _ready(page):
                assert not before.items, "the page of a checklist with items has no interactive checklist"
                return
            # Before any tick, the script's bars say what the page says without it.
            html_text = (root / "site" / "checklists" / "run" / "index.html").read_text(encoding="utf-8")
            static = {html.unescape(scope): f"{done}/{total}" for scope, done, total in BAR.findall(html_text)}
            assert page.progress() == static
            shown = list(page.js(STATES))
            assert sorted(shown) == sorted(page.item_ids()), "an item without its own checkbox"
            if not shown:  # nothing to tick: the page has no controls
                return
            wanted = {item_id: data.draw(st.booleans(), label=item_id) for item_id in shown}
            page.js(SET_STATES, wanted)
            assert page.js(STATES) == wanted
            slugs = [section["slug"] for section in page.js(PAGE_DATA)["sections"]]
            expected_bars = _progress(before, slugs, wanted)
            bars = page.progress()
            assert bars == {scope: expected_bars.get(scope, "0/0") for scope in bars}

            page.press("export-log")
            run_log = page.wait(lambda d: d.execute_script(EXPORTED, "run-log"), "run log exported")
            _check_run_log(root, str(run_log), {item_id: wanted[item_id] for item_id in shown})

            page.driver.refresh()  # the ticks come back from localStorage
            assert _ready(page)
            assert page.js(STATES) == wanted
            assert page.progress() == bars
            page.press("copy-markdown")
            page.wait(lambda d: d.execute_script("return document.querySelector('[data-preflight-copied]')"), "copied")
            copied = page.export_text("markdown")

            page.press("reset")  # back to the source's boxes (asking first, if anything was ticked)
            source = {item.id: item.checked for item in before.items if item.id in wanted}
            if source != wanted:
                page.driver.switch_to.alert.accept()
            assert page.js(STATES) == source
            assert page.progress() == static
            page.js("localStorage.clear()")
        finally:
            server.close()

        _only_boxes_changed(document, copied)
        source_file.write_bytes(copied.encode("utf-8"))
        after = _checklist(root)
        assert [item.id for item in after.items] == [item.id for item in before.items]
        expected = {item.id: wanted.get(item.id, item.checked) for item in before.items}
        assert {item.id: item.checked for item in after.items} == expected, json.dumps(wanted)
