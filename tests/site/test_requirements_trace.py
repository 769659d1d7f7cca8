"""Traceability end to end: what the engine counts as a requirement reference is what the
checklist pages link and what the requirements page lists (real builds, parsed HTML)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from site_support import article, build_site, engine_checklists, site_config, write, write_config

from mkdocs_preflight.cli import main


def _doc(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def test_literal_ids_are_neither_linked_nor_listed(tmp_path: Path) -> None:
    """IDs in code spans, URLs and link targets: no link on the page, no undefined entry."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "requirements.yml": "REQ-7: Rollback plan\n",
            "checklists/deploy.md": _doc(
                """
                # Deploy

                - [ ] Label the ticket `REQ-91` (REQ-7)
                - [ ] See https://tracker.example/browse/REQ-92 and <https://tracker.example/REQ-93>
                - [ ] Read [the spec](https://specs.example/REQ-94) first
                - [ ] Undefined for real: REQ-96
                """
            ),
        },
    )
    write_config(tmp_path, site_config("mkdocs"))
    built = build_site(tmp_path, strict=False)
    assert built.ok
    engine = engine_checklists(tmp_path)["checklists/deploy.md"]
    assert [ref.id for ref in engine.requirement_refs] == ["REQ-7", "REQ-96"]
    page = built.page("checklists/deploy/")
    assert [a.text() for a in page.find_all("a", cls="preflight-req")] == ["REQ-7", "REQ-96"]
    requirements = article(built.page("requirements/"))
    undefined = [h.text().strip() for h in requirements.find_all("h3") if h.get("id", "").startswith("req-")]
    assert undefined == ["REQ-7: Rollback plan", "REQ-96"]
    assert "1 requirement defined, 1 referenced, 1 referenced but not defined." in requirements.text()


def test_every_id_of_a_requirements_list_is_linked(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "requirements.yml": '"2.1": a\n"2.2": b\n"2.3": c\n',
            "checklists/deploy.md": "# Deploy\n\n- [ ] Ship it\n  _Requirements: 2.1, 2.2, and 2.3_\n",
        },
    )
    write_config(tmp_path, site_config("mkdocs"))
    built = build_site(tmp_path)
    assert built.ok, built.messages
    page = built.page("checklists/deploy/")
    assert [a.text() for a in page.find_all("a", cls="preflight-req")] == ["2.1", "2.2", "2.3"]
    table = article(built.page("requirements/")).find("table")
    assert table is not None
    rows = [[td.text().strip() for td in tr.find_all("td")][:3] for tr in table.find_all("tr")][1:]
    assert rows == [["2.1", "a", "referenced"], ["2.2", "b", "referenced"], ["2.3", "c", "referenced"]]


def test_where_defined_links_to_the_definition_not_the_page_top(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "requirements.yml": "REQ-9: Registry entry\n",
            "checklists/deploy.md": _doc(
                """
                ---
                requirements:
                  REQ-1: From front matter
                ---
                # Deploy

                - [ ] Roll out (REQ-1, REQ-2, REQ-9, Requirement 51.2)

                ## Scope

                **Requirements:**

                - REQ-2: Listed under a lead-in

                ## Requirements defined here

                ### Requirement 51.2: Defined by a heading
                """
            ),
        },
    )
    write_config(tmp_path, site_config("mkdocs"))
    built = build_site(tmp_path)
    assert built.ok, built.messages
    page = built.page("requirements/")
    where = {}
    for paragraph in article(page).find_all("p"):
        if paragraph.text().startswith("Defined in"):
            (link,) = paragraph.find_all("a")
            where[link.text()] = link.get("href")
    assert where == {
        "checklists/deploy.md:3": "../checklists/deploy/",
        "requirements.yml:1": "https://github.com/acme/app/blob/main/requirements.yml#L1",
        "checklists/deploy.md:13": "../checklists/deploy/#scope",
        "checklists/deploy.md:17": "../checklists/deploy/#requirement-512-defined-by-a-heading",
    }
    checklist = built.page("checklists/deploy/")
    assert checklist.by_id("scope") is not None
    assert checklist.by_id("requirement-512-defined-by-a-heading") is not None


def test_a_list_after_bold_requirements_is_linked_as_the_engine_reads_it(tmp_path: Path) -> None:
    text = _doc(
        """
        # Deploy

        - [ ] Ship it
          **Requirements:** 2.1, 2.2
        - [ ] Ship more
          **Requirements**: 2.3 and REQ-7
        - [ ] No colon, no list: **Requirements** 2.4
        - [ ] Another label: **Owner:** 2.4
        """
    )
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "requirements.yml": '"2.1": a\n"2.2": b\n"2.3": c\n"2.4": d\nREQ-7: e\n',
            "checklists/deploy.md": text,
        },
    )
    write_config(tmp_path, site_config("mkdocs"))
    built = build_site(tmp_path, strict=False)
    assert built.ok
    engine = engine_checklists(tmp_path)["checklists/deploy.md"]
    expected = ["2.1", "2.2", "2.3", "REQ-7"]
    assert [ref.id for ref in engine.requirement_refs] == expected
    page = built.page("checklists/deploy/")
    assert [a.text() for a in page.find_all("a", cls="preflight-req")] == expected


def test_the_cli_and_the_requirements_page_agree_on_every_number(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`preflight list --format json` (with the registry) and `preflight check` give the
    numbers the requirements page prints: defined, covered, undefined, and the IDs."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "requirements.yml": 'requirements:\n  "29.1": Deploy\n  "29.2": Review\n  REQ-7: Back\n  REQ-8: Unused\n',
            "checklists/deploy.md": _doc(
                """
                ---
                requirements:
                  REQ-20: From front matter
                ---
                # Deploy

                ## Step 1 (Requirement 29.2)

                - [ ] Back up REQ-7 and REQ-20
                - [ ] Typo REQ-77
                  _Requirements: 29.1, 29.9_
                """
            ),
            "checklists/ops/rotate.md": "# Rotate\n\n- [ ] Rotate (REQ-7, REQ-99)\n",
        },
    )
    write_config(tmp_path, site_config("mkdocs"))
    monkeypatch.chdir(tmp_path)
    listed = CliRunner().invoke(main, ["list", "--format", "json"], catch_exceptions=False)
    data = json.loads(listed.output)
    assert data["registry"]["path"] == "requirements.yml"
    defined = {d["id"] for d in data["registry"]["defined"]}
    referenced: set[str] = set()
    for checklist in data["checklists"]:
        defined |= {d["id"] for d in checklist["requirements"]["defined"]}
        referenced |= {r["id"] for r in checklist["requirements"]["referenced"]}
    checked = CliRunner().invoke(main, ["check", "--format", "json", "--select", "PF102,PF104"])
    findings = json.loads(checked.output)["diagnostics"]
    undefined = {d["message"].split("`")[1] for d in findings if d["code"] == "PF102"}
    unreferenced = {d["message"].split("`")[1] for d in findings if d["code"] == "PF104"}
    assert undefined == referenced - defined == {"REQ-77", "29.9", "REQ-99"}
    assert unreferenced == defined - referenced == {"REQ-8"}

    built = build_site(tmp_path, strict=False)
    assert built.ok
    page = article(built.page("requirements/"))
    summary = f"{len(defined)} requirements defined, {len(defined & referenced)} referenced, "
    assert summary + f"{len(undefined)} referenced but not defined." in page.text()
    table = page.find("table")
    assert table is not None
    rows = {tr.find_all("td")[0].text(): tr.find_all("td")[2].text() for tr in table.find_all("tr")[1:]}
    assert set(rows) == defined
    assert {i for i, coverage in rows.items() if coverage == "not referenced"} == unreferenced
    headings = {h.text().strip() for h in page.find_all("h3")}
    assert undefined <= headings


def test_references_in_admonition_and_tab_titles_count_as_on_the_page(tmp_path: Path) -> None:
    text = _doc(
        """
        # Deploy

        !!! note "Check REQ-1 first"
            Body text, Requirement 2.1.

        - [ ] Item
            ??? warning "Item note REQ-2"
                Collapsed.

        === "Tab REQ-3"

            Tab text.
        """
    )
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "requirements.yml": 'REQ-1: a\nREQ-2: b\nREQ-3: c\n"2.1": d\n',
            "checklists/deploy.md": text,
        },
    )
    write_config(tmp_path, site_config("material"))
    built = build_site(tmp_path)
    assert built.ok, built.messages
    engine = engine_checklists(tmp_path)["checklists/deploy.md"]
    expected = ["REQ-1", "2.1", "REQ-2", "REQ-3"]
    assert [ref.id for ref in engine.requirement_refs] == expected
    assert [ref.id for ref in engine.items[0].refs] == ["REQ-2"]
    page = built.page("checklists/deploy/")
    assert [a.text().split()[-1] for a in page.find_all("a", cls="preflight-req")] == expected
    table = article(built.page("requirements/")).find("table")
    assert table is not None
    assert {tr.find_all("td")[0].text(): tr.find_all("td")[2].text() for tr in table.find_all("tr")[1:]} == {
        "2.1": "referenced",
        "REQ-1": "referenced",
        "REQ-2": "referenced",
        "REQ-3": "referenced",
    }


def test_ids_that_differ_only_in_case_or_punctuation_get_their_own_anchors(tmp_path: Path) -> None:
    """`REQ-1`, `req-1` and `REQ.1` all made `#req-req-1`: three headings with one `id`, and
    every link landed on the first. The usual ID keeps its anchor; the others get their own,
    the same in the page's table, its headings, the search index and the links from items."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "requirements.yml": "REQ-1: Upper\nreq-1: Lower\nREQ.1: Dotted\nREQ-2: Alone\n",
            "checklists/deploy.md": _doc(
                """
                # Deploy

                - [ ] Back up the database (REQ-1)
                - [ ] Check the lower one (req-1) and the dotted one (REQ.1), and REQ-2
                """
            ),
            # No task item: the page is not a checklist page, its links are corrected too.
            "checklists/notes.md": "# Notes\n\nSee req-1 and REQ-1.\n",
        },
    )
    config = site_config("material")
    config["plugins"] = [
        "search",
        {
            "preflight": {
                "registry": "requirements.yml",
                "requirement_patterns": [r"(?<![A-Za-z0-9-])(?P<id>(?:REQ|req)[-.]\d+)(?![\w.])"],
            }
        },
    ]
    write_config(tmp_path, config)
    built = build_site(tmp_path, strict=False)
    assert built.ok
    requirements = article(built.page("requirements/"))
    headings = {
        h.text().split(":")[0].strip(): str(h.get("id"))
        for h in requirements.find_all("h3")
        if str(h.get("id")).startswith("req-")
    }
    assert set(headings) == {"REQ-1", "req-1", "REQ.1", "REQ-2"}
    assert headings["REQ-1"] == "req-req-1" and headings["REQ-2"] == "req-req-2"
    assert len(set(headings.values())) == 4
    assert all(anchor.startswith("req-req-1-") for rid, anchor in headings.items() if rid in ("req-1", "REQ.1"))
    table_node = requirements.find("table")
    assert table_node is not None
    table = {a.text(): a.get("href") for a in table_node.find_all("a")}
    assert table == {rid: f"#{anchor}" for rid, anchor in headings.items()}
    for page_url in ("checklists/deploy/", "checklists/notes/"):
        for link in built.page(page_url).find_all("a", cls="preflight-req"):
            ref_id = link.text().strip()
            assert link.get("href") == f"../../requirements/#{headings[ref_id]}", (page_url, ref_id)
    # Each entry lists its own references (they were keyed by the shared anchor).
    html = built.html("requirements/")
    for rid, anchor in headings.items():
        section = html.split(f'id="{anchor}"', 1)[1].split("<h3", 1)[0]
        assert "preflight-references" in section or rid == "REQ-2"
    lower = html.split(f'id="{headings["req-1"]}"', 1)[1].split("<h3", 1)[0]
    assert "#back-up-the-database" not in lower and "checklists/notes/" in lower
    upper = html.split('id="req-req-1"', 1)[1].split("<h3", 1)[0]
    assert "#back-up-the-database" in upper
    index = json.loads((built.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    assert {f"requirements/#{anchor}" for anchor in headings.values()} <= locations


def test_links_to_sections_follow_the_sites_own_slugify(tmp_path: Path) -> None:
    """With a `toc` `slugify` of the site's own (Unicode kept, as non-English sites set it),
    the headings' ids are not the engine's slugs: the requirements page linked references
    and "Defined in" to `#prepare-the-release`, which is on no page."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/deploy.md": _doc(
                """
                # Déploiement

                ## Préparer la version (REQ-1)

                Voir aussi REQ-2.

                - [ ] Étape une

                ## Exigences

                - REQ-1: Livrer
                - REQ-2: Bien livrer
                """
            ),
            # No task item: its headings get the site's ids too.
            "checklists/notes.md": "# Notes\n\n## Références d'équipe\n\nMentionne REQ-1.\n",
        },
    )
    settings = site_config("material", plugins=["search", "preflight"])
    extensions = settings.pop("markdown_extensions")
    config = yaml.safe_dump(settings, sort_keys=False) + yaml.safe_dump({"markdown_extensions": extensions})
    config += (
        "- toc:\n"
        "    slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower, percent_encode: false}}\n"
    )
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    built = build_site(tmp_path)
    assert built.ok, built.logged()
    requirements = article(built.page("requirements/"))
    targets = [
        str(a.get("href"))
        for a in requirements.find_all("a")
        if str(a.get("href")).startswith("../checklists/") and "#" in str(a.get("href"))
    ]
    assert "../checklists/deploy/#préparer-la-version-req-1" in targets
    assert "../checklists/deploy/#exigences" in targets  # where REQ-1 and REQ-2 are defined
    assert "../checklists/notes/#références-déquipe" in targets
    for target in targets:
        page_url, anchor = target.removeprefix("../").split("#")
        assert built.page(page_url).by_id(anchor) is not None, target


@pytest.mark.parametrize(
    ("repo", "expected"),
    [
        (
            {"repo_url": "https://gitlab.com/acme/app", "edit_uri": "-/edit/main/docs/"},
            "https://gitlab.com/acme/app/-/blob/main/requirements.yml#L2",
        ),
        (
            {"repo_url": "https://github.com/acme/app", "edit_uri": "edit/main/docs/"},
            "https://github.com/acme/app/blob/main/requirements.yml#L2",
        ),
        (
            {"repo_url": "https://bitbucket.org/acme/app", "edit_uri": "src/main/docs/"},
            "https://bitbucket.org/acme/app/src/main/requirements.yml#lines-2",
        ),
        (
            {
                "plugins": [
                    "search",
                    {
                        "preflight": {
                            "registry": "requirements.yml",
                            "repo_url_pattern": "https://codeberg.org/acme/app/src/branch/main/{path}",
                        }
                    },
                ]
            },
            "https://codeberg.org/acme/app/src/branch/main/requirements.yml#L2",
        ),
    ],
)
def test_defined_in_the_registry_links_to_its_line_on_the_host(
    tmp_path: Path, repo: dict[str, object], expected: str
) -> None:
    """`Defined in requirements.yml:2` opened the registry at its line on GitHub only: on
    GitLab, Gitea/Forgejo and Bitbucket it opened the top of a file of 2,000 entries."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "requirements.yml": "REQ-1: One\nREQ-2: Two\n",
            "checklists/deploy.md": "# Deploy\n\n- [ ] Ship (REQ-1, REQ-2)\n",
        },
    )
    write_config(tmp_path, site_config("mkdocs", **repo))
    built = build_site(tmp_path)
    assert built.ok, built.logged()
    entry = built.html("requirements/").split('id="req-req-2"', 1)[1].split("<h3", 1)[0]
    assert f'href="{expected}"' in entry


def test_ids_in_other_scripts_keep_their_letters_in_the_anchor(tmp_path: Path) -> None:
    """`要件-1` and `仕様-1` were both `#req----1` (every letter outside a-z became `-`):
    unreadable, and one of two IDs of the same shape got a hashed anchor. Letters of other
    scripts are kept, Latin ones lose their accents as in item IDs; ASCII IDs are unchanged."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "requirements.yml": '"要件-1": 要件\n"仕様-1": 仕様\n"Треб-1.2": Требование\n'
            '"ÉXIG-3": Exigence\nABC-4: Four\n',
            "checklists/deploy.md": "# Deploy\n\n- [ ] One (要件-1) and 仕様-1\n- [ ] Two (Треб-1.2, ÉXIG-3, ABC-4)\n",
        },
    )
    config = site_config("material")
    config["plugins"] = [
        "search",
        {
            "preflight": {
                "registry": "requirements.yml",
                "requirement_patterns": [r"(?P<id>(?:要件|仕様|Треб|ÉXIG|ABC)-\d+(?:\.\d+)?)"],
            }
        },
    ]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.logged()
    expected = {
        "要件-1": "req-要件-1",
        "仕様-1": "req-仕様-1",
        "Треб-1.2": "req-треб-1-2",
        "ÉXIG-3": "req-exig-3",
        "ABC-4": "req-abc-4",
    }
    links = {a.text(): a.get("href") for a in built.page("checklists/deploy/").find_all("a", cls="preflight-req")}
    assert links == {rid: f"../../requirements/#{anchor}" for rid, anchor in expected.items()}
    requirements = built.page("requirements/")
    for rid, anchor in expected.items():
        heading = requirements.by_id(anchor)
        assert heading is not None and heading.text().startswith(rid), rid
    html = built.html("requirements/")
    assert html.count('<ul class="preflight-references">') == 5


def test_ids_without_a_digit_from_the_projects_own_pattern_are_linked(tmp_path: Path) -> None:
    """The page skipped every text without a digit, which holds for the default patterns
    only: `SEC-LOGIN` (a pattern of the project's own) was counted by the engine and linked
    in none of prose, a text after bold, or a heading."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "requirements.yml": "SEC-LOGIN: Logins are rate limited\n",
            "checklists/deploy.md": _doc(
                """
                # Deploy

                See SEC-LOGIN in prose.

                ## Harden SEC-LOGIN

                - [ ] Rate limit **now**, as SEC-LOGIN says
                """
            ),
        },
    )
    config = site_config("mkdocs")
    config["plugins"] = [
        "search",
        {"preflight": {"registry": "requirements.yml", "requirement_patterns": [r"(?P<id>\bSEC-[A-Z]+\b)"]}},
    ]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.logged()
    engine = engine_checklists(tmp_path)["checklists/deploy.md"]
    assert len(engine.requirement_refs) == 3
    links = built.page("checklists/deploy/").find_all("a", cls="preflight-req")
    assert [a.get("href") for a in links] == ["../../requirements/#req-sec-login"] * 3


@pytest.mark.parametrize("directory_urls", [True, False])
def test_requirement_links_in_headings_and_nested_pages(tmp_path: Path, directory_urls: bool) -> None:
    """A link is written after MkDocs resolved the page's links: its URL is relative to the
    page's own (nested folders, both URL styles); in a heading it leaves the heading's id
    and its table-of-contents title alone; the search index has its text, not its tags."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "requirements.yml": '"4.2": Rollback is rehearsed\n',
            "checklists/ops/db/restore.md": "# Restore\n\n## Rollback (Requirement 4.2)\n\n- [ ] Drill it (Req 4.2)\n",
        },
    )
    write_config(tmp_path, site_config("material", use_directory_urls=directory_urls))
    built = build_site(tmp_path)
    assert built.ok, built.messages
    url = "checklists/ops/db/restore/" if directory_urls else "checklists/ops/db/restore.html"
    target = "../../../../requirements/#req-4-2" if directory_urls else "../../../requirements.html#req-4-2"
    page = built.page(url)
    links = page.find_all("a", cls="preflight-req")
    assert [(a.text(), a.get("href")) for a in links] == [("Requirement 4.2", target), ("Req 4.2", target)]
    folder = built.site / url if directory_urls else (built.site / url).parent
    landing = (folder / target.split("#")[0]).resolve()
    assert (landing / "index.html" if directory_urls else landing).is_file()
    heading = article(page).find("h2")
    assert heading is not None and heading.get("id") == "rollback-requirement-42"
    entries = page.find_all("a", cls="md-nav__link")
    toc = {a.text().strip() for a in entries if a.get("href") == "#rollback-requirement-42"}
    assert toc == {"Rollback (Requirement 4.2)"}
    html = built.html(url)
    assert "<!--pf:" not in html and "preflight-decoration" not in html
    index = json.loads((built.site / "search" / "search_index.json").read_text(encoding="utf-8"))
    texts = [d["title"] + " " + d["text"] for d in index["docs"] if d["location"].startswith(url)]
    assert any("Drill it (Req 4.2)" in text for text in texts), texts
    assert not any("preflight-req" in text or "pf:" in text for text in texts), texts
