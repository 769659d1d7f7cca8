"""Checklists that already live in ``docs_dir`` are enhanced in place; nothing else changes."""

from __future__ import annotations

from pathlib import Path

import yaml
from site_support import (
    article,
    build_site,
    engine_checklists,
    items_of,
    nav_tree,
    primary_nav,
    site_config,
    write,
    write_config,
)

CHECKLIST = "# Deploy\n\nRun [the script](../../scripts/deploy.sh).\n\n- [ ] Build\n- [x] Test REQ-1\n"


def test_docs_dir_is_the_checklists_dir(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "runbooks/index.md": "# Runbooks\n\nNothing to tick here.\n",
            "runbooks/deploy.md": "# Deploy\n\n- [ ] Build\n- [x] Test\n",
            "runbooks/releases/minor.md": "# Minor release\n\n- [ ] Bump\n",
        },
    )
    config = site_config("material", docs_dir="runbooks")
    config["plugins"] = ["search", {"preflight": {"checklists_dir": "runbooks"}}]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    deploy = built.page("deploy/")
    assert list(items_of(deploy)) == ["build", "test"]
    assert list(items_of(built.page("releases/minor/"))) == ["bump"]
    assert built.page("").find("div", cls="preflight-checklist") is None, "a page without items stays plain"
    assert deploy.find("div", cls="preflight-checklist") is not None
    tree = nav_tree(primary_nav(deploy))
    assert tree == ["Runbooks", "Deploy", "Requirements", ("Releases", ["Minor release"])], "no section is renamed"
    assert (built.site / "requirements" / "index.html").is_file()


def test_a_folder_inside_docs_is_enhanced_in_place(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n\n- [ ] a task list on a normal page\n",
            "docs/runbooks/deploy.md": CHECKLIST,
            "scripts/deploy.sh": "echo\n",
        },
    )
    config = site_config("material")
    config["plugins"] = ["search", {"preflight": {"checklists_dir": "docs/runbooks"}}]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    page = built.page("runbooks/deploy/")
    assert list(items_of(page)) == ["build", "test"]
    links = [a.get("href") for a in article(page).find_all("a")]
    assert "https://github.com/acme/app/blob/main/scripts/deploy.sh" in links
    assert "https://github.com/acme/app/edit/main/docs/runbooks/deploy.md" in built.html("runbooks/deploy/")
    home = built.page("")
    assert home.find("li", cls="preflight-item") is None
    assert nav_tree(primary_nav(home)) == ["Home", "Requirements", ("Runbooks", ["Deploy"])], (
        "the folder keeps its title"
    )


def test_an_explicit_nav_title_renames_the_folder_in_docs(tmp_path: Path) -> None:
    write(tmp_path, {"docs/index.md": "# Home\n", "docs/runbooks/deploy.md": CHECKLIST, "scripts/deploy.sh": "echo\n"})
    config = site_config("material")
    config["plugins"] = ["search", {"preflight": {"checklists_dir": "docs/runbooks", "nav_title": "Checklists"}}]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    assert nav_tree(primary_nav(built.page(""))) == ["Home", "Requirements", ("Checklists", ["Deploy"])]


def test_an_explicit_nav_decides_where_pages_in_docs_go(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "docs/runbooks/deploy.md": "# Deploy\n\n- [ ] Build\n",
            "docs/runbooks/rollback.md": "# Rollback\n\n- [ ] Revert\n",
            "docs/runbooks/notes.md": "# Notes\n\nProse only.\n",
            "docs/drafts/wip.md": "# WIP\n\nLeft out of the nav on purpose.\n",
        },
    )
    config = site_config("material", nav=["index.md", "runbooks/deploy.md"])
    config["plugins"] = ["search", {"preflight": {"checklists_dir": "docs"}}]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    # Nothing the user left out is added; only the generated requirements page is appended.
    assert nav_tree(primary_nav(built.page(""))) == ["Home", "Deploy", "Requirements"]
    assert list(items_of(built.page("runbooks/rollback/"))) == ["revert"], "still rendered, just not in the nav"


def test_globs_mix_pages_in_docs_and_outside(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "docs/runbooks/deploy.md": CHECKLIST,
            "ops/rotate.md": "# Rotate\n\n- [ ] Rotate\n",
            "ops/notes.txt": "not a checklist\n",
            "scripts/deploy.sh": "echo\n",
        },
    )
    config = site_config("material")
    config["plugins"] = ["search", {"preflight": {"checklists_dir": ["docs/runbooks/*.md", "ops/*.md"]}}]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    assert set(engine_checklists(tmp_path)) == {"docs/runbooks/deploy.md", "ops/rotate.md"}
    assert list(items_of(built.page("runbooks/deploy/"))) == ["build", "test"]
    assert list(items_of(built.page("checklists/ops/rotate/"))) == ["rotate--rotate"]  # not the H1 anchor


def test_no_checklists_changes_nothing(tmp_path: Path) -> None:
    write(tmp_path, {"docs/index.md": "# Home\n\n- [ ] just a list\n"})
    config = site_config("material")
    config["plugins"] = ["search", "preflight"]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    assert not (built.site / "requirements").exists()
    assert "preflight" not in built.html("")


def test_headings_keep_the_anchors_of_the_sites_own_slugify(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n\nSee [the preparation](runbook.md#préparation-été).\n",
            "docs/runbook.md": "# Runbook\n\n## Préparation été\n\n- [ ] Café\n- [x] Thé\n",
        },
    )
    config = site_config("material")
    config["plugins"] = ["search", {"preflight": {"checklists_dir": "docs"}}]
    del config["markdown_extensions"]
    # pymdownx's unicode slugs, as a site that already has deep links into its runbooks sets them.
    extensions = """
markdown_extensions:
  - attr_list
  - pymdownx.superfences
  - pymdownx.tasklist
  - toc:
      slugify: !!python/object/apply:pymdownx.slugs.slugify {kwds: {case: lower}}
"""
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False) + extensions, encoding="utf-8")
    built = build_site(tmp_path)
    assert built.ok, built.messages  # validation.anchors is "warn": a broken deep link fails the strict build
    page = built.page("runbook/")
    assert page.find("h2").get("id") == "préparation-été"
    assert list(items_of(page)) == ["cafe", "the"]
    bars = [bar.get("data-preflight-scope") for bar in page.find_all(cls="preflight-progress")]
    assert "preparation-ete" in bars, "the section bar is keyed like the page data"
