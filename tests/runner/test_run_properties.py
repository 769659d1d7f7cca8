"""Any checklist, run for real: steps run once each, in document order, across a resume.

Hypothesis writes checklists whose shell blocks append their own number to a trace file:
blocks in items at any depth, after nested items, between lists, in quotes,
admonitions and content tabs, in every fence spelling
and option form the runner reads, with blocks that fail until a file exists, manual
blocks and snippets that must never run. The oracle is the generator's own list of the
runnable blocks in document order, not the engine. Each checklist is run in a real git
repository with real shells:

* ``preflight run --yes`` (with or without ``--keep-going``) runs the blocks in order and
  stops after the first failure unless told to keep going;
* once the failures are fixed, ``--resume`` runs exactly what did not pass, in order;
* the log then records every runnable block as passed, and nothing failed;
* the script of ``preflight extract --format sh`` runs the same blocks in the same
  order, and stops where the runner stops;
* ``--section``, ``--only`` (an item with what it holds, or a block) and ``--from``
  select the blocks they name, for the run, its resume and the script (``--item``).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .helpers import cli, final, logs

TRACE = "trace"


@dataclass
class Written:
    """A generated checklist and what its blocks are known to do."""

    lines: list[str] = field(default_factory=lambda: ["# Runbook", ""])
    runnable: list[int] = field(default_factory=list)
    """Numbers of the blocks ``--yes`` runs, in document order."""
    failing: set[int] = field(default_factory=set)
    """Of those, the ones that fail until ``pass-<n>`` exists."""
    count: int = 0
    section: int = 0
    owners: list[int] = field(default_factory=list)
    """The task items that hold the line being written, outermost first."""
    places: dict[int, tuple[int, tuple[int, ...]]] = field(default_factory=dict)
    """Runnable block → its section and the task items that hold it."""
    pinned: list[str] = field(default_factory=list)
    """IDs the source pins (``task-<n>``, ``block-<n>``), in document order."""

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


BLOCK_KINDS = ["bash", "sh", "console", "bash-option", "bash-brace", "bash-comment"]
"""Blocks ``--yes`` runs; options as ``key=value``, as ``{ #id }`` and in a comment before the fence."""
NOT_RUN = ["manual", "comment-only", "snippet"]


def _block(draw: st.DrawFn, out: Written, indent: str) -> None:
    out.count += 1
    n = out.count
    kind = draw(st.sampled_from(BLOCK_KINDS + NOT_RUN))
    fails = draw(st.booleans()) and kind in BLOCK_KINDS
    fence = draw(st.sampled_from(["```", "~~~", "````"]))
    commands = [f"echo {n} >> {TRACE}"] + ([f"test -e pass-{n} || exit 3"] if fails else [])
    header = {
        "bash": "bash",
        "sh": "sh",
        "console": "console",
        "bash-option": draw(st.sampled_from([f"bash id=block-{n}", "bash timeout=30", f"bash expect=0 id=block-{n}"])),
        "bash-brace": f'bash {{ #block-{n} data-timeout="30" }}',
        "bash-comment": "bash",
        "manual": "bash run=manual",
        "comment-only": "bash",
        "snippet": draw(st.sampled_from(["python", "text", ""])),
    }[kind]
    if kind == "bash-comment":
        out.lines.append(f"{indent}<!-- preflight: id=block-{n} -->")
    if kind == "console":
        body = [f"$ {command}" for command in commands]
    elif kind == "comment-only":
        body = [f"# step {n} is done by hand"]
    else:
        body = commands
    out.lines += [f"{indent}{fence}{header}", *(f"{indent}{line}" for line in body), f"{indent}{fence}"]
    if kind in BLOCK_KINDS:
        out.runnable.append(n)
        out.places[n] = (out.section, tuple(out.owners))
        if f"block-{n}" in header or kind == "bash-comment":
            out.pinned.append(f"block-{n}")
        if fails:
            out.failing.add(n)


def _items(draw: st.DrawFn, out: Written, indent: str, depth: int) -> None:
    marker = draw(st.sampled_from(["-", "*", "+", "1.", "1)"]))
    content = indent + " " * (len(marker) + 1)
    for _ in range(draw(st.integers(1, 3))):
        out.count += 1
        n = out.count
        box = draw(st.sampled_from(["[ ] ", "[x] ", "[X] ", ""]))  # a plain bullet in between, too
        pin = f" {{ #task-{n} }}" if box and draw(st.booleans()) else ""
        out.lines.append(f"{indent}{marker} {box}Task {n}{pin}")
        if pin:
            out.pinned.append(f"task-{n}")
        if box:
            out.owners.append(n)
        for _ in range(draw(st.integers(0, 2))):
            part = draw(st.sampled_from(["block", "block", "items", "blank"] if depth < 3 else ["block", "blank"]))
            if part == "block":
                _block(draw, out, content)
            elif part == "items":
                _items(draw, out, content, depth + 1)
            else:
                out.lines.append(content.rstrip())
        if box:
            out.owners.pop()
        if draw(st.booleans()):
            out.lines.append(indent.rstrip())


def _flow(draw: st.DrawFn, out: Written, indent: str, depth: int) -> None:
    """Lists, blocks and containers one after another, each line starting with ``indent``."""
    parts = ["items", "items", "block", "text"] + (["admonition", "collapsible", "tab", "quote"] if depth < 2 else [])
    for _ in range(draw(st.integers(1, 3))):
        part = draw(st.sampled_from(parts))
        if part == "items":
            _items(draw, out, indent, depth)
        elif part == "block":
            _block(draw, out, indent)
        elif part == "text":
            out.lines.append(f"{indent}Read this part through first.")
        elif part == "quote":
            _flow(draw, out, indent + "> ", depth + 1)
        else:
            opener = {"admonition": '!!! warning "Careful"', "collapsible": "???+ note", "tab": '=== "Staging"'}[part]
            out.lines += [f"{indent}{opener}", indent.rstrip()]
            _flow(draw, out, indent + "    ", depth + 1)
        out.lines.append(indent.rstrip())


@st.composite
def checklists(draw: st.DrawFn) -> Written:
    out = Written()
    for section in range(draw(st.integers(1, 3))):
        out.section = section
        out.lines += [f"## Part {section}", ""]
        _flow(draw, out, "", 0)
        out.lines.append("")
    out.section = -1
    out.lines += ["## Sign-off", "", "- [ ] Sign off"]  # a step at least: a checklist without any is refused
    return out


def _trace(root: Path) -> list[int]:
    path = root / TRACE
    return [int(line) for line in path.read_text().split()] if path.exists() else []


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)


def _selection(data: st.DataObject, written: Written) -> tuple[list[str], list[str], list[int], list[int]]:
    """Options for ``run`` and for ``extract``, and the blocks each selects in document order."""
    runnable = written.runnable
    choices = ["all", "section"] + (["only", "from"] if written.pinned else [])
    how = data.draw(st.sampled_from(choices), label="selection")
    if how == "section":
        section = data.draw(st.integers(0, max((place[0] for place in written.places.values()), default=0)))
        chosen = [n for n in runnable if written.places[n][0] == section]
        return ["--section", f"Part {section}"], ["--section", f"part-{section}"], chosen, chosen
    if how == "all":
        return [], [], runnable, runnable
    pinned = data.draw(st.sampled_from(written.pinned), label="ID")
    kind, _, number = pinned.partition("-")
    n = int(number)
    if how == "from":
        return ["--from", pinned], [], [m for m in runnable if m >= n], runnable
    if kind == "block":
        return ["--only", pinned], ["--item", pinned], [n], [n]
    chosen = [m for m in runnable if n in written.places[m][1]]
    return ["--only", pinned], ["--item", pinned], chosen, chosen


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(written=checklists(), keep_going=st.booleans(), data=st.data())
def test_any_checklist_runs_each_block_once_in_order_across_a_resume(
    written: Written, keep_going: bool, data: st.DataObject
) -> None:
    run_options, extract_options, expected, scripted = _selection(data, written)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "checklists").mkdir()
        (root / "checklists" / "run.md").write_text(written.text())
        (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - preflight\n")
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "init")
        source = written.text() + f"\n{run_options} {extract_options}\n"
        failing = [n for n in expected if n in written.failing]
        first_failure = expected.index(failing[0]) if failing else None

        ran = cli(root, "run", "checklists/run.md", "--yes", *run_options, *(["--keep-going"] if keep_going else []))
        assert ran.returncode == (1 if failing else 0), source + ran.stdout + ran.stderr
        before = expected if keep_going or first_failure is None else expected[: first_failure + 1]
        assert _trace(root) == before, source + ran.stdout

        found = logs(root)
        if not found:  # the section holds no step at all: nothing to log
            assert not expected, source + ran.stdout + ran.stderr
            assert "select no step" in ran.stderr, source + ran.stderr
        else:
            (log,) = found
            if failing:
                for n in failing:
                    (root / f"pass-{n}").touch()
                resumed = cli(root, "run", "--resume", str(log), "--yes")
                assert resumed.returncode == 0, source + resumed.stdout + resumed.stderr
                assert first_failure is not None
                again = failing if keep_going else expected[first_failure:]
                assert _trace(root) == before + again, source + resumed.stdout
            statuses = final(log)
            header = json.loads(log.read_text().splitlines()[0])
            blocks = [step["id"] for step in header["steps"] if step["kind"] == "block"]
            passed = [step for step in blocks if statuses.get(step) == "passed"]
            assert len(passed) == len(expected), (source, statuses)
            assert "failed" not in statuses.values(), (source, statuses)

        for n in written.failing:
            (root / f"pass-{n}").touch()
        script = cli(root, "extract", "checklists/run.md", "--format", "sh", *extract_options)
        assert script.returncode == 0, source + script.stderr
        (root / "run.sh").write_text(script.stdout)
        failing = [n for n in scripted if n in written.failing]
        for also_failing in (False, True):
            (root / TRACE).unlink(missing_ok=True)
            if also_failing:
                for n in failing:
                    (root / f"pass-{n}").unlink()
            done = subprocess.run(["bash", "run.sh"], cwd=root, capture_output=True, text=True, timeout=60, check=False)
            stops = also_failing and bool(failing)
            assert (done.returncode != 0) == stops, source + script.stdout + done.stderr
            upto = scripted[: scripted.index(failing[0]) + 1] if stops else scripted
            assert _trace(root) == upto, source + script.stdout
