"""Run logs on the site: a terminal run's outcome shows on each item, and a Runs page lists runs."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

from site_support import build_site, run_cli, site_config, write, write_config

CHECKLIST = """\
# Deploy

- [ ] Build it (REQ-2) { #build }
  ```bash
  echo built > built.txt
  ```
- [ ] Break it { #break }
  ```bash
  exit 3
  ```
- [ ] Never reached (Requirement 7.1)
"""


def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Alice Operator"}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs_preflight", *args], cwd=root, capture_output=True, text=True, env=env
    )


def test_a_terminal_run_shows_on_the_site(tmp_path: Path) -> None:
    registry = 'requirements:\n  REQ-2: Builds are reproducible\n  "7.1": Every step is reached\n'
    write(tmp_path, {"docs/index.md": "# Home\n", "checklists/deploy.md": CHECKLIST, "requirements.yml": registry})
    options = {"run_logs": ".preflight/runs", "registry": "requirements.yml"}
    config = site_config("material", plugins=["search", {"preflight": options}])
    write_config(tmp_path, config)
    result = _run(tmp_path, "run", "checklists/deploy.md", "--yes", "--operator", "alice")
    assert result.returncode == 1, result.stderr  # the second step fails
    (log,) = (tmp_path / ".preflight" / "runs").glob("*.jsonl")
    # A torn last line (a crash while writing) must not break the build, strict or not.
    with log.open("a", encoding="utf-8") as handle:
        handle.write('{"type": "step", "id": "bui')
    built = build_site(tmp_path)
    assert built.ok, built.messages
    page = built.page("checklists/deploy/")
    badges = {
        li.get("id"): li.find("span", cls="preflight-outcome")
        for li in page.find_all("li")
        if "preflight-item" in li.classes
    }
    assert badges["build"] is not None
    assert "preflight-outcome--passed" in (badges["build"].get("class") or "")
    assert "alice" in badges["build"].text()
    assert "preflight-outcome--failed" in (badges["break"].get("class") or "")
    assert badges["never-reached"] is None
    # The requirements page shows the latest run of the steps tied to each requirement.
    rows = {row.find("td").text(): row.text() for row in built.page("requirements/").find_all("tr") if row.find("td")}
    assert "passed" in rows["REQ-2"], rows
    assert "no runs" in rows["7.1"], rows
    runs_page = built.page("runs/")
    text = runs_page.visible_text()
    assert "Deploy" in text
    assert "failed" in text
    link = next(a.get("href") for a in runs_page.find_all("a") if a.text() == log.stem)
    assert link is not None
    assert link.rstrip("/").endswith(log.stem)
    run_page = built.page(f"runs/{log.stem}/")
    rows = [[cell.text().strip() for cell in row.find_all("td")] for row in run_page.find_all("tr")]
    assert next(r for r in rows if r and r[0] == "break--bash")[:2] == ["break--bash", "failed"]
    assert next(r for r in rows if r and r[0] == "break--bash")[4] == "3"
    assert "alice" in run_page.visible_text()
    (damage,) = [message for message in built.logged(logging.INFO) if "torn" in message]
    assert damage.startswith(f"mkdocs_preflight: .preflight/runs/{log.name}:"), "a path from the root, like findings"


def test_damaged_run_logs_fail_a_strict_build_only_with_fail_on_warning(tmp_path: Path) -> None:
    header = (
        '{"type": "header", "version": 1, "source": "terminal", "run_id": "r1", "checklist": "checklists/t.md", '
        '"title": "T", "steps": [{"id": "one", "kind": "item", "text": "One"}], "start": "2026-01-01T00:00:00+00:00", '
        '"git": {"commit": "a<b>&c", "dirty": false}}'
    )
    log = header + '\n{"type": "step", "id"\n'  # a malformed record, then more
    write(
        tmp_path,
        {"docs/index.md": "# Home\n", "checklists/t.md": "# T\n\n- [ ] One\n", ".preflight/runs/r1.jsonl": log},
    )
    for fail_on, ok in (("error", True), ("never", True), ("warning", False)):
        options = {"run_logs": ".preflight/runs", "fail_on": fail_on}
        write_config(tmp_path, site_config("material", plugins=["search", {"preflight": options}]))
        built = build_site(tmp_path)
        assert built.ok is ok, (fail_on, built.messages)
        assert any(
            message.startswith("mkdocs_preflight: .preflight/runs/r1.jsonl:2: malformed")
            for _, message in built.messages
        )
    quiet = run_cli(tmp_path, "mkdocs", "build", "--strict", "--quiet")  # the warning counts there too
    assert (
        quiet.returncode == 1 and "ERROR   -  mkdocs_preflight: .preflight/runs/r1.jsonl:2: malformed" in quiet.stderr
    )
    page = built.page("runs/r1/")
    assert "commit a<b>&c" in page.visible_text(), "escaped once: shown as written"
    assert "The log is damaged: r1.jsonl:2: malformed" in page.visible_text()
    assert str(tmp_path) not in built.html("runs/r1/"), "no path of the build machine on the site"


def test_blocks_in_tight_list_items_get_their_step_label(tmp_path: Path) -> None:
    # Two-space indented fences under a tight item: Python-Markdown keeps the block's
    # placeholder in the <li>'s text, not in a paragraph of its own.
    checklist = "# T\n\n- [ ] One\n  ```bash\n  echo one\n  ```\n  ```bash\n  echo two\n  ```\n- [ ] Two\n"
    write(tmp_path, {"docs/index.md": "# Home\n", "checklists/t.md": checklist})
    write_config(tmp_path, site_config("material", plugins=["search", "preflight"]))
    built = build_site(tmp_path)
    assert built.ok, built.messages
    html = built.html("checklists/t/")
    assert html.count('class="preflight-step"') == 2
    assert "preflight run checklists/t.md --only one--bash" in html
    assert "preflight run checklists/t.md --only one--bash-2" in html
    assert html.index('id="one--bash"') < html.index("--only one--bash<") < html.index('id="one--bash-2"')


def test_a_log_nested_too_deeply_is_damage_not_a_crash(tmp_path: Path) -> None:
    """``[[[[...]]]]`` deeper than Python's stack is a malformed record (or not a log at
    all), reported like any other damage: the build, strict included, goes on."""
    header = '{"type": "header", "version": 1, "source": "terminal", "run_id": "r1", "checklist": "checklists/t.md"}'
    nested = "[" * 100_000 + "]" * 100_000
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/t.md": "# T\n\n- [ ] One\n",
            ".preflight/runs/r1.jsonl": f"{header}\n{nested}\n",
            ".preflight/runs/r2.jsonl": f"{nested}\n",
        },
    )
    write_config(tmp_path, site_config("material", plugins=["search", {"preflight": {"run_logs": ".preflight/runs"}}]))
    built = build_site(tmp_path)
    assert built.ok, built.messages
    messages = [message for _, message in built.messages]
    assert "mkdocs_preflight: .preflight/runs/r1.jsonl:2: malformed line skipped (nested too deeply)" in messages
    assert any(
        message.startswith("mkdocs_preflight: .preflight/runs/r2.jsonl:1: not a run log") for message in messages
    )
    assert "Run r1" in built.page("runs/r1/").visible_text()
