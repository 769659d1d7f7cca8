"""Real site builds (mkdocs-material and the built-in ``mkdocs`` theme) of a runbook repository:
every item the engine lists gets its anchor and data, and the page has what the markup
contract promises."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import site_samples as samples
from click.testing import CliRunner
from site_html import Node
from site_support import (
    Built,
    article,
    build_site,
    engine_checklists,
    item_scopes,
    items_of,
    page_data,
    site_config,
    write,
    write_config,
)

from mkdocs_preflight.cli import main
from mkdocs_preflight.model import Checklist

THEMES = ("material", "mkdocs")


@dataclass
class Site:
    """A built sample project and what the engine says about its checklists."""

    built: Built
    checklists: dict[str, Checklist]
    theme: str

    def __iter__(self) -> Iterator[Any]:
        return iter((self.built, self.checklists))


@pytest.fixture(scope="module", params=THEMES)
def site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Site:
    """The sample project, built with ``--strict`` once per theme."""
    root = tmp_path_factory.mktemp(f"site-{request.param}")
    write(root, samples.FILES)
    write_config(root, site_config(request.param))
    built = build_site(root)
    assert built.ok, built.messages
    return Site(built, engine_checklists(root), request.param)


def _page_url(checklist_path: str) -> str:
    return checklist_path[: -len(".md")] + "/"


def test_strict_build_is_clean(site: Site) -> None:
    built, _ = site
    assert built.logged() == []


def test_every_engine_item_has_its_anchor_and_data(site: Site) -> None:
    built, checklists = site
    assert set(checklists) == {"checklists/deploy.md", "checklists/ops/rotate.md"}
    for path, checklist in checklists.items():
        page = built.page(_page_url(path))
        items = items_of(page)
        assert list(items) == [item.id for item in checklist.items]
        everything = page_data(page)
        data = {entry["id"]: entry for entry in everything["items"]}
        for item in checklist.items:
            li = items[item.id]
            assert li.get("id") == item.id
            entry = data[item.id]
            assert entry["line"] == item.line
            assert item_scopes(everything, entry) == [s.slug for s in checklist.section_path(item.section)]
            box = li.find("input")
            assert box is not None and box.get("type") == "checkbox"
            assert ("checked" in box.attrs) is item.checked
            assert "disabled" in box.attrs
            links = [a for a in li.children if isinstance(a, Node) and "preflight-permalink" in a.classes]
            links += [
                a
                for p in li.children
                if isinstance(p, Node) and p.tag == "p"
                for a in p.find_all("a", cls="preflight-permalink")
            ]
            assert [a.get("href") for a in links] == [f"#{item.id}"]
            assert links[0].text() == "\u00b6"
            assert item.text.split()[0] in li.text()


def test_items_in_admonitions_details_tabs_and_ordered_lists(site: Site) -> None:
    built, _ = site
    page = built.page("checklists/deploy/")
    items = items_of(page)
    containers = {
        "deploy-to-production": ("div", "admonition"),
        "roll-back-if-errors-rise": ("details", None),
        "staging-sign-off": ("div", "tabbed-block"),
        "production-sign-off": ("div", "tabbed-block"),
    }
    for item_id, (tag, cls) in containers.items():
        assert any(a.tag == tag and (cls is None or cls in a.classes) for a in items[item_id].ancestors()), item_id
    assert any(a.tag == "ol" for a in items["deploy-to-staging"].ancestors())
    nested = items["check-coverage"]
    assert next(a for a in nested.ancestors() if a.tag == "li").get("id") == "run-the-test-suite-make-test"


def test_markers_and_fence_options_never_show(site: Site) -> None:
    built, _ = site
    content = article(built.page("checklists/deploy/"))
    visible = content.visible_text()
    assert "{ #db-backup }" not in visible
    assert "#db-backup" not in visible
    assert "id=tag-release" not in visible
    assert "```" not in visible
    assert "\x02" not in built.html("checklists/deploy/")
    code = [pre.text() for pre in content.find_all("pre")]
    assert code == [
        "git tag v1.2.3\n",
        "./scripts/deploy.sh staging\n",
        "$ curl -fsS https://staging.example.invalid/health\nok\n",
    ]


def test_runnable_blocks_show_step_id_item_and_command(site: Site) -> None:
    built, checklists = site
    page = built.page("checklists/deploy/")
    checklist = checklists["checklists/deploy.md"]
    steps = {str(s.get("data-preflight-block")): s for s in page.find_all("div", cls="preflight-step")}
    runnable = [block for block in checklist.blocks if block.runnable]
    assert list(steps) == [block.id for block in runnable] == ["tag-release", "deploy-staging", "smoke"]
    for block in runnable:
        step = steps[block.id]
        assert step.get("data-preflight-item") == (block.item or "")
        command = step.find("code", cls="preflight-step-command")
        assert command is not None
        assert command.text() == f"preflight run checklists/deploy.md --only {block.id}"
        if block.item:
            assert any(a.get("href") == f"#{block.item}" for a in step.find_all("a"))
        code = page.by_id(block.id)
        assert code is not None and code.find("pre") is not None, "the step's code block carries the step ID"
    option = steps["tag-release"].find("span", cls="preflight-step-option")
    assert option is not None and option.text() == "timeout=600"
    assert " ".join(steps["tag-release"].text().split()).startswith("Step tag-release of item tag-the-release")


def test_progress_bars_count_the_source_checkboxes(site: Site) -> None:
    built, checklists = site
    for path, checklist in checklists.items():
        page = built.page(_page_url(path))
        bars = {str(b.get("data-preflight-scope")): b for b in page.find_all("div", cls="preflight-progress")}
        page_bar = bars.pop("")
        assert page_bar.get("data-preflight-done") == str(checklist.done)
        assert page_bar.get("data-preflight-total") == str(len(checklist.items))
        meter = page_bar.find("progress")
        assert meter is not None and meter.get("max") == str(len(checklist.items))
        assert f"{checklist.done}/{len(checklist.items)} done" in page_bar.text()
        h1 = page.find("h1")
        wrapper = page.find("div", cls="preflight-checklist")
        assert wrapper is not None and h1 is not None
        siblings = [c for c in (h1.parent.children if h1.parent else []) if isinstance(c, Node)]
        assert siblings[siblings.index(h1) + 1] is page_bar, "the page bar follows the H1"
        for section in checklist.sections[1:]:
            under = [i for i in checklist.items if section in checklist.section_path(i.section)]
            if not under:
                assert section.slug not in bars
                continue
            bar = bars[section.slug]
            assert bar.get("data-preflight-total") == str(len(under))
            assert bar.get("data-preflight-done") == str(sum(i.checked for i in under))


def test_controls_are_hidden_until_the_script_runs(site: Site) -> None:
    built, _ = site
    page = built.page("checklists/deploy/")
    controls = page.find("div", cls="preflight-controls")
    assert controls is not None and "hidden" in controls.attrs
    actions = [b.get("data-preflight-action") for b in controls.find_all("button")]
    assert actions == ["reset", "copy-markdown", "export-log"]
    wrapper = page.find("div", cls="preflight-checklist")
    assert wrapper is not None
    assert wrapper.get("data-preflight-page") == "checklists/deploy"
    assert wrapper.get("data-preflight-interactive") == "true"
    assert re.fullmatch(r"[0-9a-f]{12}", wrapper.get("data-preflight-site") or "")


def test_page_data_json_matches_the_model(site: Site) -> None:
    built, checklists = site
    checklist = checklists["checklists/deploy.md"]
    page = built.page("checklists/deploy/")
    (raw,) = re.findall(r"data-preflight-json='([^']*)'", built.html("checklists/deploy/"))
    assert not set(raw) & set("<>&'")
    assert json.loads(raw) == page_data(page)
    data = json.loads(raw)
    assert data["version"] == 1
    assert data["page"] == "checklists/deploy"
    assert data["path"] == "checklists/deploy.md"
    assert data["title"] == "Deploy the app"
    assert data["sha256"] == checklist.sha256
    assert data["markdown"] == samples.DEPLOY
    assert data["items"] == [
        {"id": i.id, "line": i.line, "checked": i.checked, "section": i.section, "text": i.text}
        | ({"pinned": True} if i.explicit_id else {})
        for i in checklist.items
    ]
    assert any(i.explicit_id for i in checklist.items) and any(not i.explicit_id for i in checklist.items)
    assert data["sections"] == [{"slug": s.slug, "parent": s.parent} for s in checklist.sections]
    lines = data["markdown"].split("\n")
    for item in data["items"]:
        assert ("[x]" in lines[item["line"] - 1]) is item["checked"]


@pytest.mark.parametrize(
    "data",
    [
        b"# Mixed\r\n\r\n- [ ] one\n- [x] two\r\n",  # an LF file with CRLF lines added on Windows
        b"\xef\xbb\xbf# Mixed\n\n- [ ] one\r- [x] two\r\n",  # a BOM, a lone CR
        b"---\rrun: [\r  TOKEN: leaked\r---\r# Old Mac\r\r- [ ] one\r- [x] two\r",  # unreadable front matter
    ],
    ids=["crlf-and-lf", "bom-and-lone-cr", "lone-cr-front-matter"],
)
def test_page_data_keeps_the_files_own_line_ends(tmp_path: Path, data: bytes) -> None:
    """*Copy progress as Markdown* gives the file back byte for byte but for its ticks: the
    page data holds the text with each line's own ending, and the items' line numbers count
    lines as the engine does (CRLF, LF and a lone CR each end one)."""
    write(tmp_path, {"docs/index.md": "# Home\n", "checklists/mixed.md": data})
    write_config(tmp_path, site_config("material"))
    built = build_site(tmp_path, strict=False)
    assert built.ok, built.messages
    (raw,) = re.findall(r"data-preflight-json='([^']*)'", built.html("checklists/mixed/"))
    page = json.loads(raw)
    expected = data.decode("utf-8-sig").replace("TOKEN: leaked", "TOKEN: ***")
    assert page["markdown"] == ("\ufeff" if data.startswith(b"\xef\xbb\xbf") else "") + expected
    lines = re.split(r"\r\n|\r|\n", page["markdown"].removeprefix("\ufeff"))
    assert [lines[item["line"] - 1] for item in page["items"]] == ["- [ ] one", "- [x] two"]


def test_requirement_references_link_to_the_requirements_page(site: Site) -> None:
    built, _ = site
    page = built.page("checklists/deploy/")
    links = {a.text(): a.get("href") for a in page.find_all("a", cls="preflight-req")}
    assert links == {
        "Requirement 29.1": "../../requirements/#req-29-1",
        "Requirement 51.1": "../../requirements/#req-51-1",
        "Req 29.2": "../../requirements/#req-29-2",
        "REQ-7": "../../requirements/#req-req-7",
    }
    requirements = built.page("requirements/")
    for href in links.values():
        assert requirements.by_id(href.split("#")[1]) is not None
    rotate = built.page("checklists/ops/rotate/")
    (undefined,) = rotate.find_all("a", cls="preflight-req")
    assert undefined.get("href") == "../../../requirements/#req-req-99"
    assert requirements.by_id("req-req-99") is not None


def test_links_to_repository_files_and_pages(site: Site) -> None:
    built, _ = site
    page = built.page("checklists/deploy/")
    links = {
        a.text(): a.get("href")
        for a in article(page).find_all("a")
        if a.text() in ("the deploy script", "ops guide", "the rotation checklist")
    }
    assert links == {
        "the deploy script": "https://github.com/acme/app/blob/main/scripts/deploy.sh",
        "ops guide": "../../guide/",
        "the rotation checklist": "../ops/rotate/",
    }


def test_docs_pages_can_link_to_checklist_pages(site: Site) -> None:
    built, _ = site
    links = [a.get("href") for a in article(built.page("runbooks/")).find_all("a")]
    assert "../checklists/deploy/" in links
    # A step's anchor is valid for MkDocs' link check (validation.anchors is "warn", strict build).
    assert "../checklists/deploy/#smoke" in links


def test_edit_link_points_at_the_checklist_in_the_repository(site: Site) -> None:
    built, _ = site
    html = built.html("checklists/deploy/")
    assert "https://github.com/acme/app/edit/main/checklists/deploy.md" in html
    assert "edit/main/docs/checklists" not in html


def _nav_titles(page: Node) -> list[str]:
    nav = page.find("nav", cls="md-nav--primary") or page.find(where=lambda n: "navbar-nav" in n.classes)
    assert nav is not None
    return [" ".join(a.text().split()) for a in nav.find_all(where=lambda n: n.tag in ("a", "label"))]


def test_nav_has_a_checklists_section_mirroring_folders(site: Site) -> None:
    built, _ = site
    titles = [t for t in _nav_titles(built.page("")) if t]
    assert "Checklists" in titles
    after = titles[titles.index("Checklists") :]
    assert "Deploy the app" in after and "Ops" in after and "Rotate keys" in after
    assert after.index("Ops") < after.index("Rotate keys")
    assert "Requirements" in titles


def test_requirements_page_rows(site: Site) -> None:
    built, _ = site
    page = built.page("requirements/")
    table = article(page).find("table")
    assert table is not None
    rows = [[" ".join(td.text().split()) for td in tr.find_all("td")] for tr in table.find_all("tr")][1:]
    assert rows == [
        ["29.1", "Deploys are repeatable", "referenced", "1", "no runs"],
        ["29.2", "Tests pass before a deploy", "referenced", "1", "no runs"],
        ["51.1", "Deploys are announced", "referenced", "1", "no runs"],
        ["REQ-7", "Coverage is tracked", "referenced", "1", "no runs"],
        ["REQ-8", "Nobody references this one", "not referenced", "0", "no runs"],
    ]
    entry = page.by_id("req-29-2")
    assert entry is not None and "Tests pass before a deploy" in entry.text()
    hrefs = [a.get("href") for a in article(page).find_all("a")]
    assert "../checklists/deploy/#run-the-test-suite-make-test" in hrefs
    assert "../checklists/deploy/#prepare-requirement-291" in hrefs
    assert "https://github.com/acme/app/blob/main/requirements.yml#L2" in hrefs
    assert "../checklists/deploy/" in hrefs  # 51.1 is defined in the checklist's front matter
    undefined = page.by_id("undefined-references")
    assert undefined is not None
    assert page.by_id("req-req-99") is not None
    assert "../checklists/ops/rotate/#verify-the-new-keys" in hrefs


def test_requirements_page_is_searchable(site: Site) -> None:
    built, _ = site
    index = json.loads((built.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    assert any(loc.startswith("requirements/") for loc in locations)
    assert any(loc.startswith("checklists/deploy/") for loc in locations)
    sections = {doc["location"]: doc["title"] for doc in index["docs"] if doc["location"].startswith("requirements/")}
    assert sections["requirements/#req-29-2"] == "29.2: Tests pass before a deploy"
    assert "requirements/#req-req-99" in sections


def test_other_pages_are_not_changed(site: Site, tmp_path: Path) -> None:
    built, _ = site
    root = tmp_path / "plain"
    write(root, samples.FILES)
    config = site_config(site.theme)
    config["plugins"] = ["search"]
    write_config(root, config)
    plain = build_site(root, strict=False)  # without the plugin, runbooks.md links to a missing page
    for url in ("", "guide/"):
        with_plugin = article(built.page(url))
        without = article(plain.page(url))
        assert _serialize(with_plugin) == _serialize(without), url


def _serialize(node: Node) -> str:
    parts: list[str] = []
    for child in node.children:
        if isinstance(child, str):
            parts.append(child)
        else:
            attrs = " ".join(f"{k}={v}" for k, v in sorted(child.attrs.items()))
            parts.append(f"<{child.tag} {attrs}>{_serialize(child)}</{child.tag}>")
    return "".join(parts)


def test_wrapped_items_pinned_by_ids_write_keep_their_anchor_and_hide_the_marker(tmp_path: Path) -> None:
    source = (
        "# Health\n\n"
        "- [ ] Check that the health endpoint answers with 200 and that the\n"
        "  response time stays under 300 ms\n"
        "- [ ] Hard break here  \n"
        "  and more text\n"
        "- [ ] Pinned by hand on the first line { #by-hand }\n"
        "  of a wrapped item\n"
    )
    root = write(tmp_path, {"checklists/health.md": source, "docs/index.md": "# Home\n"})
    write_config(root, site_config(plugins=["search", "preflight"]))
    result = CliRunner().invoke(main, ["--config-file", str(root / "mkdocs.yml"), "ids", "--write"])
    assert result.exit_code == 0, result.output
    pinned = (root / "checklists" / "health.md").read_text()
    assert "  response time stays under 300 ms { #check-that-the-health-endpoint-answers-with-200 }\n" in pinned
    built = build_site(root)
    assert built.ok, built.messages
    (checklist,) = engine_checklists(root).values()
    ids = ["check-that-the-health-endpoint-answers-with-200", "hard-break-here-and-more-text", "by-hand"]
    assert [item.id for item in checklist.items] == ids
    page = built.page("checklists/health/")
    assert "{ #" not in article(page).visible_text()
    items = items_of(page)
    assert list(items) == ids
    for item in checklist.items:
        shown = " ".join(items[item.id].visible_text().replace("\u00b6", "").split())
        assert shown == item.text, "the engine's text is what the site shows"
