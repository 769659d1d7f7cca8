"""``preflight ids``: show item and block IDs; pin them into the sources."""

from __future__ import annotations

import click

from ..model import Item
from ..pin import pin, write_atomic
from .common import State, checklist_files, pass_state


@click.command("ids")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--write", is_flag=True, help="Pin every automatic ID into its source file.")
@click.option("--check", is_flag=True, help="Exit 1 when some ID is automatic (not pinned); CI can require pinned IDs.")
@pass_state
def ids_command(state: State, paths: tuple[str, ...], write: bool, check: bool) -> None:
    """Show the ID of every item and runnable block, and whether it is pinned.

    Automatic IDs come from the item's text (and its section, on collisions), so they
    change when the text changes. Pinning writes them into the source, as
    `{ #id }` at the end of an item's first line and as `{ #id }` (or `id=`) in a
    fence header; after that, editing the text keeps the ID, so links, browser
    state and run logs keep pointing at the same step. Running `--write` twice
    changes nothing the second time.

    \b
    Examples:
      preflight ids                     list IDs (auto or pinned)
      preflight ids --write             pin all automatic IDs
      preflight ids --check             fail when an ID is not pinned
    """
    project = state.project
    unpinned = 0
    for file in checklist_files(state, paths):
        checklist = project.parse(file)
        if write:
            data = file.read_bytes()
            result = pin(data, checklist, project.matcher)
            for ident, line, why in result.skipped:
                click.echo(f"{checklist.path}:{line}: not pinned: {ident}: {why}", err=True)
            if result.pinned:
                write_atomic(file, result.data)
                click.echo(f"{checklist.path}: pinned {len(result.pinned)} ID{'s' if len(result.pinned) != 1 else ''}")
            continue
        for step in checklist.steps():
            if isinstance(step, Item):
                kind = "item"
            elif step.runnable or step.manual:
                kind = "block"
            else:
                continue
            pinned = step.explicit_id
            unpinned += not pinned
            click.echo(f"{checklist.path}:{step.line}: {kind} {step.id} ({'pinned' if pinned else 'auto'})")
    if check and unpinned:
        click.echo(
            f"{unpinned} ID{'s are' if unpinned != 1 else ' is'} not pinned; run: preflight ids --write", err=True
        )
        raise SystemExit(1)
