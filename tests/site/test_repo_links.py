"""Links from checklists to repository files: repository browser URLs, site pages, or plain text."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from site_support import article, build_site, site_config, write, write_config

from mkdocs_preflight.site.links import LinkResolver, RepoBrowser, Resolved


@pytest.mark.parametrize(
    ("repo_url", "edit_uri", "docs", "expected"),
    [
        ("https://github.com/acme/app", "edit/main/docs/", "docs", "https://github.com/acme/app/blob/main/{path}"),
        ("https://github.com/acme/app/", "edit/main/docs", "docs", "https://github.com/acme/app/blob/main/{path}"),
        (
            "https://gitlab.com/g/app",
            "-/edit/trunk/site/docs/",
            "site/docs",
            "https://gitlab.com/g/app/-/blob/trunk/{path}",
        ),
        ("https://bitbucket.org/t/app", "src/default/docs/", "docs", "https://bitbucket.org/t/app/src/default/{path}"),
        ("https://github.com/acme/app", "edit/main/", ".", "https://github.com/acme/app/blob/main/{path}"),
        ("https://github.com/acme/app", "edit/main/documentation/", "docs", None),
        ("https://github.com/acme/app", "", "docs", None),
        (None, "edit/main/docs/", "docs", None),
        ("https://github.com/acme/app", "?path=docs/", "docs", None),
    ],
)
def test_repository_browser_url_from_repo_url_and_edit_uri(
    tmp_path: Path, repo_url: str | None, edit_uri: str, docs: str, expected: str | None
) -> None:
    browser = RepoBrowser.from_config(
        pattern=None, repo_url=repo_url, edit_uri=edit_uri, docs_dir=tmp_path / docs, root=tmp_path
    )
    assert browser.pattern == expected


def test_pattern_option_wins_and_paths_are_quoted(tmp_path: Path) -> None:
    browser = RepoBrowser.from_config(
        pattern="https://git.example/view?file={path}",
        repo_url="https://github.com/a/b",
        edit_uri="edit/x/docs/",
        docs_dir=tmp_path / "docs",
        root=tmp_path,
    )
    assert browser.url("scripts/my deploy.sh") == "https://git.example/view?file=scripts/my%20deploy.sh"
    github = RepoBrowser("https://github.com/a/b/blob/main/{path}")
    assert github.url("img/diagram.png", image=True) == "https://github.com/a/b/raw/main/img/diagram.png"


@pytest.fixture
def resolver(tmp_path: Path) -> LinkResolver:
    write(tmp_path, {"scripts/deploy.sh": "x", "docs/guide.md": "x", "checklists/a.md": "x", "checklists/b.md": "x"})
    return LinkResolver(
        root=tmp_path,
        site_files={
            "docs/guide.md": "guide.md",
            "checklists/a.md": "checklists/a.md",
            "checklists/b.md": "checklists/b.md",
        },
        browser=RepoBrowser("https://github.com/a/b/blob/main/{path}"),
    )


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("../scripts/deploy.sh", Resolved("https://github.com/a/b/blob/main/scripts/deploy.sh", "scripts/deploy.sh")),
        (
            "../scripts/deploy.sh#L3",
            Resolved("https://github.com/a/b/blob/main/scripts/deploy.sh#L3", "scripts/deploy.sh"),
        ),
        (
            "../scripts/deploy.sh?plain=1#L3",
            Resolved("https://github.com/a/b/blob/main/scripts/deploy.sh?plain=1#L3", "scripts/deploy.sh"),
        ),
        ("../scripts/", Resolved("https://github.com/a/b/blob/main/scripts", "scripts")),
        ("../docs/guide.md#setup", Resolved("../guide.md#setup", "docs/guide.md")),
        ("b.md", None),
        ("b.md#x", None),
        ("../scripts/missing.sh", None),
        ("../../outside.txt", None),
        ("https://example.com/x", None),
        ("/absolute", None),
        ("#anchor", None),
        ("mailto:a@b.c", None),
    ],
)
def test_link_resolution(resolver: LinkResolver, href: str, expected: Resolved | None) -> None:
    assert resolver.resolve(href, checklist_path="checklists/a.md", page_uri="checklists/a.md") == expected


def test_without_a_repository_url_links_become_text(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/deploy.md": "# Deploy\n\n- [ ] Run [the script](../scripts/deploy.sh)\n",
            "scripts/deploy.sh": "echo\n",
        },
    )
    write_config(tmp_path, site_config("material", repository=False, plugins=["search", "preflight"]))
    built = build_site(tmp_path)
    assert built.ok, built.messages
    content = article(built.page("checklists/deploy/"))
    span = content.find("span", cls="preflight-repo-file")
    assert span is not None and span.text() == "the script" and span.get("title") == "scripts/deploy.sh"
    assert any("1 link(s) to repository files are shown as text" in m for m in built.logged(logging.INFO))


@pytest.mark.parametrize("in_place", [False, True])
def test_without_a_repository_url_images_are_added_to_the_site(tmp_path: Path, in_place: bool) -> None:
    # A screenshot kept beside the runbook, and one elsewhere in the repository: an image
    # cannot be shown as text, so the build adds it (as MkDocs adds docs_dir's images)
    # and `--strict` passes. A file that is not an image is never published.
    checklists = "docs/runbooks" if in_place else "checklists"
    up = "../../" if in_place else "../"
    files: dict[str, str | bytes] = {
        "docs/index.md": "# Home\n",
        f"{checklists}/deploy.md": (
            f"# Deploy\n\n- [ ] Compare with ![the dashboard](img/dashboard.png)\n"
            f"- [ ] And with ![the diagram]({up}design/flow.svg)\n"
            f"- [ ] Never ![the secrets]({up}.env)\n"
        ),
        f"{checklists}/img/dashboard.png": b"\x89PNG dashboard",
        "design/flow.svg": "<svg/>",
        ".env": "TOKEN=secret\n",
    }
    write(tmp_path, files)
    plugins = ["search", {"preflight": {"checklists_dir": checklists}}]
    write_config(tmp_path, site_config("material", repository=False, plugins=plugins))
    built = build_site(tmp_path, strict=False)
    assert not any("dashboard" in m or "flow.svg" in m for m in built.logged(logging.WARNING)), built.messages
    page = "runbooks/deploy/" if in_place else "checklists/deploy/"
    images = {img.get("alt"): img.get("src") or "" for img in article(built.page(page)).find_all("img")}
    for alt, source in (("the dashboard", f"{checklists}/img/dashboard.png"), ("the diagram", "design/flow.svg")):
        shown = (built.site / page / images[alt]).resolve()
        assert shown.read_bytes() == (tmp_path / source).read_bytes(), (alt, images[alt])
    assert images["the secrets"] == f"{up}.env"
    assert not list(built.site.rglob(".env")), "a file that is not an image is never published"
    assert not any("shown as text" in m for m in built.logged(logging.INFO)), "an image is not text"


def test_broken_links_are_left_for_mkdocs_and_check(tmp_path: Path) -> None:
    write(
        tmp_path,
        {"docs/index.md": "# Home\n", "checklists/deploy.md": "# Deploy\n\n- [ ] Run [it](../scripts/missing.sh)\n"},
    )
    write_config(tmp_path, site_config("material", plugins=["search", "preflight"]))
    built = build_site(tmp_path)
    assert not built.ok
    assert any("'../scripts/missing.sh'" in m for m in built.logged(logging.WARNING))


@pytest.mark.parametrize(
    ("extensions", "unread"),
    [
        (["attr_list", "pymdownx.superfences", "pymdownx.tasklist"], 0),
        # MkDocs always adds fenced_code: the block at the margin is code, the one in the item is not.
        (["attr_list"], 1),
    ],
)
def test_the_build_says_when_code_blocks_are_not_read_as_code(
    tmp_path: Path, extensions: list[str], unread: int
) -> None:
    checklist = "# Deploy\n\n- [ ] Deploy\n\n    ```bash\n    echo nested\n    ```\n\n```bash\necho top\n```\n"
    write(tmp_path, {"docs/index.md": "# Home\n", "checklists/deploy.md": checklist})
    write_config(tmp_path, site_config("material", plugins=["search", "preflight"], markdown_extensions=extensions))
    built = build_site(tmp_path)
    assert built.ok, built.messages  # information, never a reason to fail a --strict build
    said = [m for m in built.logged(logging.INFO) if "render as Markdown text" in m]
    expected = (
        f"mkdocs_preflight: {unread} code block(s) in 1 checklist(s) render as Markdown text, not code "
        "(first: checklists/deploy.md:5): add pymdownx.superfences to markdown_extensions"
    )
    assert said == ([expected] if unread else [])


def test_items_in_other_scripts_have_their_ids_as_anchors(tmp_path: Path) -> None:
    checklist = "# Развертывание\n\n- [ ] Проверить базу\n\n    ```bash\n    echo ok\n    ```\n\n- [ ] Сделать бэкап\n"
    index = "# Home\n\n[The backup step](checklists/deploy.md#сделать-бэкап)\n"
    write(tmp_path, {"docs/index.md": index, "checklists/deploy.md": checklist})
    write_config(tmp_path, site_config("material", plugins=["search", "preflight"]))
    built = build_site(tmp_path)
    assert built.ok, built.messages  # --strict: the link's anchor is found
    content = article(built.page("checklists/deploy/"))
    ids = [li.get("id") for li in content.find_all("li", cls="preflight-item")]
    assert ids == ["проверить-базу", "сделать-бэкап"]
    assert content.by_id("проверить-базу--bash") is not None
