"""docs/getting-started.md, replayed as a new user would: every command, in order.

The guide's `console` blocks are run line by line in a fresh git repository and their
output must match what the guide shows (`...` stands for any lines; run IDs and
durations are normalised). The Markdown block is the checklist the reader writes.
The CI workflow's commands run too. `pip install` and `mkdocs serve` are the only
commands not replayed: the package is already installed, and the site is built instead.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "getting-started.md"
FENCE = re.compile(r"^(?P<fence>`{3,})(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S)
ENV = {
    **os.environ,
    "NO_MKDOCS_2_WARNING": "1",
    "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    "COLUMNS": "200",
}
ENV.pop("PREFLIGHT_CONFIG", None)


def blocks() -> list[tuple[str, str]]:
    """The guide's fenced blocks as (language, body), in order."""
    return [(m.group("info").strip(), m.group("body")) for m in FENCE.finditer(GUIDE.read_text(encoding="utf-8"))]


def normalise(text: str) -> str:
    text = re.sub(r"\d{8}T\d{6}Z", "<run-id>", text)
    return re.sub(r"\b\d+\.\d+ s\b", "<time>", text)


def matches(expected: list[str], actual: list[str]) -> bool:
    """Whether ``actual`` fits ``expected``, where a `...` line stands for any lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[i:]) for i in range(len(actual) + 1))
    return bool(actual) and normalise(expected[0]) == normalise(actual[0]) and matches(expected[1:], actual[1:])


def console(body: str) -> list[tuple[str, list[str]]]:
    """A console block as (command, expected output lines)."""
    steps: list[tuple[str, list[str]]] = []
    for line in body.rstrip("\n").split("\n"):
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    return steps


def shell(command: str, cwd: Path) -> tuple[int, list[str]]:
    result = subprocess.run(
        ["bash", "-c", command], cwd=cwd, env=ENV, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300
    )
    output = (result.stdout + result.stderr).rstrip("\n")
    return result.returncode, output.split("\n") if output else []


def test_the_guide_works_as_written(tmp_path: Path) -> None:
    repo = tmp_path / "acme"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=repo, check=True)
    ran: list[str] = []
    workflow: dict[str, object] | None = None
    for lang, body in blocks():
        if lang == "console":
            for command, expected in console(body):
                _, output = shell(command, repo)
                assert matches(expected, output), (
                    f"$ {command}\nexpected:\n" + "\n".join(expected) + ("\nactual:\n" + "\n".join(output))
                )
                ran.append(command)
        elif lang == "markdown":
            (repo / "checklists" / "deploy.md").write_text(body, encoding="utf-8")
        elif lang == "yaml":
            workflow = yaml.safe_load(body)
        elif lang == "bash" and "mkdocs serve" in body:
            code, output = shell("mkdocs build --strict", repo)
            assert code == 0, "\n".join(output)
    assert ran[0].startswith("preflight init"), "the guide starts with preflight init"
    assert any(c.startswith("preflight run") for c in ran)
    assert workflow is not None, "the guide shows a CI workflow"
    steps = workflow["jobs"]["preflight"]["steps"]  # type: ignore[index]
    commands = [step["run"] for step in steps if "run" in step]
    assert commands[0] == "pip install mkdocs-preflight"
    (repo / "scripts" / "ship.sh").rename(repo / "scripts" / "deploy.sh")
    for command in commands[1:]:
        code, output = shell(command, repo)
        assert code == 0, f"{command}:\n" + "\n".join(output)
