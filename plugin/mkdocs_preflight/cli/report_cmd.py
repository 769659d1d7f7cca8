"""``preflight report``: a run log as text, a Markdown sign-off record, JSON or JUnit."""

from __future__ import annotations

from pathlib import Path

import click

from ..runner.logs import LogError, read_log
from ..runner.report import FORMATS, render
from .common import PathArg, UsageProblem, make_folder


@click.command("report")
@click.argument("log", type=PathArg(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text: for the terminal; markdown: a sign-off record; json: versioned; junit: for CI test reports.",
)
@click.option(
    "-o",
    "--output",
    type=PathArg(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of stdout (its folder is created if needed).",
)
def report_command(log: Path, fmt: str, output: Path | None) -> None:
    """Report on a run log written by `preflight run` (or exported from the site).

    A torn last line (the runner was killed while writing it) and malformed lines are
    reported as warnings on stderr; the rest of the log is still used.

    \b
    Examples:
      preflight report .preflight/runs/20250601T120000Z-deploy.jsonl
      preflight report LOG --format markdown -o release-signoff.md
      preflight report LOG --format junit -o preflight-junit.xml
      preflight report LOG --format json | jq '.steps[] | select(.status == "failed")'

    Exit codes: 0 the report was written, 2 the file is not a run log.
    """
    if not log.is_file():
        raise UsageProblem(f"{log}: no such run log")
    try:
        data = read_log(log)
    except LogError as exc:
        raise UsageProblem(str(exc)) from None
    for warning in data.warnings:
        click.echo(f"preflight: warning: {warning}", err=True)
    text = render(data, fmt)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        make_folder(output.parent)  # as `preflight check --output` does: `reports/junit.xml` in a fresh CI job
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UsageProblem(f"{output}: cannot write: {exc.strerror}") from None
