"""Crashes and resumes: SIGKILL the real runner mid-step, then `--resume` the log."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from mkdocs_preflight.runner.logs import read_log

from .helpers import Repo, Run, cli, final, only_log, processes_with, records

COUNTING = """\
    # Counting
    - [ ] One
      ```bash
      echo x >> one.count
      ```
    - [ ] Two (slow the first time)
      ```bash
      echo x >> two.count
      if [ ! -f slept ]; then touch slept; exec sleep 53.531; fi
      ```
    - [ ] Check by hand
    - [ ] Three
      ```bash
      echo x >> three.count
      ```
    """


def _count(root: Path, name: str) -> int:
    path = root / name
    return len(path.read_text().splitlines()) if path.exists() else 0


def _wait_for(predicate: object, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


def _running(root: Path, step_id: str) -> bool:
    folder = root / ".preflight" / "runs"
    for path in folder.glob("*.jsonl") if folder.is_dir() else []:
        for line in path.read_text(encoding="utf-8").splitlines():
            if f'"id":"{step_id}"' in line and '"status":"running"' in line:
                return True
    return False


def test_sigkill_mid_step_then_resume_runs_nothing_twice(repo: Repo) -> None:
    root = repo(COUNTING)
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs_preflight", "run", "checklists/deploy.md", "--yes", "--operator", "Ada"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_for(lambda: _running(root, "two-slow-the-first-time--bash"))
        _wait_for(lambda: bool(processes_with("sleep 53.531")))
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
    log = only_log(root)
    assert all(json.loads(line) for line in log.read_text().splitlines())
    assert final(log) == {"one--bash": "passed", "one": "passed", "two-slow-the-first-time--bash": "running"}
    assert _count(root, "one.count") == 1

    # The step outlived the runner: resuming now would run it twice at the same time.
    running = [r for r in records(log) if r["type"] == "step" and r["status"] == "running"][-1]
    pgid = running["pid"]
    assert processes_with("sleep 53.531")
    refused = cli(root, "run", "--resume", str(log), "--yes")
    assert refused.returncode == 2
    assert refused.stderr.strip() == (
        f"preflight: error: {log}: cannot resume: step two-slow-the-first-time--bash of the interrupted run is "
        f"still running (process group {pgid}); wait for it to end, or stop it with `kill -- -{pgid}`"
    )
    os.killpg(pgid, signal.SIGKILL)
    _wait_for(lambda: processes_with("sleep 53.531") == [], timeout=5)

    resumed = cli(root, "run", "--resume", str(log), "--yes", "--operator", "Bob")
    assert resumed.returncode == 0, resumed.stdout + resumed.stderr
    assert "Resuming" in resumed.stdout
    assert _count(root, "one.count") == 1  # finished before the crash: not run again
    assert _count(root, "two.count") == 2  # unfinished: run again
    assert _count(root, "three.count") == 1
    assert only_log(root) == log  # the same log, continued
    lines = records(log)
    kinds = [r["type"] for r in lines]
    assert kinds[0] == "header"
    assert kinds.count("header") == 1
    assert "resume" in kinds
    assert kinds[-1] == "footer"
    resume = next(r for r in lines if r["type"] == "resume")
    assert resume["operator"] == "Bob"
    assert final(log) == {
        "one--bash": "passed",
        "one": "passed",
        "two-slow-the-first-time--bash": "passed",
        "two-slow-the-first-time": "passed",
        "check-by-hand": "manual-pending",
        "three--bash": "passed",
        "three": "passed",
    }
    parsed = read_log(log)
    assert parsed.warnings == []
    assert parsed.status == "passed"
    assert {r.id: r.attempts for r in parsed.results()}["two-slow-the-first-time--bash"] == 2


def test_resume_cuts_a_torn_last_line(repo: Repo, preflight: Run) -> None:
    root = repo(COUNTING.replace("exec sleep 53.531", "exit 9"))
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 1
    log = only_log(root)
    with log.open("ab") as handle:
        handle.write(b'{"type":"step","id":"three--bash","sta')  # a crash while writing
    result = preflight(root, "run", "--resume", str(log))
    assert "torn last line ignored" in result.output
    lines = records(log)  # every line is valid JSON again
    assert lines[-1]["type"] == "footer"
    assert _count(root, "one.count") == 1
    assert _count(root, "two.count") == 2


def test_resume_refuses_when_the_checklist_changed(repo: Repo, preflight: Run) -> None:
    root = repo(COUNTING.replace("exec sleep 53.531", "exit 9"))
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 1
    log = only_log(root)
    path = root / "checklists" / "deploy.md"
    path.write_text(path.read_text().replace("- [ ] Three", "- [ ] Four"))
    result = preflight(root, "run", "--resume", str(log))
    assert result.exit_code == 2
    message = result.output.strip()
    assert message.startswith(f"preflight: error: {log}: cannot resume: checklists/deploy.md changed since the run")
    assert "steps gone: three--bash" in message
    assert "new steps: four--bash" in message
    assert _count(root, "one.count") == 1


def test_resume_refuses_text_changes_too(repo: Repo, preflight: Run) -> None:
    root = repo(COUNTING.replace("exec sleep 53.531", "exit 9"))
    preflight(root, "run", "checklists/deploy.md")
    path = root / "checklists" / "deploy.md"
    path.write_text(path.read_text() + "\nA new paragraph.\n")
    result = preflight(root, "run", "--resume", str(only_log(root)))
    assert result.exit_code == 2
    assert "its text changed" in result.output


def test_resume_keeps_the_original_selection(repo: Repo, preflight: Run) -> None:
    root = repo(COUNTING.replace("exec sleep 53.531", "exit 9"))
    assert preflight(root, "run", "checklists/deploy.md", "--only", "two-slow-the-first-time").exit_code == 1
    result = preflight(root, "run", "--resume", str(only_log(root)))
    assert result.exit_code == 0
    assert _count(root, "one.count") == 0
    assert _count(root, "three.count") == 0
    assert _count(root, "two.count") == 2


def test_resume_with_nothing_left(repo: Repo, preflight: Run) -> None:
    root = repo("# X\n- [ ] A\n  ```bash\n  echo x >> a.count\n  ```\n")
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 0
    result = preflight(root, "run", "--resume", str(only_log(root)))
    assert result.exit_code == 0
    assert "Nothing to resume" in result.output
    assert _count(root, "a.count") == 1
    plan = preflight(root, "run", "--resume", str(only_log(root)), "--dry-run")
    assert plan.exit_code == 0
    assert plan.output == f"Nothing to resume: every step of {only_log(root)} has finished.\n"


def test_resume_rejects_selection_and_foreign_files(repo: Repo, preflight: Run) -> None:
    root = repo(COUNTING)
    (root / "junk.jsonl").write_text("hello\n")
    result = preflight(root, "run", "--resume", "junk.jsonl")
    assert result.exit_code == 2
    assert "not a run log" in result.output
    assert preflight(root, "run", "--resume", "junk.jsonl", "--only", "one").exit_code == 2
    assert preflight(root, "run", "--resume", "missing.jsonl").exit_code == 2


def test_resume_a_browser_export(repo: Repo, preflight: Run) -> None:
    root = repo(COUNTING.replace("exec sleep 53.531", "true"))
    export = root / "progress.jsonl"
    lines = [
        {"type": "header", "version": 1, "source": "browser", "checklist": "checklists/deploy.md", "operator": "Eve"},
        {"type": "step", "id": "one", "kind": "item", "status": "manual-done", "at": "2025-06-01T10:00:00Z"},
        {"type": "step", "id": "check-by-hand", "kind": "item", "status": "manual-done", "at": "2025-06-01T10:01:00Z"},
    ]
    # Exported files may lack the final newline.
    export.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    result = preflight(root, "run", "--resume", "progress.jsonl", "--operator", "Bob")
    assert result.exit_code == 0, result.output
    assert _count(root, "one.count") == 0  # ticked in the browser: done
    assert _count(root, "two.count") == 1
    assert _count(root, "three.count") == 1
    continued = only_log(root)  # copied into the log folder, then continued there
    assert continued.name == "progress.jsonl"
    assert final(continued)["check-by-hand"] == "manual-done"
    assert final(continued)["three--bash"] == "passed"
    assert records(continued)[0]["source"] == "browser"
    report = preflight(root, "report", str(continued), "--format", "json")
    data = json.loads(report.output)
    assert {s["id"]: s["status"] for s in data["steps"]}["one"] == "manual-done"
    # The ticked item's block counts as the tick says, in the summary and the footer alike.
    assert re.search(r"^  1  one--bash +manual-done +- +-$", result.output, re.M)
    assert "<== [4/4] three--bash passed" in result.output
    assert "(2 manual-done, 2 passed; 0 to go)" in result.output
    assert "Run passed: 2 manual-done, 2 passed." in result.output
    assert records(continued)[-1]["counts"] == {"manual-done": 2, "passed": 2}
    assert sum(records(continued)[-1]["counts"].values()) == sum(data["run"]["counts"].values())
    # The export has no start: the run's duration is unknown, not measured from the first tick.
    assert data["run"]["start"] == "2025-06-01T10:00:00Z"
    assert data["run"]["duration"] is None


def test_resume_a_browser_export_with_unknown_ids_is_refused(repo: Repo, preflight: Run) -> None:
    root = repo(COUNTING)
    export = root / "progress.jsonl"
    export.write_text(
        json.dumps({"type": "header", "version": 1, "source": "browser", "checklist": "checklists/deploy.md"})
        + "\n"
        + json.dumps({"type": "step", "id": "gone-item", "kind": "item", "status": "manual-done"})
        + "\n"
    )
    result = preflight(root, "run", "--resume", "progress.jsonl")
    assert result.exit_code == 2
    assert "has no step gone-item any more" in result.output


def test_a_ticked_sub_item_completes_its_parent_on_resume(repo: Repo, preflight: Run) -> None:
    root = repo(
        "# C\n- [ ] Parent { #parent }\n  ```bash\n  echo p\n  ```\n"
        "  - [ ] Child { #child }\n    ```bash\n    touch child.ran\n    ```\n"
    )
    (root / "progress.jsonl").write_text(
        json.dumps({"type": "header", "version": 1, "source": "browser", "checklist": "checklists/deploy.md"})
        + "\n"
        + json.dumps({"type": "step", "id": "child", "kind": "item", "status": "manual-done"})
        + "\n"
    )
    result = preflight(root, "run", "--resume", "progress.jsonl")
    assert result.exit_code == 0, result.output
    assert not (root / "child.ran").exists()
    assert final(only_log(root))["parent"] == "passed"  # its block passed, its sub-item was ticked
    assert records(only_log(root))[-1]["counts"] == {"manual-done": 1, "passed": 1}


def test_a_second_ctrl_c_during_the_kill_grace_still_kills_the_step(repo: Repo) -> None:
    # The step ignores SIGTERM, so stopping it takes the whole grace period; the
    # operator presses Ctrl-C again (and CI sends TERM) before SIGKILL is due.
    root = repo(
        """\
        # Stubborn
        - [ ] Migrate
          ```bash
          trap '' TERM
          for i in $(seq 1 40); do sleep 0.5731; done
          touch still-ran-to-the-end.txt
          ```
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs_preflight", "run", "checklists/deploy.md", "--yes"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        _wait_for(lambda: _running(root, "migrate--bash"))
        _wait_for(lambda: bool(processes_with("sleep 0.5731")))
        process.send_signal(signal.SIGINT)
        time.sleep(0.5)
        process.send_signal(signal.SIGINT)
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=20)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stdout + stderr
    assert "Traceback" not in stderr
    assert processes_with("sleep 0.5731") == []  # SIGKILLed with its group, not left behind
    log = only_log(root)
    step = [r for r in records(log) if r.get("id") == "migrate--bash"][-1]
    assert step["status"] == "aborted"
    assert step["duration"] >= 2.0  # recorded only after the grace and the SIGKILL
    assert records(log)[-1]["type"] == "footer"
    resumed = cli(root, "run", "--resume", str(log), "--yes", "--timeout", "1")
    assert resumed.returncode == 1  # the rerun times out; no second copy ran alongside
    assert not (root / "still-ran-to-the-end.txt").exists()


SHIP = "# Deploy\n- [ ] Build\n  ```bash\n  echo building\n  ```\n- [ ] Ship\n  ```bash\n  test -f ready\n  ```\n"


def test_masking_leaves_the_log_metadata_alone(repo: Repo, preflight: Run) -> None:
    # A pattern for hex tokens matches the checklist's SHA-256 and the commit too.
    root = repo(SHIP)
    hex_token = "0123456789abcdef0123456789abcdef"
    code = "echo building\n  echo token " + hex_token
    (root / "checklists" / "deploy.md").write_text(SHIP.replace("echo building", code))
    subprocess.run(["git", "commit", "-qam", "token"], cwd=root, check=True)
    redact = ("--redact", "[0-9a-f]{32,}")
    assert preflight(root, "run", "checklists/deploy.md", *redact).exit_code == 1
    log = only_log(root)
    text = log.read_text(encoding="utf-8")
    assert hex_token not in text
    assert "token ***" in text
    header = records(log)[0]
    assert len(header["sha256"]) == 64
    assert len(header["git"]["commit"]) == 40
    (root / "ready").touch()
    resumed = preflight(root, "run", "--resume", str(log), *redact)
    assert resumed.exit_code == 0, resumed.output
    assert final(log)["ship--bash"] == "passed"
    assert header["git"]["commit"][:12] in preflight(root, "report", str(log), "--format", "markdown").output


def test_a_secret_that_occurs_in_a_path_masks_output_not_the_path(repo: Repo, preflight: Run) -> None:
    root = repo(SHIP.replace("echo building", "echo building deploy"))
    env = {"DEPLOY_KEY_NAME": "deploy"}
    assert preflight(root, "run", "checklists/deploy.md", env=env).exit_code == 1
    log = only_log(root)
    header = records(log)[0]
    assert header["checklist"] == "checklists/deploy.md"
    assert header["run_id"].endswith("-deploy")
    assert [step["id"] for step in header["steps"]] == ["build--bash", "ship--bash"]
    build = [r for r in records(log) if r.get("id") == "build--bash"][-1]
    assert build["command"] == "echo building ***"
    assert build["output"] == "building ***"
    (root / "ready").touch()
    resumed = preflight(root, "run", "--resume", str(log), env=env)
    assert resumed.exit_code == 0, resumed.output
    assert final(log)["ship--bash"] == "passed"


def test_resume_dry_run_shows_what_a_resume_would_run(repo: Repo, preflight: Run) -> None:
    root = repo(COUNTING.replace("exec sleep 53.531", "exit 9"))
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 1
    log = only_log(root)
    plan = preflight(root, "run", "--resume", str(log), "--dry-run")
    assert plan.exit_code == 0, plan.output
    assert "Plan for checklists/deploy.md: 3 steps (dry run: nothing runs)" in plan.output
    assert "one--bash" not in plan.output  # finished: a resume does not run it again
    assert "1. two-slow-the-first-time--bash" in plan.output
    assert _count(root, "two.count") == 1
    (root / "slept").touch()
    assert preflight(root, "run", "--resume", str(log)).exit_code == 0
    plan = preflight(root, "run", "--resume", str(log), "--dry-run")
    assert "Plan for checklists/deploy.md: 1 step " in plan.output  # manual-pending: offered again
    assert "1. check-by-hand (manual)" in plan.output


def test_resume_refuses_a_run_that_is_still_going_on(repo: Repo) -> None:
    # The runner waits at a prompt in another terminal (or a detached tmux): a second
    # `--resume` ran the remaining steps beside it and wrote a second footer.
    import pexpect

    root = repo(
        "# X\n- [ ] One\n  ```bash\n  echo x >> one.count\n  ```\n- [ ] Two\n  ```bash\n  echo x >> two.count\n  ```\n"
    )
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mkdocs_preflight", "run", "checklists/deploy.md", "--operator", "Ada"],
        cwd=str(root),
        env={**os.environ, "NO_COLOR": "1"},
        encoding="utf-8",
        timeout=20,
    )
    child.expect("uit > ")
    child.send("r")
    child.expect("step 2/2 two--bash")  # step 1 done; the runner waits for a key
    child.expect("uit > ")
    log = only_log(root)
    before = log.read_text()
    result = cli(root, "run", "--resume", str(log), "--yes")
    assert result.returncode == 2
    assert "cannot resume: the run is still going on in another preflight process" in result.stderr
    assert log.read_text() == before
    assert not (root / "two.count").exists()
    child.send("r")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert (root / "two.count").read_text() == "x\n"
    assert [r["type"] for r in records(log)].count("footer") == 1
    # Once that runner is gone, the log is free again.
    assert "Nothing to resume" in cli(root, "run", "--resume", str(log), "--yes").stdout
