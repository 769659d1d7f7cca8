"""``preflight check``: validate checklists against the repository."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..colors import use_color
from ..config import ConfigError
from ..report import FORMATS, ReportOptions, render
from ..rules import CannotFix, RuleCrash, check, default_jobs
from ..rules.policy import FAIL_LEVELS
from .common import PathArg, State, UsageProblem, checklist_files, make_folder, pass_state
from .progress import FileProgress


def _codes(values: tuple[str, ...]) -> list[str]:
    return [part for value in values for part in value.replace(",", " ").split()]


@click.command("check")
@click.argument("paths", nargs=-1, type=PathArg())
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Run only these rules: codes or prefixes, comma-separated or repeated (PF2, PF301). "
    "Replaces `select` from mkdocs.yml.",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODES",
    help="Do not run these rules (codes or prefixes); adds to `ignore` from mkdocs.yml.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text: path:line:col: CODE message; json: the versioned contract; github: workflow "
    "annotations; sarif: SARIF 2.1.0 for code scanning; junit: JUnit XML.",
)
@click.option(
    "-o",
    "--output",
    type=PathArg(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of standard output.",
)
@click.option("--fix", is_flag=True, help="Repair fixable findings ([*]) in place, then report what remains.")
@click.option(
    "--fail-on",
    type=click.Choice(FAIL_LEVELS),
    help="Exit 1 when a finding is at or above this level [default: `fail_on` from mkdocs.yml, else error].",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when findings fail the run (still 2 on usage errors).")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=1),
    help="Worker processes [default: the number of CPUs]. The output does not depend on it.",
)
@click.option(
    "--statistics",
    is_flag=True,
    help="Print the number of findings per rule instead of each finding (text format only).",
)
@click.option(
    "--scripts-dir",
    type=PathArg(file_okay=False, path_type=Path),
    help="Folder of scripts written by `preflight extract --format sh --out DIR`: report the "
    "ones that no longer match their checklist (PF501).",
)
@click.option(
    "--no-cache",
    is_flag=True,
    envvar="PREFLIGHT_NO_CACHE",
    help="Neither read nor write the cache (also: PREFLIGHT_NO_CACHE=1).",
)
@click.option(
    "--cache-dir",
    type=PathArg(file_okay=False, path_type=Path),
    metavar="DIR",
    help="Where to keep the cache [default: .preflight/cache next to mkdocs.yml].",
)
@pass_state
def check_command(
    state: State,
    paths: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fmt: str,
    output: Path | None,
    fix: bool,
    fail_on: str | None,
    exit_zero: bool,
    jobs: int | None,
    statistics: bool,
    scripts_dir: Path | None,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """Validate checklists against the repository.

    Checks structure (IDs, fences, requirements), repository consistency (files,
    scripts, make targets, npm scripts), commands (shell syntax, placeholders,
    destructive commands), text (mojibake) and freshness (generated scripts, steps
    whose files changed since `preflight lock`). `preflight rules` lists every rule.

    PATHS are checklist files or folders; by default every checklist under
    `checklists_dir`. A folder gives its *.md files; a file named here is checked as
    Markdown whatever its name (as ruff lints a file it is given). Silence one finding
    with `<!-- preflight: ignore PF201 -->` on its line or the line before.

    Unchanged checklists are not parsed again: their findings come from a cache in
    `.preflight/cache`, reused only while the file's bytes (sha256), the configuration,
    the options that change findings, the registry, the preflight version, bash and
    shellcheck, and every repository fact the file's rules looked at (files, Makefile
    targets, package.json scripts, git commits...) are all unchanged. `--no-cache` turns it
    off; `rm -rf .preflight/cache` clears it.

    \b
    Examples:
      preflight check
      preflight check checklists/deploy.md --select PF2,PF3
      preflight check --format github              (annotations in a GitHub workflow)
      preflight check --format sarif -o preflight.sarif
      preflight check --fix                        (repair mojibake and fence headers)
      preflight check --statistics --exit-zero
      preflight check --no-cache                   (ignore and keep no cache)

    Exit codes: 0 no finding at or above the failing level, 1 findings, 2 usage or
    configuration error.
    """
    project = state.project
    files = checklist_files(state, paths)
    configured = state.settings.values.get("scripts_dir")  # an option the schema may offer
    if scripts_dir is None and isinstance(configured, str) and configured:
        scripts_dir = project.root / configured
    if scripts_dir is not None and scripts_dir.exists() and not scripts_dir.is_dir():
        raise UsageProblem(f"{scripts_dir}: not a folder (--scripts-dir: where `preflight extract --out` wrote)")
    # A folder that does not exist holds no script: `extract --out` writes none when no
    # checklist has a runnable block, and git keeps no empty folder. Each checklist that
    # has one is then reported (PF501, "is missing"), a mistyped folder as well.
    if statistics and fmt != "text":
        raise UsageProblem(f"--statistics works with --format text only, not {fmt}")
    fail_level = fail_on or str(state.settings.values.get("fail_on") or "error")
    try:
        with FileProgress(sys.stderr, "fixing" if fix else "checking", "checklists") as progress:
            result = check(
                project,
                paths,
                select=_codes(select) or None,
                ignore=_codes(ignore),
                jobs=jobs or default_jobs(),
                fix=fix,
                scripts_dir=scripts_dir.resolve() if scripts_dir is not None else None,
                files=files,
                cache_dir=None if no_cache else (cache_dir or project.root / ".preflight" / "cache"),
                progress=progress,
            )
    except ConfigError as exc:
        raise UsageProblem(str(exc)) from None
    except CannotFix as exc:
        raise UsageProblem(str(exc)) from None
    except RuleCrash as exc:
        raise UsageProblem(f"{exc} (this is a bug in preflight; please report it)") from None
    stream = sys.stdout if output is None else None
    options = ReportOptions(
        fail_on=fail_level,
        color=fmt == "text" and stream is not None and use_color(stream),
        statistics=statistics,
        root=project.root,
        fixing=fix,
    )
    report = render(result, fmt, options)
    if output is not None:
        try:
            make_folder(output.parent)
            output.write_text(report, encoding="utf-8")
        except OSError as exc:
            raise UsageProblem(f"{output}: cannot write: {exc.strerror}") from None
        from ..report.text import summary_line

        click.echo(summary_line(result), err=True)
    else:
        sys.stdout.write(report)
        sys.stdout.flush()
    if result.failed(fail_level) and not exit_zero:
        sys.exit(1)
