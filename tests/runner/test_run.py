"""`preflight run` without a terminal: real shells in temporary git repositories."""

from __future__ import annotations

import os
import re
import resource
import shlex
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .helpers import Repo, Run, cli, final, logs, only_log, processes_with, records, start_run

DEPLOY = """\
    ---
    title: Deploy
    run:
      env:
        STAGE: prod
    ---
    # Deploy

    ## Build

    - [ ] Build the artefact
      ```bash
      echo "building for $STAGE"
      touch built.txt
      ```
    - [ ] Check the dashboards

    ## Ship

    - [ ] Ship it
      ```bash
      touch shipped.txt
      ```
    """


def test_runs_blocks_in_order_and_logs_every_step(repo: Repo, preflight: Run) -> None:
    root = repo(DEPLOY)
    result = preflight(root, "run", "checklists/deploy.md", "--operator", "Ada")
    assert result.exit_code == 0, result.output
    assert (root / "built.txt").is_file()
    assert (root / "shipped.txt").is_file()
    assert "build-the-artefact--bash | building for prod" in result.output
    log = only_log(root)
    assert log.name.endswith("-deploy.jsonl")
    lines = records(log)
    header = lines[0]
    commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True)
    assert header["type"] == "header"
    assert header["version"] == 1
    assert header["source"] == "terminal"
    assert header["checklist"] == "checklists/deploy.md"
    assert header["git"] == {"commit": commit.stdout.strip(), "dirty": False}
    assert header["operator"] == "Ada"
    assert [s["id"] for s in header["steps"]] == ["build-the-artefact--bash", "check-the-dashboards", "ship-it--bash"]
    assert len(header["sha256"]) == 64
    assert final(log) == {
        "build-the-artefact--bash": "passed",
        "build-the-artefact": "passed",
        "check-the-dashboards": "manual-pending",
        "ship-it--bash": "passed",
        "ship-it": "passed",
    }
    passed = next(r for r in lines if r.get("id") == "build-the-artefact--bash" and r["status"] == "passed")
    assert passed["exit_code"] == 0
    assert passed["output"] == "building for prod"
    assert passed["operator"] == "Ada"
    assert passed["duration"] >= 0
    assert lines[-1]["type"] == "footer"
    assert lines[-1]["status"] == "passed"
    assert lines[-1]["counts"] == {"passed": 2, "manual-pending": 1}


def test_run_colours_follow_force_color_and_no_color(repo: Repo, preflight: Run) -> None:
    """The runner's terminal colours as `check` does: FORCE_COLOR through a pipe, never with
    NO_COLOR; and the run log never holds a colour."""
    root = repo("# Deploy\n\n- [ ] Build\n  ```bash\n  echo built\n  ```\n")
    unset: dict[str, str | None] = dict.fromkeys(("NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "TERM"))
    plain = preflight(root, "run", "checklists/deploy.md", env=unset)
    forced = preflight(root, "run", "checklists/deploy.md", env={**unset, "CLICOLOR_FORCE": "1"})
    assert forced.exit_code == 0, forced.output
    assert "\x1b[" not in plain.output
    assert "\x1b[32mpassed\x1b[0m" in forced.output
    refused = preflight(root, "run", "checklists/deploy.md", env={**unset, "FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert "\x1b[" not in refused.output
    assert all("\x1b" not in path.read_text(encoding="utf-8") for path in logs(root))


def test_failure_stops_the_run_with_exit_1(repo: Repo, preflight: Run) -> None:
    root = repo(
        """\
        # Fail
        - [ ] First
          ```bash
          echo before
          exit 3
          echo never
          ```
        - [ ] Second
          ```bash
          touch second.txt
          ```
        """
    )
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 1
    assert not (root / "second.txt").exists()
    log = only_log(root)
    step = [r for r in records(log) if r.get("id") == "first--bash"][-1]
    assert step["status"] == "failed"
    assert step["exit_code"] == 3
    assert step["output"] == "before"
    assert "second--bash" not in final(log)
    assert records(log)[-1]["status"] == "failed"
    assert "not run" in result.output


def test_pipefail_and_errexit_are_on(repo: Repo, preflight: Run) -> None:
    root = repo(
        """\
        # Strict
        - [ ] Pipe
          ```bash
          false | cat
          touch after-pipe.txt
          ```
        """
    )
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 1
    assert not (root / "after-pipe.txt").exists()


def test_keep_going_runs_the_rest(repo: Repo, preflight: Run) -> None:
    root = repo(
        """\
        # Fail
        - [ ] First
          ```bash
          exit 7
          ```
        - [ ] Second
          ```bash
          touch second.txt
          ```
        """
    )
    result = preflight(root, "run", "checklists/deploy.md", "--keep-going")
    assert result.exit_code == 1
    assert (root / "second.txt").is_file()
    assert final(only_log(root))["first--bash"] == "failed"


def test_expect_option_accepts_another_exit_code(repo: Repo, preflight: Run) -> None:
    root = repo(
        """\
        # Expect
        - [ ] Grep finds nothing
          ```bash expect=1
          grep -q needle /dev/null
          ```
        """
    )
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 0


def test_timeout_kills_the_whole_process_group(repo: Repo, preflight: Run) -> None:
    root = repo(
        """\
        # Slow
        - [ ] Sleep too long
          ```bash timeout=1
          sleep 47.123 &
          sleep 48.123
          ```
        """
    )
    start = time.monotonic()
    result = preflight(root, "run", "checklists/deploy.md")
    elapsed = time.monotonic() - start
    assert result.exit_code == 1
    assert elapsed < 8
    step = [r for r in records(only_log(root)) if r.get("id") == "sleep-too-long--bash"][-1]
    assert step["status"] == "timeout"
    assert step["reason"].startswith("timed out after 1")
    assert processes_with("sleep 47.123") == []
    assert processes_with("sleep 48.123") == []


def test_background_jobs_end_with_their_step(repo: Repo, preflight: Run) -> None:
    root = repo(
        """\
        # Leftovers
        - [ ] Leave a job behind
          ```bash
          (sleep 49.321 &)
          echo started
          ```
        """
    )
    start = time.monotonic()
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 0
    assert time.monotonic() - start < 8
    assert processes_with("sleep 49.321") == []


def test_a_long_line_without_newline_is_read_in_linear_time(repo: Repo, preflight: Run) -> None:
    # 32 MB in one line (a minified dump, a progress bar that never ends its line): the
    # line buffer grew by copying itself at every 64 KB chunk, 11 s here before the fix.
    root = repo(
        """\
        # Dumps
        - [ ] Dump
          ```bash
          head -c 32000000 /dev/zero | tr '\\0' a
          echo
          echo done
          ```
        """
    )
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 0
    step = [r for r in records(only_log(root)) if r.get("id") == "dump--bash"][-1]
    assert step["duration"] < 6, step["duration"]
    assert step["output"].endswith("a [...]\ndone")


def test_a_step_that_redirects_its_output_keeps_its_time_limit(repo: Repo, preflight: Run) -> None:
    # `exec >deploy.log 2>&1` closes the runner's pipe: the runner waited for the shell
    # without a limit, and the step passed after running as long as it liked.
    root = repo(
        """\
        # Quiet
        - [ ] Log to a file
          ```bash timeout=1
          echo going quiet
          exec >deploy.log 2>&1
          sleep 52.321
          ```
        """
    )
    start = time.monotonic()
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 1
    assert time.monotonic() - start < 8
    step = [r for r in records(only_log(root)) if r.get("id") == "log-to-a-file--bash"][-1]
    assert step["status"] == "timeout"
    assert step["output"] == "going quiet"
    assert processes_with("sleep 52.321") == []


def test_sigterm_stops_a_step_that_redirected_its_output(repo: Repo) -> None:
    # The runner logged the step `aborted` and left it running.
    root = repo("# Quiet\n- [ ] Log to a file\n  ```bash\n  exec >deploy.log 2>&1\n  sleep 53.321\n  ```\n")
    process = start_run(root)
    try:
        deadline = time.monotonic() + 20
        while not processes_with("sleep 53.321") and time.monotonic() < deadline:
            time.sleep(0.02)
        process.terminate()
        assert process.wait(10) == 130
    finally:
        if process.poll() is None:
            process.kill()
        leftovers = processes_with("sleep 53.321")
        for pid in leftovers:
            os.kill(pid, 9)
    assert leftovers == []
    step = [r for r in records(only_log(root)) if r.get("id") == "log-to-a-file--bash"][-1]
    assert step["status"] == "aborted"


def test_a_signal_while_a_step_starts_still_stops_the_step(repo: Repo) -> None:
    # The step signals the runner at once: the SIGTERM lands while the runner is still
    # in Popen (waiting for the shell's exec) or just after it, before the step is
    # watched. The handler's exception left the step running with nothing to stop it.
    root = repo("# Racy\n- [ ] Start\n  ```bash\n  kill -TERM $PPID\n  sleep 49.321\n  ```\n")
    leftovers: list[int] = []
    for _ in range(5):
        process = start_run(root)
        try:
            assert process.wait(20) == 130
        finally:
            if process.poll() is None:
                process.kill()
            time.sleep(0.1)  # a step left running would be in `sleep` by now
            found = processes_with("sleep 49.321")
            for pid in found:
                os.kill(pid, 9)
            leftovers += found
    assert leftovers == []


def test_a_silent_background_job_costs_its_step_no_second(repo: Repo, preflight: Run) -> None:
    # `server &`: the job holds the output pipe, so the end of the shell is what ends
    # the step; it was noticed at the next 1 s poll (1.2 s per such step).
    root = repo(
        """\
        # Leftovers
        - [ ] Start a server
          ```bash
          sleep 51.321 &
          disown
          ```
        """
    )
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 0, result.output
    step = [r for r in records(only_log(root)) if r.get("id") == "start-a-server--bash"][-1]
    assert step["duration"] < 0.9, step["duration"]
    assert processes_with("sleep 51.321") == []


def test_a_background_job_that_keeps_printing_does_not_hold_the_step(repo: Repo, preflight: Run) -> None:
    # `kubectl port-forward ... &`, `tail -f app.log &`: the shell is done, its job
    # prints on; the step ended only at its time limit, as `timeout`.
    root = repo(
        """\
        # Leftovers
        - [ ] Start a chatty job
          ```bash timeout=20
          (while true; do echo tick-59321; sleep 0.05; done) &
          echo started
          ```
        """
    )
    start = time.monotonic()
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 0, result.output
    assert time.monotonic() - start < 8
    step = [r for r in records(only_log(root)) if r.get("id") == "start-a-chatty-job--bash"][-1]
    assert step["status"] == "passed"
    assert step["exit_code"] == 0
    assert processes_with("tick-59321") == []


def test_timeout_from_front_matter_and_cli(repo: Repo, preflight: Run) -> None:
    text = """\
        ---
        run:
          timeout: 1
        ---
        # Slow
        - [ ] Sleep
          ```bash
          sleep 3
          ```
        """
    root = repo(text)
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 1
    assert final(logs(root)[-1])["sleep--bash"] == "timeout"
    time.sleep(1.1)  # a new log name (one per second)
    assert preflight(root, "run", "checklists/deploy.md", "--timeout", "10").exit_code == 0


def test_cwd_option_and_front_matter(repo: Repo, preflight: Run) -> None:
    root = repo(
        """\
        ---
        run:
          cwd: work
        ---
        # Places
        - [ ] In the front matter folder
          ```bash
          pwd > here.txt
          ```
        - [ ] In the block's folder
          ```bash cwd=other
          pwd > here.txt
          ```
        """,
        files={"work/.keep": "", "other/.keep": ""},
    )
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 0
    assert (root / "work" / "here.txt").read_text().strip() == str(root / "work")
    assert (root / "other" / "here.txt").read_text().strip() == str(root / "other")


def test_missing_cwd_fails_the_step_clearly(repo: Repo, preflight: Run) -> None:
    root = repo("# X\n- [ ] Go\n  ```bash cwd=nowhere\n  true\n  ```\n")
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 1
    step = [r for r in records(only_log(root)) if r.get("id") == "go--bash"][-1]
    assert step["reason"] == "cwd `nowhere` is not a folder"
    # The duration is whatever the machine took (0.00 s, or 0.01 s under load).
    assert re.search(
        r"<== \[1/1\] go--bash failed in \d+\.\d\d s   \(1 failed; 0 to go\)\n    cwd `nowhere` is not a folder\n",
        result.output,
    )


def test_the_terminal_says_why_a_step_ended_as_it_did(repo: Repo) -> None:
    root = repo(
        """\
        # Why
        - [ ] Slow
          ```bash timeout=0.2
          sleep 5
          ```
        - [ ] Check the dashboards
        """,
        files={
            "checklists/shell.md": "---\nrun:\n  shell: nosuchshell\n---\n# S\n- [ ] Hi\n  ```bash\n  echo hi\n  ```\n"
        },
    )
    for checklist, expected in (
        (
            "checklists/deploy.md",
            {
                "slow--bash": "timed out after 0.20 s",
                "check-the-dashboards": "manual step: confirm it in an interactive run",
            },
        ),
        ("checklists/shell.md", {"hi--bash": "shell `nosuchshell` not found"}),
    ):
        result = cli(root, "run", "--yes", "--keep-going", checklist)
        assert result.returncode == 1
        lines = result.stdout.splitlines()
        log = logs(root)[-1]
        assert {r["id"]: r["reason"] for r in records(log) if r.get("reason")} == expected
        for step_id, reason in expected.items():
            progress = next(n for n, line in enumerate(lines) if line.startswith("<== ") and f" {step_id} " in line)
            assert lines[progress + 1] == f"    {reason}"


def test_secrets_never_reach_the_log_or_the_output(repo: Repo, preflight: Run) -> None:
    root = repo(
        """\
        # Secrets
        - [ ] Leak on purpose
          ```bash
          echo "token=$DEPLOY_API_TOKEN"
          echo "password=<db-password>"
          echo "other ghp_abc123XYZ"
          echo "key=$my_private_key"
          ```
        """
    )
    env = {"DEPLOY_API_TOKEN": "tok-9f8e7d6c", "my_private_key": "pk-55aa66bb"}
    result = preflight(
        root,
        "run",
        "checklists/deploy.md",
        "--var",
        "db-password=hunter2-secret",
        "--redact",
        r"ghp_[A-Za-z0-9]+",
        env=env,
    )
    assert result.exit_code == 0, result.output
    text = only_log(root).read_text(encoding="utf-8")
    for secret in ("tok-9f8e7d6c", "pk-55aa66bb", "hunter2-secret", "ghp_abc123XYZ"):
        assert secret not in text
        assert secret not in result.output
    assert "token=***" in text
    assert "password=***" in text
    assert "other ***" in text
    assert "key=***" in text


PEM = "-----BEGIN KEY-----\nMIIEowIBAAKCAQEA7secret\n-----END KEY-----"


def test_a_multi_line_secret_is_masked_on_the_terminal_too(repo: Repo) -> None:
    # Lines arrive one by one, the second with a pause inside: no line holds the whole value.
    root = repo(
        """\
        # Key
        - [ ] Show the key
          ```bash
          printf 'key: %s\\n' "$DEPLOY_KEY"
          printf '%s\\n' "$DEPLOY_KEY" | while IFS= read -r line; do
            printf '%s' "${line:0:8}"; sleep 0.4; printf '%s\\n' "${line:8}"
          done
          ```
        """
    )
    result = cli(root, "run", "--yes", "checklists/deploy.md", env={"DEPLOY_KEY": PEM})
    assert result.returncode == 0, result.stderr
    log = only_log(root).read_text(encoding="utf-8")
    for part in PEM.split("\n"):
        assert part not in result.stdout
        assert part[:8] not in result.stdout
        assert part not in log
    assert "show-the-key--bash | key: ***\n" in result.stdout
    assert result.stdout.count("show-the-key--bash | ***\n") == 5


def test_a_secret_that_arrives_in_pieces_is_masked_on_the_terminal(repo: Repo) -> None:
    # The pause is longer than the one after which an unfinished line (a prompt) is shown.
    root = repo(
        """\
        # Split
        - [ ] Print in pieces
          ```bash
          printf 'v=%s' "${MY_TOKEN:0:6}"; sleep 0.4; printf '%s\\n' "${MY_TOKEN:6}"
          printf 'pat=ghp_ab'; sleep 0.4; printf 'cd12 end\\n'
          ```
        """
    )
    result = cli(
        root, "run", "--yes", "checklists/deploy.md", "--redact", "ghp_[a-z0-9]+", env={"MY_TOKEN": "abcdefghijklmnop"}
    )
    assert result.returncode == 0, result.stderr
    assert "print-in-pieces--bash | v=***\n" in result.stdout
    assert "print-in-pieces--bash | pat=*** end\n" in result.stdout
    for secret in ("abcdef", "ghijklmnop", "ghp_ab", "cd12"):
        assert secret not in result.stdout
    output = next(r for r in records(only_log(root)) if r.get("status") == "passed")["output"]
    assert output == "v=***\npat=*** end"


def test_missing_placeholder_stops_before_the_step(repo: Repo, preflight: Run) -> None:
    root = repo(
        """\
        # Params
        - [ ] Before
          ```bash
          touch before.txt
          ```
        - [ ] Deploy the app
          ```bash
          echo "<app-id>" > app.txt
          ```
        """
    )
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 1
    assert "missing value for placeholder `app-id`: pass --var app-id=VALUE" in result.output
    assert (root / "before.txt").exists()
    assert not (root / "app.txt").exists()
    log = only_log(root)
    step = [r for r in records(log) if r.get("id") == "deploy-the-app--bash"][-1]
    assert step["status"] == "aborted"
    assert "app-id" in step["reason"]
    assert records(log)[-1]["status"] == "stopped"


def test_placeholders_from_var_and_env_file(repo: Repo, preflight: Run) -> None:
    root = repo(
        """\
        # Params
        - [ ] Deploy
          ```bash
          echo "<app-id> [Region] YYYYMMDD $FROM_ENV_FILE" > out.txt
          ```
        """,
        files={"deploy.env": "# comment\nexport REGION='eu-west-1'\nFROM_ENV_FILE=yes\nYYYYMMDD=20250101\n"},
    )
    result = preflight(root, "run", "checklists/deploy.md", "--var", "APP_ID=web-1", "--env-file", "deploy.env")
    assert result.exit_code == 0, result.output
    assert (root / "out.txt").read_text().strip() == "web-1 eu-west-1 20250101 yes"


def test_env_file_comment_after_a_quoted_value(repo: Repo, preflight: Run) -> None:
    # `KEY="two words" # note` is the usual dotenv layout: the quotes are not part of the value.
    root = repo(
        """\
        # Params
        - [ ] Deploy
          ```bash
          printf '%s|%s|%s|%s|%s\\n' "$GREETING" "$SINGLE" "$HASHED" "<app-id>" "$QUOTED" > out.txt
          ```
        """,
        files={
            "deploy.env": (
                'export GREETING="two words" # the greeting\n'
                "SINGLE='one' #note\n"
                'HASHED="a # b"\n'
                'APP_ID="web 1"   # staging\n'
                'QUOTED="say \\"hi\\""\n'  # quotes inside: the outer ones go, as before
            )
        },
    )
    result = preflight(root, "run", "checklists/deploy.md", "--env-file", "deploy.env")
    assert result.exit_code == 0, result.output
    assert (root / "out.txt").read_text() == 'two words|one|a # b|web 1|say \\"hi\\"\n'


def test_env_file_saved_by_a_windows_editor(repo: Repo, preflight: Run) -> None:
    # A byte order mark and CRLF line ends: the first name read `\ufeffAPP_ID`, a usage error.
    root = repo('# Params\n- [ ] Deploy\n  ```bash\n  echo "<app-id> $REGION" > out.txt\n  ```\n')
    (root / "deploy.env").write_bytes(b"\xef\xbb\xbfAPP_ID=web-1\r\nREGION=eu-west-1\r\n")
    result = preflight(root, "run", "checklists/deploy.md", "--env-file", "deploy.env")
    assert result.exit_code == 0, result.output
    assert (root / "out.txt").read_text() == "web-1 eu-west-1\n"


def test_bad_env_file_is_a_usage_error(repo: Repo, preflight: Run) -> None:
    root = repo("# X\n- [ ] Y\n", files={"bad.env": "this is not an assignment\n"})
    result = preflight(root, "run", "checklists/deploy.md", "--env-file", "bad.env")
    assert result.exit_code == 2
    assert "bad.env:1: expected NAME=VALUE" in result.output


DESTRUCTIVE = """\
    # Clean
    - [ ] Wipe the cache
      ```bash
      mkdir -p cache && rm -rf cache
      touch wiped.txt
      ```
    - [ ] Marked by hand
      ```bash destructive=true
      touch marked.txt
      ```
    """


def test_destructive_step_stops_a_run_without_terminal(repo: Repo, preflight: Run) -> None:
    root = repo(DESTRUCTIVE)
    result = preflight(root, "run", "checklists/deploy.md", "--yes")
    assert result.exit_code == 1
    assert "destructive step (`rm -rf`) not run" in result.output
    assert "--allow-destructive" in result.output
    assert not (root / "wiped.txt").exists()
    assert final(only_log(root))["wipe-the-cache--bash"] == "aborted"


def test_allow_destructive_runs_them(repo: Repo, preflight: Run) -> None:
    root = repo(DESTRUCTIVE)
    result = preflight(root, "run", "checklists/deploy.md", "--allow-destructive")
    assert result.exit_code == 0, result.output
    assert (root / "wiped.txt").exists()
    assert (root / "marked.txt").exists()


CONSOLE = """\
    # Console
    - [ ] Greets
      ```console
      $ echo hello
      hello
      $ printf 'a  b\\n\\nc\\n'
      a  b

      c
      $ echo "version 1.2.3 built today"
      version ... built today
      ```
    """


def test_console_output_matches(repo: Repo, preflight: Run) -> None:
    root = repo(CONSOLE)
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 0, result.output
    assert "greets--console | $ echo hello" in result.output
    assert "greets--console | hello" in result.output


def test_console_mismatch_fails_with_a_diff(repo: Repo, preflight: Run) -> None:
    root = repo(
        """\
        # Console
        - [ ] Greets
          ```console
          $ echo hello
          goodbye
          $ touch never.txt
          ```
        """
    )
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 1
    assert "-goodbye" in result.output
    assert "+hello" in result.output
    step = [r for r in records(only_log(root)) if r.get("id") == "greets--console"][-1]
    assert step["status"] == "failed"
    assert "differs from the documented output" in step["reason"]
    assert "-goodbye\n+hello" in step["diff"]


def test_console_placeholders_in_the_documented_output_are_filled(repo: Repo, preflight: Run) -> None:
    # The transcript shows what the command prints for the value it is given.
    root = repo(
        """\
        # Console
        - [ ] Deployed
          ```console
          $ echo "deployed <app-id> on YYYY-MM-DD"
          deployed <app-id> on YYYY-MM-DD
          $ echo "web-9 is the canary"
          <app-id> is the canary
          ```
        """
    )
    result = preflight(root, "run", "checklists/deploy.md", "--var", "app-id=web-1", "--var", "YYYY-MM-DD=2026-01-02")
    assert result.exit_code == 1
    step = [r for r in records(only_log(root)) if r.get("id") == "deployed--console"][-1]
    assert step["reason"] == 'output of `echo "web-9 is the canary"` differs from the documented output'
    assert "-web-1 is the canary\n+web-9 is the canary" in step["diff"]
    result = preflight(root, "run", "checklists/deploy.md", "--var", "app-id=web-9", "--var", "YYYY-MM-DD=2026-01-02")
    assert result.exit_code == 0, result.output


def test_console_ignore_whitespace(repo: Repo, preflight: Run) -> None:
    root = repo(
        """\
        # Console
        - [ ] Spaces
          ```console
          $ printf 'a   b\\n\\n  c\\n'
          a b
          c
          ```
        """
    )
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 1
    time.sleep(1.1)
    assert preflight(root, "run", "checklists/deploy.md", "--ignore-whitespace").exit_code == 0


def test_console_failing_command_stops_the_block(repo: Repo, preflight: Run) -> None:
    root = repo("# C\n- [ ] Fails\n  ```console\n  $ false\n  $ touch never.txt\n  ```\n")
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 1
    assert not (root / "never.txt").exists()


def test_dry_run_runs_nothing(repo: Repo, preflight: Run) -> None:
    root = repo(DEPLOY)
    result = preflight(root, "run", "checklists/deploy.md", "--dry-run")
    assert result.exit_code == 0
    assert "3 steps (dry run: nothing runs)" in result.output
    assert "touch built.txt" in result.output
    assert not (root / "built.txt").exists()
    assert not (root / "shipped.txt").exists()
    assert not (root / ".preflight").exists()


def test_dry_run_names_what_a_run_needs(repo: Repo, preflight: Run) -> None:
    root = repo("# X\n- [ ] Go\n  ```bash\n  rm -rf /tmp/<app-id>\n  ```\n")
    result = preflight(root, "run", "checklists/deploy.md", "--dry-run")
    assert "destructive: rm -rf, needs confirmation" in result.output
    assert "needs --var app-id=..." in result.output


def test_dry_run_says_when_a_timeout_cannot_be_used(repo: Repo, preflight: Run) -> None:
    root = repo('# X\n- [ ] Wait\n  ```bash { data-preflight-timeout="soon" }\n  sleep 1\n  ```\n')
    result = preflight(root, "run", "checklists/deploy.md", "--dry-run")
    assert "timeout soon: not a duration, the default applies" in result.output


def test_dry_run_shows_the_code_of_a_manual_block(repo: Repo, preflight: Run) -> None:
    root = repo('# X\n- [ ] Rotate\n  ```bash { data-preflight-run="manual" }\n  vault rotate db\n  ```\n')
    result = preflight(root, "run", "checklists/deploy.md", "--dry-run")
    assert "rotate--bash (manual bash: the operator runs it)" in result.output
    assert "| vault rotate db" in result.output, "what the operator is to run by hand"


SELECT = """\
    # Release

    ## Prepare (Requirement 4.1)

    - [ ] Tag { #tag }
      ```bash
      touch tag.txt
      ```

    ## Publish

    - [ ] Upload
      ```bash
      touch upload.txt
      ```
    - [ ] Announce
      ```bash id=announce-cmd
      touch announce.txt
      ```
    """


def test_only_selects_items_and_blocks(repo: Repo, preflight: Run) -> None:
    root = repo(SELECT)
    result = preflight(root, "run", "checklists/deploy.md", "--only", "tag", "--only", "announce-cmd")
    assert result.exit_code == 0, result.output
    assert {p.name for p in root.glob("*.txt")} == {"tag.txt", "announce.txt"}


def test_from_section_and_requirement(repo: Repo, preflight: Run) -> None:
    root = repo(SELECT)
    assert preflight(root, "run", "checklists/deploy.md", "--from", "upload").exit_code == 0
    assert {p.name for p in root.glob("*.txt")} == {"upload.txt", "announce.txt"}
    for path in root.glob("*.txt"):
        path.unlink()
    assert preflight(root, "run", "checklists/deploy.md", "--section", "publish", "--dry-run").exit_code == 0
    assert preflight(root, "run", "checklists/deploy.md", "--requirement", "4.1").exit_code == 0
    assert {p.name for p in root.glob("*.txt")} == {"tag.txt"}


def test_unknown_selection_is_a_usage_error(repo: Repo, preflight: Run) -> None:
    root = repo(SELECT)
    result = preflight(root, "run", "checklists/deploy.md", "--only", "uplod")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "preflight: error: no item or block `uplod` in checklists/deploy.md; did you mean `upload`?"
    )
    assert preflight(root, "run", "checklists/deploy.md", "--section", "nope").exit_code == 2
    assert preflight(root, "run", "checklists/deploy.md", "--requirement", "9.9").exit_code == 2
    result = preflight(root, "run", "checklists/deploy.md", "--requirement", "4.2")
    assert result.exit_code == 2
    assert result.output.strip() == (
        "preflight: error: no step of checklists/deploy.md is tied to requirement 4.2; did you mean `4.1`?"
    )
    assert not (root / ".preflight").exists()


def test_filters_that_together_select_no_step_are_a_note(repo: Repo, preflight: Run) -> None:
    root = repo(SELECT)
    result = preflight(root, "run", "checklists/deploy.md", "--section", "publish", "--requirement", "4.1")
    assert (result.exit_code, result.output) == (0, "preflight: note: the filters select no step\n")
    assert not (root / ".preflight").exists(), "nothing ran: no log"


def test_usage_errors_are_one_line(repo: Repo, preflight: Run) -> None:
    root = repo(SELECT)
    for args, message in (
        (("run",), "missing CHECKLIST"),
        (("run", "nope.md"), "nope.md: no such checklist file"),
        (("run", "checklists/deploy.md", "--var", "novalue"), "expected NAME=VALUE"),
        (("run", "checklists/deploy.md", "--timeout", "soon"), "--timeout: not a duration"),
        (("run", "checklists/deploy.md", "--redact", "("), "invalid regular expression"),
        (("run", "checklists/deploy.md", "--redact", "x*"), "matches the empty string"),
    ):
        result = preflight(root, *args)
        assert result.exit_code == 2, args
        assert result.output.startswith("preflight: error: ")
        assert message in result.output
        assert len(result.output.strip().splitlines()) == 1


def test_checklist_with_structural_errors_is_refused(repo: Repo, preflight: Run) -> None:
    root = repo("# X\n- [ ] A { #same }\n- [ ] B { #same }\n")
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 2
    assert "checklists/deploy.md:3: Duplicate ID `same`" in result.output


def test_environment_names_the_step(repo: Repo, preflight: Run) -> None:
    root = repo('# X\n- [ ] Env\n  ```bash\n  echo "$PREFLIGHT_STEP_ID $PREFLIGHT_CHECKLIST" > env.txt\n  ```\n')
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 0
    assert (root / "env.txt").read_text().strip() == "env--bash checklists/deploy.md"


def test_operator_defaults_to_git_user_name(repo: Repo, preflight: Run) -> None:
    root = repo("# X\n- [ ] Y\n")
    subprocess.run(["git", "config", "user.name", "Grace Hopper"], cwd=root, check=True)
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 0
    assert records(only_log(root))[0]["operator"] == "Grace Hopper"


def test_log_dir_option_and_run_logs_setting(repo: Repo, preflight: Run) -> None:
    root = repo(
        "# X\n- [ ] Y\n", files={"mkdocs.yml": "site_name: t\nplugins:\n  - preflight:\n      run_logs: audit/runs\n"}
    )
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 0
    assert len(list((root / "audit" / "runs").glob("*.jsonl"))) == 1
    assert preflight(root, "run", "checklists/deploy.md", "--log-dir", "elsewhere").exit_code == 0
    assert len(list((root / "elsewhere").glob("*.jsonl"))) == 1


def test_output_tail_is_bounded(repo: Repo, preflight: Run) -> None:
    root = repo("# X\n- [ ] Chatty\n  ```bash\n  seq 1 5000\n  ```\n")
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 0
    step = [r for r in records(only_log(root)) if r.get("id") == "chatty--bash"][-1]
    lines = step["output"].split("\n")
    assert len(lines) == 200
    assert lines[-1] == "5000"
    assert step["output_truncated"] is True
    assert "chatty--bash | 2500" in result.output


def test_a_closed_output_pipe_does_not_stop_the_run(repo: Repo) -> None:
    steps = "".join(f"- [ ] Step {n}\n  ```bash\n  echo {n} >> ran.txt\n  ```\n" for n in range(30))
    root = repo("# Many\n" + steps)
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs_preflight", "run", "checklists/deploy.md", "--yes"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None
    process.stdout.readline()
    process.stdout.close()  # like `preflight run ... | head -n 1`
    assert process.wait(60) == 0
    assert len((root / "ran.txt").read_text().splitlines()) == 30
    assert records(only_log(root))[-1]["status"] == "passed"


def test_comments_do_not_make_a_step_destructive(repo: Repo, preflight: Run) -> None:
    root = repo("# X\n- [ ] Safe\n  ```bash\n  # never rm -rf here\n  touch safe.txt\n  ```\n")
    assert preflight(root, "run", "checklists/deploy.md", "--yes").exit_code == 0
    assert (root / "safe.txt").exists()


def test_a_run_log_folder_that_cannot_be_made_is_a_usage_error(repo: Repo) -> None:
    root = repo("# X\n- [ ] Touch\n  ```bash\n  touch ran.txt\n  ```\n")
    (root / ".preflight").write_text("legacy\n")
    result = cli(root, "run", "--yes", "checklists/deploy.md")
    assert result.returncode == 2
    assert result.stderr == "preflight: error: .preflight/runs: cannot create the run-log folder: Not a directory\n"
    assert result.stdout == ""
    result = cli(root, "run", "--yes", "checklists/deploy.md", "--log-dir", "checklists/deploy.md/runs")
    assert result.returncode == 2
    assert result.stderr.startswith("preflight: error: checklists/deploy.md/runs: cannot create the run-log folder")
    (root / ".preflight").unlink()
    (root / ".preflight").mkdir()
    (root / ".preflight" / "runs").write_text("")
    result = cli(root, "run", "--yes", "checklists/deploy.md")
    assert result.returncode == 2
    assert result.stderr == "preflight: error: .preflight/runs: cannot create the run-log folder: it is not a folder\n"
    assert not (root / "ran.txt").exists()


def test_a_run_log_that_cannot_be_written_is_a_usage_error(repo: Repo) -> None:
    # /proc is a folder, but nobody can create a file in it.
    root = repo("# X\n- [ ] Touch\n  ```bash\n  touch ran.txt\n  ```\n")
    result = cli(root, "run", "--yes", "checklists/deploy.md", "--log-dir", "/proc")
    assert result.returncode == 2
    assert result.stderr.startswith("preflight: error: /proc/")
    assert ": cannot create the run log: " in result.stderr
    assert result.stderr.count("\n") == 1
    assert not (root / "ran.txt").exists()


def _limit_file_size(limit: int) -> Callable[[], None]:
    """A pre-exec hook: files the runner writes cannot grow beyond ``limit`` bytes.

    A write past the limit then fails with EFBIG, like one on a full disk (Python
    ignores SIGXFSZ, which would otherwise kill the runner).
    """

    def hook() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return hook


def _run_limited(root: Path, limit: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_preflight", "run", "checklists/deploy.md", "--yes"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        preexec_fn=_limit_file_size(limit),
    )


def test_a_run_log_that_fails_mid_run_is_a_one_line_error(repo: Repo) -> None:
    # The final record of `out` (its output) does not fit: the run stops there.
    root = repo(
        "# Fill\n- [ ] Out\n  ```bash\n  for i in $(seq 1 100); do printf 'line %04d %075d\\n' $i 0; done\n  ```\n"
        "- [ ] Next\n  ```bash\n  touch next.txt\n  ```\n"
    )
    result = _run_limited(root, 4096)
    log = only_log(root)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr == f"preflight: error: {log.relative_to(root)}: cannot write the run log: File too large\n"
    assert not (root / "next.txt").exists()
    lines = records(log)  # every line whole: the failed record was cut off again
    assert [r.get("status") for r in lines[1:]] == ["running"]


def test_a_run_log_that_fails_as_a_step_starts_stops_the_step(repo: Repo) -> None:
    # The `running` record (with the long command) does not fit: the step must not run on.
    filler = "# " + "x" * 3000
    root = repo(f"# Slow\n- [ ] Wait\n  ```bash\n  {filler}\n  sleep 57.123\n  touch waited.txt\n  ```\n")
    started = time.monotonic()
    result = _run_limited(root, 2048)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.endswith(": cannot write the run log: File too large\n")
    assert result.stderr.count("\n") == 1
    assert time.monotonic() - started < 30
    assert processes_with("sleep 57.123") == []
    assert [r["type"] for r in records(only_log(root))] == ["header"]


def test_console_block_fails_when_the_shell_ends_early(repo: Repo, preflight: Run) -> None:
    # `exit 0` ends the shell with status 0: the commands after it never run.
    root = repo("# C\n- [ ] Early\n  ```console\n  $ echo one\n  one\n  $ exit 0\n  $ echo two\n  three\n  ```\n")
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 1, result.output
    step = [r for r in records(only_log(root)) if r.get("id") == "early--console"][-1]
    assert step["status"] == "failed"
    assert step["reason"] == "the shell ended before `echo two` ran"
    assert step["exit_code"] == 0
    # Ending the shell with the last command leaves nothing unrun.
    root = repo("# C\n- [ ] Last\n  ```console\n  $ echo one\n  one\n  $ exec true\n  ```\n", name="last.md")
    assert preflight(root, "run", "checklists/last.md").exit_code == 0


def test_the_hint_for_a_missing_value_can_be_pasted(repo: Repo, preflight: Run) -> None:
    root = repo("# X\n- [ ] Name it\n  ```bash\n  echo '[Release Name]' > name.txt\n  ```\n")
    plan = preflight(root, "run", "checklists/deploy.md", "--dry-run")
    assert "needs --var 'Release Name=...'" in plan.output
    result = preflight(root, "run", "checklists/deploy.md")
    assert result.exit_code == 1
    hint = re.search(r"pass (--var .*) \(or --env-file\)", result.output)
    assert hint is not None, result.output
    assert hint.group(1) == "--var 'Release Name=VALUE'"
    # What a shell makes of the pasted hint, with the value filled in.
    pasted = cli(root, "run", "checklists/deploy.md", "--yes", *shlex.split(hint.group(1).replace("VALUE", "1.0")))
    assert pasted.returncode == 0, pasted.stdout + pasted.stderr
    assert (root / "name.txt").read_text() == "1.0\n"


def test_a_destructive_run_shell_is_shown_and_confirmed(repo: Repo, preflight: Run) -> None:
    """The front matter's run.shell runs with every block: the plan shows it, and a
    destructive command in it needs the same confirmation as one in a block."""
    root = repo(
        """\
        ---
        run:
          shell: "bash -c 'touch shell-ran; rm -rf ./nothing' --"
        ---
        # Deploy

        - [ ] Say hi { #hi }
          ```bash
          echo hello
          ```
        """
    )
    plan = preflight(root, "run", "checklists/deploy.md", "--dry-run")
    assert plan.exit_code == 0, plan.output
    shown = "shell bash -c 'touch shell-ran; rm -rf ./nothing' --; destructive: rm -rf, needs confirmation"
    assert shown in plan.output
    result = preflight(root, "run", "checklists/deploy.md", "--yes")
    assert result.exit_code == 1
    assert "destructive step (`rm -rf` in run.shell) not run" in result.output
    assert not (root / "shell-ran").exists()
    allowed = preflight(root, "run", "checklists/deploy.md", "--yes", "--allow-destructive")
    assert allowed.exit_code == 0, allowed.output
    assert (root / "shell-ran").exists()


def test_the_plan_names_the_variables_run_env_sets(repo: Repo, preflight: Run) -> None:
    """run.env changes what every block runs (`BASH_ENV` is sourced by every bash): the
    plan names the variables, without their values (which may be secrets)."""
    root = repo(
        """\
        ---
        run:
          env:
            BASH_ENV: ./scripts/setup.sh
            API_TOKEN: s3cr3t-value
        ---
        # Deploy

        - [ ] Say hi { #hi }
          ```bash
          echo hello
          ```
        """
    )
    plan = preflight(root, "run", "checklists/deploy.md", "--dry-run")
    assert plan.exit_code == 0, plan.output
    assert "  run.env sets API_TOKEN, BASH_ENV for every step" in plan.output.splitlines()
    assert "s3cr3t-value" not in plan.output
