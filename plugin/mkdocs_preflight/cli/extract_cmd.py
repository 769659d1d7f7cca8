"""``preflight extract``: the runnable blocks of checklists, as text, JSON or scripts."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import click

from ..engine.gc_pause import paused_gc
from ..extract import (
    GENERATED_MARK,
    Selection,
    SelectionNames,
    render_sh,
    runnable_code,
    script_base,
    script_blocks,
    script_name,
    select,
)
from ..model import Block, Checklist
from ..pin import write_atomic
from ..printable import printable
from ..serialize import VERSION, block_dict
from .common import (
    PathArg,
    State,
    UsageProblem,
    checklist_files,
    command_line,
    make_folder,
    note_nothing_selected,
    pass_state,
    refuse_checklist_errors,
)
from .progress import FileProgress

_SPOOL_BYTES = 8 << 20
"""Output kept in memory before it spills to a temporary file."""


def _config_name(state: State) -> str | None:
    """The configuration file a generated script looks for to find the repository root."""
    config = state.settings.config_file
    return config.name if config is not None else None


@click.command("extract")
@click.argument("paths", nargs=-1, type=PathArg())
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "sh"]),
    default="text",
    show_default=True,
    help="text: blocks with their place; json: the versioned contract; sh: one script per checklist.",
)
@click.option(
    "--item", "items", multiple=True, metavar="ID", help="Only this item (and its sub-items) or block. Repeatable."
)
@click.option(
    "--section",
    "sections",
    multiple=True,
    metavar="TITLE",
    help="Only this section (title in any case, or slug; subsections included). Repeatable.",
)
@click.option(
    "--lang",
    "langs",
    multiple=True,
    metavar="LANG",
    help="Only blocks in this language (bash, console...). Repeatable.",
)
@click.option(
    "--requirement",
    "requirements",
    multiple=True,
    metavar="ID",
    help="Only blocks tied to this requirement. Repeatable.",
)
@click.option("--inline", is_flag=True, help="Also extract inline command spans of items (`make deploy`).")
@click.option(
    "--out",
    "out",
    type=PathArg(file_okay=False, path_type=Path),
    help="Write one file per checklist into this folder.",
)
@click.option(
    "--check", is_flag=True, help="With --out: write nothing; exit 1 when a file in the folder is stale or missing."
)
@pass_state
def extract_command(
    state: State,
    paths: tuple[str, ...],
    fmt: str,
    items: tuple[str, ...],
    sections: tuple[str, ...],
    langs: tuple[str, ...],
    requirements: tuple[str, ...],
    inline: bool,
    out: Path | None,
    check: bool,
) -> None:
    """Extract the runnable command blocks of checklists.

    Runnable blocks are fenced blocks in bash, sh, shell, zsh or console (only the
    `$ ` lines of console blocks) that hold at least one command. Nothing is run.

    A checklist with errors from the parser (duplicate IDs, invalid front matter, an
    unclosed fence that hides items) is refused as `preflight run` refuses it: exit 2,
    and nothing is written, in any format (`preflight check` lists the problems).

    A script (`--format sh`) runs its steps like `preflight run --yes`: in the
    repository root, which it finds at run time (PREFLIGHT_ROOT, else the nearest
    folder with mkdocs.yml above the script, else above the current folder), or in
    the step's cwd; with the front matter's run.env and run.shell; with time limits
    only where coreutils `timeout` is installed. Manual steps (run=manual and
    comment-only blocks) are shown, not run. Its header says what it does not do.

    \b
    Examples:
      preflight extract                                  list the blocks
      preflight extract --format sh > deploy.sh          one script per checklist, concatenated
      preflight extract --format sh --out scripts/generated
      preflight extract --format sh --out scripts/generated --check   (in CI: exit 1 when stale)
      preflight extract --section rollback --format json   a section, by slug or title (any case)
    """
    if check and out is None:
        raise UsageProblem("--check needs --out DIR (the folder of generated scripts to compare)")
    if out is not None and fmt != "sh":
        raise UsageProblem("--out writes scripts: use it with --format sh")
    if inline and state.settings.values.get("inline_commands") == "off":
        raise UsageProblem("--inline is turned off by `inline_commands: off` in mkdocs.yml")
    selection = Selection(items=items, sections=sections, langs=langs, requirements=requirements, inline=inline)
    project = state.project
    files = checklist_files(state, paths)

    def parse(file: Path) -> Checklist:
        # Like `preflight run`: a checklist with parser errors (a fence that swallows the
        # items after it, say) would turn Markdown into commands, so nothing is extracted.
        checklist = project.parse(file)
        refuse_checklist_errors(checklist, "extracting")
        return checklist

    filtered = bool(items or sections or langs or requirements)
    # The names a filter may use are gathered on the one pass over the checklists.
    names = SelectionNames(selection) if filtered else None
    picked_any = False

    def chosen() -> Iterator[tuple[Checklist, list[Block]]]:
        nonlocal picked_any
        # One checklist at a time: memory stays bounded by the largest file.
        # Nothing is printed before every checklist is read: the line is gone by then.
        with paused_gc(len(files)), FileProgress(sys.stderr, "reading", "checklists") as progress:
            for file in progress.each(files):
                checklist = parse(file)
                if names is not None:
                    names.add(checklist)
                # A script shows its manual steps too; text and JSON list runnable blocks only.
                blocks = (script_blocks if fmt == "sh" else select)(checklist, selection)
                picked_any = picked_any or bool(blocks)
                yield checklist, blocks
        if names is not None:
            # Every checklist is read and nothing is printed or written yet (the callers
            # read them all first): a typo in a filter is an error, not an empty extract.
            from ..runner.plan import SelectionError

            try:
                names.verify()
            except SelectionError as exc:
                raise UsageProblem(str(exc)) from None

    if out is not None:
        # What to run when scripts are stale: this very command, writing this time.
        words = ["extract", "--format", "sh", "--out", str(out)]
        for option, values in (("--item", items), ("--section", sections), ("--lang", langs)):
            words += [word for value in values for word in (option, value)]
        words += [word for value in requirements for word in ("--requirement", value)]
        words += ["--inline"] if inline else []
        rerun = command_line(state, words, paths)
        _write_scripts(state, chosen(), out, check, _scope(state, paths, files), rerun)
    else:
        # Held back until every checklist has passed `parse`: a refusal leaves no partial
        # output behind (a script cut short would still run). On disk past a few MB.
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES, mode="w+", encoding="utf-8") as spool:
            _render(state, chosen(), fmt, spool.write)
            spool.seek(0)
            shutil.copyfileobj(spool, sys.stdout)
    if filtered and not picked_any:
        note_nothing_selected("runnable block")


def _render(
    state: State, chosen: Iterable[tuple[Checklist, list[Block]]], fmt: str, write: Callable[[str], object]
) -> None:
    """Write the chosen blocks in ``fmt`` (``text``, ``json`` or ``sh``) through ``write``."""
    if fmt == "json":
        write(f'{{"version": {VERSION}, "blocks": [')
        first = True
        for checklist, picked in chosen:
            for block in picked:
                write("\n" if first else ",\n")
                write(json.dumps(block_dict(checklist, block, with_path=True), ensure_ascii=False))
                first = False
        write("\n]}\n")
    elif fmt == "sh":
        first = True
        for checklist, picked in chosen:
            if picked:
                write(("" if first else "\n") + render_sh(checklist, picked, config_name=_config_name(state)))
                first = False
    else:
        for checklist, picked in chosen:
            for block in picked:
                owner = f" [item: {block.item}]" if block.item else ""
                write(printable(f"{checklist.path}:{block.line}: {block.id} ({block.lang}){owner}\n"))
                for line in runnable_code(block).rstrip("\n").split("\n"):
                    write(printable(f"    {line}") + "\n")


def _scope(state: State, paths: tuple[str, ...], files: list[Path]) -> Callable[[str], bool] | None:
    """Which checklists' scripts a run with ``paths`` answers for (``None``: every one).

    A script in ``--out`` that no chosen checklist produces is removed (or stale) only
    when its checklist was among those looked at: ``extract --out DIR checklists/a.md``
    leaves ``b.sh`` alone. A checklist deleted from a folder given as a path counts.
    """
    if not paths:
        return None
    project = state.project
    chosen = {project.relative(file) for file in files}
    folders = [project.relative(Path(value).absolute()) + "/" for value in paths if Path(value).is_dir()]
    return lambda source: source in chosen or any(f == "./" or source.startswith(f) for f in folders)


def _script_source(text: str) -> str | None:
    """The checklist a generated script names in its header, if it names one."""
    for line in text.splitlines()[:3]:
        if line.startswith(f"{GENERATED_MARK} from ") and line.endswith(": do not edit."):
            return line[len(f"{GENERATED_MARK} from ") : -len(": do not edit.")]
    return None


def _write_scripts(
    state: State,
    chosen: Iterable[tuple[Checklist, list[Block]]],
    out: Path,
    check: bool,
    scope: Callable[[str], bool] | None = None,
    rerun: str = "preflight extract --format sh --out DIR",
) -> None:
    base = script_base(state.project)
    expected: dict[Path, str] = {}
    sources: dict[Path, str] = {}
    # Every checklist is read before anything is written: a refusal (parser errors, a
    # filter that names nothing) leaves the folder as it was.
    for checklist, picked in chosen:
        if picked:
            target = out / script_name(checklist, base)
            expected[target] = render_sh(checklist, picked, config_name=_config_name(state))
            sources[target] = checklist.path
    existing: set[Path] = set()
    for p in out.rglob("*.sh") if out.is_dir() else ():
        text = p.read_text(encoding="utf-8", errors="replace") if p.is_file() else ""
        if GENERATED_MARK in text:
            source = _script_source(text)
            if scope is None or (source is not None and scope(source)):
                existing.add(p)
    stale: list[str] = []
    changed = 0
    for target, content in sorted(expected.items()):
        current = target.read_text(encoding="utf-8", errors="replace") if target.is_file() else None
        if current == content:
            continue
        if check:
            why = "missing" if current is None else "differs from"
            stale.append(
                f"{target}: {why} {sources[target]}"
                if current is not None
                else f"{target}: missing (from {sources[target]})"
            )
            continue
        try:
            make_folder(target.parent)
            write_atomic(target, content.encode("utf-8"), within=out)
            target.chmod(0o755)
        except OSError as exc:
            raise UsageProblem(f"{target}: cannot write: {exc.strerror}") from None
        click.echo(f"wrote {target}")
        changed += 1
    for orphan in sorted(existing - set(expected)):
        if check:
            stale.append(f"{orphan}: no checklist produces it any more")
        else:
            try:
                orphan.unlink()
            except OSError as exc:
                raise UsageProblem(f"{orphan}: cannot remove: {exc.strerror}") from None
            click.echo(f"removed {orphan}")
            changed += 1
    if stale:
        for line in stale:
            click.echo(f"preflight: stale: {line}", err=True)
        click.echo(
            f"{len(stale)} generated script{'s are' if len(stale) != 1 else ' is'} stale; run: {rerun}",
            err=True,
        )
        raise SystemExit(1)
    if not expected and not changed and not check:
        # Said, not silent: an empty folder is not even created (git would not keep it).
        click.echo(f"no runnable block: no script to write in {out}")
    elif check or not changed:
        click.echo(f"{len(expected)} generated script{'s' if len(expected) != 1 else ''} up to date")
