"""The checklists' nav section: implicit nav, explicit ``nav:``, folders mirrored, prev/next."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import site_samples as samples
from site_support import build_site, nav_tree, primary_nav, site_config, write, write_config


def _site(tmp_path: Path, **overrides: Any) -> Path:
    write(tmp_path, samples.FILES)
    config = site_config("material")
    config.update(overrides)
    write_config(tmp_path, config)
    return tmp_path


def test_implicit_nav_titles_the_checklists_folder(tmp_path: Path) -> None:
    built = build_site(
        _site(tmp_path, plugins=["search", {"preflight": {"registry": "requirements.yml", "nav_title": "Runbooks"}}])
    )
    assert built.ok, built.messages
    tree = nav_tree(primary_nav(built.page("")))
    assert ("Runbooks", ["Deploy the app", ("Ops", ["Rotate keys"])]) in tree
    assert "Requirements" in tree


def test_explicit_nav_gets_a_section_appended(tmp_path: Path) -> None:
    built = build_site(_site(tmp_path, nav=[{"Home": "index.md"}, {"Guide": "guide.md"}, {"Runbooks": "runbooks.md"}]))
    assert built.ok, built.messages
    tree = nav_tree(primary_nav(built.page("")))
    assert tree == [
        "Home",
        "Guide",
        "Runbooks",
        ("Checklists", ["Deploy the app", ("Ops", ["Rotate keys"]), "Requirements"]),
    ]
    assert not [m for m in built.logged(20) if "not included" in m and "checklists/" in m]
    guide = built.page("guide/")
    following = guide.find("a", cls="md-footer__link--next")
    assert following is not None and following.get("href") == "../runbooks/"
    runbooks = built.page("runbooks/")
    following = runbooks.find("a", cls="md-footer__link--next")
    assert following is not None and following.get("href") == "../checklists/deploy/"
    rotate = built.page("checklists/ops/rotate/")
    previous = rotate.find("a", cls="md-footer__link--prev")
    assert previous is not None and previous.get("href") == "../../deploy/"
    following = rotate.find("a", cls="md-footer__link--next")
    assert following is not None and following.get("href") == "../../../requirements/"


def test_explicit_nav_that_lists_some_checklists_keeps_them_where_they_are(tmp_path: Path) -> None:
    nav = [{"Home": "index.md"}, {"Deploy": "checklists/deploy.md"}, {"Guide": "guide.md"}, {"Runbooks": "runbooks.md"}]
    built = build_site(_site(tmp_path, nav=nav))
    assert built.ok, built.messages
    tree = nav_tree(primary_nav(built.page("")))
    assert tree == ["Home", "Deploy", "Guide", "Runbooks", ("Checklists", ["Rotate keys", "Requirements"])]


def test_explicit_nav_that_lists_everything_is_left_alone(tmp_path: Path) -> None:
    nav = [
        {"Home": "index.md"},
        {"Ops": ["checklists/deploy.md", "checklists/ops/rotate.md", "requirements.md"]},
        {"Guide": "guide.md"},
        {"Runbooks": "runbooks.md"},
    ]
    built = build_site(_site(tmp_path, nav=nav))
    assert built.ok, built.messages
    tree = nav_tree(primary_nav(built.page("")))
    assert tree == ["Home", ("Ops", ["Deploy the app", "Rotate keys", "Requirements"]), "Guide", "Runbooks"]


@pytest.mark.parametrize("features", [["navigation.tabs", "navigation.sections", "navigation.instant"], []])
def test_material_navigation_features(tmp_path: Path, features: list[str]) -> None:
    theme = {"name": "material", "features": features}
    built = build_site(_site(tmp_path, theme=theme, nav=[{"Home": "index.md"}, {"Guide": "guide.md"}]))
    assert built.ok, built.messages
    page = built.page("checklists/ops/rotate/")
    if "navigation.tabs" in features:
        tabs = page.find("nav", cls="md-tabs")
        assert tabs is not None and "Checklists" in tabs.text()
    assert "Rotate keys" in primary_nav(page).text()


def test_mkdocs_theme_nav(tmp_path: Path) -> None:
    built = build_site(_site(tmp_path, theme={"name": "mkdocs"}, nav=[{"Home": "index.md"}]))
    assert built.ok, built.messages
    nav = built.page("").find("ul", cls="navbar-nav")
    assert nav is not None
    text = " ".join(nav.text().split())
    assert "Checklists" in text and "Deploy the app" in text and "Rotate keys" in text and "Requirements" in text
