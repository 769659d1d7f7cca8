"""Adding the plugin to an existing site: its own pages and build stay as they were."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from site_support import build_site, items_of, nav_tree, primary_nav, site_config, write, write_config

from mkdocs_preflight.config import ConfigError, load_settings


def _heading(built_html: str) -> str:
    start = built_html.index("<h1")
    return built_html[built_html.index(">", start) + 1 : built_html.index("<", start + 1)]


def test_a_page_at_the_same_url_is_never_replaced(tmp_path: Path) -> None:
    """``requirements/index.md``, ``checklists.md`` and ``checklists/deploy/index.md`` in
    docs_dir are the pages ``requirements/``, ``checklists/`` and ``checklists/deploy/``:
    the plugin's pages of the same URL are not added (the site's own page is kept)."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "docs/requirements/index.md": "# Our requirements\n",
            "docs/checklists.md": "# Overview\n",
            "docs/checklists/deploy/index.md": "# Deploy notes\n",
            "checklists/index.md": "# Index\n\n- [ ] b\n",
            "checklists/deploy.md": "# Deploy\n\n- [ ] a\n",
            "checklists/other.md": "# Other\n\n- [ ] c\n",
        },
    )
    config = site_config("material")
    config["plugins"] = ["search", "preflight"]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    assert _heading(built.html("requirements/")) == "Our requirements"
    assert _heading(built.html("checklists/")) == "Overview"
    assert _heading(built.html("checklists/deploy/")) == "Deploy notes"
    assert _heading(built.html("checklists/other/")) == "Other", "the other checklists are added"
    infos = "\n".join(built.logged(20))
    assert "checklists/deploy.md: not added, the site already has a page checklists/deploy/index.md" in infos
    assert "checklists/index.md: not added, the site already has a page checklists.md" in infos
    assert "requirements page not generated: the site already has a page requirements/index.md" in infos


@pytest.mark.parametrize("value", ["**/*.md", "{runbooks}", "ops #1", "runbooks: prod", "[a, b]", "true", "~", ""])
def test_env_values_are_read_as_mkdocs_reads_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    """``!ENV`` gives one scalar, typed like a plain YAML scalar but never parsed as YAML:
    the CLI sees the options MkDocs builds with (a glob starting with ``*`` is no alias)."""
    monkeypatch.setenv("PREFLIGHT_TITLE", value)
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "mkdocs.yml": "site_name: T\nplugins:\n  - preflight:\n      nav_title: !ENV [PREFLIGHT_TITLE, x]\n",
        },
    )
    try:
        mkdocs_value = load_config(str(tmp_path / "mkdocs.yml")).plugins["preflight"].config["nav_title"]
    except Abort:
        mkdocs_value = "rejected"
    try:
        cli_value = load_settings(tmp_path / "mkdocs.yml").values["nav_title"]
    except ConfigError:
        cli_value = "rejected"
    assert cli_value == mkdocs_value


def test_checklists_beside_a_config_in_a_subfolder_keep_their_urls(tmp_path: Path) -> None:
    """``mkdocs.yml`` in ``web/`` with ``checklists_dir: ../checklists``: the pages are
    ``checklists/deploy/`` and ``checklists/sub/x/``, not named after the absolute path."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/deploy.md": "# Deploy\n\n- [ ] a\n",
            "checklists/sub/x.md": "# X\n\n- [ ] b\n",
        },
    )
    config = site_config("material", docs_dir="../docs", site_dir="../site")
    config["plugins"] = ["search", {"preflight": {"checklists_dir": "../checklists"}}]
    (tmp_path / "web").mkdir()
    write_config(tmp_path / "web", config)
    built = build_site(tmp_path / "web")
    assert built.ok, built.messages
    site = tmp_path / "site"
    pages = sorted(p.relative_to(site).as_posix() for p in site.glob("checklists/**/index.html"))
    assert pages == ["checklists/deploy/index.html", "checklists/sub/x/index.html"]


def test_checklists_beside_a_config_in_a_subfolder_name_no_build_machine_folder(tmp_path: Path) -> None:
    """In a git repository, the page of ``../checklists/deploy.md`` names it so, as every
    clone does: not by the absolute path of the machine that built it."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/deploy.md": "# Deploy\n\n- [ ] Ship\n\n    ```bash\n    echo ok\n    ```\n",
        },
    )
    (tmp_path / ".git").mkdir()
    config = site_config("material", docs_dir="../docs", site_dir="../site")
    config["plugins"] = ["search", {"preflight": {"checklists_dir": "../checklists"}}]
    (tmp_path / "web").mkdir()
    write_config(tmp_path / "web", config)
    built = build_site(tmp_path / "web")
    assert built.ok, built.messages
    page = (tmp_path / "site" / "checklists" / "deploy" / "index.html").read_text(encoding="utf-8")
    assert "preflight run ../checklists/deploy.md --only ship--bash" in page
    assert str(tmp_path) not in page


def test_items_keep_their_ids_after_snippets_insert_lines(tmp_path: Path) -> None:
    """``pymdownx.snippets`` inserts a file (three lines and a trailing newline) before later
    items: each item still gets its own ID, not the one of an item a few lines further."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "snippets/warning.md": "!!! warning\n\n    Production only.\n",
            "checklists/deploy.md": (
                '# Deploy\n\n- [ ] Back up\n\n--8<-- "warning.md"\n\n'
                "## Release\n\n1. [ ] Tag the release\n2. [ ] Announce it\n"
            ),
        },
    )
    config = site_config("material")
    config["markdown_extensions"] = [
        *config["markdown_extensions"],
        {"pymdownx.snippets": {"base_path": [str(tmp_path / "snippets")]}},
    ]
    config["plugins"] = ["search", "preflight"]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    page = built.page("checklists/deploy/")
    assert "Production only." in built.html("checklists/deploy/")
    found = {item_id: " ".join(node.text().replace("¶", "").split()) for item_id, node in items_of(page).items()}
    assert found == {"back-up": "Back up", "tag-the-release": "Tag the release", "announce-it": "Announce it"}


@pytest.mark.parametrize("explicit_nav", [False, True])
def test_exclude_docs_draft_docs_and_not_in_nav_apply_to_checklist_pages(tmp_path: Path, explicit_nav: bool) -> None:
    """The site's ``exclude_docs``, ``draft_docs`` and ``not_in_nav`` patterns name the
    checklists' pages as they name its own (``checklists/wip.md``)."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/deploy.md": "# Deploy\n\n- [ ] a\n",
            "checklists/wip.md": "# Work in progress\n\n- [ ] b\n",
            "checklists/draft.md": "# Draft\n\n- [ ] c\n",
            "checklists/hidden.md": "# Hidden\n\n- [ ] d\n",
        },
    )
    config = site_config(
        "material",
        exclude_docs="checklists/wip.md\n",
        draft_docs="checklists/draft.md\n",
        not_in_nav="checklists/hidden.md\n",
    )
    if explicit_nav:
        config["nav"] = ["index.md"]
    config["plugins"] = ["search", "preflight"]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    pages = sorted(p.parent.name for p in (tmp_path / "site" / "checklists").glob("*/index.html"))
    assert pages == ["deploy", "hidden"]
    tree = nav_tree(primary_nav(built.page("checklists/deploy/")))
    assert "Hidden" not in str(tree) and "Deploy" in str(tree)
    # They shape the site only: the command line still works on every checklist
    # (docs/configuration.md, "The site and the command line").
    cli = subprocess.run(
        [sys.executable, "-m", "mkdocs_preflight", "list"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    listed = sorted(line.split(":", 1)[0] for line in cli.stdout.splitlines() if line.startswith("checklists/"))
    assert listed == ["checklists/deploy.md", "checklists/draft.md", "checklists/hidden.md", "checklists/wip.md"]


def test_checklists_linked_into_docs_are_enhanced_in_place(tmp_path: Path) -> None:
    """``docs/checklists`` is a link to ``../checklists`` (how sites showed files from
    outside docs_dir before the plugin): the pages are the checklists, enhanced."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/deploy.md": "# Deploy\n\n- [ ] Back up, else [roll back](rollback.md)\n",
            "checklists/rollback.md": "# Rollback\n\n- [ ] Roll back\n",
        },
    )
    (tmp_path / "docs" / "checklists").symlink_to(Path("..") / "checklists", target_is_directory=True)
    config = site_config("material")
    config["plugins"] = ["search", "preflight"]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    page = built.page("checklists/deploy/")
    assert list(items_of(page)) == ["back-up-else-roll-back"]
    assert not any("not added" in message for message in built.logged(20))
    (link,) = [a for a in page.find_all("a") if a.text() == "roll back"]
    assert link.get("href") == "../rollback/", "a link to another checklist is a link to its page"
    edit = [a.get("href") for a in page.find_all("a") if "md-content__button" in a.classes]
    assert "https://github.com/acme/app/edit/main/checklists/deploy.md" in edit, "edited where it lives"


def test_the_cli_reads_a_properdocs_yaml(tmp_path: Path) -> None:
    """ProperDocs reads ``properdocs.yaml`` too: so does ``preflight``."""
    write(
        tmp_path,
        {
            "properdocs.yaml": "site_name: T\nplugins:\n  - preflight:\n      checklists_dir: runbooks\n",
            "runbooks/a.md": "# A\n\n- [ ] x\n",
        },
    )
    settings = load_settings(root=tmp_path)
    assert settings.config_file == tmp_path / "properdocs.yaml"
    assert settings.checklist_globs == ["runbooks"]


def test_index_md_is_the_folder_page_rather_than_readme_md(tmp_path: Path) -> None:
    """Both would be ``checklists/``: as in docs_dir, ``index.md`` is the page."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/README.md": "# Readme\n\n- [ ] r\n",
            "checklists/index.md": "# Index\n\n- [ ] i\n",
        },
    )
    config = site_config("material")
    config["plugins"] = ["search", "preflight"]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    assert list(items_of(built.page("checklists/"))) == ["i"]


def test_a_runs_page_of_the_site_is_kept(tmp_path: Path) -> None:
    """``docs/runs/index.md`` is the page ``runs/``: the generated Runs page does not replace it."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "docs/runs/index.md": "# Our runs\n",
            "checklists/deploy.md": "# Deploy\n\n- [ ] a\n  ```bash\n  true\n  ```\n",
        },
    )
    config = site_config("material")
    config["plugins"] = ["search", {"preflight": {"run_logs": ".preflight/runs"}}]
    write_config(tmp_path, config)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_preflight", "run", "checklists/deploy.md", "--yes"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    built = build_site(tmp_path)
    assert built.ok, built.messages
    assert _heading(built.html("runs/")) == "Our runs"
    assert any("Runs page not generated: the site already has a page runs/index.md" in m for m in built.logged(20))


def test_step_labels_with_a_javascript_highlighter(tmp_path: Path) -> None:
    """``pymdownx.highlight`` with ``use_pygments: false`` puts the block's id on its
    ``<code>``: each runnable block still gets its step label."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/deploy.md": (
                "# Deploy\n\n- [ ] Back up\n  ```bash id=backup\n  echo hi\n  ```\n\n```bash { #top }\necho top\n```\n"
            ),
        },
    )
    config = site_config("material")
    config["markdown_extensions"] = [*config["markdown_extensions"], {"pymdownx.highlight": {"use_pygments": False}}]
    config["markdown_extensions"].remove("pymdownx.highlight")
    config["plugins"] = ["search", "preflight"]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    labels = built.page("checklists/deploy/").find_all("div", cls="preflight-step")
    assert [label.get("data-preflight-block") for label in labels] == ["backup", "top"]


def test_assets_the_site_lists_itself_are_not_added_twice(tmp_path: Path) -> None:
    """``extra_javascript`` may list the script as a mapping (to defer it): it stays the only one."""
    write(tmp_path, {"docs/index.md": "# Home\n", "checklists/deploy.md": "# Deploy\n\n- [ ] a\n"})
    config = site_config("material", extra_javascript=[{"path": "assets/preflight/preflight.js", "defer": True}])
    config["plugins"] = ["search", "preflight"]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    scripts = [s.get("src") for s in built.page("checklists/deploy/").find_all("script") if s.get("src")]
    assert [src for src in scripts if src and src.endswith("preflight.js")] == ["../../assets/preflight/preflight.js"]
