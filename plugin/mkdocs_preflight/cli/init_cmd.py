"""``preflight init``: set a repository up for a runbook site and a CI check."""

from __future__ import annotations

import os
import shlex
import sys
from pathlib import Path

import click

from ..scaffold import Plan, ScaffoldError, apply, plan
from .common import PathArg, UsageProblem

_VERBS = {"create": "created", "overwrite": "overwrote", "update": "updated", "keep": "kept"}

_MANUAL = """\
{config}: not changed: {reason}.
Add the plugin to it by hand, as one more entry of its plugins list:

    plugins:
      - search        # and your other plugins
      - preflight
"""


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when that is shorter, for messages."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
    return relative if len(relative) < len(str(path)) else str(path)


def _next_steps(result: Plan) -> str:
    example = (Path(result.checklists_dir) / "example.md").as_posix()
    lines = ["", "Next steps:"]
    if result.root.resolve() != Path.cwd().resolve():
        lines.append(f"  cd {shlex.quote(_shown(result.root))}")
    width = len(f"preflight run --dry-run {example}")
    for command, comment in (
        ("mkdocs serve", "the site, at http://127.0.0.1:8000/"),
        ("preflight check", "validate the checklists (the CI check)"),
        (f"preflight run --dry-run {example}", "what a run would do"),
    ):
        lines.append(f"  {command.ljust(width)}  # {comment}")
    return "\n".join(lines)


@click.command("init")
@click.argument("directory", default=".", type=PathArg(path_type=Path))
@click.option("--site-name", metavar="NAME", help="site_name of a new mkdocs.yml [default: the folder's name].")
@click.option("--force", is_flag=True, help="Overwrite the example checklist if it exists.")
def init_command(directory: Path, site_name: str | None, force: bool) -> None:
    """Set up DIRECTORY (default: the current folder) for preflight.

    \b
    Writes, in DIRECTORY:
      mkdocs.yml             mkdocs-material, the search and preflight plugins,
                             the Markdown extensions checklists use
      docs/index.md          a start page, if the docs folder is missing or empty
      checklists/example.md  an example checklist that shows every feature

    If an mkdocs.yml (or mkdocs.yaml, properdocs.yml, properdocs.yaml) exists, only the preflight
    plugin is added to its plugins list; its content and comments stay as they
    are. A plugin that comes from a file named by `INHERIT:` counts, and its
    checklists_dir is used. When the file cannot be edited safely (a multi-line
    flow list, `INHERIT:` without the plugin), init says what to add by hand and
    exits with 1. No file is overwritten, except the example checklist with --force.

    \b
    Examples:
      preflight init
      preflight init my-runbooks --site-name "Operations runbooks"
      mkdocs serve        # then open http://127.0.0.1:8000/
    """
    if directory.exists() and not directory.is_dir():
        raise UsageProblem(f"{directory}: not a folder")
    try:
        result = plan(directory, site_name=site_name, force=force)
        directory.mkdir(parents=True, exist_ok=True)
        apply(result)
    except ScaffoldError as exc:
        raise UsageProblem(str(exc)) from None
    except OSError as exc:
        raise UsageProblem(f"{exc.filename or directory}: {exc.strerror}") from None
    for action in result.actions:
        if action.verb in _VERBS:
            click.echo(f"{_VERBS[action.verb]:<10} {_shown(action.path)}  ({action.note})")
    manual = result.manual
    if manual is not None:
        click.echo(_MANUAL.format(config=_shown(manual.path), reason=manual.note), err=True, nl=False)
        sys.exit(1)
    if result.missing_extensions:
        click.echo(
            f"note: {_shown(result.config)} does not enable {', '.join(result.missing_extensions)}; the example's "
            "code blocks and tips render as plain text without them. Add them to markdown_extensions "
            "(init leaves that to you: they can change how your other pages render).",
            err=True,
        )
    click.echo(_next_steps(result))
