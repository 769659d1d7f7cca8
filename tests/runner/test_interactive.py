"""Interactive mode in a real pseudo-terminal (pexpect): run, skip, done, quit, confirm."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pexpect

from .helpers import Repo, final, only_log, processes_with, records

MENU = "uit > "  # the end of every choice line: `... [q]uit > `

STEPS = """\
    # Release

    ## Prepare

    - [ ] Build
      ```bash
      touch built.txt
      ```
    - [ ] Lint
      ```bash
      touch linted.txt
      ```
    - [ ] Check the dashboards
    - [ ] Publish
      ```bash
      touch published.txt
      ```
    - [ ] Announce
      ```bash
      touch announced.txt
      ```
    """


def spawn(root: Path, *args: str, env: dict[str, str] | None = None) -> pexpect.spawn:
    child = pexpect.spawn(
        sys.executable,
        ["-m", "mkdocs_preflight", "run", "checklists/deploy.md", "--operator", "Ada", *args],
        cwd=str(root),
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 200),
        # An operator's terminal delivers Ctrl-C; a test run started in the background
        # (`cmd &` in a script) would hand its ignored SIGINT down to the runner.
        preexec_fn=_default_sigint,
    )
    return child


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def finish(child: pexpect.spawn) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None
    return int(child.exitstatus)


def test_run_skip_mark_done_and_quit(repo: Repo) -> None:
    root = repo(STEPS)
    child = spawn(root)
    child.expect("step 1/5 build--bash")
    child.expect(r"\$ touch built.txt")
    child.expect(MENU)
    child.send("r")
    child.expect(r"<== \[1/5\] build--bash passed")
    child.expect("step 2/5 lint--bash")
    child.expect(MENU)
    child.send("s")
    child.expect(r"<== \[2/5\] lint--bash skipped")
    child.expect("step 3/5 check-the-dashboards")
    child.expect("manual step: ")
    child.expect(MENU)
    child.send("d")
    child.expect(r"<== \[3/5\] check-the-dashboards manual-done")
    child.expect("step 4/5 publish--bash")
    child.expect(MENU)
    child.send("d")  # done by hand: recorded, not run
    child.expect(r"<== \[4/5\] publish--bash manual-done")
    child.expect("step 5/5 announce--bash")
    child.expect(MENU)
    child.send("q")
    child.expect("Summary")
    assert finish(child) == 1
    assert (root / "built.txt").exists()
    assert not (root / "linted.txt").exists()
    assert not (root / "published.txt").exists()
    assert not (root / "announced.txt").exists()
    log = only_log(root)
    assert final(log) == {
        "build--bash": "passed",
        "build": "passed",
        "lint--bash": "skipped",
        "lint": "skipped",
        "check-the-dashboards": "manual-done",
        "publish--bash": "manual-done",
        "publish": "manual-done",
    }
    footer = records(log)[-1]
    assert footer["status"] == "stopped"
    assert footer["counts"]["not-run"] == 1


def test_failed_step_offers_retry(repo: Repo) -> None:
    root = repo("# X\n- [ ] Flaky\n  ```bash\n  [ -f ok ] || { touch ok; exit 4; }\n  ```\n")
    child = spawn(root)
    child.expect(MENU)
    child.send("r")
    child.expect("flaky--bash failed")
    child.expect(r"\[r\]etry")
    child.expect(MENU)
    child.send("r")
    child.expect("again: step 1/1")
    child.expect("flaky--bash passed")
    assert finish(child) == 0
    statuses = [r["status"] for r in records(only_log(root)) if r.get("id") == "flaky--bash"]
    assert statuses == ["running", "failed", "running", "passed"]


def test_destructive_step_needs_its_id_typed(repo: Repo) -> None:
    root = repo("# X\n- [ ] Wipe\n  ```bash\n  mkdir -p cache && rm -rf cache && touch wiped.txt\n  ```\n")
    child = spawn(root)
    child.expect(MENU)
    child.send("r")
    child.expect(r"destructive step \(`rm -rf`\)")
    child.expect("type the step ID `wipe--bash` to run it: ")
    child.sendline("wipe")
    child.expect("not confirmed")
    child.expect(MENU)
    assert not (root / "wiped.txt").exists()
    child.send("r")
    child.expect("type the step ID")
    child.sendline("wipe--bash")
    child.expect("wipe--bash passed")
    assert finish(child) == 0
    assert (root / "wiped.txt").exists()


def test_destructive_step_asks_even_with_yes(repo: Repo) -> None:
    root = repo("# X\n- [ ] Wipe\n  ```bash destructive=true\n  touch wiped.txt\n  ```\n")
    child = spawn(root, "--yes")
    child.expect(r"destructive step \(marked destructive=true\)")
    child.expect("type the step ID")
    child.sendline("no")
    assert finish(child) == 1
    assert not (root / "wiped.txt").exists()
    assert final(only_log(root))["wipe--bash"] == "aborted"


def test_placeholder_prompt_and_secret_prompt(repo: Repo) -> None:
    root = repo("# X\n- [ ] Deploy\n  ```bash\n  echo '<app-id> <api-token>' > out.txt\n  cat out.txt\n  ```\n")
    child = spawn(root)
    child.expect("value for app-id: ")
    child.sendline("web-7")
    child.expect("value for api-token: ")
    child.sendline("tok-secret-77")
    child.expect(MENU)
    child.send("r")
    child.expect("deploy--bash passed")
    transcript = child.before or ""
    assert finish(child) == 0
    assert (root / "out.txt").read_text().strip() == "web-7 tok-secret-77"
    assert "deploy--bash | web-7 ***" in transcript
    assert "tok-secret-77" not in only_log(root).read_text()


def test_manual_steps_are_pending_with_yes_on_a_terminal(repo: Repo) -> None:
    root = repo(STEPS)
    child = spawn(root, "--yes")
    assert finish(child) == 0
    assert final(only_log(root))["check-the-dashboards"] == "manual-pending"
    assert (root / "announced.txt").exists()


WAIT_THEN_LATER = """\
    # X
    - [ ] Wait
      ```bash
      sleep 54.321 &
      sleep 55.321
      ```
    - [ ] Later
      ```bash
      touch later.txt
      ```
    """


def test_ctrl_c_kills_the_step_and_records_it(repo: Repo) -> None:
    root = repo(WAIT_THEN_LATER)
    child = spawn(root)
    child.expect(MENU)
    child.send("r")
    deadline = time.monotonic() + 10
    while not processes_with("sleep 55.321") and time.monotonic() < deadline:
        time.sleep(0.05)
    child.sendintr()
    child.expect(r"Interrupted \(Ctrl-C\)\.")
    assert finish(child) == 130
    assert processes_with("sleep 54.321") == []
    assert processes_with("sleep 55.321") == []
    assert not (root / "later.txt").exists()
    log = only_log(root)
    step = [r for r in records(log) if r.get("id") == "wait--bash"][-1]
    assert step["status"] == "aborted"
    assert step["reason"] == "interrupted (Ctrl-C)"
    assert records(log)[-1]["status"] == "interrupted"


def test_sigterm_stops_like_ctrl_c(repo: Repo) -> None:
    root = repo("# X\n- [ ] Wait\n  ```bash\n  sleep 56.321\n  ```\n")
    child = spawn(root, "--yes")
    deadline = time.monotonic() + 10
    while not processes_with("sleep 56.321") and time.monotonic() < deadline:
        time.sleep(0.05)
    child.kill(signal.SIGTERM)
    child.expect(r"Interrupted \(SIGTERM\)\.")
    assert finish(child) == 130
    assert processes_with("sleep 56.321") == []
    step = [r for r in records(only_log(root)) if r.get("id") == "wait--bash"][-1]
    assert step["reason"] == "interrupted (SIGTERM)"


def test_a_step_can_read_the_terminal(repo: Repo) -> None:
    root = repo('# X\n- [ ] Ask\n  ```bash\n  read -p "Continue? " answer\n  echo "got $answer"\n  ```\n')
    child = spawn(root)
    child.expect(MENU)
    child.send("r")
    child.expect(r"ask--bash \| Continue\? ")
    child.sendline("yes")
    child.expect(r"ask--bash \| got yes")
    assert finish(child) == 0
    step = [r for r in records(only_log(root)) if r.get("id") == "ask--bash"][-1]
    assert step["output"] == "Continue? got yes"


def test_a_step_can_open_the_terminal_like_sudo_and_ssh(repo: Repo) -> None:
    # sudo, ssh, git and getpass prompt on /dev/tty, which only a process of the
    # terminal's session can open: a step in a session of its own got ENXIO.
    root = repo(
        "# X\n- [ ] Log in\n  ```bash\n"
        "  printf 'Password: ' > /dev/tty\n"
        "  read -rs secret < /dev/tty\n"
        '  echo "got ${#secret} characters"\n'
        "  ```\n"
    )
    child = spawn(root)
    child.expect(MENU)
    child.send("r")
    child.expect("Password: ")
    child.sendline("hunter22")
    child.expect(r"log-in--bash \| got 8 characters")
    assert finish(child) == 0
    step = [r for r in records(only_log(root)) if r.get("id") == "log-in--bash"][-1]
    assert step["status"] == "passed"
    assert "hunter22" not in only_log(root).read_text()


def test_ctrl_z_during_a_step_does_not_stop_the_run(repo: Repo) -> None:
    # The step has the terminal: stopped by Ctrl-Z, nothing could resume it.
    root = repo("# X\n- [ ] Wait\n  ```bash\n  sleep 0.8\n  echo woke up\n  ```\n")
    child = spawn(root)
    child.expect(MENU)
    child.send("r")
    deadline = time.monotonic() + 10
    while not processes_with("sleep 0.8") and time.monotonic() < deadline:
        time.sleep(0.02)
    child.sendcontrol("z")
    child.expect(r"wait--bash \| woke up")
    assert finish(child) == 0
    assert final(only_log(root))["wait--bash"] == "passed"


def test_ctrl_c_handled_by_the_step_still_stops_the_run(repo: Repo) -> None:
    # Ctrl-C reaches the step first: its trap runs, and the run stops as for a Ctrl-C.
    root = repo(
        "# X\n- [ ] Wait\n  ```bash\n  trap 'echo cleaning up' INT\n  sleep 57.321\n  echo not reached\n  ```\n"
        "- [ ] Later\n  ```bash\n  touch later.txt\n  ```\n"
    )
    child = spawn(root)
    child.expect(MENU)
    child.send("r")
    deadline = time.monotonic() + 10
    while not processes_with("sleep 57.321") and time.monotonic() < deadline:
        time.sleep(0.02)
    child.sendintr()
    child.expect(r"wait--bash \| cleaning up")
    child.expect(r"Interrupted \(Ctrl-C\)\.")
    assert finish(child) == 130
    assert processes_with("sleep 57.321") == []
    assert not (root / "later.txt").exists()
    step = [r for r in records(only_log(root)) if r.get("id") == "wait--bash"][-1]
    assert step["status"] == "aborted"
    assert step["reason"] == "interrupted (Ctrl-C)"


def test_terminal_settings_come_back_after_a_step(repo: Repo) -> None:
    # A password prompt killed at its time limit leaves echo off: the next value the
    # operator types (here a placeholder) would not show.
    root = repo(
        "# X\n- [ ] Log in\n  ```bash timeout=1\n"
        "  printf 'Password: ' > /dev/tty\n"
        "  stty -echo < /dev/tty\n"
        "  read -r secret < /dev/tty\n"
        "  ```\n"
        '- [ ] Name it\n  ```bash\n  echo "name=<release-name>"\n  ```\n'
    )
    child = spawn(root, "--keep-going")
    child.expect(MENU)
    child.send("r")
    child.expect("timed out after 1")
    child.expect("value for release-name: ")
    child.sendline("visible-name")
    child.expect(r"\$ ")
    assert child.before.startswith("visible-name")  # echoed by the terminal
    child.expect(MENU)
    child.send("q")
    assert finish(child) == 1


def test_keys_typed_during_a_step_do_not_answer_the_next_question(repo: Repo) -> None:
    # Enter pressed during a long step waited in the terminal and ran the next step.
    root = repo(
        "# X\n- [ ] Wait\n  ```bash\n  sleep 0.9\n  ```\n- [ ] Deploy\n  ```bash\n  touch deployed.txt\n  ```\n"
    )
    child = spawn(root)
    child.expect(MENU)
    child.send("r")
    deadline = time.monotonic() + 10
    while not processes_with("sleep 0.9") and time.monotonic() < deadline:
        time.sleep(0.02)
    child.send("\r\rr")
    child.expect("step 2/2 deploy--bash")
    child.expect(MENU)
    assert child.expect([r"deploy--bash \|", "<== ", pexpect.TIMEOUT], timeout=1) == 2
    child.send("q")
    assert finish(child) == 1
    assert not (root / "deployed.txt").exists()
    assert "deploy--bash" not in final(only_log(root))


def test_a_terminal_that_hangs_up_still_gets_a_complete_log(repo: Repo) -> None:
    # The SSH connection drops mid-step: the runner gets SIGHUP and stops the step, but
    # writing to the dead terminal (EIO) crashed it before the footer, with exit code 1.
    root = repo("# X\n- [ ] Wait\n  ```bash\n  sleep 58.321\n  ```\n- [ ] Later\n  ```bash\n  touch later.txt\n  ```\n")
    child = spawn(root)
    child.expect(MENU)
    child.send("r")
    deadline = time.monotonic() + 10
    while not processes_with("sleep 58.321") and time.monotonic() < deadline:
        time.sleep(0.02)
    os.close(child.child_fd)  # the terminal goes away
    child.closed = True
    status = None
    deadline = time.monotonic() + 15
    while status is None and time.monotonic() < deadline:
        pid, raw = os.waitpid(child.pid, os.WNOHANG)
        status = os.waitstatus_to_exitcode(raw) if pid else None
        time.sleep(0.05)
    assert status == 130
    assert processes_with("sleep 58.321") == []
    log = records(only_log(root))
    step = [r for r in log if r.get("id") == "wait--bash"][-1]
    assert step["status"] == "aborted"
    assert step["reason"] == "interrupted (SIGHUP)"
    assert log[-1]["type"] == "footer"
    assert log[-1]["status"] == "interrupted"
    assert not (root / "later.txt").exists()


def test_a_terminal_that_hangs_up_at_a_question_still_gets_a_complete_log(repo: Repo) -> None:
    # Restoring the hung-up terminal's settings (EIO) hid the SIGHUP: exit 1, no footer.
    root = repo(STEPS)
    child = spawn(root)
    child.expect(MENU)
    child.send("r")
    child.expect("step 2/5 lint--bash")
    child.expect(MENU)
    time.sleep(0.2)
    os.close(child.child_fd)  # the terminal goes away while the runner waits for a key
    child.closed = True
    status = None
    deadline = time.monotonic() + 15
    while status is None and time.monotonic() < deadline:
        pid, raw = os.waitpid(child.pid, os.WNOHANG)
        status = os.waitstatus_to_exitcode(raw) if pid else None
        time.sleep(0.05)
    assert status == 130
    log = records(only_log(root))
    assert log[-1]["type"] == "footer"
    assert log[-1]["status"] == "interrupted"
    assert final(only_log(root))["build--bash"] == "passed"
    assert not (root / "linted.txt").exists()
