"""What Hypothesis writes for the runner's tests: checklists and run logs.

Each shell block of a checklist appends its own number to a trace file, so what ran,
and in which order, can be compared with the generator's own list of runnable blocks,
not the engine's. Run logs are sound in form but full of hostile text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

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


def traced(root: Path) -> list[int]:
    """The numbers of the blocks that ran in ``root``, in the order they ran."""
    path = root / TRACE
    return [int(line) for line in path.read_text().split()] if path.exists() else []


# -- run logs ----------------------------------------------------------------------------

PIECES = [
    "|",
    "`",
    "``",
    "\\",
    "\n",
    "\r\n",
    "\r",
    "<b>",
    "&amp;",
    "*",
    "_",
    "#",
    "[x]",
    "\x00",
    "\x1b[31m",
    "\x7f",
    "é",
    " ",
]
texts = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=6).map("".join)
STATUSES = ["passed", "failed", "timeout", "skipped", "manual-done", "manual-pending", "aborted"]
AT = "2026-06-01T10:00:01+00:00"


@st.composite
def run_logs(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[str]]:
    ids = draw(st.lists(texts.filter(lambda t: t.strip() != ""), min_size=1, max_size=5, unique=True))
    steps = [{"id": i, "kind": draw(st.sampled_from(["block", "item"])), "text": draw(texts)} for i in ids]
    header = {
        "type": "header",
        "version": 1,
        "source": "terminal",
        "run_id": "20260601T100000Z-deploy",
        "checklist": "checklists/deploy.md",
        "title": draw(texts),
        "steps": steps,
        "operator": draw(texts),
        "host": draw(texts),
        "start": "2026-06-01T10:00:00+00:00",
    }
    records: list[dict[str, Any]] = [header]
    for step in steps:
        if draw(st.booleans()):
            status = draw(st.sampled_from(STATUSES))
            records.append(
                {
                    "type": "step",
                    "id": step["id"],
                    "kind": step["kind"],
                    "status": status,
                    "at": AT,
                    "operator": draw(texts),
                    "duration": 0.5,
                    "output": draw(texts),
                    "command": draw(texts),
                    "exit_code": 0 if status == "passed" else 3,
                    "reason": draw(texts),
                }
            )
    return records, ids


def shown(text: str) -> str:
    """How a report or a page shows log text: on one line (line endings as spaces),
    control characters as ``\\xNN``, whitespace collapsed."""
    text = text.replace("\r\n", " ").replace("\r", " ").replace("\n", " ")
    return " ".join(re.sub(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]", lambda m: f"\\x{ord(m.group()):02x}", text).split())
