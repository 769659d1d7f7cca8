"""The composite GitHub Action (`action.yml`): its run steps, executed in a temporary repository.

The `uses:` steps (actions/setup-python, codeql-action/upload-sarif) cannot run here;
the harness records what they would receive, and the tests check that: the SARIF file
exists, is valid and reaches the upload step even when the check fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from mkdocs_preflight import __version__

from ._action import ActionRun, run_action, run_scripts
from ._support import ENV, SOURCE

ACTION = SOURCE / "action.yml"
# The test environment plays the runner's Python (set up by actions/setup-python): the
# package is already installed there, so with no index the install step must find it
# and change nothing.
RUNNER_ENV = {"PATH": ENV["PATH"], "PIP_NO_INDEX": "1", "NO_MKDOCS_2_WARNING": "1"}


def action(workspace: Path, **inputs: str) -> ActionRun:
    return run_action(ACTION, inputs, workspace=workspace, env=RUNNER_ENV)


def break_checklist(root: Path) -> None:
    example = root / "checklists" / "example.md"
    example.write_text(
        example.read_text(encoding="utf-8")
        + "\n## Deploy\n\n- [ ] Deploy\n    ```bash\n    ./scripts/deploy.sh\n    ```\n",
        encoding="utf-8",
    )


def test_metadata_declares_what_the_docs_describe() -> None:
    metadata = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert metadata["runs"]["using"] == "composite"
    assert set(metadata["inputs"]) == {
        "version",
        "package",
        "install",
        "python-version",
        "working-directory",
        "config-file",
        "paths",
        "args",
        "sarif",
        "sarif-category",
        "build-site",
    }
    for name, spec in metadata["inputs"].items():
        assert spec.get("description"), name
        assert "default" in spec, name
    uses = [step["uses"] for step in metadata["runs"]["steps"] if "uses" in step]
    assert uses == ["actions/setup-python@v5", "github/codeql-action/upload-sarif@v3"]
    recipe = (SOURCE / "docs" / "recipes" / "github-actions.md").read_text(encoding="utf-8")
    for name in metadata["inputs"]:
        assert f"`{name}`" in recipe, f"input {name} is not documented in docs/recipes/github-actions.md"


def test_run_steps_pass_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        if os.environ.get("CI") == "true":
            pytest.fail("shellcheck is missing (make browser installs it)")
        pytest.skip("shellcheck is not installed")
    for name, script in run_scripts(ACTION):
        result = subprocess.run(
            [shellcheck, "--shell=bash", "-"], input=script, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"{name}:\n{result.stdout}"


def test_clean_project_passes_uploads_an_empty_report_and_builds_the_site(project: Path) -> None:
    run = action(project, **{"build-site": "true"})
    assert not run.failed, [(s.name, s.outcome, s.stdout, s.stderr) for s in run.steps]
    assert f"preflight, version {__version__}" in run.step("Install mkdocs-preflight").stdout
    sarif_file = Path(run.outputs["sarif-file"])
    assert sarif_file == project / "preflight.sarif"
    report = json.loads(sarif_file.read_text(encoding="utf-8"))
    assert report["version"] == "2.1.0"
    assert report["runs"][0]["results"] == []
    upload = run.step("Upload the findings to code scanning")
    assert upload.outcome == "success"
    assert upload.with_ == {"sarif_file": str(sarif_file), "category": "preflight"}
    assert run.step("Build the site").outcome == "success"
    assert (project / "site" / "checklists" / "example" / "index.html").is_file()


def test_findings_fail_the_check_with_annotations_and_still_reach_code_scanning(project: Path) -> None:
    break_checklist(project)
    run = action(project, **{"build-site": "true"})
    assert run.failed
    assert run.step("sarif").outcome == "success"
    check = run.step("check")
    assert (check.outcome, check.exit_code) == ("failure", 1)
    annotations = [line for line in check.stdout.splitlines() if line.startswith("::error ")]
    assert annotations, check.stdout
    assert "file=checklists/example.md" in annotations[0] and "PF201" in annotations[0]
    results = json.loads((project / "preflight.sarif").read_text(encoding="utf-8"))["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["PF201"]
    assert run.step("Upload the findings to code scanning").outcome == "success"
    assert run.step("Build the site").outcome == "skipped"


def test_configuration_error_stops_before_the_upload(project: Path) -> None:
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace("checklists_dir: checklists", "fail_on: sometimes"),
        encoding="utf-8",
    )
    run = action(project)
    sarif = run.step("sarif")
    assert (sarif.outcome, sarif.exit_code) == ("failure", 2)
    assert "preflight: error:" in sarif.stderr and "fail_on" in sarif.stderr
    assert run.step("check").outcome == "skipped"
    assert run.step("Upload the findings to code scanning").outcome == "skipped"


def test_inputs_choose_folder_config_paths_options_and_version(project: Path, tmp_path: Path) -> None:
    workspace = tmp_path / "workspace"
    shutil.move(project, workspace / "site-src")
    (workspace / "site-src" / "mkdocs.yml").rename(workspace / "site-src" / "docs.yml")
    break_checklist(workspace / "site-src")
    (workspace / "site-src" / "checklists" / "clean.md").write_text("# Clean\n\n- [ ] Fine\n", encoding="utf-8")
    inputs = {
        "working-directory": "site-src",
        "config-file": "docs.yml",
        "paths": "checklists/clean.md",
        "args": "--select PF2 --fail-on warning",
        "sarif": "false",
        "version": __version__,
    }
    run = action(workspace, **inputs)
    assert not run.failed, [(s.name, s.outcome, s.stdout, s.stderr) for s in run.steps]
    assert run.step("sarif").outcome == "skipped"
    assert run.step("Upload the findings to code scanning").outcome == "skipped"
    assert not (workspace / "site-src" / "preflight.sarif").exists()

    run = action(workspace, **{**inputs, "paths": "checklists"})
    assert run.step("check").outcome == "failure", "the broken checklist is in the folder"
