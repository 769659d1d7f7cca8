"""What every subcommand shares: the project, errors as one line, JSON output."""

from __future__ import annotations

import errno
import json
import os
import shlex
import sys
from collections.abc import Callable
from functools import update_wrapper
from pathlib import Path
from typing import Any, TypeVar, cast

import click

from .. import startup
from ..config import ConfigError, Settings, load_settings
from ..engine import Project
from ..model import Checklist, Level
from ..printable import printable

F = TypeVar("F", bound=Callable[..., Any])


class UsageProblem(click.ClickException):
    """Bad input or configuration: one line on stderr, exit code 2."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(printable(f"preflight: error: {self.format_message()}"), err=True)


class PathArg(click.Path):
    """A path option or argument that refuses an empty one.

    ``preflight check "$FILE"`` with ``FILE`` unset passes ``''``, which Python reads as
    the current folder: the command would quietly work on everything there instead.
    """

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, str) and not value:
            self.fail("an empty path names nothing (is a shell variable empty?)", param, ctx)
        return super().convert(value, param, ctx)


class State:
    """The group's options, and the project loaded from them on first use."""

    def __init__(self, config_file: Path | None) -> None:
        self.config_file = config_file
        self._project: Project | None = None

    @property
    def settings(self) -> Settings:
        """The validated options (loading them if needed)."""
        return self.project.settings

    @property
    def project(self) -> Project:
        """The project (``mkdocs.yml`` read once, leniently, without MkDocs)."""
        if self._project is None:
            try:
                settings = load_settings(self.config_file)
                self._project = Project(settings)
            except ConfigError as exc:
                raise UsageProblem(str(exc)) from None
            for warning in settings.warnings:
                click.echo(f"preflight: warning: {warning}", err=True)
        return self._project


def pass_state(function: F) -> F:
    """Pass the :class:`State` of the ``preflight`` group as the first argument.

    The command also takes ``-f/--config-file`` after its name (``preflight check -f
    site/mkdocs.yml``), where the group's option cannot go: pre-commit appends a hook's
    ``args`` to its ``entry``, ``preflight check``.
    """

    @click.pass_context
    def wrapper(ctx: click.Context, /, *args: Any, config_file: Path | None = None, **kwargs: Any) -> Any:
        startup.resume()
        state = ctx.find_object(State)
        if state is None:  # a command invoked on its own (tests, other groups)
            state = State(None)
        if config_file is not None:
            state.config_file = config_file
        return ctx.invoke(function, state, *args, **kwargs)

    option = click.option(
        "-f",
        "--config-file",
        "config_file",
        type=PathArg(dir_okay=False, path_type=Path),
        help="The mkdocs.yml to read the options from, as `preflight -f FILE` (given here, it wins).",
    )
    return cast(F, option(update_wrapper(wrapper, function)))


def command_line(state: State, words: list[str], paths: tuple[str, ...] = ()) -> str:
    """The ``preflight`` command to suggest, as the user would type it in a shell: with
    the ``-f`` they gave and their ``paths``, every word quoted where the shell needs it."""
    argv = ["preflight"]
    if state.config_file is not None:
        argv += ["-f", str(state.config_file)]
    argv += words
    if any(path.startswith("-") for path in paths):
        argv.append("--")  # a path such as `-notes.md` is not an option
    argv += paths
    return shlex.join(argv)


def checklist_files(state: State, paths: tuple[str, ...]) -> list[Path]:
    """The files to work on. A path that does not exist, or no checklist at all (in the
    paths or in ``checklists_dir``), is a usage error: every command treats it alike."""
    for value in paths:
        if not Path(value).exists():
            raise UsageProblem(f"{value}: no such file or folder")
    files = state.project.files(paths)
    if not files and not paths:
        globs = ", ".join(state.settings.checklist_globs)
        raise UsageProblem(f"no checklists found in {globs} (set `checklists_dir` in mkdocs.yml or pass paths)")
    if not files:
        raise UsageProblem(f"no checklists (*.md files) found in {', '.join(paths)}")
    return files


def refuse_checklist_errors(checklist: Checklist, doing: str) -> None:
    """Refuse a checklist the parser found errors in (PF101, PF105, PF107...), in one line.

    Its steps cannot be trusted: a fence that is never closed reads the items after it
    as code. ``doing`` ends the message: ``fix it before running``.
    """
    errors = [d for d in checklist.diagnostics if d.level is Level.ERROR]
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more; see `preflight check`)" if len(errors) > 1 else ""
        raise UsageProblem(f"{first.path}:{first.line}: {first.message} [{first.code}]{more}; fix it before {doing}")


def make_folder(folder: Path) -> None:
    """``mkdir -p folder``, where a file in the way fails as "Not a directory".

    ``mkdir`` says "File exists" when ``folder`` itself is a file, which reads as if
    the folder were there; writing below it fails with ENOTDIR, the real cause.
    """
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(folder)) from None


def note_nothing_selected(what: str) -> None:
    """Filters that each name something but together select nothing: not an error, but say so."""
    click.echo(f"preflight: note: the filters select no {what}", err=True)


def echo_json(data: Any) -> None:
    """Print one JSON document (UTF-8, stable key order as given)."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
    sys.stdout.write("\n")
