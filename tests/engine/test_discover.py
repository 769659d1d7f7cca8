"""Checklist discovery (`checklists_dir` folders and globs) on real folders with symlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mkdocs_preflight.engine import discover


def listed(root: Path, pattern: str) -> list[str]:
    return [path.relative_to(root).as_posix() for path in discover(root, [pattern])]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """`checklists/` with a file, a subfolder, a shared folder linked in, and two loops."""
    for name in ("checklists/a.md", "checklists/sub/b.md", "shared/s.md", "checklists/.hidden/h.md"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("# T\n\n- [ ] t\n", encoding="utf-8")
    os.symlink("../shared", tmp_path / "checklists/linked")
    os.symlink("..", tmp_path / "checklists/sub/up")  # back to checklists/: a loop
    os.symlink(".", tmp_path / "checklists/self")  # a loop on itself
    return tmp_path


EXPECTED = ["checklists/a.md", "checklists/linked/s.md", "checklists/sub/b.md"]


@pytest.mark.parametrize("pattern", ["checklists", "checklists/**/*.md", "checklists/**"])
def test_symlinked_folders_are_followed_once_in_both_forms(tree: Path, pattern: str) -> None:
    assert listed(tree, pattern) == EXPECTED


def test_a_link_to_a_parent_folder_lists_each_file_once(tree: Path) -> None:
    os.symlink("..", tree / "checklists/loop")  # the repository root, which holds checklists/ again
    for pattern in ("checklists", "checklists/**/*.md"):
        found = listed(tree, pattern)
        assert len(found) == len({(tree / path).resolve() for path in found}) == 3, found


def test_a_file_under_two_paths_is_kept_under_the_first(tree: Path) -> None:
    os.symlink("../shared/s.md", tree / "checklists/s-link.md")
    expected = ["checklists/a.md", "checklists/linked/s.md", "checklists/sub/b.md"]
    assert listed(tree, "checklists") == expected  # `linked/s.md` sorts before `s-link.md`
    both = discover(tree, ["checklists/*.md", "shared/*.md"])
    assert [path.relative_to(tree).as_posix() for path in both] == ["checklists/a.md", "checklists/s-link.md"]


def test_globs_match_as_glob_does(tree: Path) -> None:
    (tree / "checklists/sub/c.txt").write_text("not a checklist\n", encoding="utf-8")
    assert listed(tree, "checklists/*.md") == ["checklists/a.md"]
    assert listed(tree, "checklists/su*/*.md") == ["checklists/sub/b.md"]
    assert listed(tree, "checklists/.hidden/*.md") == ["checklists/.hidden/h.md"]
    assert listed(tree, "checklists/**/**/b.md") == ["checklists/sub/b.md"]
    assert listed(tree, "*/[a-s]*.md") == ["checklists/a.md", "shared/s.md"]
    assert listed(tree, "nowhere/**/*.md") == []
