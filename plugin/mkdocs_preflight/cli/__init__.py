"""The ``preflight`` command line: a click group whose subcommands load on demand.

Each subcommand lives in its own module and is imported only when it runs, so
``preflight check`` never pays for the runner, and nothing here imports MkDocs.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from .. import __version__
from .common import PathArg, State, UsageProblem

COMMANDS: dict[str, str] = {
    "list": "mkdocs_preflight.cli.list_cmd:list_command",
    "extract": "mkdocs_preflight.cli.extract_cmd:extract_command",
    "ids": "mkdocs_preflight.cli.ids_cmd:ids_command",
    "check": "mkdocs_preflight.cli.check_cmd:check_command",
    "rules": "mkdocs_preflight.cli.rules_cmd:rules_command",
    "lock": "mkdocs_preflight.cli.lock_cmd:lock_command",
    "run": "mkdocs_preflight.cli.run_cmd:run_command",
    "report": "mkdocs_preflight.cli.report_cmd:report_command",
    "init": "mkdocs_preflight.cli.init_cmd:init_command",
}
"""Subcommand name → ``module:attribute`` of its click command."""


def _module_exists(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand is used, and
    reports bad command lines in one line, like every other error."""

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        with _one_line_usage_errors():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with _one_line_usage_errors():  # the subcommand's options are parsed in here
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt:
                # click would print "Aborted!" and exit 1, the code of findings.
                interrupted()

    def list_commands(self, ctx: click.Context) -> list[str]:
        available = {name for name, target in COMMANDS.items() if _module_exists(target.partition(":")[0])}
        return sorted({*super().list_commands(ctx), *available})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None or not _module_exists(target.partition(":")[0]):
            return super().get_command(ctx, cmd_name)
        module, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


def interrupted() -> NoReturn:
    """Ctrl-C: say so in one line and exit 130 (128 + SIGINT), as `preflight run` does."""
    click.echo("\npreflight: interrupted", err=True)
    raise SystemExit(130)


@contextmanager
def _one_line_usage_errors() -> Iterator[None]:
    """click's usage errors as ``preflight: error: <what> (see 'preflight run --help')``."""
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise  # a bare `preflight`: the help is the answer
    except click.UsageError as exc:
        where = f" (see '{exc.ctx.command_path} --help')" if exc.ctx is not None else ""
        raise UsageProblem(exc.format_message() + where) from None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="preflight")
@click.option(
    "-f",
    "--config-file",
    type=PathArg(dir_okay=False, path_type=Path),
    envvar="PREFLIGHT_CONFIG",
    help="The mkdocs.yml whose `preflight` plugin entry holds the options "
    "[default: the nearest mkdocs.yml above the current folder; defaults if none].",
)
@click.pass_context
def main(ctx: click.Context, config_file: Path | None) -> None:
    """Executable checklists for MkDocs.

    Preflight reads the Markdown checklists of a repository (every *.md under
    `checklists_dir`, default `checklists/`) and lists, extracts, checks and runs them.

    \b
    Typical use:
      preflight list                      items, IDs and progress of every checklist
      preflight extract --format sh       the commands as a runnable script
      preflight check                     validate the checklists against the repository
      preflight run checklists/deploy.md  execute a checklist step by step, with a run log

    Exit codes: 0 success, 1 findings (or a failed step), 2 usage or configuration error,
    no checklist found, or a filter that names nothing (filters that together select
    nothing print a note and exit 0), 130 interrupted (Ctrl-C).
    """
    ctx.obj = State(config_file)
