"""preflight in CI: the machine-readable formats and paths as GitHub, SARIF viewers and
JUnit readers expect them, through the real CLI on real projects."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
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


def test_extract_out_with_paths_leaves_other_checklists_scripts_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`extract --out DIR checklists/a.md` answers for a.md only: b.md's script is neither
    removed nor stale; a script whose checklist was deleted from a given folder is."""
    root = tmp_path / "project"
    (root / "checklists").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - preflight\n", encoding="utf-8")
    for name in ("a", "b"):
        (root / "checklists" / f"{name}.md").write_text(
            f"# {name}\n- [ ] step\n  ```bash\n  echo {name}\n  ```\n", encoding="utf-8"
        )
    assert _invoke(root, "extract", "--format", "sh", "--out", "gen", monkeypatch=monkeypatch).exit_code == 0
    check_a = _invoke(
        root, "extract", "--format", "sh", "--out", "gen", "--check", "checklists/a.md", monkeypatch=monkeypatch
    )
    assert check_a.exit_code == 0, check_a.output
    assert check_a.stdout == "1 generated script up to date\n"
    again = _invoke(root, "extract", "--format", "sh", "--out", "gen", "checklists/a.md", monkeypatch=monkeypatch)
    assert again.exit_code == 0 and "removed" not in again.output
    assert sorted(p.name for p in (root / "gen").iterdir()) == ["a.sh", "b.sh"]

    (root / "checklists" / "b.md").unlink()
    assert (
        _invoke(
            root, "extract", "--format", "sh", "--out", "gen", "--check", "checklists/a.md", monkeypatch=monkeypatch
        ).exit_code
        == 0
    )
    stale = _invoke(root, "extract", "--format", "sh", "--out", "gen", "--check", "checklists", monkeypatch=monkeypatch)
    assert stale.exit_code == 1
    assert "preflight: stale: gen/b.sh: no checklist produces it any more" in stale.stderr
    pruned = _invoke(root, "extract", "--format", "sh", "--out", "gen", "checklists", monkeypatch=monkeypatch)
    assert "removed gen/b.sh" in pruned.stdout
    assert sorted(p.name for p in (root / "gen").iterdir()) == ["a.sh"]


def test_report_output_into_a_missing_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`preflight report LOG -o reports/junit.xml` in a fresh CI job, as `check --output` allows;
    the JUnit report of a step whose output holds control characters and `]]>` parses."""
    root = tmp_path / "project"
    (root / "checklists").mkdir(parents=True)
    (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - preflight\n", encoding="utf-8")
    (root / "checklists" / "c.md").write_text(
        '# C\n- [ ] c\n  ```bash\n  printf "bad \\001 ]]> end\\n"; exit 3\n  ```\n', encoding="utf-8"
    )
    assert _invoke(root, "run", "--yes", "checklists/c.md", monkeypatch=monkeypatch).exit_code == 1
    (log,) = (root / ".preflight" / "runs").glob("*.jsonl")
    for fmt in ("text", "markdown", "json", "junit"):
        result = _invoke(root, "report", str(log), "--format", fmt, "-o", f"reports/{fmt}/out", monkeypatch=monkeypatch)
        assert result.exit_code == 0, result.output
        assert (root / "reports" / fmt / "out").stat().st_size > 0
    suites = ET.parse(root / "reports" / "junit" / "out").getroot()
    assert suites.get("failures") == "1"
    failure = suites.find("testsuite/testcase/failure")
    assert failure is not None and failure.text is not None and "]]> end" in failure.text
    data = json.loads((root / "reports" / "json" / "out").read_text(encoding="utf-8"))
    assert data["version"] == 1 and set(data) >= {"run", "steps", "items", "warnings"}
    assert data["run"]["checklist"] == "checklists/c.md"
