"""`preflight report`: text, the Markdown sign-off record, JSON and JUnit from real runs."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from pathlib import Path

import markdown
from junitparser import Error, Failure, JUnitXml

from .helpers import Repo, Run, logs, only_log, processes_with, records, start_run

REPORTED = """\
    # Release | v2
    - [ ] Build `<app>`
      ```bash
      echo "built"
      ```
    - [ ] Review the change log
    - [ ] Test
      ```bash
      echo "\x1b[31mred\x1b[0m failure"
      exit 2
      ```
    - [ ] Never reached
      ```bash
      true
      ```
    """


def _log(repo: Repo, preflight: Run) -> tuple[Path, Path]:
    root = repo(REPORTED)
    result = preflight(root, "run", "checklists/deploy.md", "--operator", "Ada Lovelace")
    assert result.exit_code == 1
    return root, only_log(root)


def test_text_report(repo: Repo, preflight: Run) -> None:
    root, log = _log(repo, preflight)
    result = preflight(root, "report", str(log))
    assert result.exit_code == 0
    text = result.output
    assert "outcome:  failed" in text
    assert "operator: Ada Lovelace" in text
    assert "build-app--bash" in text
    assert re.search(r"never-reached--bash +not-run", text)
    assert "test--bash: failed: exit code 2" in text
    assert "Totals: 1 failed, 1 manual-pending, 1 not-run, 1 passed." in text  # adds up to the 4 steps


def test_markdown_sign_off_record(repo: Repo, preflight: Run) -> None:
    root, log = _log(repo, preflight)
    out = root / "signoff.md"
    result = preflight(root, "report", str(log), "--format", "markdown", "-o", str(out))
    assert result.exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# Run record: Release \\| v2\n")
    assert "| Operator | Ada Lovelace |" in text
    assert "| Outcome | **failed** |" in text
    rows = [line for line in text.splitlines() if line.startswith("| 1 |")]
    assert rows[0].startswith("| 1 | `build-app--bash` | Build &lt;app&gt; | passed | Ada Lovelace | 20")
    assert "| 3 | `test--bash` | Test | **failed** | Ada Lovelace |" in text
    assert "| 4 | `never-reached--bash` | Never reached | not-run |" in text
    assert "### `test--bash`: failed" in text
    assert "## Sign-off" in text
    assert "| Reviewer | | | |" in text
    assert "Totals: 1 failed, 1 manual-pending, 1 not-run, 1 passed." in text


def test_json_report(repo: Repo, preflight: Run) -> None:
    root, log = _log(repo, preflight)
    data = json.loads(preflight(root, "report", str(log), "--format", "json").output)
    assert data["version"] == 1
    assert data["run"]["status"] == "failed"
    assert data["run"]["checklist"] == "checklists/deploy.md"
    assert data["run"]["operators"] == ["Ada Lovelace"]
    steps = {s["id"]: s for s in data["steps"]}
    assert steps["test--bash"]["exit_code"] == 2
    assert steps["test--bash"]["global_id"] == "checklists/deploy#test--bash"
    assert steps["never-reached--bash"]["status"] == "not-run"
    assert data["run"]["counts"] == {"passed": 1, "manual-pending": 1, "failed": 1, "not-run": 1}
    assert {i["id"]: i["status"] for i in data["items"]} == {"build-app": "passed", "test": "failed"}
    assert steps["test--bash"]["output_truncated"] is False
    assert steps["test--bash"]["derived"] is False


def test_json_report_says_when_output_is_only_the_tail(repo: Repo, preflight: Run) -> None:
    root = repo("# X\n- [ ] Noisy\n  ```bash\n  seq 1 500; exit 3\n  ```\n")
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 1
    data = json.loads(preflight(root, "report", str(only_log(root)), "--format", "json").output)
    step = data["steps"][0]
    assert step["output_truncated"] is True
    assert step["output"].split("\n")[-1] == "500"


def test_junit_report_reads_with_junitparser(repo: Repo, preflight: Run) -> None:
    root, log = _log(repo, preflight)
    out = root / "junit.xml"
    assert preflight(root, "report", str(log), "--format", "junit", "-o", str(out)).exit_code == 0
    xml = JUnitXml.fromfile(str(out))
    suites = list(xml)
    assert len(suites) == 1
    suite = suites[0]
    assert suite.name == "checklists/deploy.md"
    assert suite.tests == 4
    assert suite.failures == 1
    assert suite.skipped == 2
    outcomes: dict[str, str] = {}
    for case in suite:
        kinds = {type(r).__name__ for r in case.result}
        outcomes[case.name.split(":")[0]] = ",".join(sorted(kinds)) or "pass"
        if case.name.startswith("test--bash"):
            failure = next(r for r in case.result if isinstance(r, Failure))
            assert failure.message == "exit code 2"
            assert "red" in (failure.text or "")
            assert "\x1b" not in (failure.text or "")  # terminal escapes are not valid XML
            assert "red" in (case.system_out or "")  # as documented: the output goes to system-out
    assert outcomes == {
        "build-app--bash": "pass",
        "review-the-change-log": "Skipped",
        "test--bash": "Failure",
        "never-reached--bash": "Skipped",
    }


def test_junit_report_of_a_crashed_run_has_an_error(repo: Repo, preflight: Run) -> None:
    # The runner was killed during a step (OOM, kill -9): that step never ended, which
    # a CI dashboard must not count as a skipped test in a green suite.
    root = repo("# X\n- [ ] Migrate\n  ```bash\n  sleep 58.123\n  ```\n- [ ] Later\n  ```bash\n  true\n  ```\n")
    process = start_run(root)
    try:
        deadline = time.monotonic() + 20
        while not processes_with("sleep 58.123") and time.monotonic() < deadline:
            time.sleep(0.02)
        while time.monotonic() < deadline and not (
            logs(root) and any(r.get("status") == "running" for r in records(logs(root)[0]))
        ):
            time.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
        for pid in processes_with("sleep 58.123"):
            os.kill(pid, signal.SIGKILL)
    out = root / "junit.xml"
    assert preflight(root, "report", str(only_log(root)), "--format", "junit", "-o", str(out)).exit_code == 0
    suite = next(iter(JUnitXml.fromfile(str(out))))
    assert (suite.errors, suite.skipped) == (1, 1)
    case = next(c for c in suite if c.name.startswith("migrate--bash"))
    error = next(r for r in case.result if isinstance(r, Error))
    assert error.type == "running"
    assert error.message.startswith("interrupted while running")


def test_report_of_a_torn_log_warns(repo: Repo, preflight: Run) -> None:
    root, log = _log(repo, preflight)
    with log.open("ab") as handle:
        handle.write(b'{"type":"st')
    result = preflight(root, "report", str(log))
    assert result.exit_code == 0
    assert "torn last line ignored" in result.stderr
    assert "outcome:  failed" in result.stdout


def test_report_usage_errors(repo: Repo, preflight: Run) -> None:
    root = repo("# X\n")
    (root / "notes.jsonl").write_text('{"type": "step"}\n')
    result = preflight(root, "report", "notes.jsonl")
    assert result.exit_code == 2
    assert result.output.startswith("preflight: error: notes.jsonl:1: not a run log")
    assert preflight(root, "report", "missing.jsonl").exit_code == 2


def test_markdown_report_shows_a_forged_outcome_as_text(repo: Repo, preflight: Run) -> None:
    """The footer's status is data from the log file: HTML in it stays text in the record."""
    root, log = _log(repo, preflight)
    lines = log.read_text(encoding="utf-8").splitlines()
    footer = json.loads(lines[-1])
    assert footer["type"] == "footer"
    footer["status"] = "passed <img src=x onerror=alert(1)>"
    log.write_text("\n".join([*lines[:-1], json.dumps(footer)]) + "\n", encoding="utf-8")
    result = preflight(root, "report", str(log), "--format", "markdown")
    assert result.exit_code == 0
    assert "<img" not in result.stdout
    assert "| Outcome | **passed &lt;img src=x onerror=alert(1)&gt;** |" in result.stdout


def test_markdown_report_renders_as_text_with_python_markdown(repo: Repo, preflight: Run) -> None:
    """A sign-off record may go into a MkDocs site: a title or item text with a link or an
    ``attr_list`` block adds no link and no attribute there."""
    title = "[Release](javascript:alert(2)) {: onclick=alert(1) }"
    root = repo(f"---\ntitle: '{title}'\n---\n# Release\n\n- [ ] Go {{ #go }}\n  ```bash\n  true\n  ```\n")
    assert preflight(root, "run", "checklists/deploy.md").exit_code == 0
    result = preflight(root, "report", str(only_log(root)), "--format", "markdown")
    html = markdown.markdown(result.stdout, extensions=["attr_list", "tables"])
    assert "<a " not in html
    assert "<h1>Run record: " + title + "</h1>" in html.replace("&#123;", "{").replace("&#125;", "}").replace(
        "&#91;", "["
    ).replace("&#93;", "]")
