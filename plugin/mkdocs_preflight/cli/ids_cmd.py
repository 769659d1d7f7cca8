"""``preflight ids``: show item and block IDs; pin them into the sources."""

from __future__ import annotations

import sys

import click

from ..model import Item
from ..pin import pin, write_atomic
from ..printable import printable
from .common import PathArg, State, UsageProblem, checklist_files, command_line, pass_state
from .progress import FileProgress


@click.command("ids")
@click.argument("paths", nargs=-1, type=PathArg())
@click.option(
    "--write", is_flag=True, help="Pin every automatic ID into its source file; exit 1 if some cannot be pinned."
)
@click.option("--check", is_flag=True, help="Exit 1 when some ID is automatic (not pinned); CI can require pinned IDs.")
@pass_state
def ids_command(state: State, paths: tuple[str, ...], write: bool, check: bool) -> None:
    """Show the ID of every item and runnable block, and whether it is pinned.

    Automatic IDs come from the item's text (and its section, on collisions), so they
    change when the text changes. Pinning writes them into the source, as
    `{ #id }` at the end of an item's text (on its last line when it is wrapped)
    and as `{ #id }` (or `id=`) in a fence header; after that, editing the text
    keeps the ID, so links, browser state and run logs keep pointing at the same
    step. Running `--write` twice changes nothing the second time. An ID that
    `--write` cannot pin is reported with what to do instead, and the exit
    status is 1 (`--check` reports it the same way).

    \b
    Examples:
      preflight ids                     list IDs (auto or pinned)
      preflight ids --write             pin all automatic IDs
      preflight ids --check             fail when an ID is not pinned
    """
    project = state.project
    unpinned = 0
    stuck: list[str] = []
    """What ``--write`` cannot pin, with what to do instead."""
    files = checklist_files(state, paths)
    # The IDs stream out as they are read: the line shows only while they are redirected.
    with FileProgress(sys.stderr, "reading", "checklists", streaming=sys.stdout) as progress:
        for file in progress.each(files):
            checklist = project.parse(file)
            if write or check:
                automatic = any(not i.explicit_id for i in checklist.items) or any(
                    not b.explicit_id and (b.runnable or b.manual) for b in checklist.blocks
                )
                result = pin(file.read_bytes(), checklist, project.matcher) if automatic else None
                if result is not None:
                    stuck.extend(
                        f"{checklist.path}:{line}: not pinned: {ident}: {why}" for ident, line, why in result.skipped
                    )
                if write:
                    if result is not None and result.pinned:
                        try:
                            write_atomic(file, result.data)
                        except OSError as exc:
                            raise UsageProblem(f"{checklist.path}: cannot write: {exc.strerror or exc}") from None
                        count = len(result.pinned)
                        click.echo(printable(f"{checklist.path}: pinned {count} ID{'s' if count != 1 else ''}"))
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
                click.echo(
                    printable(f"{checklist.path}:{step.line}: {kind} {step.id} ({'pinned' if pinned else 'auto'})")
                )
    for message in stuck:
        click.echo(printable(message), err=True)
    if write and stuck:
        raise SystemExit(1)
    if check and unpinned:
        writable = unpinned - len(stuck)
        if writable:
            click.echo(
                f"{writable} ID{'s are' if writable != 1 else ' is'} not pinned; "
                f"run: {command_line(state, ['ids', '--write'], paths)}",
                err=True,
            )
        if stuck:
            click.echo(
                f"{len(stuck)} ID{'s' if len(stuck) != 1 else ''} cannot be pinned by preflight ids --write: "
                "see above for what to do instead",
                err=True,
            )
        raise SystemExit(1)
