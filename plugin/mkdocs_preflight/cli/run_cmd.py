"""``preflight run``: execute a checklist step by step, with a durable, resumable run log."""

from __future__ import annotations

import os
import shutil
import sys
from datetime import timezone
from pathlib import Path
from typing import Any

import click

from .. import __version__
from ..engine.run_options import parse_duration
from ..model import Checklist
from ..printable import printable
from ..runner.context import default_operator, git_state, host_name
from ..runner.execute import group_alive
from ..runner.log import LogInUse, LogWriteError, RunLogWriter, ensure_not_in_use, iso, now
from ..runner.logs import LogError, RunLog, read_log
from ..runner.patterns import is_destructive, normalize, placeholders, shell_destructive, var_option
from ..runner.plan import Plan, SelectionError, Step, build_plan
from ..runner.redact import Redactor, check_pattern, is_secret_name
from ..runner.session import RunOptions, Session, display_path, environment, finished_steps
from ..runner.ui import Terminal
from .common import PathArg, State, UsageProblem, note_nothing_selected, pass_state, refuse_checklist_errors


def _parse_var(value: str) -> tuple[str, str]:
    name, sep, content = value.partition("=")
    if not sep or not name.strip():
        raise UsageProblem(f"--var {value!r}: expected NAME=VALUE, e.g. --var app-id=web-1")
    return name.strip(), content


def read_env_file(path: Path) -> dict[str, str]:
    """``KEY=VALUE`` lines (``export`` prefix, quotes and ``#`` comments allowed)."""
    try:
        text = path.read_text(encoding="utf-8-sig")  # a BOM from a Windows editor is not part of a name
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not valid UTF-8"
        raise UsageProblem(f"{path}: cannot read the env file: {reason}") from None
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").strip()
        name, sep, value = line.partition("=")
        name = name.strip()
        if not sep or not name or not name.replace("_", "a").replace("-", "a").isalnum():
            raise UsageProblem(f"{path}:{number}: expected NAME=VALUE")
        values[name] = _env_value(value.strip())
    return values


def _env_value(value: str) -> str:
    """A value of an env file: quotes removed, a ``#`` comment after it (or after the quotes) too."""
    if value[:1] in ("'", '"'):
        # The closing quote is the first one after which only a comment follows: `"say \"hi\""`.
        end = value.find(value[0], 1)
        while end > 0:
            rest = value[end + 1 :].strip()
            if not rest or rest.startswith("#"):
                return value[1:end]
            end = value.find(value[0], end + 1)
    if " #" in value:
        value = value.split(" #", 1)[0].rstrip()
    return value


def _resolve_checklist(state: State, value: str) -> tuple[Path, Checklist]:
    path = Path(value)
    if not path.is_absolute():
        path = Path.cwd() / path
    if not path.is_file():
        raise UsageProblem(f"{value}: no such checklist file")
    checklist = state.project.parse(path)
    if not checklist.sha256:
        message = checklist.diagnostics[0].message if checklist.diagnostics else "cannot be read"
        raise UsageProblem(f"{value}: {message}")
    return path, checklist


def _timeout_note(value: str) -> str:
    """The plan's note for a block's ``timeout`` option, saying when it cannot be used."""
    try:
        parse_duration(value)
    except ValueError:
        return f"timeout {value}: not a duration, the default applies"
    return f"timeout {value}"


def _dry_run(term: Terminal, plan: Plan, steps: list[Step], values: dict[str, str], allow: bool) -> None:
    total = len(steps)
    term.line(
        printable(f"Plan for {plan.checklist.path}: {total} step{'s' if total != 1 else ''} (dry run: nothing runs)")
    )
    if plan.checklist.run.env:
        # They change what every step runs (PATH, BASH_ENV...): named here, values left out.
        term.line(printable(f"  run.env sets {', '.join(sorted(plan.checklist.run.env))} for every step"))
    for position, step in enumerate(steps, 1):
        block = step.block
        notes: list[str] = []
        if step.manual:
            notes.append("manual" if block is None else f"manual {block.lang}: the operator runs it")
        elif block is not None:
            notes.append(block.lang)
            if plan.checklist.run.shell:  # it runs with the code: the plan must show it
                notes.append(f"shell {plan.checklist.run.shell}")
            if block.options.get("cwd"):
                notes.append(f"cwd {block.options['cwd']}")
            if block.options.get("timeout"):
                notes.append(_timeout_note(block.options["timeout"]))
            code = "\n".join(c.text for c in block.commands)
            marked = block.destructive
            reason = (
                "destructive=true"
                if marked
                else None
                if marked is False
                else is_destructive(code) or shell_destructive(plan.checklist.run.shell)
            )
            if reason:
                notes.append(f"destructive: {reason}" + ("" if allow else ", needs confirmation"))
            missing = [p for p in placeholders(code) if normalize(p) not in values]
            if missing:
                notes.append("needs " + ", ".join(var_option(p, "...") for p in missing))
        where = f" [{step.section_path}]" if step.section_path else ""
        about = printable(f"({'; '.join(notes)}){where}")
        term.line(f"  {position:>3}. {term.style(step.id, 'id')} {about}")
        if step.text:
            term.line(printable(f"       {step.text}"))
        if block is not None:  # a manual block too: the plan shows what to run by hand
            lines = (
                [f"$ {c.text}" for c in block.commands]
                if block.lang == "console"
                else block.code.rstrip("\n").split("\n")
            )
            for text in lines:
                term.line("       " + term.style("| ", "hint") + printable(text))


def _verify_resume(log: RunLog, checklist: Checklist, plan: Plan) -> None:
    where = f"{log.path}: cannot resume"
    sha = log.header.get("sha256")
    planned = [entry["id"] for entry in log.planned]
    known = {s.id for s in plan.steps} | set(plan.composites) | {i.id for i in checklist.items}
    known |= {b.id for b in checklist.blocks}
    if isinstance(sha, str) and sha and sha != checklist.sha256:
        current = [s.id for s in plan.steps]
        added = [i for i in current if i not in planned]
        removed = [i for i in planned if i not in known]
        change = []
        if removed:
            change.append("steps gone: " + ", ".join(removed[:5]) + (" ..." if len(removed) > 5 else ""))
        if added and log.source != "browser":
            change.append("new steps: " + ", ".join(added[:5]) + (" ..." if len(added) > 5 else ""))
        detail = "; ".join(change) if change else "its text changed"
        raise UsageProblem(
            f"{where}: {checklist.path} changed since the run started ({detail}; sha256 {sha[:12]} is now "
            f"{checklist.sha256[:12]}); start a new run"
        )
    unknown = [i for i in planned if i not in known]
    unknown += [r.id for r in log.results() if r.id not in known and r.id not in unknown]
    if unknown:
        raise UsageProblem(
            f"{where}: {checklist.path} has no step {', '.join(unknown[:5])} any more "
            "(the checklist changed); start a new run"
        )


def _refuse_if_still_running(log: RunLog) -> None:
    here = host_name()
    for step_id, pgid, host in log.interrupted():
        if host == here and group_alive(pgid):
            raise UsageProblem(
                f"{log.path}: cannot resume: step {step_id} of the interrupted run is still running "
                f"(process group {pgid}); wait for it to end, or stop it with `kill -- -{pgid}`"
            )


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def _make_log_folder(folder: Path) -> None:
    """Create the run-log folder, or stop with a usage error before anything runs."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = "it is not a folder" if isinstance(exc, FileExistsError) else exc.strerror or str(exc)
        raise UsageProblem(f"{display_path(folder)}: cannot create the run-log folder: {reason}") from None


def _log_problem(exc: OSError, what: str) -> UsageProblem:
    """A one-line error for a run log that cannot be written (exit 2)."""
    where = display_path(Path(exc.filename)) if exc.filename else "run log"
    return UsageProblem(f"{where}: {what}: {exc.strerror or exc}")


def _cannot_write(exc: LogWriteError) -> UsageProblem:
    """A one-line error for a run log that failed mid-run (exit 2)."""
    return UsageProblem(f"{display_path(exc.path)}: cannot write the run log: {exc.error.strerror or exc.error}")


def _continue_log(log: RunLog, log_dir: Path, redactor: Redactor) -> tuple[RunLogWriter, Path]:
    path = log.path
    if not _inside(path, log_dir):
        # A browser export (or a copy): continue in the log folder, where the site looks.
        target = log_dir / path.name
        number = 2
        while target.exists():
            target = log_dir / f"{path.stem}-{number}.jsonl"
            number += 1
        shutil.copyfile(path, target)
        path = target
    writer = RunLogWriter.append(path, redactor)  # locked before anything changes
    with path.open("rb+") as handle:
        if log.torn:
            handle.truncate(log.valid_bytes)
        elif log.newline_missing:
            handle.seek(0, os.SEEK_END)
            handle.write(b"\n")
        handle.flush()
        os.fsync(handle.fileno())
    return writer, path


@click.command("run")
@click.argument("checklist", required=False, type=PathArg(dir_okay=False))
@click.option(
    "--only",
    "only",
    multiple=True,
    metavar="ID",
    help="Run only this item (with its sub-items and blocks) or block. Repeatable.",
)
@click.option("--from", "start", metavar="ID", help="Start at this item or block; run everything after it.")
@click.option(
    "--section",
    "sections",
    multiple=True,
    metavar="TITLE",
    help="Only steps in this section (title or slug, subsections included). Repeatable.",
)
@click.option(
    "--requirement",
    "requirements",
    multiple=True,
    metavar="ID",
    help="Only steps tied to this requirement. Repeatable.",
)
@click.option(
    "--dry-run", is_flag=True, help="Print the plan (steps, commands, what needs confirmation or values); run nothing."
)
@click.option(
    "-y",
    "--yes",
    is_flag=True,
    help="Non-interactive: never wait for a key (the default without a terminal). "
    "Manual steps are recorded manual-pending.",
)
@click.option("-k", "--keep-going", is_flag=True, help="Continue after a failed step.")
@click.option(
    "--operator", metavar="NAME", help="Who runs it, for the log [default: git config user.name, else the OS user]."
)
@click.option(
    "--var",
    "variables",
    multiple=True,
    metavar="NAME=VALUE",
    help="A value for a placeholder such as <app-id> or [Name]. Repeatable.",
)
@click.option(
    "--env-file",
    type=PathArg(dir_okay=False, path_type=Path),
    help="KEY=VALUE lines: added to every step's environment and used for placeholders.",
)
@click.option(
    "--redact",
    "redact",
    multiple=True,
    metavar="REGEX",
    help="Mask matches of this regular expression in the log and output. Repeatable.",
)
@click.option(
    "--allow-destructive",
    is_flag=True,
    help="Run destructive steps (rm -rf, DROP, --force, destructive=true) without typing their ID.",
)
@click.option(
    "--ignore-whitespace",
    is_flag=True,
    help="console blocks: compare output ignoring whitespace differences and blank lines.",
)
@click.option(
    "--timeout",
    "timeout",
    metavar="SECONDS",
    help="Time limit of a block that sets none (600, 90s, 10m, 1h; 0 = none) "
    "[default: front matter run.timeout, else 600].",
)
@click.option(
    "--log-dir",
    type=PathArg(file_okay=False, path_type=Path),
    help="Where run logs go [default: the `run_logs` option, else .preflight/runs under the root].",
)
@click.option(
    "--resume",
    "resume",
    type=PathArg(dir_okay=False, path_type=Path),
    metavar="LOG",
    help="Continue the run recorded in LOG: finished steps are not run again.",
)
@pass_state
def run_command(
    state: State,
    checklist: str | None,
    only: tuple[str, ...],
    start: str | None,
    sections: tuple[str, ...],
    requirements: tuple[str, ...],
    dry_run: bool,
    yes: bool,
    keep_going: bool,
    operator: str | None,
    variables: tuple[str, ...],
    env_file: Path | None,
    redact: tuple[str, ...],
    allow_destructive: bool,
    ignore_whitespace: bool,
    timeout: str | None,
    log_dir: Path | None,
    resume: Path | None,
) -> None:
    """Run a checklist step by step and record every step in a run log.

    Steps are the checklist's runnable blocks (bash, sh, shell, zsh, console) and its
    manual steps (items without commands, comment-only blocks), in document order.
    Each block runs in a fresh `bash -e -o pipefail` in the repository root (or its
    `cwd`), with a time limit; its output is shown live, prefixed with the step ID.

    On a terminal the run is interactive: for each step press r (run), s (skip),
    d (done by hand) or q (quit). Without a terminal, or with --yes, nothing waits:
    manual steps are recorded manual-pending, and a step that needs a missing --var
    value, or a destructive step without --allow-destructive, stops the run.

    The log (JSON Lines, under .preflight/runs/) is written and fsynced step by step;
    after a crash, `--resume LOG` continues where the run stopped.

    \b
    Examples:
      preflight run checklists/deploy.md
      preflight run checklists/deploy.md --dry-run --var app-id=web-1
      preflight run checklists/deploy.md --yes --var app-id=web-1 --keep-going
      preflight run checklists/deploy.md --only db-backup --from migrate
      preflight run --resume .preflight/runs/20250601T120000Z-deploy.jsonl
      preflight report .preflight/runs/20250601T120000Z-deploy.jsonl --format markdown

    Exit codes: 0 nothing failed (manual-pending steps allowed), 1 a step failed or
    timed out, or the run stopped, 2 usage error, 130 interrupted.
    """
    project = state.project
    root = project.root
    term = Terminal()
    for pattern in redact:
        problem = check_pattern(pattern)
        if problem:
            raise UsageProblem(f"--redact {pattern!r}: {problem}")
    cli_timeout: float | None = None
    if timeout is not None:
        try:
            cli_timeout = parse_duration(timeout)
        except ValueError as exc:
            raise UsageProblem(f"--timeout: {exc}") from None
    selecting = bool(only or start or sections or requirements)

    log: RunLog | None = None
    if resume is not None:
        if selecting:
            raise UsageProblem("--resume continues the original selection: drop --only/--from/--section/--requirement")
        if not resume.is_file():
            raise UsageProblem(f"{resume}: no such run log")
        try:
            log = read_log(resume)
        except LogError as exc:
            raise UsageProblem(str(exc)) from None
        for warning in log.warnings:
            click.echo(f"preflight: warning: {warning}", err=True)
        if not log.checklist:
            raise UsageProblem(f"{resume}: the log names no checklist")
        logged = (root / log.checklist).resolve()
        if checklist is not None and Path(checklist).resolve() != logged:
            raise UsageProblem(f"{resume}: the log is a run of {log.checklist}, not {checklist}")
        checklist = str(logged)
    if checklist is None:
        raise UsageProblem("missing CHECKLIST (or --resume LOG); see `preflight run --help`")

    path, parsed = _resolve_checklist(state, checklist)
    refuse_checklist_errors(parsed, "running")
    plan = build_plan(parsed)
    if not plan.steps:
        raise UsageProblem(f"{parsed.path}: no steps (no task items and no runnable blocks)")

    values: dict[str, str] = {}
    env_values = read_env_file(env_file) if env_file is not None else {}
    for name, value in env_values.items():
        values[normalize(name)] = value
    var_pairs = [_parse_var(v) for v in variables]
    for name, value in var_pairs:
        values[normalize(name)] = value

    if log is not None:
        try:
            ensure_not_in_use(log.path)
        except LogInUse:
            raise UsageProblem(
                f"{log.path}: cannot resume: the run is still going on in another preflight process "
                "(another terminal, a detached tmux or screen): finish it there, or stop it first"
            ) from None
        _verify_resume(log, parsed, plan)
        _refuse_if_still_running(log)
        by_id = {s.id: s for s in plan.steps}
        planned = [entry["id"] for entry in log.planned]
        steps = [by_id[i] for i in planned if i in by_id] if log.source != "browser" and planned else list(plan.steps)
    else:
        try:
            steps = plan.select(only, start, sections, requirements)
        except SelectionError as exc:
            raise UsageProblem(str(exc)) from None
        if not steps:
            note_nothing_selected("step")
            return

    latest: dict[str, str] = {}
    finished: dict[str, str] = {}
    remaining = steps
    if log is not None:
        latest = {result.id: result.status for result in log.results()}
        finished = finished_steps(plan, latest)
        remaining = [s for s in steps if s.id not in finished]
        if not remaining:
            term.line(f"Nothing to resume: every step of {log.path} has finished.")
            return

    if dry_run:
        # A resume's plan is what it would run, not the finished steps again.
        _dry_run(term, plan, remaining, values, allow_destructive)
        return

    redactor = Redactor(redact)
    extra_env = {**parsed.run.env, **env_values}
    env = environment(None, extra_env)
    redactor.add_environment(env)
    for name, value in var_pairs:
        if is_secret_name(name):
            redactor.add_value(value)

    who = operator or default_operator(root)
    folder = log_dir or Path(state.settings.values.get("run_logs") or ".preflight/runs")
    if not folder.is_absolute():
        folder = root / folder
    interactive = not yes and term.can_ask  # a person at the keyboard, even with `| tee`
    argv = ["preflight", *sys.argv[1:]]
    git = git_state(root)

    session_durations: dict[str, float] = {}
    session_exits: dict[str, int | None] = {}
    if log is not None:
        _make_log_folder(folder)
        try:
            writer, log_path = _continue_log(log, folder, redactor)
        except LogInUse:
            raise UsageProblem(
                f"{log.path}: cannot resume: the run is still going on in another preflight process"
            ) from None
        except OSError as exc:
            raise _log_problem(exc, "cannot continue the run log") from None
        run_id = log.run_id
        try:
            writer.write(
                {
                    "type": "resume",
                    "at": iso(now()),
                    "operator": who,
                    "host": host_name(),
                    "argv": argv,
                    "git": git,
                    "torn": log.torn,
                    "preflight": __version__,
                }
            )
        except LogWriteError as exc:
            writer.close()
            raise _cannot_write(exc) from None
        term.line(
            f"Resuming {display_path(log_path)} ({len(steps) - len(remaining)} of {len(steps)} steps finished; "
            f"continuing with {remaining[0].id})"
        )
    else:
        stamp = now().astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
        _make_log_folder(folder)
        try:
            writer = RunLogWriter.create(folder, f"{stamp}-{path.stem}", redactor)
        except OSError as exc:
            raise _log_problem(exc, "cannot create the run log") from None
        run_id = writer.path.name.removesuffix(".jsonl")
        header: dict[str, Any] = {
            "type": "header",
            "version": 1,
            "source": "terminal",
            "run_id": run_id,
            "checklist": parsed.path,
            "title": parsed.title,
            "sha256": parsed.sha256,
            "steps": [{"id": s.id, "kind": s.kind, "text": s.title} for s in steps],
            "git": git,
            "operator": who,
            "host": host_name(),
            "start": iso(now()),
            "argv": argv,
            "preflight": __version__,
        }
        try:
            writer.write(header)
        except LogWriteError as exc:
            writer.close()
            raise _cannot_write(exc) from None
        count = f"{len(steps)} step{'s' if len(steps) != 1 else ''}"
        term.line(f"Running {parsed.path}: {count}, log {display_path(writer.path)}")

    options = RunOptions(
        interactive=interactive,
        operator=who,
        env={**env, "PREFLIGHT_RUN_ID": run_id, "PREFLIGHT_CHECKLIST": parsed.path},
        values=values,
        keep_going=keep_going,
        allow_destructive=allow_destructive,
        ignore_whitespace=ignore_whitespace,
        timeout=cli_timeout,
        timeout_given=timeout is not None,
    )
    if log is not None:
        for result in log.results():
            if result.duration is not None:
                session_durations[result.id] = result.duration
            session_exits[result.id] = result.exit_code
    session = Session(
        plan,
        steps,
        root=root,
        options=options,
        terminal=term,
        redactor=redactor,
        writer=writer,
        run_id=run_id,
        latest=latest,
        finished=finished,
    )
    session.durations.update(session_durations)
    session.exit_codes.update(session_exits)
    try:
        code = session.run()
    except LogWriteError as exc:
        # The step's process group is stopped already; the log ends with its last
        # whole record and no footer, so --resume can continue it.
        raise _cannot_write(exc) from None
    finally:
        writer.close()
    click.get_current_context().exit(code)
