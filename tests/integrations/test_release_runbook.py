"""This project's own release runbook (checklists/release.md) and its requirements.

The runnable, non-destructive steps really run in `.ci/run`; here the runbook's
shape is held to what that script and a release rely on.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import yaml

from ._support import SOURCE, run

CI_STEPS = ("tests", "build", "wheel-contents", "twine-check")
"""The items `.ci/run` runs with `preflight run --only`."""


def preflight(*args: str) -> str:
    result = run(sys.executable, "-m", "mkdocs_preflight", *args, cwd=SOURCE)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def release() -> dict[str, Any]:
    (checklist,) = json.loads(preflight("list", "--format", "json", "checklists/release.md"))["checklists"]
    return checklist  # type: ignore[no-any-return]


def test_project_checklists_have_no_finding_at_all() -> None:
    report = json.loads(preflight("check", "--format", "json", "--fail-on", "info"))
    assert report["diagnostics"] == []


def test_every_release_requirement_is_covered_by_a_step() -> None:
    registry = yaml.safe_load((SOURCE / "checklists" / "requirements.yml").read_text(encoding="utf-8"))
    defined = set(registry["requirements"])
    assert defined == {f"REL-{n}" for n in range(1, len(defined) + 1)}
    items = release()["items"]
    covered = {req for item in items for req in item["requirements"]}
    assert covered == defined


def test_publishing_steps_are_destructive_and_ci_steps_are_not() -> None:
    checklist = release()
    blocks = checklist["blocks"]
    publishing = [b for b in blocks if any(word in b["code"] for word in ("git push", "twine upload", "gh-deploy"))]
    assert len(publishing) == 3
    assert all(b["options"].get("destructive") == "true" for b in publishing)
    items = {item["id"]: item for item in checklist["items"]}
    for step in CI_STEPS:
        assert step in items, f".ci/run runs --only {step}"
        owned = [b for b in blocks if b["item"] == step]
        assert owned and all(b["runnable"] and "destructive" not in b["options"] for b in owned)


def test_dry_run_plans_every_step_and_asks_for_the_version() -> None:
    plan = preflight("run", "--dry-run", "checklists/release.md")
    assert "needs --var version=" in plan
    for block_id in ("push-tag", "upload-pypi", "gh-deploy"):
        assert block_id in plan
    ci_plan = preflight(
        "run", "--dry-run", "checklists/release.md", "--var", "version=0.0.0", "--only", "tests", "--only", "build"
    )
    assert "git push" not in ci_plan and "twine upload" not in ci_plan
    assert "python -m build" in ci_plan and "twine check" in ci_plan
