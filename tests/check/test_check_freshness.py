"""PF5xx: ``preflight lock`` and steps whose files changed (PF502), the lock file (PF503), scripts (PF501)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from .conftest import Invoke, MakeProject, config, dedent

DEPLOY = dedent(
    """
    # Deploy
    - [ ] Take a backup { #backup }

        ```bash
        ./scripts/backup.sh --all
        ```

    - [ ] Check the settings in `config/app.yml` { #settings }
    - [ ] Announce the window
    """
)
FILES = {
    "checklists/deploy.md": DEPLOY,
    "scripts/backup.sh": "#!/bin/sh\necho backup\n",
    "config/app.yml": "replicas: 2\n",
}


def _lock_lines(root: Path) -> list[list[str]]:
    text = (root / "preflight.lock").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines() if line and not line.startswith("#")]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_lock_then_change_then_review(make_project: MakeProject, invoke: Invoke) -> None:
    root = make_project(FILES, config=config(), git=True)
    (root / "scripts/backup.sh").chmod(0o755)
    assert invoke(root, "check", "--select", "PF5").exit_code == 0  # no lock file: nothing to compare
    result = invoke(root, "lock")
    assert result.exit_code == 0, result.output
    lines = _lock_lines(root)
    assert lines == sorted(lines)
    entries = {(step, file) for step, file, _ in lines}
    assert ("checklists/deploy#backup--bash", "scripts/backup.sh") in entries
    assert ("checklists/deploy#settings", "config/app.yml") in entries
    digests = {file: digest for _, file, digest in lines}
    assert digests["config/app.yml"] == _sha(b"replicas: 2\n")
    assert invoke(root, "lock", "--check").exit_code == 0
    assert invoke(root, "check", "--select", "PF5").exit_code == 0

    (root / "config/app.yml").write_text("replicas: 3\n")
    (root / "scripts/backup.sh").unlink()
    result = invoke(root, "check", "--select", "PF5")
    assert result.exit_code == 1
    out = result.stdout.splitlines()
    assert out[0].startswith("checklists/deploy.md:4:5: PF502 Step `backup--bash` references a file changed since")
    assert "scripts/backup.sh (deleted)" in out[0]
    assert out[1].startswith("checklists/deploy.md:8:")
    assert "Step `settings`" in out[1] and "config/app.yml" in out[1]
    assert len(out) == 3  # two findings and the summary
    assert invoke(root, "lock", "--check").exit_code == 1

    assert invoke(root, "lock").exit_code == 0  # reviewed
    assert invoke(root, "check", "--select", "PF5").exit_code == 0


def test_lock_is_stable_and_partial_locks_keep_other_checklists(make_project: MakeProject, invoke: Invoke) -> None:
    files = {**FILES, "checklists/other.md": "# Other\n- [ ] Read `config/app.yml` { #read }\n"}
    root = make_project(files, config=config())
    invoke(root, "lock")
    first = (root / "preflight.lock").read_bytes()
    invoke(root, "lock")
    assert (root / "preflight.lock").read_bytes() == first
    (root / "config/app.yml").write_text("replicas: 5\n")
    invoke(root, "lock", "checklists/deploy.md")
    lines = _lock_lines(root)
    digests = {(step, file): digest for step, file, digest in lines}
    assert digests[("checklists/deploy#settings", "config/app.yml")] == _sha(b"replicas: 5\n")
    assert digests[("checklists/other#read", "config/app.yml")] == _sha(b"replicas: 2\n")  # not re-reviewed
    result = invoke(root, "check", "--select", "PF502")
    assert [line.split(":")[0:2] for line in result.stdout.splitlines()[:-1]] == [["checklists/other.md", "2"]]


def test_invalid_lock_lines(make_project: MakeProject, invoke: Invoke) -> None:
    root = make_project(FILES, config=config())
    invoke(root, "lock")
    text = (root / "preflight.lock").read_text()
    (root / "preflight.lock").write_text(text + "<<<<<<< HEAD\nnot an entry\n")
    result = invoke(root, "check", "--select", "PF503")
    lines = result.stdout.splitlines()
    count = len(text.splitlines())
    assert [line.split(": PF503")[0] for line in lines[:-1]] == [
        f"preflight.lock:{count + 1}:1",
        f"preflight.lock:{count + 2}:1",
    ]


def test_stale_generated_scripts(make_project: MakeProject, invoke: Invoke) -> None:
    root = make_project({**FILES, "checklists/gone.md": "# Gone\n\n```bash\nmake gone\n```\n"}, config=config())
    extract = invoke(root, "extract", "--format", "sh", "--out", "generated")
    assert extract.exit_code == 0, extract.output
    assert invoke(root, "check", "--select", "PF501", "--scripts-dir", "generated").exit_code == 0
    (root / "checklists/gone.md").unlink()
    deploy = root / "checklists/deploy.md"
    deploy.write_text(deploy.read_text().replace("--all", "--all --verify"))
    (root / "checklists/new.md").write_text("# New\n\n```bash\nmake new\n```\n")
    result = invoke(root, "check", "--select", "PF501", "--scripts-dir", "generated")
    assert result.exit_code == 1
    where = [line.split(" PF501 ")[0] for line in result.stdout.splitlines()[:-1]]
    assert where == ["checklists/deploy.md:1:1:", "checklists/new.md:1:1:", "generated/gone.sh:1:1:"]
    assert "is out of date" in result.stdout and "is missing" in result.stdout
    assert "no checklist any more" in result.stdout


def test_a_scripts_folder_that_does_not_exist_holds_no_script(make_project: MakeProject, invoke: Invoke) -> None:
    # `extract --out` writes no folder when no checklist has a runnable block, and git
    # keeps no empty one: CI must not stop on a usage error there.
    root = make_project({"checklists/manual.md": "# Manual\n\n- [ ] Look\n"}, config=config())
    extract = invoke(root, "extract", "--format", "sh", "--out", "generated")
    assert (extract.exit_code, extract.stdout) == (0, "no runnable block: no script to write in generated\n")
    assert not (root / "generated").exists()
    assert invoke(root, "check", "--select", "PF501", "--scripts-dir", "generated").exit_code == 0
    (root / "checklists/auto.md").write_text("# Auto\n\n```bash\nmake all\n```\n")
    result = invoke(root, "check", "--select", "PF501", "--scripts-dir", "generated")
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "checklists/auto.md:1:1: PF501 Generated script `generated/auto.sh` is missing: "
        "run `preflight extract --format sh --out generated`\n"
    )
    extract = invoke(root, "extract", "--format", "sh", "--out", "generated")
    assert extract.stdout == "wrote generated/auto.sh\n"
    again = invoke(root, "extract", "--format", "sh", "--out", "generated")
    assert again.stdout == "1 generated script up to date\n", "said, not silent"


def test_lock_file_option_is_honoured(make_project: MakeProject, invoke: Invoke) -> None:
    root = make_project(FILES, config=config(lock_file="ops/review.lock"), git=True)
    assert invoke(root, "lock").exit_code == 0, "its folder is created, as `check -o` creates one"
    assert (root / "ops/review.lock").is_file()
    status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True)
    assert "ops/" in status.stdout
    assert not (root / "preflight.lock").exists()


def test_a_step_that_names_the_lock_file_can_be_locked(make_project: MakeProject, invoke: Invoke) -> None:
    files = {"checklists/release.md": "# Release\n\n- [ ] Review and commit `preflight.lock` { #commit-lock }\n"}
    root = make_project(files, config=config(), git=True)
    assert invoke(root, "lock").exit_code == 0
    assert invoke(root, "lock", "--check").exit_code == 0, "locking does not make the lock stale"
    result = invoke(root, "check")
    assert result.exit_code == 0, result.output
    assert [line for line in _lock_lines(root) if "preflight.lock" in line] == []


def test_lock_paths_outside_the_repository_are_never_read(make_project: MakeProject, tmp_path: Path) -> None:
    """The lock file is repository content: a line naming a path outside the repository
    (``../``, absolute) is not read, so a pipe or ``/dev/zero`` there cannot make
    ``preflight check`` (or the site build) read forever."""
    root = make_project(FILES, config=config(), git=True)
    fifo = root.parent / "pipe"
    os.mkfifo(fifo)
    digest = _sha(b"x")
    lock = "".join(f"checklists/deploy#settings\t{path}\t{digest}\n" for path in ("../pipe", str(fifo)))
    (root / "preflight.lock").write_text(lock, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_preflight", "check", "--select", "PF502", "checklists/deploy.md"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "../pipe (deleted)" in result.stdout


def test_a_script_linked_to_a_pipe_is_not_read(make_project: MakeProject, tmp_path: Path) -> None:
    """PF501 reads the scripts folder, which is repository content: a committed link
    `generated/evil.sh` to a pipe (or `/dev/zero`) must not make `check` read forever."""
    root = make_project(FILES, config=config(), git=True)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (root / "generated").mkdir()
    (root / "generated" / "evil.sh").symlink_to(fifo)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_preflight", "check", "--select", "PF501", "--scripts-dir", "generated"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert "generated/evil.sh" not in result.stdout  # not a generated script: nothing to say about it
    assert "checklists/deploy.md:1:1: PF501" in result.stdout


def test_invalid_lock_messages_say_what_is_wrong_and_what_to_do(make_project: MakeProject, invoke: Invoke) -> None:
    root = make_project(FILES, config=config())
    (root / "preflight.lock").write_text("garbage line\n")
    result = invoke(root, "check", "--select", "PF503")
    assert result.stdout.splitlines()[0] == (
        "preflight.lock:1:1: PF503 Lock file line is not `<step id><TAB><file><TAB><sha256>`: 'garbage line'; "
        "the steps it was about are no longer tracked: review them, then run `preflight lock`"
    )
    (root / "preflight.lock").unlink()
    (root / "preflight.lock").mkdir()
    result = invoke(root, "check", "--select", "PF503")
    assert result.stdout.splitlines()[0].startswith("preflight.lock:1:1: PF503 Lock file cannot be read: ")


def _git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", *args], cwd=cwd, check=True, env=env, capture_output=True)


def test_a_crlf_checkout_of_the_locked_commit_is_not_a_change(
    make_project: MakeProject, invoke: Invoke, tmp_path: Path
) -> None:
    root = make_project(FILES, config=config())
    (root / "scripts/backup.sh").chmod(0o755)
    assert invoke(root, "lock").exit_code == 0
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "locked")
    # A Windows colleague's checkout: git writes every text file with CRLF.
    clone = tmp_path / "crlf"
    _git(tmp_path, "-c", "core.autocrlf=true", "clone", "-q", str(root), str(clone))
    assert b"\r\n" in (clone / "config/app.yml").read_bytes()
    result = invoke(clone, "check", "--select", "PF5")
    assert result.exit_code == 0, result.output
    assert invoke(clone, "lock", "--check").exit_code == 0
    # Locking there gives the same lock, and a real change is still one.
    assert invoke(clone, "lock").exit_code == 0
    assert (clone / "preflight.lock").read_text() == (root / "preflight.lock").read_text()
    (clone / "config/app.yml").write_bytes(b"replicas: 3\r\n")
    result = invoke(clone, "check", "--select", "PF5")
    assert result.exit_code == 1 and "Step `settings`" in result.output


def test_a_step_that_names_a_link_is_locked_under_that_name(make_project: MakeProject, invoke: Invoke) -> None:
    files = {
        **FILES,
        "scripts/deploy.sh": "#!/bin/sh\necho deploy\n",
        "checklists/run.md": "# Run\n- [ ] Run `scripts/current.sh` { #current }\n",
    }
    root = make_project(files, config=config())
    (root / "scripts/current.sh").symlink_to("backup.sh")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "init")
    assert invoke(root, "lock", "checklists/run.md").exit_code == 0
    assert _lock_lines(root) == [["checklists/run#current", "scripts/current.sh", _sha(b"#!/bin/sh\necho backup\n")]]
    assert invoke(root, "check", "--select", "PF5").exit_code == 0  # and fills the cache
    # Pointing the link at another script changes what the step runs.
    (root / "scripts/current.sh").unlink()
    (root / "scripts/current.sh").symlink_to("deploy.sh")
    result = invoke(root, "check", "--select", "PF5")
    assert result.exit_code == 1
    assert result.stdout.startswith(
        "checklists/run.md:2:3: PF502 Step `current` references a file changed since `preflight lock`: "
        "scripts/current.sh;"
    )
    assert invoke(root, "lock", "--check").exit_code == 1


def test_generated_scripts_are_up_to_date_in_a_crlf_checkout(
    make_project: MakeProject, invoke: Invoke, tmp_path: Path
) -> None:
    root = make_project(FILES, config=config())
    assert invoke(root, "extract", "--format", "sh", "--out", "generated").exit_code == 0
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "generated")
    clone = tmp_path / "crlf"
    _git(tmp_path, "-c", "core.autocrlf=true", "clone", "-q", str(root), str(clone))
    assert b"\r\n" in (clone / "checklists/deploy.md").read_bytes()
    check = invoke(clone, "check", "--select", "PF501", "--scripts-dir", "generated")
    assert check.exit_code == 0, check.output
    extract = invoke(clone, "extract", "--format", "sh", "--out", "generated", "--check")
    assert extract.exit_code == 0, extract.output
    # Regenerating there writes the scripts the LF checkout has: no churn between machines.
    assert invoke(clone, "extract", "--format", "sh", "--out", "generated").exit_code == 0
    ours = (clone / "generated/deploy.sh").read_text().replace("\r\n", "\n")
    assert ours == (root / "generated/deploy.sh").read_text()


def test_a_lock_merge_conflict_keeps_what_each_side_reviewed(make_project: MakeProject, invoke: Invoke) -> None:
    root = make_project(FILES, config=config())
    (root / "scripts/backup.sh").chmod(0o755)
    assert invoke(root, "lock").exit_code == 0
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "locked")
    # Two pull requests each change a file and re-review its step: adjacent lock lines.
    _git(root, "switch", "-q", "-c", "backup")
    (root / "scripts/backup.sh").write_text("#!/bin/sh\necho backup --all\n")
    assert invoke(root, "lock").exit_code == 0
    _git(root, "commit", "-q", "-am", "backup")
    _git(root, "switch", "-q", "main")
    _git(root, "switch", "-q", "-c", "settings")
    (root / "config/app.yml").write_text("replicas: 3\n")
    assert invoke(root, "lock").exit_code == 0
    _git(root, "commit", "-q", "-am", "settings")
    _git(root, "switch", "-q", "main")
    _git(root, "merge", "-q", "backup")
    merge = subprocess.run(["git", "merge", "-q", "settings"], cwd=root, capture_output=True, text=True)
    assert merge.returncode != 0 and "<<<<<<<" in (root / "preflight.lock").read_text()
    result = invoke(root, "check", "--select", "PF5")
    lines = result.stdout.splitlines()
    assert all(" PF503 Merge conflict marker in the lock file: " in line for line in lines[:-1]), result.stdout
    assert len(lines) == 4  # three markers, no step: both were reviewed
    # A change that neither side reviewed is still reported.
    (root / "config/app.yml").write_text("replicas: 4\n")
    result = invoke(root, "check", "--select", "PF502")
    assert result.stdout.startswith("checklists/deploy.md:8:3: PF502 Step `settings` references a file changed")


def test_lock_check_says_which_steps_the_lock_does_not_cover(make_project: MakeProject, invoke: Invoke) -> None:
    root = make_project(FILES, config=config(), git=True)
    assert invoke(root, "lock").exit_code == 0
    deploy = root / "checklists/deploy.md"
    text = deploy.read_text().replace(" { #settings }", "")  # the step loses its ID: its review is lost
    deploy.write_text(text + "- [ ] Read `config/app.yml` again { #again }\n")
    (root / "scripts/backup.sh").write_text("#!/bin/sh\necho backup --fast\n")
    result = invoke(root, "lock", "--check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "preflight: stale: checklists/deploy.md:4:5: step `backup--bash` references scripts/backup.sh, "
        "changed since `preflight lock`",
        "preflight: stale: checklists/deploy.md:8:3: step `check-the-settings-in-config-app-yml` references "
        "config/app.yml, not in the lock yet",
        "preflight: stale: checklists/deploy.md:10:3: step `again` references config/app.yml, not in the lock yet",
        "preflight: stale: preflight.lock: `checklists/deploy#settings` no longer references config/app.yml "
        "(the step, its ID or its text changed)",
        "preflight.lock is not up to date: review the steps above, then run `preflight lock`",
    ]


def test_files_git_ignores_are_not_locked(make_project: MakeProject, invoke: Invoke) -> None:
    """The built site and a local `.env` are not repository files: a lock that hashed them
    failed every fresh clone (PF502 `site/index.html (deleted)`) and every other machine."""
    files = {
        ".gitignore": "site/\n.env\n",
        "checklists/release.md": dedent(
            """
            # Release
            - [ ] Check that the start page was written { #start-page }

                ```console
                $ test -f site/index.html && echo "start page found"
                start page found
                ```

            - [ ] Load the settings from `.env` { #settings }
            - [ ] Review `config/app.yml` { #config }
            """
        ),
        "config/app.yml": "replicas: 2\n",
    }
    root = make_project(files, config=config(), git=True)
    (root / "site").mkdir()
    (root / "site/index.html").write_text("<html>built</html>\n")
    (root / ".env").write_text("TOKEN=local\n")
    assert invoke(root, "lock").exit_code == 0
    assert [file for _, file, _ in _lock_lines(root)] == ["config/app.yml"]
    (root / "site/index.html").unlink()  # a fresh clone has no built site
    (root / ".env").unlink()
    result = invoke(root, "check", "--select", "PF5")
    assert result.exit_code == 0, result.output
    assert invoke(root, "lock", "--check").exit_code == 0


def test_lock_counts_are_singular_for_one(make_project: MakeProject, invoke: Invoke) -> None:
    files = {
        "checklists/release.md": "# Release\n\n- [ ] Review `config/app.yml` { #config }\n",
        "config/app.yml": "a: 1\n",
    }
    root = make_project(files, config=config(), git=True)
    result = invoke(root, "lock")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "wrote preflight.lock: 1 reference of 1 step"
    assert invoke(root, "lock").stdout.strip() == "preflight.lock is up to date (1 step)"
