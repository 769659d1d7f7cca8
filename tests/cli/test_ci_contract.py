"""preflight in CI: the machine-readable formats and paths as GitHub, SARIF viewers and
JUnit readers expect them, through the real CLI on real projects."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from mkdocs_preflight.cli import main

BROKEN = "# Deploy\n- [] malformed\n- [ ] Run `./scripts/missing.sh`\n"


def _invoke(cwd: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> Result:
    monkeypatch.chdir(cwd)
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_checklists_outside_the_mkdocs_folder_get_repository_paths(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """mkdocs.yml in `site/` with `checklists_dir: ../checklists`: preflight names such
    checklists `../checklists/deploy.md`; GitHub and SARIF need them from the repository's
    root, not glued after `site/`."""
    repository = tmp_path / "repo"
    (repository / ".git").mkdir(parents=True)
    (repository / "site").mkdir()
    (repository / "checklists").mkdir()
    (repository / "site" / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - preflight:\n      checklists_dir: ../checklists\n", encoding="utf-8"
    )
    (repository / "checklists" / "deploy.md").write_text(BROKEN, encoding="utf-8")
    github = _invoke(repository / "site", "check", "--format", "github", monkeypatch=monkeypatch)
    assert github.exit_code == 1
    files = {line.split("file=", 1)[1].split(",", 1)[0] for line in github.stdout.splitlines()}
    assert files == {"checklists/deploy.md"}, github.stdout
    sarif = json.loads(_invoke(repository / "site", "check", "--format", "sarif", monkeypatch=monkeypatch).stdout)
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in sarif["runs"][0]["results"]]
    assert locations and all(loc == {"uri": "checklists/deploy.md", "uriBaseId": "%SRCROOT%"} for loc in locations)

    # A checklist outside the repository too: an absolute file URI, never a relative one.
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text(BROKEN, encoding="utf-8")
    sarif = json.loads(
        _invoke(repository / "site", "check", "--format", "sarif", str(elsewhere), monkeypatch=monkeypatch).stdout
    )
    locations = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in sarif["runs"][0]["results"]]
    assert locations and all(loc == {"uri": elsewhere.resolve().as_uri()} for loc in locations)
    github = _invoke(repository / "site", "check", "--format", "github", str(elsewhere), monkeypatch=monkeypatch)
    assert f"file={elsewhere.resolve().as_posix().replace(':', '%3A')}," in github.stdout
