"""The ``preflight`` command line: a click group whose subcommands load on demand.

Each subcommand lives in its own module and is imported only when it runs, so
``preflight check`` never pays for the runner, and nothing here imports MkDocs.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import click

from .. import __version__
from .common import State

COMMANDS: dict[str, str] = {
    "list": "mkdocs_preflight.cli.list_cmd:list_command",
    "extract": "mkdocs_preflight.cli.extract_cmd:extract_command",
    "ids": "mkdocs_preflight.cli.ids_cmd:ids_command",
}
"""Subcommand name → ``module:attribute`` of its click command."""


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand is used."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = target.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "-V", "--version", prog_name="preflight")
@click.option(
    "-f",
    "--config-file",
    type=click.Path(dir_okay=False, path_type=Path),
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

    Exit codes: 0 success, 1 findings (or a failed step), 2 usage or configuration error.
    """
    ctx.obj = State(config_file)
