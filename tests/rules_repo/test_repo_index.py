"""RepoIndex: facts about a real repository, never read outside its root."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mkdocs_preflight.rules.repo import RepoIndex, normalize

from .conftest import git, make_repo


@pytest.mark.parametrize(
    ("path", "base", "expected"),
    [
        ("scripts/x.sh", "", "scripts/x.sh"),
        ("./scripts/x.sh", "", "scripts/x.sh"),
        ("../x.md", "checklists", "x.md"),
        ("a/../b", "", "b"),
        ("", "", ""),
        (".", "", ""),
        ("dir/", "", "dir"),
        ("../x", "", None),
        ("../../x", "checklists", None),
        ("a/../../x", "", None),
    ],
)
def test_normalize_stays_inside_the_root(path: str, base: str, expected: str | None) -> None:
    assert normalize(path, base) == expected


def test_lookup_kinds(shared_repo: Path) -> None:
    index = RepoIndex(shared_repo)
    assert index.lookup("scripts/deploy.sh").kind == "file"
    assert index.lookup("scripts").kind == "dir"
    assert index.lookup("scripts/").kind == "dir"
    assert index.lookup("scripts/deploy.sh/").kind == "missing"  # a trailing slash demands a folder
    assert index.lookup("scripts/nope.sh").kind == "missing"
    assert index.lookup("nope/deeper/x").kind == "missing"
    assert index.lookup("../outside").kind == "outside"
    assert index.exists("config/prod.yml")
    assert not index.exists("config/prod.yaml")


def test_executable_bit(shared_repo: Path) -> None:
    index = RepoIndex(shared_repo)
    assert index.is_executable("scripts/deploy.sh")
    assert not index.is_executable("scripts/noexec.sh")
    assert not index.is_executable("scripts")


def test_symlinks_inside_resolve_and_outside_are_outside(tmp_path: Path) -> None:
    outside = tmp_path / "secret"
    outside.mkdir()
    (outside / "key.txt").write_text("do not read", encoding="utf-8")
    root = tmp_path / "repo"
    (root / "real").mkdir(parents=True)
    (root / "real" / "file.txt").write_text("x", encoding="utf-8")
    os.symlink("real", root / "alias")
    os.symlink(outside, root / "escape")
    os.symlink("../secret/key.txt", root / "escape-relative")
    os.symlink("loop", root / "loop")
    index = RepoIndex(root)
    assert index.lookup("alias/file.txt").kind == "file"
    assert index.lookup("alias/file.txt").real == "real/file.txt"
    assert index.lookup("escape").kind == "outside"
    assert index.lookup("escape/key.txt").kind == "outside"
    assert index.lookup("escape-relative").kind == "outside"
    assert index.lookup("loop").kind == "missing"
    assert index.read_text("escape/key.txt") is None
    assert index.real_path("escape") is None


def test_outside_paths_are_never_touched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo(tmp_path / "repo", {"a.txt": "x"}, use_git=False)
    os.symlink(tmp_path, root / "up")
    seen: list[str] = []
    real_lstat = os.lstat

    def spying_lstat(path: str | os.PathLike[str], *args: object, **kwargs: object) -> os.stat_result:
        seen.append(os.fspath(path))
        return real_lstat(path)

    index = RepoIndex(root)  # resolving the root itself may look at its parents
    root_text = str(root.resolve())
    monkeypatch.setattr(os, "lstat", spying_lstat)
    for path in ("../x", "up/repo/a.txt", "up/other", "a/../../x", "../../etc/passwd"):
        assert index.lookup(path).kind == "outside"
    monkeypatch.undo()
    assert seen  # the symlink `up` itself was looked at...
    assert all(path.startswith(root_text + "/") for path in seen), seen  # ...and nothing beyond the root


def test_makefile_targets(shared_repo: Path) -> None:
    info = RepoIndex(shared_repo).makefile()
    assert info is not None
    assert info.path == "Makefile"
    for target in ("build", "test", "deploy-staging", "deploy-canary", "phony-only", ".venv/bin/python"):
        assert info.has(target), target
    assert info.has("extra-target")  # from `include extra.mk`
    assert info.has("release-1.2")  # pattern rule release-%
    assert not info.has("deploy-prod")
    assert not info.has("BIN")  # a variable, not a target
    assert info.default == "build"


def test_makefile_in_subfolder_and_missing(shared_repo: Path) -> None:
    index = RepoIndex(shared_repo)
    assert index.makefile("scripts") is None
    assert index.makefile("", "extra.mk") is not None


def test_makefile_parsing_edge_cases(tmp_path: Path) -> None:
    makefile = (
        "X := a:b\n"
        "define RECIPE\n"
        "not-a-target:\n"
        "endef\n"
        "ifeq ($(CI),1)\n"
        "ci-only: ; @echo ci\n"
        "endif\n"
        "one two \\\n"
        "  three: # comment: here\n"
        "\t@echo $@\n"
        "tgt: VAR = value\n"
        "dbl::\n"
        "$(UNKNOWN_VAR):\n"
    )
    root = make_repo(tmp_path / "r", {"GNUmakefile": makefile}, use_git=False)
    info = RepoIndex(root).makefile()
    assert info is not None and info.path == "GNUmakefile"
    for target in ("ci-only", "one", "two", "three", "tgt", "dbl"):
        assert info.has(target), target
    assert "X" not in info.targets
    assert "not-a-target" not in info.targets
    assert info.has("anything-goes")  # a target named by an unknown variable matches anything


def test_package_json(shared_repo: Path) -> None:
    index = RepoIndex(shared_repo)
    info = index.package()
    assert info is not None
    assert info.scripts == {"build", "test", "lint:css"}
    assert "vite" in info.dependencies
    web = index.package("apps/web")
    assert web is not None and web.scripts == {"dev"}
    assert index.package("scripts") is None


def test_python_facts(shared_repo: Path) -> None:
    index = RepoIndex(shared_repo)
    python = index.python()
    assert python.scripts == {"acme"}
    assert {"click", "pytest", "alembic", "yaml"} <= python.dependencies
    assert index.python_module("acme")  # src/acme via setuptools `where`
    assert index.python_module("acme.cli")
    assert index.python_module("manage")  # manage.py at the root
    assert index.python_module("report")  # tools/report.py, one level down
    assert not index.python_module("nonexistent_pkg")


def test_commit_lookup_uses_one_git_process(shared_repo: Path) -> None:
    head = git(shared_repo, "rev-parse", "HEAD").strip()
    with RepoIndex(shared_repo) as index:
        assert index.commit_exists(head[:7]) is True
        process = index._cat_file
        assert process is not None and process.proc is not None
        pid = process.proc.pid
        assert index.commit_exists(head) is True
        assert index.commit_exists("deadbee1") is False
        assert index.commit_exists("0123abc") is False
        assert index._cat_file is process and process.proc.pid == pid
    assert index._cat_file is None


def test_commit_lookup_skips_without_git_and_in_shallow_clones(tmp_path: Path, shared_repo: Path) -> None:
    plain = make_repo(tmp_path / "plain", {"a": "x"}, use_git=False)
    assert RepoIndex(plain).commit_exists("abc1234") is None
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{shared_repo}", str(shallow))
    assert RepoIndex(shallow).commit_exists("abc1234") is None


def test_git_ignored_paths(shared_repo: Path) -> None:
    with RepoIndex(shared_repo) as index:
        assert index.is_ignored("generated/out.txt")
        assert index.is_ignored("build.log")
        assert not index.is_ignored("config/missing.yml")


def test_a_path_git_refuses_does_not_change_later_answers(tmp_path: Path) -> None:
    # `git check-ignore` exits on a path through a symbolic link; the next question must
    # still get git's answer, whatever was asked before it.
    root = make_repo(tmp_path / "repo", {".gitignore": "scripts/x.sh\n", "scripts/keep.sh": "true\n"})
    (root / "scripts" / "link.sh").symlink_to("x.sh")
    with RepoIndex(root) as index:
        assert not index.is_ignored("scripts/link.sh/")
        assert index.is_ignored("scripts/x.sh")
        assert not index.is_ignored("scripts/keep.sh")
        assert not index.is_ignored("scripts/link.sh/x")
        assert index.is_ignored("scripts/x.sh")  # remembered
    with RepoIndex(root) as index:
        assert index.is_ignored("scripts/x.sh")


def test_makefile_targets_named_by_addprefix_and_addsuffix(tmp_path: Path) -> None:
    makefile = "ENVS = staging prod\n$(addprefix push-,$(ENVS)) $(addsuffix -check, api web):\n\t@echo $@\n"
    info = RepoIndex(make_repo(tmp_path / "r", {"Makefile": makefile}, use_git=False)).makefile()
    assert info is not None
    for target in ("push-staging", "push-prod", "api-check", "web-check"):
        assert info.has(target), target
    assert not info.has("push-dev")
    assert not any(t.startswith(("$", "push-,")) or t.endswith(")") for t in info.targets)


def test_makefile_with_eval_may_have_any_target(tmp_path: Path) -> None:
    makefile = (
        "SERVICES := api web\n"
        "define RULE\n"
        "deploy-$(1):\n"
        "\t@echo $(1)\n"
        "endef\n"
        "$(foreach s,$(SERVICES),$(eval $(call RULE,$(s))))\n"
    )
    info = RepoIndex(make_repo(tmp_path / "r", {"Makefile": makefile}, use_git=False)).makefile()
    assert info is not None and info.has("deploy-api")


def test_makefile_include_with_a_glob(tmp_path: Path) -> None:
    files = {"Makefile": "include mk/*.mk\n-include local/*.mk\nown:\n", "mk/a.mk": "from-a:\n", "mk/b.mk": "from-b:\n"}
    info = RepoIndex(make_repo(tmp_path / "r", files, use_git=False)).makefile()
    assert info is not None
    for target in ("own", "from-a", "from-b"):
        assert info.has(target), target
    assert not info.has("nope")
