"""The pre-commit hooks of `.pre-commit-hooks.yaml`, installed and run by pre-commit itself.

`language: python` hooks are installed by pre-commit into their own virtual
environment, with mkdocs-preflight's dependencies from PyPI: the first run needs the
package index (later runs reuse the environment). See docs/recipes/pre-commit.md for
an offline `repo: local` alternative.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from ._support import SOURCE, run

HOOKS = SOURCE / ".pre-commit-hooks.yaml"


def pre_commit(*args: str | Path, cwd: Path, home: Path) -> tuple[int, str]:
    result = run(sys.executable, "-m", "pre_commit", *args, cwd=cwd, env={"PRE_COMMIT_HOME": str(home)})
    return result.returncode, result.stdout + result.stderr


def test_manifest_is_valid_and_runs_once_per_commit(tmp_path: Path) -> None:
    code, output = pre_commit("validate-manifest", HOOKS, cwd=tmp_path, home=tmp_path / "home")
    assert code == 0, output
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    assert set(hooks) == {"preflight-check", "preflight-extract-check"}
    for hook in hooks.values():
        assert hook["pass_filenames"] is False, "checks look at the whole project, not at staged files"
        assert hook["always_run"] is True, "a commit that only deletes a script is checked too"
        assert hook["entry"].startswith("preflight ")


@pytest.mark.slow
def test_try_repo_passes_on_a_clean_project_and_fails_on_a_broken_one(
    hook_repo: Path, project: Path, tmp_path: Path
) -> None:
    home = tmp_path / "pre-commit-home"
    preflight = (sys.executable, "-m", "mkdocs_preflight")
    script = project / "scripts" / "hello.sh"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\necho hello\n", encoding="utf-8")
    script.chmod(0o755)
    (project / "checklists" / "hello.md").write_text(
        "# Hello\n\n- [ ] Say hello\n    ```bash\n    ./scripts/hello.sh\n    ```\n", encoding="utf-8"
    )
    extract = run(*preflight, "extract", "--format", "sh", "--out", "scripts/checklists", cwd=project)
    assert extract.returncode == 0, extract.stderr
    run("git", "add", "-A", cwd=project)

    code, output = pre_commit("try-repo", hook_repo, "--all-files", cwd=project, home=home)
    assert code == 0, output
    assert "preflight check" in output and "preflight extract --check" in output
    assert output.count("Passed") == 2, output

    # A commit that only deletes the script a checklist runs: no staged file to pass,
    # and still the hook runs and fails.
    run("git", "commit", "-qm", "hello", cwd=project)
    run("git", "rm", "-q", "scripts/hello.sh", cwd=project)
    code, output = pre_commit("try-repo", hook_repo, "preflight-check", cwd=project, home=home)
    assert code == 1, output
    assert "PF201" in output and "scripts/hello.sh" in output
    run("git", "reset", "-q", "--hard", cwd=project)

    example = project / "checklists" / "example.md"
    example.write_text(
        example.read_text(encoding="utf-8")
        + "\n## Deploy\n\n- [ ] Deploy the site\n    ```bash\n    ./scripts/deploy.sh\n    ```\n",
        encoding="utf-8",
    )
    run("git", "add", "-A", cwd=project)
    code, output = pre_commit("try-repo", hook_repo, "--all-files", cwd=project, home=home)
    assert code == 1, output
    assert output.count("Failed") == 2, output
    assert "checklists/example.md" in output and "PF201" in output and "scripts/deploy.sh" in output
    assert "scripts/checklists/example.sh: differs from checklists/example.md" in output


def test_hook_entries_take_the_config_file_in_args(tmp_path: Path) -> None:
    """pre-commit runs `entry + args` from the repository's root, so a project whose
    mkdocs.yml is in a subfolder can only name it in `args`: after the subcommand."""
    hooks = {hook["id"]: hook for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    repository = tmp_path / "repo"
    (repository / "site" / "checklists").mkdir(parents=True)
    (repository / "site" / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - preflight:\n      checklists_dir: checklists\n", encoding="utf-8"
    )
    (repository / "site" / "checklists" / "a.md").write_text(
        "# A\n- [ ] step\n  ```bash\n  ./scripts/gone.sh\n  ```\n", encoding="utf-8"
    )
    run("git", "init", "-q", cwd=repository)
    for hook_id, extra in (("preflight-check", []), ("preflight-extract-check", ["--out", "site/generated"])):
        entry = [sys.executable, "-m", "mkdocs_preflight", *hooks[hook_id]["entry"].split()[1:]]
        args = [*extra, "-f", "site/mkdocs.yml"]
        result = run(*entry, *args, cwd=repository)
        assert result.returncode == 1, (hook_id, result.stdout, result.stderr)
        assert "No such option" not in result.stderr
    checked = run(sys.executable, "-m", "mkdocs_preflight", "check", "-f", "site/mkdocs.yml", cwd=repository)
    assert "checklists/a.md:4:3: PF201" in checked.stdout, checked.stdout
