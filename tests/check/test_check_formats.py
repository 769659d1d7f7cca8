"""Every output format: text, json, github, sarif (structure of SARIF 2.1.0), junit (read by junitparser)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import junitparser
import pytest

from mkdocs_preflight.report import ReportOptions, render
from mkdocs_preflight.report.github import escape_data, escape_property
from mkdocs_preflight.report.sarif import fingerprints
from mkdocs_preflight.rules import CheckResult

from .conftest import Invoke, MakeProject, dedent

DOC = dedent(
    """
    # Deploy
    - [] malformed, a warning
    - [ ] Smoke tests pass âœ…

    ```bash id=x timeout=5
    echo x
    ```

    - [ ] Duplicate { #dup }
    - [ ] Duplicate again { #dup }
    """
)
FILES = {"checklists/deploy.md": DOC, "checklists/clean.md": "# Clean\n- [ ] fine\n"}
CONFIG = "site_name: t\nplugins:\n  - preflight\n"
EXPECTED = [
    ("PF106", "warning", 2),
    ("PF401", "warning", 3),
    ("PF110", "warning", 5),
    ("PF101", "error", 10),
]


def _project(make_project: MakeProject) -> Path:
    return make_project(FILES, config=CONFIG)


def test_text_is_ruff_style(make_project: MakeProject, invoke: Invoke) -> None:
    result = invoke(_project(make_project), "check", "--jobs", "1")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        lines[0] == "checklists/deploy.md:2:3: PF106 Malformed checkbox `[]`: "
        "write `[ ]` or `[x]` followed by a space and the item text"
    )
    assert re.fullmatch(r"checklists/deploy\.md:3:24: PF401 \[\*\] Mojibake .*", lines[1])
    assert lines[-2] == "Found 1 error, 3 warnings."
    assert lines[-1] == "[*] 2 fixable with the `--fix` option."
    assert "\x1b[" not in result.stdout  # not a terminal: no colour


def test_text_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    from mkdocs_preflight.colors import use_color

    class Tty:
        def isatty(self) -> bool:
            return True

    import os

    saved = {name: os.environ.pop(name, None) for name in COLOR_VARIABLES}
    try:
        assert use_color(Tty())
        os.environ["NO_COLOR"] = "1"
        assert not use_color(Tty())
        os.environ["NO_COLOR"] = ""  # set but empty: as if not set (https://no-color.org)
        assert use_color(Tty())
        os.environ["TERM"] = "dumb"
        assert not use_color(Tty())
    finally:
        for name, value in saved.items():
            os.environ.pop(name, None)
            if value is not None:
                os.environ[name] = value
    result = CheckResult([], [])
    coloured = render(result, "text", ReportOptions(color=True))
    assert coloured == "All checks passed!\n"


COLOR_VARIABLES = ("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "TERM")


@pytest.mark.parametrize(
    ("environ", "coloured"),
    [
        ({}, False),
        ({"FORCE_COLOR": "1"}, True),
        ({"FORCE_COLOR": "0"}, True),  # "regardless of its value" (https://force-color.org)
        ({"FORCE_COLOR": ""}, False),
        ({"CLICOLOR_FORCE": "1"}, True),
        ({"CLICOLOR_FORCE": "0"}, False),
        ({"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        ({"FORCE_COLOR": "1", "TERM": "dumb"}, True),
    ],
)
def test_text_colour_follows_force_color_no_color_and_clicolor_force(
    make_project: MakeProject, invoke: Invoke, environ: dict[str, str], coloured: bool
) -> None:
    """CI logs render ANSI colours through a pipe when asked to (FORCE_COLOR); NO_COLOR wins."""
    env: dict[str, str | None] = dict.fromkeys(COLOR_VARIABLES)
    result = invoke(_project(make_project), "check", "--jobs", "1", env={**env, **environ})
    assert result.exit_code == 1
    assert ("\x1b[" in result.stdout) is coloured, result.stdout
    assert "Found 1 error, 3 warnings." in result.stdout.replace("\x1b[1m", "").replace("\x1b[0m", "")
    written = invoke(_project(make_project), "check", "-o", "report.txt", env={**env, **environ})
    assert "\x1b[" not in (_project(make_project) / "report.txt").read_text(encoding="utf-8")  # a file: never
    assert written.exit_code == 1


def test_json_contract(make_project: MakeProject, invoke: Invoke) -> None:
    result = invoke(_project(make_project), "check", "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["version"] == 1
    assert [(d["code"], d["level"], d["line"]) for d in data["diagnostics"]] == EXPECTED
    for d in data["diagnostics"]:
        assert set(d) >= {"code", "level", "path", "line", "col", "message"}
        assert d["path"] == "checklists/deploy.md"
    assert data["summary"] == {
        "files": 2,
        "errors": 1,
        "warnings": 3,
        "info": 0,
        "fixable": 2,
        "fixed": 0,
        "fail_on": "error",
        "failed": True,
    }


def test_github_annotations(make_project: MakeProject, invoke: Invoke) -> None:
    result = invoke(_project(make_project), "check", "--format", "github")
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith("::warning file=checklists/deploy.md,line=2,col=3,title=PF106 malformed-checkbox::")
    assert lines[3].startswith("::error file=checklists/deploy.md,line=10,")
    assert escape_data("50%\nnext") == "50%25%0Anext"
    assert escape_property("a:b,c") == "a%3Ab%2Cc"


def test_github_and_sarif_paths_start_at_the_repository_root(tmp_path: Path, invoke: Invoke) -> None:
    """GitHub resolves annotation and code-scanning paths from the repository's root; the
    project (mkdocs.yml) may live in a subfolder, as action.yml's `working-directory` allows."""
    repository = tmp_path / "repo"
    project = repository / "ops"
    (project / "checklists").mkdir(parents=True)
    (repository / ".git").mkdir()
    (project / "mkdocs.yml").write_text(CONFIG, encoding="utf-8")
    (project / "checklists" / "a.md").write_text("# A\n- [] malformed\n", encoding="utf-8")
    result = invoke(project, "check", "--format", "github")
    assert result.stdout.startswith("::warning file=ops/checklists/a.md,line=2,"), result.stdout
    sarif = json.loads(invoke(project, "check", "--format", "sarif").stdout)
    run = sarif["runs"][0]
    location = run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "ops/checklists/a.md", "uriBaseId": "%SRCROOT%"}
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repository.resolve().as_uri() + "/"
    assert "checklists/a.md:2:" in invoke(project, "check").stdout, "the text format keeps the project's paths"


def _require(obj: dict[str, Any], *keys: str) -> None:
    for key in keys:
        assert key in obj, f"missing {key!r} in {sorted(obj)}"


def test_sarif_has_every_required_property(make_project: MakeProject, invoke: Invoke) -> None:
    root = _project(make_project)
    result = invoke(root, "check", "--format", "sarif", "--output", "out/preflight.sarif")
    assert result.exit_code == 1
    assert result.stdout == ""
    log = json.loads((root / "out/preflight.sarif").read_text(encoding="utf-8"))
    _require(log, "$schema", "version", "runs")
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    run = log["runs"][0]
    _require(run, "tool", "results")
    driver = run["tool"]["driver"]
    _require(driver, "name", "rules")
    ids = [rule["id"] for rule in driver["rules"]]
    assert len(ids) == len(set(ids))
    for rule in driver["rules"]:
        _require(rule, "id", "name", "shortDescription", "fullDescription", "help", "defaultConfiguration")
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"] and rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note", "none"}
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in run["results"]] == [
        (code, line) for code, _, line in EXPECTED
    ]
    for entry in run["results"]:
        _require(entry, "ruleId", "ruleIndex", "level", "message", "locations", "partialFingerprints")
        assert driver["rules"][entry["ruleIndex"]]["id"] == entry["ruleId"]
        assert entry["level"] in {"error", "warning", "note", "none"}
        assert entry["message"]["text"]
        physical = entry["locations"][0]["physicalLocation"]
        assert physical["artifactLocation"]["uri"] == "checklists/deploy.md"
        assert physical["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert physical["region"]["startLine"] >= 1 and physical["region"]["startColumn"] >= 1
        assert all(isinstance(v, str) and v for v in entry["partialFingerprints"].values())
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].startswith("file:///")
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")


def test_sarif_fingerprints_survive_moved_lines(make_project: MakeProject, tmp_path: Path) -> None:
    from mkdocs_preflight.config import load_settings
    from mkdocs_preflight.engine import Project
    from mkdocs_preflight.rules import check

    root = _project(make_project)
    before = check(Project(load_settings(root / "mkdocs.yml")))
    first = fingerprints(before.diagnostics, root)
    path = root / "checklists/deploy.md"
    path.write_text(DOC.replace("# Deploy\n", "# Deploy\n\nA new paragraph.\n\n"), encoding="utf-8")
    after = check(Project(load_settings(root / "mkdocs.yml")))
    assert [d.line for d in after.diagnostics] == [d.line + 3 for d in before.diagnostics]
    assert fingerprints(after.diagnostics, root) == first
    assert len(set(first)) == len(first)


def test_junit_is_read_by_junitparser(make_project: MakeProject, invoke: Invoke, tmp_path: Path) -> None:
    root = _project(make_project)
    result = invoke(root, "check", "--format", "junit", "--output", "report.xml")
    assert result.exit_code == 1
    xml = junitparser.JUnitXml.fromfile(str(root / "report.xml"))
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"checklists/clean.md", "checklists/deploy.md"}
    clean = list(suites["checklists/clean.md"])
    assert len(clean) == 1 and clean[0].is_passed
    cases = list(suites["checklists/deploy.md"])
    assert len(cases) == 4
    failed = [case for case in cases if not case.is_passed]
    assert [case.result[0].type for case in failed] == ["PF101"]  # only errors fail (fail_on: error)
    assert suites["checklists/deploy.md"].failures == 1
    again = invoke(root, "check", "--format", "junit", "--fail-on", "warning")
    xml = junitparser.JUnitXml.fromstring(again.stdout)
    assert sum(suite.failures for suite in xml) == 4


def test_text_colour_marks_codes_by_level(make_project: MakeProject) -> None:
    from mkdocs_preflight.config import load_settings
    from mkdocs_preflight.engine import Project
    from mkdocs_preflight.rules import check

    root = _project(make_project)
    result = check(Project(load_settings(root / "mkdocs.yml")))
    coloured = render(result, "text", ReportOptions(color=True)).splitlines()
    assert "\x1b[1;33mPF106\x1b[0m" in coloured[0]  # warning: yellow
    assert "\x1b[1;31mPF101\x1b[0m" in coloured[3]  # error: red
    plain = render(result, "text", ReportOptions(color=False))
    assert re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(coloured)) + "\n" == plain


def test_github_and_sarif_paths_of_checklists_beside_the_project(tmp_path: Path, invoke: Invoke) -> None:
    """``mkdocs.yml`` in ``web/`` with ``checklists_dir: ../checklists``: from the
    repository's root the file is ``checklists/a.md`` (not ``web/../checklists/a.md``)."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "web").mkdir()
    (tmp_path / "checklists").mkdir()
    (tmp_path / "web" / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - preflight:\n      checklists_dir: ../checklists\n", encoding="utf-8"
    )
    (tmp_path / "checklists" / "a.md").write_text("# A\n- [] malformed\n", encoding="utf-8")
    result = invoke(tmp_path / "web", "check", "--format", "github")
    assert result.stdout.startswith("::warning file=checklists/a.md,line=2,"), result.stdout
    sarif = json.loads(invoke(tmp_path / "web", "check", "--format", "sarif").stdout)
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "checklists/a.md", "uriBaseId": "%SRCROOT%"}
    assert "../checklists/a.md:2:" in invoke(tmp_path / "web", "check").stdout
