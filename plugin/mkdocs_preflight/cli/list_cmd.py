"""``preflight list``: checklists, sections, items with IDs and progress."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..engine import Project
from ..engine.gc_pause import paused_gc
from ..model import Checklist
from ..printable import printable
from ..serialize import VERSION, checklist_dict, definition_dict
from .common import PathArg, State, checklist_files, pass_state
from .progress import FileProgress


def _percent(done: int, total: int) -> str:
    return f"{(100 * done // total) if total else 100}%"


def render_text(checklist: Checklist, *, show_blocks: bool = True) -> str:
    """A checklist as an indented outline: sections, items with IDs, runnable blocks."""
    out = [
        f"{checklist.path}: {checklist.title} "
        f"[{checklist.done}/{len(checklist.items)} done, {_percent(checklist.done, len(checklist.items))}]"
    ]
    section_of_line: dict[int, str] = {}
    for section in checklist.sections:
        section_of_line[section.line] = "  " * section.level + f"{'#' * section.level} {section.title}"
    events: list[tuple[int, int, str]] = [(line, 0, text) for line, text in section_of_line.items()]
    width = max((len(item.id) + 2 * item.depth for item in checklist.items), default=0)
    for item in checklist.items:
        item_section = checklist.section_of(item.section)
        indent = "  " * ((item_section.level if item_section else 0) + 1 + item.depth)
        box = "[x]" if item.checked else "[ ]"
        label = item.id.ljust(width - 2 * item.depth)
        reqs = f"  ({', '.join(item.requirements)})" if item.requirements else ""
        events.append((item.line, 1, f"{indent}{box} {label}  {item.text}{reqs}"))
    if show_blocks:
        for block in checklist.blocks:
            if not (block.runnable or block.manual):
                continue
            block_section = checklist.section_of(block.section)
            depth = 0
            owner = checklist.item(block.item) if block.item else None
            if owner is not None:
                depth = owner.depth + 1
            indent = "  " * ((block_section.level if block_section else 0) + 1 + depth)
            kind = (
                "manual"
                if block.manual
                else f"{block.lang}, {len(block.commands)} command" + ("s" if len(block.commands) != 1 else "")
            )
            events.append((block.line, 2, f"{indent}> {block.id} ({kind}, line {block.line})"))
    events.sort()
    out.extend(text for _, _, text in events)
    return "\n".join(out) + "\n"


@click.command("list")
@click.argument("paths", nargs=-1, type=PathArg())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="text: an outline per checklist; json: the versioned contract (docs: JSON output).",
)
@click.option("--no-blocks", is_flag=True, help="Leave runnable blocks out of the text outline.")
@pass_state
def list_command(state: State, paths: tuple[str, ...], fmt: str, no_blocks: bool) -> None:
    """List checklists with their sections, items, IDs and progress.

    PATHS are checklist files or folders; by default every checklist under
    `checklists_dir`.

    \b
    Examples:
      preflight list
      preflight list checklists/release.md
      preflight list --format json | jq '.checklists[].items[] | select(.checked | not) | .id'
    """
    files = checklist_files(state, paths)
    with paused_gc(len(files)):
        _list(state.project, files, fmt, no_blocks)


def _list(project: Project, files: list[Path], fmt: str, no_blocks: bool) -> None:
    write = sys.stdout.write
    if fmt == "json":
        write(f'{{"version": {VERSION}, "checklists": [')
        with FileProgress(sys.stderr, "listing", "checklists", streaming=sys.stdout) as progress:
            for number, file in enumerate(progress.each(files)):
                write(",\n" if number else "\n")
                write(json.dumps(checklist_dict(project.parse(file)), ensure_ascii=False))
        # The registry's requirements, which no checklist holds: with each checklist's
        # `requirements`, what the requirements page of the site is built from.
        registry = project.settings.values.get("registry")
        data = {
            "path": project.relative(project.settings.path(registry)) if registry else None,
            "defined": [definition_dict(d) for d in project.registry],
        }
        write(f'\n], "registry": {json.dumps(data, ensure_ascii=False)}}}\n')
        return
    with FileProgress(sys.stderr, "listing", "checklists", streaming=sys.stdout) as progress:
        for number, file in enumerate(progress.each(files)):
            if number:
                write("\n")
            write(printable(render_text(project.parse(file), show_blocks=not no_blocks)))
