"""One run of a checklist: the loop over steps, the operator's choices, the log records.

Interactive mode (a terminal, no ``--yes``) shows each step and waits for a key: run,
skip, mark done (by hand), quit. Non-interactive mode never waits: manual steps are
recorded ``manual-pending``; a missing placeholder value or an unconfirmed destructive
step stops the run before that step, with a message that says what to pass.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from ..engine.run_options import block_cwd, default_timeout, expected_exit, parse_duration
from ..model import Command
from ..printable import printable
from .execute import (
    ConsoleCapture,
    GroupSurvived,
    LineSplitter,
    OutputSink,
    console_script,
    new_marker,
    output_diff,
    output_matches,
    run_process,
    shell_argv,
)
from .log import DONE_STATUSES, FAILED_STATUSES, FINAL_STATUSES, RunLogWriter, iso, now
from .patterns import fill, is_destructive, normalize, placeholders, shell_destructive, var_option
from .plan import Plan, Step
from .redact import Redactor, is_secret_name
from .ui import Terminal

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED = 0, 1, 130


class Interrupted(Exception):
    """The runner got SIGTERM or SIGHUP: stop like Ctrl-C."""


@dataclass(slots=True)
class RunOptions:
    """How to run: everything the command line decided."""

    interactive: bool
    operator: str
    env: dict[str, str]
    values: dict[str, str] = field(default_factory=dict)
    """Placeholder values by normalized name (see :func:`patterns.normalize`)."""
    keep_going: bool = False
    allow_destructive: bool = False
    ignore_whitespace: bool = False
    timeout: float | None = None
    """``--timeout`` (seconds), used where the block sets none."""
    timeout_given: bool = False


@dataclass(slots=True)
class Stop(Exception):
    """End the run: ``status`` goes to the footer."""

    status: str


def aggregate(statuses: list[str]) -> str:
    """The outcome of an item from the outcomes of the steps that complete it."""
    present = set(statuses)
    if present & FAILED_STATUSES:
        return "failed"
    if "manual-pending" in present:
        return "manual-pending"
    if "skipped" in present:
        return "skipped"
    if "passed" in present:
        return "passed"
    return "manual-done"


class Session:
    """Runs the selected steps of a plan and writes the log."""

    def __init__(
        self,
        plan: Plan,
        steps: list[Step],
        *,
        root: Path,
        options: RunOptions,
        terminal: Terminal,
        redactor: Redactor,
        writer: RunLogWriter,
        run_id: str,
        latest: dict[str, str] | None = None,
        finished: dict[str, str] | None = None,
    ) -> None:
        self.plan = plan
        self.steps = steps
        self.root = root
        self.options = options
        self.term = terminal
        self.redactor = redactor
        self.writer = writer
        self.run_id = run_id
        self.latest: dict[str, str] = dict(latest or {})
        """Latest status per step or item ID, across the whole log (resumed parts too)."""
        self.finished = dict(finished or {})
        """Steps finished in an earlier part of the log (``--resume``), with the status they
        count with: their own, or that of a finished item that contains them."""
        self.started = time.monotonic()
        self.durations: dict[str, float] = {}
        self.exit_codes: dict[str, int | None] = {}
        self.reasons: dict[str, str | None] = {}
        """Why each step ended as it did (the record's ``reason``), for the progress line."""
        self.stop_reason: str | None = None

    def status_of(self, step_id: str) -> str | None:
        """A step's status for counts and tables: as finished earlier, else its latest."""
        return self.finished.get(step_id) or self.latest.get(step_id)

    # -- records ---------------------------------------------------------------------

    def make_record(self, step_id: str, kind: str, status: str, **fields: Any) -> dict[str, Any]:
        """A step record (``None`` fields left out); remembers the status."""
        record: dict[str, Any] = {
            "type": "step",
            "id": step_id,
            "kind": kind,
            "status": status,
            "at": fields.pop("at", None) or iso(now()),
            "operator": fields.pop("operator", None) or self.options.operator,
        }
        record.update({key: value for key, value in fields.items() if value is not None})
        self.latest[step_id] = status
        if not fields.get("derived"):
            self.reasons[step_id] = fields.get("reason")
        return record

    def record(self, step_id: str, kind: str, status: str, **fields: Any) -> None:
        """Write a step record."""
        self.writer.write(self.make_record(step_id, kind, status, **fields))

    def finish_step(self, step: Step, status: str, **fields: Any) -> None:
        """Record a final status with the derived outcome of the items it completes.

        They are one event: written together, with one fsync.
        """
        records = [self.make_record(step.id, step.kind, status, **fields)]
        for owner in step.ancestors:
            members = self.plan.composites.get(owner)
            if not members:
                continue
            statuses = [self.status_of(member) for member in members]
            if any(s is None or s not in FINAL_STATUSES for s in statuses):
                break  # outer items cannot be complete either
            outcome = aggregate([s for s in statuses if s is not None])
            if self.latest.get(owner) != outcome:
                records.append(self.make_record(owner, "item", outcome, derived=True))
        self.writer.write_many(records)

    # -- the loop --------------------------------------------------------------------

    def run(self) -> int:
        """Run every step; return the exit code (0, 1, or 130 when interrupted)."""
        status = "passed"
        with _signals_as_interrupts():
            try:
                total = len(self.steps)
                for position, step in enumerate(self.steps, 1):
                    if step.id in self.finished:
                        continue
                    self.step(step, position, total)
            except Stop as stop:
                status = stop.status
            except (KeyboardInterrupt, Interrupted) as exc:
                status = "interrupted"
                self.stop_reason = "Ctrl-C" if isinstance(exc, KeyboardInterrupt) else str(exc)
                self.term.line()
                self.term.line(self.term.style(f"Interrupted ({self.stop_reason}).", "error"))
        statuses = [self.status_of(s.id) for s in self.steps]
        if status == "passed" and any(s in FAILED_STATUSES for s in statuses):
            status = "failed"
        exit_code = {"passed": EXIT_OK, "interrupted": EXIT_INTERRUPTED}.get(status, EXIT_FAILED)
        counts: dict[str, int] = {}
        for value in statuses:
            key = value if value in FINAL_STATUSES else "not-run"
            counts[key] = counts.get(key, 0) + 1
        self.writer.write(
            {
                "type": "footer",
                "status": status,
                "end": iso(now()),
                "duration": round(time.monotonic() - self.started, 3),
                "counts": counts,
                "exit_code": exit_code,
            }
        )
        self.summary(status, counts)
        return exit_code

    def step(self, step: Step, position: int, total: int) -> None:
        """Show, ask about, run and record one step."""
        self.header(step, position, total)
        if step.manual:
            self.manual(step, position, total)
            return
        code, command = self.prepare(step)
        assert step.block is not None
        # Commands without comments: `# never rm -rf here` is not destructive.
        reason = self.destructive_reason(
            step, "\n".join(fill(c.text, self.options.values) for c in step.block.commands)
        )
        ask = self.options.interactive
        while True:
            if ask:
                key = self.term.choose(
                    "  " + self.term.style("[r]un  [s]kip  [d]one by hand  [q]uit", "hint") + " > ",
                    ["r", "\r", "s", "d", "q"],
                )
                if key == "s":
                    self.finish_step(step, "skipped", reason="skipped by the operator", command=command)
                    self.progress(step, "skipped", position, total)
                    return
                if key == "d":
                    self.finish_step(step, "manual-done", reason="done by hand", command=command)
                    self.progress(step, "manual-done", position, total)
                    return
                if key == "q":
                    raise Stop("stopped")
            if reason and not self.confirm_destructive(step, reason, command):
                continue  # interactive: back to the choices
            reason = None  # confirmed once is enough for retries
            status = self.execute(step, code, command)
            self.progress(step, status, position, total)
            if status not in FAILED_STATUSES:
                return
            if self.options.keep_going:
                return
            if not self.options.interactive:
                raise Stop("failed")
            key = self.term.choose(
                "  " + self.term.style("[r]etry  [s]kip (leave it failed)  [d]one by hand  [q]uit", "hint") + " > ",
                ["r", "s", "d", "q"],
            )
            if key == "s":
                return
            if key == "d":
                self.finish_step(step, "manual-done", reason="done by hand after a failure", command=command)
                self.progress(step, "manual-done", position, total)
                return
            if key == "q":
                raise Stop("failed")
            self.header(step, position, total, again=True)
            ask = False  # the operator chose to retry: run at once

    def manual(self, step: Step, position: int, total: int) -> None:
        command = step.instructions if step.kind == "block" else None
        if not self.options.interactive:
            self.finish_step(
                step, "manual-pending", reason="manual step: confirm it in an interactive run", command=command
            )
            self.progress(step, "manual-pending", position, total)
            return
        key = self.term.choose(
            "  " + self.term.style("manual step: [d]one  [s]kip  [q]uit", "hint") + " > ",
            ["d", "y", "s", "q"],
        )
        if key == "q":
            raise Stop("stopped")
        status = "skipped" if key == "s" else "manual-done"
        self.finish_step(step, status, command=command, reason="skipped by the operator" if key == "s" else None)
        self.progress(step, status, position, total)

    # -- preparing a block -----------------------------------------------------------

    def prepare(self, step: Step) -> tuple[str, str]:
        """The code to run with placeholders filled, and the command to show and log."""
        block = step.block
        assert block is not None
        needed: list[str] = []
        for line in block.commands:
            needed.extend(placeholders(line.text))
        needed = list(dict.fromkeys(needed))
        for name in needed:
            key = normalize(name)
            if key in self.options.values:
                continue
            if not self.options.interactive:
                message = f"missing value for placeholder `{name}`: pass {var_option(name, 'VALUE')} (or --env-file)"
                self.record(step.id, step.kind, "aborted", reason=message)
                self.term.line(self.term.style(f"preflight: {step.id}: {message}", "error"))
                raise Stop("stopped")
            secret = is_secret_name(name)
            while True:
                value = self.term.ask(f"  value for {name}: ", secret=secret)
                if value is None:
                    raise Stop("stopped")
                if value:
                    break
            if secret:
                self.redactor.add_value(value)
            self.options.values[key] = value
        if block.lang == "console":
            command = "\n".join("$ " + fill(c.text, self.options.values) for c in block.commands)
            code = command
        else:
            code = fill(block.code, self.options.values)
            command = code.rstrip("\n")
        if self.options.interactive:
            self.show_command(step, command)
        return code, command

    def destructive_reason(self, step: Step, code: str) -> str | None:
        """Why this block needs confirmation, or ``None``."""
        block = step.block
        assert block is not None
        marked = block.destructive
        if marked is False:
            return None
        if marked:
            return "marked destructive=true"
        found = is_destructive(code)
        if found:
            return f"`{found}`"
        # The front matter's run.shell runs with every block: `bash -c 'rm -rf ...' --`
        # would run what no block shows.
        found = shell_destructive(self.plan.checklist.run.shell)
        return f"`{found}` in run.shell" if found else None

    def confirm_destructive(self, step: Step, reason: str, command: str) -> bool:
        """Ask the operator to type the step ID. False: not now (interactive retries)."""
        if self.options.allow_destructive:
            return True
        if not self.term.can_ask:
            message = (
                f"destructive step ({reason}) not run: confirm it at a terminal by typing its ID, "
                "or pass --allow-destructive"
            )
            self.record(step.id, step.kind, "aborted", reason=message, command=command)
            self.term.line(self.term.style(f"preflight: {step.id}: {message}", "error"))
            raise Stop("stopped")
        self.term.line(self.term.style(f"  ! destructive step ({reason})", "error"))
        answer = self.term.ask(f"  type the step ID `{step.id}` to run it: ")
        if answer is not None and answer.strip() == step.id:
            return True
        self.term.line(self.term.style("  not confirmed", "error"))
        if self.options.interactive:
            return False
        message = f"destructive step ({reason}) not confirmed"
        self.record(step.id, step.kind, "aborted", reason=message, command=command)
        raise Stop("stopped")

    def timeout_of(self, step: Step) -> float | None:
        """Seconds the block may run: its option, ``--timeout``, the front matter, 600."""
        block = step.block
        assert block is not None
        raw = block.options.get("timeout")
        if raw:
            try:
                return parse_duration(raw)
            except ValueError as exc:
                self.term.line(self.term.style(f"preflight: {step.id}: {exc}; using the default", "error"))
        if self.options.timeout_given:
            return self.options.timeout
        return default_timeout(self.plan.checklist.run)

    def cwd_of(self, step: Step) -> Path:
        """Where the block runs: its ``cwd`` option, the front matter's, else the root."""
        block = step.block
        assert block is not None
        value = block_cwd(block, self.plan.checklist.run)
        return (self.root / value) if value else self.root

    # -- running a block -------------------------------------------------------------

    def execute(self, step: Step, code: str, command: str) -> str:
        """Run the block, write the running and final records; return the status."""
        block = step.block
        assert block is not None
        cwd = self.cwd_of(step)
        timeout = self.timeout_of(step)
        started_at = iso(now())
        clock = time.monotonic()
        sink = OutputSink(
            self.term.style(f"{step.id} | ", "prefix"),
            self.term.write,
            self.redactor,
            echoing=self.options.interactive,
        )
        fields: dict[str, Any] = {"at": started_at, "command": command}
        if not cwd.is_dir():
            self.record(step.id, step.kind, "running", at=started_at, command=command)
            return self.conclude(
                step, "failed", clock, sink, fields, reason=f"cwd `{self.root_relative(cwd)}` is not a folder"
            )
        env = dict(self.options.env)
        env["PREFLIGHT_STEP_ID"] = step.id
        console: ConsoleCapture | None = None
        if block.lang == "console":
            marker = new_marker()
            filled = [Command(fill(c.text, self.options.values), c.line, c.expected) for c in block.commands]
            console = ConsoleCapture(marker, filled, sink)
            argv = shell_argv(self.plan.checklist.run.shell, block.lang, console_script(filled, marker), errexit=False)
            splitter = LineSplitter(console.line, console.partial, sink.flush)
        else:
            argv = shell_argv(self.plan.checklist.run.shell, block.lang, code)
            splitter = LineSplitter(sink.line, sink.partial, sink.flush)
        try:
            result = run_process(
                argv,
                cwd=cwd,
                env=env,
                timeout=timeout,
                splitter=splitter,
                stdin_from_terminal=self.options.interactive,
                on_start=lambda pid: self.record(
                    step.id, step.kind, "running", at=started_at, command=command, pid=pid
                ),
            )
        except FileNotFoundError:
            return self.conclude(step, "failed", clock, sink, fields, reason=f"shell `{argv[0]}` not found")
        except GroupSurvived as exc:
            # No final record: the log keeps the step `running`, so `--resume` refuses
            # to start it again while it lives.
            if console is not None:
                console.close()
            sink.finish()
            self.term.line(
                self.term.style(
                    f"preflight: {step.id}: the step is still running after SIGKILL (process group {exc.pgid}); "
                    f"stop it with `kill -KILL -- -{exc.pgid}`",
                    "error",
                )
            )
            if exc.interrupt is not None:
                raise exc.interrupt from None
            raise Stop("failed") from None
        except (KeyboardInterrupt, Interrupted) as exc:
            if console is not None:
                console.close()
            sink.finish()
            why = "interrupted (Ctrl-C)" if isinstance(exc, KeyboardInterrupt) else f"interrupted ({exc})"
            self.conclude(step, "aborted", clock, sink, fields, reason=why)
            raise
        if console is not None:
            console.close()
        sink.finish()
        expected_code = expected_exit(block.options.get("expect"))
        fields["exit_code"] = result.exit_code
        if result.timed_out:
            return self.conclude(step, "timeout", clock, sink, fields, reason=f"timed out after {_seconds(timeout)}")
        if console is not None:
            for command_, output in zip(block.commands, console.outputs, strict=False):
                # `<app-id>` in the documented output stands for the value the command got.
                expected = fill(command_.expected, self.options.values) if command_.expected else ""
                if expected and not output_matches(expected, output, ignore_whitespace=self.options.ignore_whitespace):
                    diff = output_diff(expected, output, command_.text)
                    self.term.write(_indent(self.redactor.redact(diff)) + "\n")
                    return self.conclude(
                        step,
                        "failed",
                        clock,
                        sink,
                        fields,
                        reason=f"output of `{command_.text}` differs from the documented output",
                        diff=diff,
                    )
        if result.exit_code != expected_code:
            what = f"exit code {result.exit_code}" + (f", expected {expected_code}" if expected_code else "")
            return self.conclude(step, "failed", clock, sink, fields, reason=what)
        if console is not None:
            unrun = console.unrun()
            if unrun is not None:
                # `exit 0` or `exec` ended the shell early: later commands and their
                # documented output were never checked.
                reason = f"the shell ended before `{unrun.text}` ran"
                return self.conclude(step, "failed", clock, sink, fields, reason=reason)
        return self.conclude(step, "passed", clock, sink, fields)

    def conclude(
        self, step: Step, status: str, clock: float, sink: OutputSink, fields: dict[str, Any], **extra: Any
    ) -> str:
        duration = round(time.monotonic() - clock, 3)
        self.durations[step.id] = duration
        self.exit_codes[step.id] = fields.get("exit_code")
        self.finish_step(
            step,
            status,
            duration=duration,
            output=sink.tail,
            output_truncated=sink.truncated or None,
            **fields,
            **extra,
        )
        return status

    def root_relative(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    # -- what the operator sees ------------------------------------------------------

    def header(self, step: Step, position: int, total: int, *, again: bool = False) -> None:
        term = self.term
        where = f"  ({step.section_path})" if step.section_path else ""
        kind = "manual" if step.manual else (step.block.lang if step.block else "item")
        if not self.options.interactive:
            title = printable(f": {step.text}") if step.text else ""
            term.line(f"==> [{position}/{total}] {term.style(step.id, 'id')}{title}")
            return
        term.line()
        label = "again: " if again else ""
        term.line(
            term.style(f"-- {label}step {position}/{total} ", "heading")
            + term.style(step.id, "id")
            + printable(f" [{kind}]{where}")
        )
        if step.text:
            term.line(printable(f"  {step.text}"))
        if step.manual and step.instructions:
            for text in step.instructions.split("\n"):
                term.line("  " + term.style("| ", "hint") + printable(self.redactor.redact(text)))

    def show_command(self, step: Step, command: str) -> None:
        term = self.term
        block = step.block
        assert block is not None
        for text in command.split("\n"):
            term.line("  " + term.style("$ ", "hint") + printable(self.redactor.redact(text.removeprefix("$ "))))
        shell = self.plan.checklist.run.shell or ("zsh" if block.lang == "zsh" else "bash")
        limit = self.timeout_of(step)
        timeout = "none" if limit is None else (f"{limit:g} s" if limit < 120 else _seconds(limit))
        details = f"{shell}, cwd {self.root_relative(self.cwd_of(step)) or '.'}, timeout {timeout}"
        term.line("  " + term.style(printable(f"({details})"), "hint"))

    def progress(self, step: Step, status: str, position: int, total: int) -> None:
        term = self.term
        duration = self.durations.get(step.id)
        took = (
            f" in {_seconds(duration)}"
            if duration is not None and status not in ("skipped", "manual-done", "manual-pending")
            else ""
        )
        done = {s.id: self.status_of(s.id) for s in self.steps}
        counts: dict[str, int] = {}
        for value in done.values():
            if value in FINAL_STATUSES:
                counts[value] = counts.get(value, 0) + 1
        left = sum(1 for value in done.values() if value not in FINAL_STATUSES)
        tally = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
        term.line(
            f"<== [{position}/{total}] {step.id} {term.style(status, status)}{took}"
            + term.style(f"   ({tally}; {left} to go)", "hint")
        )
        reason = self.reasons.get(step.id)
        if reason:
            # The log says why; so must the terminal (a missing cwd or shell has no output).
            term.line(
                "    " + term.style(self.redactor.redact(reason), "error" if status in FAILED_STATUSES else "hint")
            )

    def summary(self, status: str, counts: dict[str, int]) -> None:
        term = self.term
        rows = []
        for number, step in enumerate(self.steps, 1):
            value = self.status_of(step.id)
            state = value if value in FINAL_STATUSES else "not run"
            duration = self.durations.get(step.id)
            code = self.exit_codes.get(step.id)
            rows.append(
                (
                    str(number),
                    step.id,
                    state,
                    _seconds(duration) if duration is not None else "-",
                    "-" if code is None else str(code),
                )
            )
        widths = [max(len(row[i]) for row in [("#", "step", "status", "time", "exit"), *rows]) for i in range(5)]
        term.line()
        term.line(term.style(printable(f"Summary: {self.plan.checklist.path} (run {self.run_id})"), "heading"))
        head = ("#", "step", "status", "time", "exit")
        term.line("  " + "  ".join(h.ljust(widths[i]) for i, h in enumerate(head)).rstrip())
        for row in rows:
            cells = [row[i].ljust(widths[i]) for i in range(5)]
            cells[2] = term.style(cells[2], row[2]) if row[2] != "not run" else cells[2]
            term.line("  " + "  ".join(cells).rstrip())
        tally = ", ".join(f"{n} {name}" for name, n in sorted(counts.items()))
        term.line(f"Run {term.style(status, 'passed' if status == 'passed' else 'failed')}: {tally}.")
        term.line(f"Log: {display_path(self.writer.path)}")


def _seconds(value: float | None) -> str:
    if value is None:
        return "none"
    if value < 10:
        return f"{value:.2f} s"
    if value < 120:
        return f"{value:.1f} s"
    minutes, seconds = divmod(int(value), 60)
    return f"{minutes} min" + (f" {seconds} s" if seconds else "")


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.split("\n"))


def finished_steps(plan: Plan, latest: dict[str, str]) -> dict[str, str]:
    """Steps that a resumed run skips, with the status they count with.

    A step is finished when its own latest status is done, or when an item that
    contains it is (an item ticked in the browser): it then counts with the status of
    the nearest such item, so counts and tables agree with what the operator recorded.
    """
    finished: dict[str, str] = {}
    for step in plan.steps:
        for key in (step.id, *step.ancestors):  # the step, then its items, innermost first
            status = latest.get(key)
            if status in DONE_STATUSES:
                finished[step.id] = status
                break
    return finished


@contextlib.contextmanager
def _signals_as_interrupts() -> Iterator[None]:
    """SIGTERM and SIGHUP stop the run like Ctrl-C (the step's group is killed, logged)."""

    def handler(number: int, frame: FrameType | None) -> None:
        raise Interrupted(signal.Signals(number).name)

    previous: dict[signal.Signals, Any] = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        with contextlib.suppress(ValueError, OSError):  # not the main thread
            previous[sig] = signal.signal(sig, handler)
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)


def environment(base: dict[str, str] | None, extra: dict[str, str]) -> dict[str, str]:
    """The environment of every step: ``base`` (default ``os.environ``) plus ``extra``."""
    env = dict(os.environ if base is None else base)
    env.update(extra)
    return env


def display_path(path: Path) -> str:
    """``path`` relative to the current folder when it is below it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)
