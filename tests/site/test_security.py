"""Nothing in a checklist or the registry can inject script through what the plugin adds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from site_html import parse
from site_support import build_site, site_config, write, write_config

EVIL_CHECKLIST = """\
---
title: "</title><script>alert('title')</script>"
owner: "<script>alert('owner')</script>"
tags: ["<script>alert('tag')</script>"]
requirements:
  "REQ-1": "<script>alert('fm-req')</script>"
  "REQ-3": "</textarea><svg onload=alert('svg')>"
---

# Evil `<script>alert('h1')</script>`

Read [the notes](../notes/a%22b.txt) and `<script>alert('para')</script>`.

## Section `<img src=x onerror=alert('h2')>` REQ-1

- [ ] Run `<script>alert('item')</script>` now REQ-1 REQ-2 { #evil-id }
- [x] Quote `"'><script>alert('quote')</script>` REQ-3

    ```bash id=step timeout="<script>alert('opt')</script>" cwd="x'><img src=x onerror=alert('cwd')>"
    echo "<script>alert('code')</script>"
    ```
"""

REGISTRY = """\
requirements:
  REQ-2: "<img src=x onerror=alert('reg')>"
  "<script>alert('id')</script>": "bad id"
"""

NEEDLES = ("<script>alert", "<img src=x", "<svg onload", "</textarea>")
EVENT_ATTRIBUTES = ("onerror", "onload")


@pytest.fixture(scope="module")
def evil_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("evil")
    write(
        root,
        {
            "docs/index.md": "# Home\n",
            "checklists/evil.md": EVIL_CHECKLIST,
            "requirements.yml": REGISTRY,
            'notes/a"b.txt': "notes\n",
        },
    )
    write_config(root, site_config("material"))
    built = build_site(root, strict=False)
    assert built.ok, built.messages
    return built.site


def test_no_page_contains_injected_markup(evil_site: Path) -> None:
    pages = sorted(evil_site.rglob("*.html"))
    assert len(pages) >= 4
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for needle in NEEDLES:
            assert needle not in text, f"{needle!r} in {page.relative_to(evil_site)}"
        for node in parse(text).iter():
            assert not set(node.attrs) & set(EVENT_ATTRIBUTES), (page, node.tag, node.attrs)
            if node.tag == "script":
                assert node.get("src") or node.get("type") == "application/json" or "alert" not in node.text()


def test_page_data_is_inert_json(evil_site: Path) -> None:
    html = (evil_site / "checklists" / "evil" / "index.html").read_text(encoding="utf-8")
    (raw,) = re.findall(r"data-preflight-json='([^']*)'", html)
    assert not set(raw) & set("<>&'"), "nothing can end the attribute or start markup or a character reference"
    data = json.loads(raw)
    assert data["title"] == "</title><script>alert('title')</script>"
    assert data["items"][0]["text"] == "Run <script>alert('item')</script> now REQ-1 REQ-2"
    assert "<script>alert('code')</script>" in data["markdown"]


def test_titles_and_texts_are_shown_as_text(evil_site: Path) -> None:
    requirements = (evil_site / "requirements" / "index.html").read_text(encoding="utf-8")
    assert "&lt;img src" in requirements
    assert "&lt;script&gt;alert" in requirements
    page = (evil_site / "checklists" / "evil" / "index.html").read_text(encoding="utf-8")
    assert "&lt;/title&gt;&lt;script&gt;" in page  # the nav shows the title as text


def test_the_site_index_is_inert(evil_site: Path) -> None:
    index = json.loads((evil_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for needle in NEEDLES:
            assert needle not in doc["title"], doc["location"]


def test_run_logs_cannot_add_attributes_to_the_runs_pages(tmp_path: Path) -> None:
    """A run log is data: a run ID, title, operator or step text ending in an ``attr_list``
    block (``{: onclick=... }``) stays text on the Runs page and the run's own page."""
    handler = "{: onclick=alert(1) }"
    header = {
        "type": "header",
        "version": 1,
        "source": "browser",
        "checklist": "checklists/deploy.md",
        "run_id": f"r1 {handler}",
        "title": f"Deploy {handler}",
        "host": f"host {handler}",
        "operator": f"alice {handler}",
        "start": "2025-01-01T00:00:00Z",
    }
    tick = {"type": "step", "id": "first", "kind": "item", "status": "manual-done", "at": "2025-01-01T00:00:00Z"}
    tick |= {"duration": 0, "text": f"first {handler}"}
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/deploy.md": "# Deploy\n\n- [ ] first { #first }\n",
            ".preflight/runs/a.jsonl": json.dumps(header) + "\n" + json.dumps(tick) + "\n",
        },
    )
    config = site_config("material")
    config["plugins"] = ["search", {"preflight": {"run_logs": ".preflight/runs"}}]
    write_config(tmp_path, config)
    built = build_site(tmp_path, strict=False)
    assert built.ok, built.messages
    pages = sorted((built.site / "runs").rglob("*.html"))
    assert len(pages) == 2
    for page in pages:
        for node in parse(page.read_text(encoding="utf-8")).iter():
            assert not any(name.startswith("on") for name in node.attrs), (page, node.tag, node.attrs)
    (run_page,) = [page for page in pages if page.parent.name != "runs"]
    heading = parse(run_page.read_text(encoding="utf-8")).find("h1")
    assert heading is not None and heading.text().strip() == f"Run r1 {handler}"
    assert f"alice {handler}" in built.page("runs/").text()


def test_a_title_with_quotes_stays_text_in_theme_attributes(tmp_path: Path) -> None:
    """MkDocs' readthedocs theme prints page titles in ``title="..."`` attributes (the
    previous/next buttons): a front matter title's quotes are escaped too."""
    title = 'Q" onmouseover="alert(1)" x="'
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/a.md": f"---\ntitle: '{title}'\n---\n\n# A\n\n- [ ] one\n",
            "checklists/b.md": "# B\n\n- [ ] two\n",
        },
    )
    write_config(tmp_path, site_config("readthedocs", markdown_extensions=["attr_list"]))
    built = build_site(tmp_path, strict=False)
    assert built.ok, built.messages
    buttons = 0
    for page in sorted(built.site.rglob("*.html")):
        for node in parse(page.read_text(encoding="utf-8")).iter():
            assert not any(name.startswith("on") for name in node.attrs), (page, node.tag, node.attrs)
            buttons += node.get("title") == title
    assert buttons


def test_front_matter_that_is_not_yaml_is_neither_shown_nor_published(tmp_path: Path) -> None:
    """MkDocs leaves front matter it cannot read in the page's Markdown; the engine reads
    it as front matter (PF107), so the page does not show it as text, and the page data
    masks its secret-named values (its ``run.env`` cannot be known)."""
    checklist = (
        "---\ntitle: Deploy\nrun:\n  env:\n    DB_PASSWORD: hunter2-unreadable\n"
        "    \"API_KEY\": 'quoted-secret'\n    APP_ENV: staging-visible\n  shell: [oops\n---\n\n"
        "# Deploy\n\n- [ ] Migrate { #migrate }\n"
    )
    write(tmp_path, {"docs/index.md": "# Home\n", "checklists/deploy.md": checklist})
    write_config(tmp_path, site_config("material"))
    built = build_site(tmp_path, strict=False)
    assert built.ok, built.messages
    assert any("PF107" in message for message in built.logged())
    for page in built.site.rglob("*"):
        if page.is_file():
            for secret in (b"hunter2-unreadable", b"quoted-secret"):
                assert secret not in page.read_bytes(), (page, secret)
    html_text = built.html("checklists/deploy/")
    (raw,) = re.findall(r"data-preflight-json='([^']*)'", html_text)
    data = json.loads(raw)
    lines = data["markdown"].split("\n")
    assert "    DB_PASSWORD: ***" in lines
    assert '    "API_KEY": ***' in lines
    assert "    APP_ENV: staging-visible" in lines  # not a secret: the copy keeps it
    assert data["items"][0]["line"] == 13  # line numbers unchanged
    body = html_text.split("data-preflight-json=", 1)[1].split("'>", 1)[1]
    assert "staging-visible" not in body and "oops" not in body  # not rendered as text
    assert 'id="migrate"' in body


def test_secret_run_env_values_stay_out_of_the_page(tmp_path: Path) -> None:
    """The page data carries the checklist's source for *Copy progress as Markdown*: the
    values of its secret-named ``run.env`` variables are masked there, as in run logs."""
    checklist = (
        "---\nrun:\n  env:\n    DB_PASSWORD: hunter2-in-front-matter\n    APP_ENV: production\n"
        "    API_TOKEN: >-\n      folded-first-half\n      folded-second-half\n---\n"
        "# Deploy\n\n- [ ] Migrate { #migrate }\n- [x] Announce { #announce }\n"
    )
    write(tmp_path, {"docs/index.md": "# Home\n", "checklists/deploy.md": checklist})
    write_config(tmp_path, site_config("material"))
    built = build_site(tmp_path, strict=False)
    assert built.ok, built.messages
    for page in built.site.rglob("*"):
        if page.is_file():
            for secret in (b"hunter2-in-front-matter", b"folded-first-half", b"folded-second-half"):
                assert secret not in page.read_bytes(), (page, secret)
    (raw,) = re.findall(r"data-preflight-json='([^']*)'", built.html("checklists/deploy/"))
    data = json.loads(raw)
    lines = data["markdown"].split("\n")
    assert "    DB_PASSWORD: ***" in lines
    assert "    APP_ENV: production" in lines
    assert [lines[item["line"] - 1] for item in data["items"]] == [
        "- [ ] Migrate { #migrate }",
        "- [x] Announce { #announce }",
    ]


@pytest.mark.parametrize("explicit_nav", [False, True], ids=["auto nav", "explicit nav"])
def test_a_checklist_folder_name_is_a_text_nav_title(tmp_path: Path, explicit_nav: bool) -> None:
    """Themes print nav titles as HTML: the section of a checklist folder named like a tag
    shows the name, with or without a ``nav:``."""
    folder = "<img src=x onerror=alert(1)>"
    files = {"docs/index.md": "# Home\n", f"checklists/{folder}/run.md": "# Run\n\n- [ ] one\n"}
    files["checklists/ops/other.md"] = "# Other\n\n- [ ] two\n"
    write(tmp_path, files)
    config = site_config("material")
    if explicit_nav:
        config["nav"] = ["index.md"]
    write_config(tmp_path, config)
    built = build_site(tmp_path, strict=False)
    assert built.ok, built.messages
    for page in sorted(built.site.rglob("*.html")):
        for node in parse(page.read_text(encoding="utf-8")).iter():
            assert node.tag != "img" and "onerror" not in node.attrs, (page, node.tag, node.attrs)
    assert folder in built.page("").text()


def test_a_run_id_cannot_take_the_place_of_another_page(tmp_path: Path) -> None:
    """A run ID names the run's page: ``index`` must not replace the Runs page (the audit
    trail), ``x y`` and ``x-y`` must not share one page, ``.`` must still get one."""
    logs: dict[str, str | bytes] = {}
    for number, run_id in enumerate(["index", "x y", "x-y", ".", "README"]):
        header = {
            "type": "header",
            "version": 1,
            "source": "browser",
            "checklist": "checklists/deploy.md",
            "run_id": run_id,
            "title": f"Run number {number}",
            "start": f"2025-01-0{number + 1}T00:00:00Z",
        }
        logs[f".preflight/runs/{number}.jsonl"] = json.dumps(header) + "\n"
    write(tmp_path, {"docs/index.md": "# Home\n", "checklists/deploy.md": "# Deploy\n\n- [ ] one\n", **logs})
    config = site_config("material")
    config["plugins"] = ["search", {"preflight": {"run_logs": ".preflight/runs"}}]
    write_config(tmp_path, config)
    built = build_site(tmp_path, strict=False)
    assert built.ok, built.messages
    listing = built.page("runs/")
    heading = listing.find("h1")
    assert heading is not None and heading.text().strip() == "Runs"
    table = listing.find("table")
    assert table is not None
    links = [str(a.get("href")) for a in table.find_all("a")]
    assert len(links) == 5 and len(set(links)) == 5, links
    titles = set()
    for href in links:
        page = built.page(f"runs/{href}")
        titles.add(next(line for line in page.visible_text().splitlines() if line.strip().startswith("Checklist:")))
    assert len(titles) == 5, titles


def test_build_messages_show_control_characters_as_text(tmp_path: Path) -> None:
    """A finding quotes the checklist (an invalid ID): an escape sequence in it reaches the
    terminal of `mkdocs build` / `mkdocs serve` as text."""
    write(tmp_path, {"docs/index.md": "# Home\n", "checklists/deploy.md": "# Deploy\n\n- [ ] One { #a\x1b[8m }\n"})
    write_config(tmp_path, site_config("material"))
    built = build_site(tmp_path, strict=False)
    assert built.ok, built.messages
    found = [message for _, message in built.messages if "PF109" in message]
    assert found == [
        "mkdocs_preflight: checklists/deploy.md:3:11: PF109 Invalid item ID `a\\x1b[8m`: use a letter, "
        "then letters, digits, `-`, `_`, `.` or `:`"
    ]
