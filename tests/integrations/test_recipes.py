"""The recipes under docs/recipes/: their CI jobs and hooks, run in a fresh project.

The YAML blocks of each recipe are read from the page itself, and their commands run
as the CI service would run them (`pip install mkdocs-preflight` is skipped: the
package under test is already installed). Jobs that need a release runbook or a
deployment target are left out, and say so below.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import yaml
from junitparser import JUnitXml

from ._support import SOURCE, run

RECIPES = SOURCE / "docs" / "recipes"
FENCE = re.compile(r"^```(?P<lang>\w*)[^\n]*\n(?P<body>.*?)^```\s*$", re.M | re.S)


def yaml_blocks(page: str) -> list[Any]:
    text = (RECIPES / page).read_text(encoding="utf-8")
    return [yaml.safe_load(m.group("body")) for m in FENCE.finditer(text) if m.group("lang") == "yaml"]


def sh(command: str, cwd: Path) -> None:
    if command.startswith("pip install mkdocs-preflight"):
        return
    result = run("bash", "-eo", "pipefail", "-c", command, cwd=cwd)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"


def test_github_workflow_of_your_own_passes_on_a_clean_project(project: Path) -> None:
    workflow = yaml_blocks("github-actions.md")[0]
    steps = workflow["jobs"]["preflight"]["steps"]
    assert steps[0]["uses"].startswith("actions/checkout@")
    for step in steps:
        if "run" in step:
            sh(step["run"], project)
    assert (project / "site" / "index.html").is_file()


def test_github_extract_check_snippet(project: Path) -> None:
    snippet = yaml_blocks("github-actions.md")[2][0]["run"]
    sh("preflight extract --format sh --out scripts/checklists", project)
    sh(snippet, project)


def test_gitlab_check_job_writes_a_junit_report_and_fails_on_findings(project: Path) -> None:
    jobs = yaml_blocks("gitlab-ci.md")
    check = jobs[0]["preflight"]
    assert check["artifacts"]["reports"]["junit"] == "preflight-junit.xml"
    for command in check["script"]:
        sh(command, project)
    report = JUnitXml.fromfile(str(project / "preflight-junit.xml"))
    assert report.tests >= 1 and report.failures == 0

    example = project / "checklists" / "example.md"
    example.write_text(example.read_text(encoding="utf-8") + "\n- [ ] Run `./scripts/missing.sh`\n", encoding="utf-8")
    first, second = check["script"][1:3]
    sh(first, project)  # --exit-zero: the report is written, the job goes on
    report = JUnitXml.fromfile(str(project / "preflight-junit.xml"))
    assert report.failures >= 1
    result = run("bash", "-c", second, cwd=project)
    assert result.returncode == 1
    assert "PF201" in result.stdout


def test_gitlab_pages_job_publishes_public(project: Path) -> None:
    pages = yaml_blocks("gitlab-ci.md")[1]["pages"]
    for command in pages["script"]:
        sh(command, project)
    assert pages["artifacts"]["paths"] == ["public"]
    assert (project / "public" / "checklists" / "example" / "index.html").is_file()


def test_pre_commit_local_hook_works_offline(project: Path, tmp_path: Path) -> None:
    configs = yaml_blocks("pre-commit.md")
    local = next(c for c in configs if c["repos"][0]["repo"] == "local")
    (project / ".pre-commit-config.yaml").write_text(yaml.safe_dump(local), encoding="utf-8")
    run("git", "add", "-A", cwd=project)
    home = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PIP_NO_INDEX": "1"}
    result = run(sys.executable, "-m", "pre_commit", "run", "--all-files", cwd=project, env=home)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"preflight check\.+Passed", result.stdout)

    example = project / "checklists" / "example.md"
    example.write_text(example.read_text(encoding="utf-8") + "\n- [ ] Run `./scripts/missing.sh`\n", encoding="utf-8")
    run("git", "add", "-A", cwd=project)
    result = run(sys.executable, "-m", "pre_commit", "run", "--all-files", cwd=project, env=home)
    assert result.returncode == 1
    assert "PF201" in result.stdout


def test_pre_commit_remote_config_names_the_shipped_hooks() -> None:
    configs = yaml_blocks("pre-commit.md")
    remote = next(c for c in configs if c["repos"][0]["repo"] != "local")
    shipped = {hook["id"]: hook for hook in yaml.safe_load((SOURCE / ".pre-commit-hooks.yaml").read_text())}
    for hook in remote["repos"][0]["hooks"]:
        assert hook["id"] in shipped
    assert shipped["preflight-extract-check"]["args"] == ["--out", "scripts/checklists"]


def test_publishing_workflow_builds_what_it_uploads(project: Path) -> None:
    workflow = yaml_blocks("publishing.md")[0]
    build = workflow["jobs"]["build"]["steps"]
    for step in build:
        if "run" in step:
            sh(step["run"], project)
    upload = next(step for step in build if step.get("uses", "").startswith("actions/upload-pages-artifact"))
    assert (project / upload["with"]["path"] / "index.html").is_file()
    # Not run here: the release-steps job (it needs the project's own release runbook)
    # and the deploy job (it needs GitHub Pages).
