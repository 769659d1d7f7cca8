"""``preflight lock``: record the sha256 of every file each step references (for PF502)."""

from __future__ import annotations

import sys

import click

from ..engine.source import read_regular
from ..model import Block, Item
from ..rules.context import RuleContext
from ..rules.freshness import step_references
from ..rules.lockfile import MISSING, Lock, read_lock, render_lock
from .common import PathArg, State, UsageProblem, checklist_files, command_line, pass_state
from .progress import FileProgress


@click.command("lock")
@click.argument("paths", nargs=-1, type=PathArg())
@click.option("--check", is_flag=True, help="Write nothing; exit 1 when the lock file is not up to date.")
@pass_state
def lock_command(state: State, paths: tuple[str, ...], check: bool) -> None:
    """Record that the steps were reviewed against the files they reference.

    Writes `preflight.lock` (option `lock_file`): for every step (item or block), the
    sha256 of each repository file it references (scripts it invokes, paths and links it
    names). From then on `preflight check` reports each step whose files change (PF502),
    until someone reviews the step and runs `preflight lock` again. With PATHS, only
    those checklists' entries are renewed; the others are kept.

    \b
    Examples:
      preflight lock                         after reviewing every step
      preflight lock checklists/deploy.md    after reviewing one checklist
      preflight lock --check                 in CI: exit 1 when the lock is stale
    """
    project = state.project
    files = checklist_files(state, paths)
    lock_path = project.root / str(state.settings.values["lock_file"])
    ctx = RuleContext(project)
    entries: list[tuple[str, str, str]] = []
    stems: set[str] = set()
    where: dict[str, tuple[str, int, int]] = {}
    with FileProgress(sys.stderr, "reading", "checklists") as progress:
        for file in progress.each(files):
            checklist = project.parse(file)
            stems.add(checklist.stem)
            located: list[Item | Block] = [*checklist.items, *checklist.blocks]
            for element in located:
                where[checklist.global_id(element.id)] = (checklist.path, element.line, element.col)
            for step_id, refs in step_references(checklist, ctx).items():
                for relpath in refs:
                    entries.append((checklist.global_id(step_id), relpath, ctx.sha256(relpath) or MISSING))
    old = read_lock(lock_path)
    if old is not None and paths:
        for step, locked in old.steps.items():
            if step.split("#", 1)[0] not in stems:
                entries.extend((step, file, digest) for file, digests in locked.items() for digest in digests)
    text = render_lock(entries)
    try:
        current = read_regular(lock_path).decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except (OSError, UnicodeDecodeError):
        current = None
    shown = project.relative(lock_path)
    if check:
        if current != text:
            for line in _differences(old, entries, where, shown):
                click.echo(f"preflight: stale: {line}", err=True)
            click.echo(
                f"{shown} is not up to date: review the steps above, then run `{command_line(state, ['lock'], paths)}`",
                err=True,
            )
            raise SystemExit(1)
        click.echo(f"{shown} is up to date")
        return
    if current == text:
        click.echo(f"{shown} is up to date ({_count(len({e[0] for e in entries}), 'step')})")
        return
    try:
        from ..pin import write_atomic

        lock_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(lock_path, text.encode("utf-8"), within=project.root)
    except OSError as exc:
        raise UsageProblem(f"{shown}: cannot write: {exc.strerror}") from None
    steps = len({e[0] for e in entries})
    click.echo(f"wrote {shown}: {_count(len(entries), 'reference')} of {_count(steps, 'step')}")


def _differences(
    old: Lock | None, entries: list[tuple[str, str, str]], where: dict[str, tuple[str, int, int]], shown: str
) -> list[str]:
    """What ``lock --check`` found out of date, one line each, for the reviewer.

    ``preflight check`` is silent about steps and references the lock does not have yet
    and about entries whose step is gone (an ID changed), so these lines are the only
    place that says which steps the new lock would record as reviewed.
    """
    locked = {
        (step, file): digests for step, files in (old.steps if old else {}).items() for file, digests in files.items()
    }
    now = {(step, file): digest for step, file, digest in entries}
    lines: list[str] = []
    for (step, file), digest in sorted(
        now.items(), key=lambda entry: (where.get(entry[0][0], (shown, 0, 0)), entry[0])
    ):
        path, line, col = where.get(step, (shown, 0, 0))
        label = f"{path}:{line}:{col}: step `{step.split('#', 1)[1]}`"
        if (step, file) not in locked:
            lines.append(f"{label} references {file}, not in the lock yet")
        elif digest not in locked[step, file]:
            lines.append(f"{label} references {file}, changed since `preflight lock`")
    for step, file in sorted(locked.keys() - now.keys()):
        lines.append(f"{shown}: `{step}` no longer references {file} (the step, its ID or its text changed)")
    if not lines:
        lines.append(f"{shown} is not written as `preflight lock` writes it (hand edits, merged lines)")
    return lines


def _count(number: int, noun: str) -> str:
    """``1 step``, ``2 steps``."""
    return f"{number} {noun}{'' if number == 1 else 's'}"
