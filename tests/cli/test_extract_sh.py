"""Scripts of `preflight extract --format sh` run their steps the way `preflight run` does.

Real scripts, run by bash in temporary git repositories, compared with `preflight run`.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import MakeProject, require_tool

CONFIG = "site_name: t\nplugins:\n  - preflight:\n      checklists_dir: checklists\n"
TRICKY = 'it\'s "quoted" $HOME `date` \\n back\\slash\nsecond line\n'
"""A value that only survives exact quoting: quotes, $, backticks, backslashes, newlines."""

ENV_CHECKLIST = f"""\
---
run:
  env:
    APP_ENV: production
    TRICKY: {json.dumps(TRICKY)}
---
# Env

- [ ] Record the environment
  ```bash
  printf '%s' "$APP_ENV" > "$OUT/app_env"
  printf '%s' "$TRICKY" > "$OUT/tricky"
  printf '%s' "$PREFLIGHT_CHECKLIST $PREFLIGHT_STEP_ID" > "$OUT/ids"
  ```
- [ ] Record the folder
  ```bash cwd=sub
  pwd -P > "$OUT/cwd"
  ```
"""


def preflight(root: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_preflight", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


def bash(script: Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(script)], cwd=cwd, capture_output=True, text=True, env={**os.environ, **env}, check=False
    )


def outputs(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(folder.iterdir())}


@pytest.fixture
def project(make_project: MakeProject) -> Path:
    root = make_project({"checklists/env.md": ENV_CHECKLIST, "sub/.keep": ""}, config=CONFIG, git=True)
    result = preflight(root, "extract", "--format", "sh", "--out", "ops")
    assert result.returncode == 0, result.stderr
    return root


def test_script_sets_run_env_and_cwd_like_preflight_run(project: Path, tmp_path: Path) -> None:
    by_run, by_script, elsewhere = tmp_path / "run", tmp_path / "script", tmp_path / "elsewhere"
    for folder in (by_run, by_script, elsewhere):
        folder.mkdir()
    ran = preflight(project, "run", "--yes", "checklists/env.md", env={"OUT": str(by_run), "APP_ENV": "staging"})
    assert ran.returncode == 0, ran.stdout + ran.stderr
    # From an unrelated folder, with the caller's APP_ENV overridden as `preflight run` does.
    result = bash(project / "ops" / "env.sh", elsewhere, OUT=str(by_script), APP_ENV="staging")
    assert result.returncode == 0, result.stderr
    assert outputs(by_script) == outputs(by_run)
    assert outputs(by_script)["app_env"] == "production"
    assert outputs(by_script)["tricky"] == TRICKY
    assert outputs(by_script)["ids"] == "checklists/env.md record-the-environment--bash"
    assert outputs(by_script)["cwd"] == f"{(project / 'sub').resolve()}\n"


def test_script_without_a_root_is_a_clear_error(project: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    copy = outside / "env.sh"
    shutil.copy(project / "ops" / "env.sh", copy)
    result = bash(copy, outside, OUT=str(outside))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "preflight: error: cannot find the repository root: "
        "no mkdocs.yml above this script or the current folder (set PREFLIGHT_ROOT)"
    )
    assert not (outside / "app_env").exists()
    # From inside the repository, or with PREFLIGHT_ROOT, the copy finds the root.
    assert bash(copy, project / "sub", OUT=str(outside)).returncode == 0
    assert bash(copy, outside, OUT=str(outside), PREFLIGHT_ROOT=str(project)).returncode == 0
    assert (outside / "cwd").read_text() == f"{(project / 'sub').resolve()}\n"


def test_concatenated_scripts_keep_each_checklists_env(make_project: MakeProject, tmp_path: Path) -> None:
    second = '# Plain\n\n- [ ] Show\n  ```bash\n  printf \'%s\' "${APP_ENV:-unset}" > "$OUT/plain"\n  ```\n'
    root = make_project(
        {"checklists/env.md": ENV_CHECKLIST, "checklists/plain.md": second, "sub/.keep": ""}, config=CONFIG
    )
    script = tmp_path / "all.sh"
    script.write_text(preflight(root, "extract", "--format", "sh").stdout)
    result = bash(script, root, OUT=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "app_env").read_text() == "production"
    assert (tmp_path / "plain").read_text() == "unset"


STRICT = """\
---
run:
  shell: sh
  timeout: 1
---
# Limits

- [ ] Expected failure
  ```bash expect=3
  exit 3
  ```
- [ ] Too slow
  ```bash
  touch "$OUT/started"; sleep 10; touch "$OUT/finished"
  ```
- [ ] Never reached
  ```bash
  touch "$OUT/after"
  ```
"""


def test_front_matter_duration_sets_the_scripts_limit(make_project: MakeProject) -> None:
    root = make_project({"checklists/limits.md": STRICT.replace("timeout: 1", "timeout: 2m")}, config=CONFIG)
    script = preflight(root, "extract", "--format", "sh").stdout
    assert "preflight_step too-slow--bash 2 3 'Too slow' . 120 0 sh -e -c <<" in script


def test_front_matter_run_values_pf307_ignores_are_not_used(make_project: MakeProject) -> None:
    text = "---\nrun:\n  cwd: 5\n  shell: 7\n---\n# T\n\n- [ ] a\n  ```bash\n  true\n  ```\n"
    root = make_project({"checklists/t.md": text, "5/.keep": ""}, config=CONFIG)
    script = preflight(root, "extract", "--format", "sh").stdout
    assert "preflight_step a--bash 1 1 a . 600 0 bash -e -o pipefail -c <<" in script


def test_script_honours_expect_and_the_time_limit(make_project: MakeProject, tmp_path: Path) -> None:
    require_tool("timeout", "the scripts' time limits use coreutils `timeout`")
    root = make_project({"checklists/limits.md": STRICT}, config=CONFIG, git=True)
    script = root / "limits.sh"
    script.write_text(preflight(root, "extract", "--format", "sh").stdout)
    assert "preflight_step expected-failure--bash 1 3 'Expected failure' . 1 3 sh -e -c <<" in script.read_text()
    start = time.monotonic()
    result = bash(script, root, OUT=str(tmp_path))
    assert time.monotonic() - start < 8
    assert result.returncode == 124, result.stderr
    assert "preflight: step too-slow--bash timed out after 1 s" in result.stderr
    assert (tmp_path / "started").exists()
    assert not (tmp_path / "finished").exists() and not (tmp_path / "after").exists()


def test_a_manual_block_is_shown_not_run(make_project: MakeProject, tmp_path: Path) -> None:
    checklist = (
        "# Rotate\n\n- [ ] Rotate by hand\n"
        '  ```bash { data-preflight-run="manual" }\n  touch "$OUT/manual"\n  ```\n'
        '- [ ] Then\n  ```bash\n  touch "$OUT/after"\n  ```\n'
    )
    root = make_project({"checklists/rotate.md": checklist}, config=CONFIG, git=True)
    script = root / "rotate.sh"
    script.write_text(preflight(root, "extract", "--format", "sh").stdout)
    result = bash(script, root, OUT=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "manual").exists(), "run=manual: the operator runs it, as with `preflight run --yes`"
    assert (tmp_path / "after").exists()
    assert "manual step rotate-by-hand--bash: run it by hand" in result.stderr
    assert '    touch "$OUT/manual"' in result.stderr


def test_a_comment_only_block_is_shown_as_a_manual_step(make_project: MakeProject, tmp_path: Path) -> None:
    checklist = (
        "# Manual\n\n- [ ] Check the dashboard by hand\n"
        "  ```bash\n  # open https://grafana/d/api and confirm p95 < 300 ms\n  ```\n"
        '- [ ] Auto\n  ```bash\n  touch "$OUT/auto"\n  ```\n'
    )
    root = make_project({"checklists/m.md": checklist}, config=CONFIG, git=True)
    ran = preflight(root, "run", "--yes", "checklists/m.md")
    assert ran.returncode == 0 and "1 manual-pending, 1 passed" in ran.stdout, ran.stdout + ran.stderr
    script = root / "m.sh"
    script.write_text(preflight(root, "extract", "--format", "sh").stdout)
    result = bash(script, root, OUT=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "auto").exists()
    assert "step 1/2: Check the dashboard by hand" in result.stderr
    assert "manual step check-the-dashboard-by-hand--bash: run it by hand" in result.stderr
    assert "    # open https://grafana/d/api and confirm p95 < 300 ms" in result.stderr
    assert "step 2/2: Auto" in result.stderr
    # The scripts folder agrees with `preflight check` (PF501) about the manual step.
    assert preflight(root, "extract", "--format", "sh", "--out", "ops").returncode == 0
    checked = preflight(root, "check", "--no-cache", "--select", "PF501", "--scripts-dir", "ops")
    assert checked.returncode == 0, checked.stdout
    # Text and JSON list the runnable blocks only; a checklist of manual steps gets no script.
    assert "grafana" not in preflight(root, "extract", "--format", "json").stdout
    only_manual = preflight(root, "extract", "--format", "sh", "--item", "check-the-dashboard-by-hand")
    assert (only_manual.returncode, only_manual.stdout) == (0, "")


SLOW = """\
# Slow

- [ ] Wait
  ```bash
  sleep 30 &
  echo $! > "$OUT/pid"
  wait
  ```
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_stops_a_step_under_a_time_limit(make_project: MakeProject, tmp_path: Path) -> None:
    require_tool("timeout", "the scripts' time limits use coreutils `timeout`")
    root = make_project({"checklists/slow.md": SLOW}, config=CONFIG)
    script = root / "slow.sh"
    script.write_text(preflight(root, "extract", "--format", "sh").stdout)
    process = subprocess.Popen(
        ["bash", str(script)], cwd=root, env={**os.environ, "OUT": str(tmp_path)}, start_new_session=True
    )
    pid_file = tmp_path / "pid"
    deadline = time.monotonic() + 10
    while not pid_file.is_file() or not pid_file.read_text().strip():
        assert time.monotonic() < deadline, "the step did not start"
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
    assert process.wait(timeout=10) == 130
    sleeper = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while _alive(sleeper) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(sleeper)  # nothing the step started keeps running


HIDDEN = """\
# Deploy

- [ ] Build

```bash
true

- [ ] Only after approval: clean up with `touch "$OUT/hidden"`
"""
"""An unclosed fence (PF105): the item after it would be read, and run, as code."""

TWICE = "---\n- not a mapping\n---\n# Twice\n\n- [ ] a { #x }\n- [ ] b { #x }\n  ```bash\n  true\n  ```\n"
"""Invalid front matter (PF107) and a duplicate ID (PF101)."""


def test_a_checklist_run_refuses_is_not_extracted(make_project: MakeProject) -> None:
    good = '# Good\n\n- [ ] Step\n  ```bash\n  touch "$OUT/good"\n  ```\n'
    root = make_project({"checklists/a.md": good}, config=CONFIG, git=True)
    assert preflight(root, "extract", "--format", "sh", "--out", "ops").returncode == 0
    before = (root / "ops" / "a.sh").read_text()
    (root / "checklists" / "deploy.md").write_text(HIDDEN)
    refused = (
        "preflight: error: checklists/deploy.md:5: Code fence is never closed: everything up to the end "
        "of the file is read as code and hides 1 task item [PF105]; fix it before "
    )
    ran = preflight(root, "run", "--yes", "checklists/deploy.md")
    assert (ran.returncode, ran.stderr) == (2, refused + "running\n")
    for args in (
        ["--format", "text"],
        ["--format", "json"],
        ["--format", "sh"],
        ["--format", "sh", "checklists/deploy.md"],
        ["--format", "sh", "--item", "build"],  # the refusal comes before the selection
        ["--format", "sh", "--out", "ops"],
        ["--format", "sh", "--out", "ops", "--check"],
        ["--format", "sh", "--out", "new"],
    ):
        result = preflight(root, "extract", *args)
        assert (result.returncode, result.stdout, result.stderr) == (2, "", refused + "extracting\n"), args
    # Nothing written, not even the script of the good checklist.
    assert sorted(p.name for p in (root / "ops").iterdir()) == ["a.sh"]
    assert (root / "ops" / "a.sh").read_text() == before
    assert not (root / "new").exists()

    (root / "checklists" / "deploy.md").write_text(TWICE)
    result = preflight(root, "extract", "--format", "sh")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr == (
        "preflight: error: checklists/deploy.md:2: Front matter must be a mapping of keys to values [PF107] "
        "(and 1 more; see `preflight check`); fix it before extracting\n"
    )


@pytest.mark.parametrize("git", [True, False])
def test_scripts_of_checklists_outside_the_root_stay_in_out(tmp_path: Path, git: bool) -> None:
    """``mkdocs.yml`` in ``web/`` with ``checklists_dir: ../checklists``: the script goes to
    ``--out``, never beside the checklist (its path used to be absolute, and ``out / path``
    is that path); in a git repository the checklist is named ``../checklists/deploy.md``."""
    (tmp_path / "checklists").mkdir()
    (tmp_path / "checklists" / "deploy.md").write_text("# Deploy\n\n- [ ] Ship\n  ```bash\n  echo ok\n  ```\n")
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "mkdocs.yml").write_text(
        "site_name: t\nplugins:\n  - preflight:\n      checklists_dir: ../checklists\n"
    )
    if git:
        subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    web = tmp_path / "web"
    result = preflight(web, "extract", "--format", "sh", "--out", "ops")
    assert result.returncode == 0, result.stderr
    scripts = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.sh"))
    assert scripts == ["web/ops/deploy.sh"]
    assert preflight(web, "extract", "--format", "sh", "--out", "ops", "--check").returncode == 0
    listed = preflight(web, "list").stdout.splitlines()[0]
    expected = "../checklists/deploy.md" if git else f"{tmp_path}/checklists/deploy.md"
    assert listed.startswith(f"{expected}: Deploy"), listed


def test_a_line_break_in_a_file_name_stays_in_the_comments(make_project: MakeProject) -> None:
    """A checklist's path is written into the script's comments: a file name with a line
    break must not end the comment and put the rest of the name in the script as a command."""
    name = "checklists/x\ntouch pwned\n.md"
    root = make_project({name: "# T\n\n- [ ] One\n  ```bash\n  echo ran\n  ```\n"}, config=CONFIG, git=True)
    result = preflight(root, "extract", "--format", "sh", "--out", "ops")
    assert result.returncode == 0, result.stderr
    (script,) = (root / "ops").iterdir()
    ran = bash(script, root)
    assert ran.returncode == 0, ran.stderr
    assert "ran" in ran.stdout
    assert not (root / "pwned").exists(), "a line of the file name ran as a command"
    printed = preflight(root, "extract", "--format", "sh")
    assert "\ntouch pwned\n" not in printed.stdout.replace("'checklists/x\ntouch pwned\n.md'", "")


def test_a_committed_link_out_of_the_repository_is_not_written_through(
    make_project: MakeProject, tmp_path: Path
) -> None:
    """A repository can commit ``ops/deploy.sh`` (or ``preflight.lock``) as a link to a
    file of the machine: `extract --out` and `lock` refuse to write the checklist's
    commands into it (a shell startup file would run them at the next login)."""
    outside = tmp_path / "home" / ".bashrc"
    outside.parent.mkdir()
    outside.write_text("echo original\n", encoding="utf-8")
    root = make_project(
        {"checklists/deploy.md": "# Deploy\n\n- [ ] Go\n  ```bash\n  echo from-the-checklist\n  ```\n"},
        config=CONFIG,
        git=True,
    )
    (root / "ops").mkdir()
    (root / "ops" / "deploy.sh").symlink_to(outside)
    (root / "preflight.lock").symlink_to(outside)
    extracted = preflight(root, "extract", "--format", "sh", "--out", "ops")
    assert extracted.returncode == 2
    assert "ops/deploy.sh: cannot write: a symbolic link to" in extracted.stderr
    locked = preflight(root, "lock")
    assert locked.returncode == 2
    assert "preflight.lock: cannot write: a symbolic link to" in locked.stderr
    assert outside.read_text(encoding="utf-8") == "echo original\n"
    # A link that stays inside the folder is written through, as before.
    (root / "ops" / "deploy.sh").unlink()
    (root / "ops" / "real.sh").write_text("old\n", encoding="utf-8")
    (root / "ops" / "deploy.sh").symlink_to("real.sh")
    assert preflight(root, "extract", "--format", "sh", "--out", "ops").returncode == 0
    assert "from-the-checklist" in (root / "ops" / "real.sh").read_text(encoding="utf-8")
