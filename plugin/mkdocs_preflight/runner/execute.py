"""Running one block: a fresh shell in its own process group, output streamed live.

Each block runs in ``bash -e -o pipefail -c CODE`` (or the configured shell) as the
leader of a process group of its own, so that a timeout, Ctrl-C or the end of the step
can kill the whole group: nothing a step starts outlives it. The group's ID goes into
the ``running`` record, so that after ``kill -9`` of the runner ``--resume`` can tell
whether the interrupted step is still running. (No pre-exec hook where Python can do
without: it would cost a full ``fork`` per step instead of ``vfork``.)

Without a terminal the group is a new session. In an interactive run it stays in the
runner's session and gets the terminal's foreground for the time of the step, as a
shell gives it to a job: ``sudo``, ``ssh`` and ``git`` open ``/dev/tty`` for their
prompts, which only a process of the terminal's session can. Ctrl-C then reaches the
step first; a step that ends by it stops the run as a Ctrl-C of the runner does.

Output (stdout and stderr merged, in order) is decoded as UTF-8, split into lines,
redacted, printed with the step ID as prefix and kept as a bounded tail for the log.
"""

from __future__ import annotations

import codecs
import contextlib
import difflib
import os
import re
import select
import shlex
import signal
import subprocess
import sys
import termios
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import Command
from .redact import Redactor

TAIL_LINES = 200
TAIL_BYTES = 32 * 1024
LINE_LIMIT = 2000
"""Characters of one output line kept in the log tail."""
CAPTURE_LIMIT = 1024 * 1024
"""Characters of one console command's output kept for the comparison."""
KILL_GRACE = 2.0
"""Seconds between SIGTERM and SIGKILL when a step is stopped."""
PARTIAL_FLUSH = 0.25
"""Seconds of silence after which an unfinished line (a prompt) is shown anyway."""

Write = Callable[[str], None]


class OutputSink:
    """Where a step's output goes: the terminal (prefixed, redacted) and the tail.

    A line is redacted whole before it is shown, with the same redactor as the log. An
    unfinished line (a prompt) is shown early only up to :meth:`Redactor.safe_length`;
    when it ends, the whole line is redacted again and only what it adds is printed.
    """

    def __init__(self, prefix: str, write: Write, redactor: Redactor, *, echoing: bool = False) -> None:
        self.prefix = prefix
        self._echoing = echoing
        """Whether the terminal echoes what the operator types: after a prompt, the rest
        of the line then starts on a new terminal line and gets the prefix again."""
        self._write = write
        self._redactor = redactor
        self._pending: list[str] = []
        self._tail: deque[str] = deque()
        self._tail_size = 0
        self.truncated = False
        self._open_line = False
        self._shown = ""
        """The redacted text of the current line that is on the terminal already."""

    def line(self, text: str, shown: int) -> None:
        """A complete line; its first ``shown`` characters went to :meth:`partial` already."""
        clean = self._redactor.redact(text)
        if shown and self._echoing:
            rest = clean[len(self._shown) :] if clean.startswith(self._shown) else clean
            self._pending.append(self.prefix + rest + "\n")
        else:
            self._pending.append(self._continuation(clean) + "\n")
        self._shown = ""
        self._open_line = False
        self._keep(clean)

    def flush(self) -> None:
        """Write what the last chunk of output produced (one write per chunk, not per line)."""
        if self._pending:
            text = "".join(self._pending)
            self._pending.clear()
            self._write(text)

    def partial(self, text: str, shown: int) -> int:
        """An unfinished line (a prompt): show what is safe of it; return how much that is."""
        safe = self._redactor.safe_length(text)
        if safe <= shown:
            return shown
        self.flush()
        clean = self._redactor.redact(text[:safe])
        self._write(self._continuation(clean))
        self._shown = clean
        self._open_line = True
        return safe

    def _continuation(self, clean: str) -> str:
        """What to print so that the terminal's current line reads ``clean``."""
        if not self._shown:
            return self.prefix + clean
        if clean.startswith(self._shown):
            return clean[len(self._shown) :]
        # More output completed a secret that began in what is shown: print the line anew.
        return "\n" + self.prefix + clean

    def note(self, text: str) -> None:
        """A line from the runner itself (``$ command`` of a console block)."""
        self.finish()
        clean = self._redactor.redact(text)
        self._write(self.prefix + clean + "\n")
        self._keep(clean)

    def finish(self) -> None:
        """Write what is pending; end an unfinished partial line on the terminal."""
        self.flush()
        if self._open_line:
            self._write("\n")
            self._open_line = False
        self._shown = ""

    def _keep(self, text: str) -> None:
        if len(text) > LINE_LIMIT:
            text = text[:LINE_LIMIT] + " [...]"
        self._tail.append(text)
        self._tail_size += len(text) + 1
        while len(self._tail) > TAIL_LINES or self._tail_size > TAIL_BYTES:
            self._tail_size -= len(self._tail.popleft()) + 1
            self.truncated = True

    @property
    def tail(self) -> str:
        """The last lines of output (already redacted)."""
        return "\n".join(self._tail)


class LineSplitter:
    """Turns chunks of text into lines for a handler; shows unfinished lines after a pause.

    ``on_line(line, shown)`` gets each complete line and how much of it ``on_partial``
    showed; ``on_partial(line_so_far, shown)`` returns how much of it is shown now.
    """

    def __init__(
        self,
        on_line: Callable[[str, int], None],
        on_partial: Callable[[str, int], int],
        on_flush: Callable[[], None] | None = None,
    ) -> None:
        self._on_line = on_line
        self._on_partial = on_partial
        self._on_flush = on_flush
        self._parts: list[str] = []
        """The current line's text so far, as it came: joined only when it is needed (a
        line megabytes long without a newline would be copied again with every chunk)."""
        self._size = 0
        self._shown = 0

    @property
    def _buffer(self) -> str:
        if len(self._parts) > 1:
            self._parts[:] = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    @property
    def pending(self) -> bool:
        """Whether an unfinished line is waiting."""
        return self._size > self._shown

    def feed(self, text: str) -> None:
        """Add decoded output."""
        if "\n" not in text:
            if text:
                self._parts.append(text)
                self._size += len(text)
            return
        *lines, rest = (self._buffer + text).split("\n")
        self._parts = [rest] if rest else []
        self._size = len(rest)
        for line in lines:
            self._on_line(line.removesuffix("\r"), self._shown)
            self._shown = 0
        if self._on_flush is not None:
            self._on_flush()

    def idle(self) -> None:
        """No output for a while: show what there is of the current line."""
        if self.pending:
            self._shown = self._on_partial(self._buffer, self._shown)

    def close(self) -> None:
        """The output ended: a last line without newline counts as a line."""
        if self._size:
            self._on_line(self._buffer.removesuffix("\r"), self._shown)
        self._parts = []
        self._size = 0
        self._shown = 0
        if self._on_flush is not None:
            self._on_flush()


@dataclass(slots=True)
class ProcessResult:
    """How a process ended."""

    exit_code: int | None
    timed_out: bool


def _kill_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


class GroupSurvived(Exception):
    """The step's process group outlived SIGKILL: its log record must stay ``running``.

    ``interrupt`` is the Ctrl-C or signal that started the stop, if one did.
    """

    def __init__(self, pgid: int, interrupt: BaseException | None) -> None:
        super().__init__(f"process group {pgid} is still alive after SIGKILL")
        self.pgid = pgid
        self.interrupt = interrupt


STOP_SIGNALS = frozenset({signal.SIGINT, signal.SIGTERM, signal.SIGHUP})
"""Signals held back while a step is being stopped (delivered once it is gone)."""


def group_alive(pgid: int) -> bool:
    """Whether a process group has a live (not zombie) member."""
    proc = Path("/proc")
    if not proc.is_dir():
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        # After the command name: state, ppid, pgrp, ...
        if len(fields) > 2 and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            return True
    return False


def _stop(process: subprocess.Popen[bytes], interrupt: BaseException | None = None) -> None:
    """SIGTERM the process group, then SIGKILL what is left after a grace period.

    Ctrl-C, SIGTERM and SIGHUP are blocked meanwhile: an impatient second Ctrl-C must
    not skip the SIGKILL and leave the step running behind a log that says it ended.
    They are delivered when this returns. Raises :class:`GroupSurvived` when members of
    the group are still alive (uninterruptible sleep, another user's process).
    """
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        _kill_group(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(KILL_GRACE)
        _kill_group(process.pid, signal.SIGKILL)
        process.wait()
        deadline = time.monotonic() + KILL_GRACE
        while group_alive(process.pid):
            if time.monotonic() >= deadline:
                raise GroupSurvived(process.pid, interrupt)
            _kill_group(process.pid, signal.SIGKILL)
            time.sleep(0.05)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def run_process(
    argv: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str],
    timeout: float | None,
    splitter: LineSplitter,
    stdin_from_terminal: bool,
    on_start: Callable[[int], None] | None = None,
) -> ProcessResult:
    """Run ``argv`` in a new session, feeding its output to ``splitter`` as it comes.

    ``on_start`` gets the process (group) ID as soon as the process exists; it runs
    while the shell starts up. On timeout, or when interrupted (``KeyboardInterrupt``
    and friends propagate after the group is killed), the whole process group is stopped.
    """
    terminal = _foreground_terminal() if stdin_from_terminal else None
    spawn: dict[str, Any] = {"start_new_session": True}
    if terminal is not None:
        # Its own group in this session: it can open /dev/tty once it is the foreground.
        spawn = {"process_group": 0} if sys.version_info >= (3, 11) else {"preexec_fn": os.setpgrp}
    process: subprocess.Popen[bytes] | None = None
    try:
        with _stop_signals_held() as held, _no_stop_key(terminal is not None):
            process = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=dict(env),
                stdin=None if stdin_from_terminal else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                **spawn,
            )
        for signum in held:
            signal.raise_signal(signum)  # now that the step can be stopped
        if terminal is None:
            return _follow(process, timeout, splitter, on_start)
        with _Foreground(terminal, process.pid):
            result = _follow(process, timeout, splitter, on_start)
    except BaseException as exc:
        # Ctrl-C, SIGTERM or a hang-up before _follow took charge of the step (it stops
        # the group itself): the step must not outlive the run.
        if process is not None and process.returncode is None:
            try:
                _stop(process, exc)
            finally:
                if process.stdout is not None:
                    process.stdout.close()
        raise
    if process.returncode in (-signal.SIGINT, 128 + signal.SIGINT):
        # Ctrl-C went to the step, the terminal's foreground: the operator stopped it.
        raise KeyboardInterrupt
    return result


def _foreground_terminal() -> int | None:
    """Standard input's terminal, when this process's group is in its foreground."""
    try:
        if os.isatty(0) and os.tcgetpgrp(0) == os.getpgrp():
            return 0
    except OSError:
        pass
    return None


@contextlib.contextmanager
def _stop_signals_held() -> Iterator[list[int]]:
    """Hold Ctrl-C, SIGTERM and SIGHUP while a step starts, and list those that came.

    Their handlers raise; raised inside ``Popen`` (which waits for the child's ``exec``),
    the step would run on with no process object left to stop it. Not blocked: a child
    inherits blocked signals, and the step could not be stopped at all.
    """
    held: list[int] = []

    def hold(signum: int, frame: object) -> None:
        held.append(signum)

    previous: dict[int, Any] = {}
    with contextlib.suppress(ValueError):  # not the main thread: no handler of ours to hold
        for sig in STOP_SIGNALS:
            # Only handlers that raise; an ignored signal stays ignored for the step too.
            if callable(signal.getsignal(sig)):
                previous[sig] = signal.signal(sig, hold)
    try:
        yield held
    finally:
        for held_sig, handler in previous.items():
            signal.signal(held_sig, handler)


@contextlib.contextmanager
def _no_stop_key(active: bool) -> Iterator[None]:
    """Start a step that ignores Ctrl-Z: stopped, it would hang the run with no shell to resume it."""
    if not active:
        yield
        return
    previous = signal.signal(signal.SIGTSTP, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGTSTP, previous)


class _Foreground:
    """Gives the terminal to a step's process group, and takes it back with its settings."""

    def __init__(self, fd: int, pgid: int) -> None:
        self._fd = fd
        self._pgid = pgid
        self._attributes: list[Any] | None = None
        self._sigttou: Any = None

    def __enter__(self) -> _Foreground:
        with contextlib.suppress(termios.error):
            self._attributes = termios.tcgetattr(self._fd)
        # The runner writes and takes the terminal back from the background.
        self._sigttou = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
        try:
            with contextlib.suppress(OSError):
                os.setpgid(self._pgid, self._pgid)  # the child does it too; whoever is first
            with contextlib.suppress(OSError):
                os.tcsetpgrp(self._fd, self._pgid)
            # A step that read the terminal before it was its own got SIGTTIN: let it go on.
            _kill_group(self._pgid, signal.SIGCONT)
        except BaseException:
            self.__exit__()  # a signal midway: the terminal comes back all the same
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            with contextlib.suppress(OSError):
                os.tcsetpgrp(self._fd, os.getpgrp())
            if self._attributes is not None:
                # A step stopped during `read -s` or a password prompt leaves echo off.
                with contextlib.suppress(termios.error):
                    termios.tcsetattr(self._fd, termios.TCSADRAIN, self._attributes)
        finally:
            signal.signal(signal.SIGTTOU, self._sigttou)


def _follow(
    process: subprocess.Popen[bytes],
    timeout: float | None,
    splitter: LineSplitter,
    on_start: Callable[[int], None] | None,
) -> ProcessResult:
    """Feed the output of a started step to ``splitter`` until it ends; stop it on timeout."""
    assert process.stdout is not None
    fd = process.stdout.fileno()
    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    deadline = None if not timeout else time.monotonic() + timeout
    timed_out = False
    exited_at: float | None = None
    # Readable when the shell exits: a job it left behind holding the pipe (`server &`)
    # then costs the 0.2 s grace, not the 1 s a poll of a silent step waits.
    exit_fd = _pidfd(process.pid)
    try:
        if on_start is not None:
            on_start(process.pid)
        while True:
            now = time.monotonic()
            wait = PARTIAL_FLUSH if splitter.pending else 1.0
            if deadline is not None:
                if now >= deadline:
                    timed_out = True
                    break
                wait = min(wait, deadline - now)
            if exited_at is not None:
                wait = min(wait, max(0.0, exited_at + 0.2 - now))
            watched = [fd] if exit_fd is None or exited_at is not None else [fd, exit_fd]
            ready, _, _ = select.select(watched, [], [], wait)
            if fd in ready:
                data = os.read(fd, 65536)
                if not data:
                    break
                splitter.feed(decoder.decode(data))
            elif not ready:
                splitter.idle()
            # Also while output flows: a background job that keeps printing holds the
            # pipe open after the shell is gone, and the step would end at its time limit.
            if exited_at is None:
                if process.poll() is not None:
                    # The shell is gone but something it started still holds the pipe.
                    exited_at = time.monotonic()
            elif time.monotonic() >= exited_at + 0.2:
                break
        if not timed_out:
            # The output ended, the shell may not have (`exec >deploy.log 2>&1`): its time
            # limit and Ctrl-C still hold.
            try:
                process.wait(None if deadline is None else max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                timed_out = True
    except BaseException as exc:
        try:
            _stop(process, exc)
        finally:
            process.stdout.close()
        splitter.feed(decoder.decode(b"", final=True))
        splitter.close()
        raise
    finally:
        if exit_fd is not None:
            os.close(exit_fd)
    if timed_out:
        _stop(process)
    else:
        process.wait()
        _kill_group(process.pid, signal.SIGKILL)  # leftovers of the step (background jobs)
    _drain(fd, splitter, decoder)
    process.stdout.close()
    splitter.close()
    return ProcessResult(None if timed_out else process.returncode, timed_out)


def _pidfd(pid: int) -> int | None:
    """A descriptor that becomes readable when process ``pid`` exits (Linux 5.3+), else ``None``."""
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        return int(opener(pid))
    except OSError:
        return None


def _drain(fd: int, splitter: LineSplitter, decoder: codecs.IncrementalDecoder) -> None:
    # Read what is left, without waiting for writers that escaped the process group.
    while True:
        ready, _, _ = select.select([fd], [], [], 0)
        if not ready:
            break
        data = os.read(fd, 65536)
        if not data:
            break
        splitter.feed(decoder.decode(data))
    splitter.feed(decoder.decode(b"", final=True))


def shell_argv(shell: str | None, lang: str, code: str, *, errexit: bool = True) -> list[str]:
    """The command line that runs ``code``: ``bash -e -o pipefail -c CODE`` by default.

    ``shell`` is the front matter's ``run.shell``: one word (``bash``, ``zsh``, ``sh``)
    gets the strict flags its shell understands; several words are used as given.
    """
    if shell and len(shlex.split(shell)) > 1:
        return [*shlex.split(shell), "-c", code]
    program = shell or ("zsh" if lang == "zsh" else "bash")
    name = Path(program).name
    flags: list[str] = ["-e"] if errexit else []
    if name in ("bash", "zsh", "ksh", "mksh"):
        flags += ["-o", "pipefail"]
    return [program, *flags, "-c", code]


@dataclass(slots=True)
class ConsoleResult:
    """What the commands of a console block printed, one entry per command that ran."""

    outputs: list[str]
    exit_code: int | None


class ConsoleCapture:
    """Splits a console block's output at the markers the runner prints after each command."""

    def __init__(self, marker: str, commands: Sequence[Command], sink: OutputSink) -> None:
        self._marker = marker
        self._commands = commands
        self._sink = sink
        self._current: list[str] = []
        self._size = 0
        self.outputs: list[str] = []
        self.exit_codes: list[int] = []
        self._held = 0
        sink.note("$ " + commands[0].text)

    def line(self, text: str, shown: int) -> None:
        """A line of output, or the marker that ends a command."""
        if text.startswith(self._marker):
            code = text[len(self._marker) :].strip()
            current = self._current
            # The marker is printed after a newline of its own: drop that empty line again.
            if current and current[-1] == "":
                current.pop()
                self._held = max(0, self._held - 1)
            self._flush_held()
            self.outputs.append("\n".join(current))
            self.exit_codes.append(int(code) if code.lstrip("-").isdigit() else 1)
            self._current = []
            self._size = 0
            following = len(self.outputs)
            if self.exit_codes[-1] == 0 and following < len(self._commands):
                self._sink.finish()
                self._sink.note("$ " + self._commands[following].text)
            return
        if self._size < CAPTURE_LIMIT:
            self._current.append(text)
            self._size += len(text) + 1
        if not text and not shown:
            self._held += 1  # shown once we know it is not the marker's newline
            return
        self._flush_held()
        self._sink.line(text, shown)

    def _flush_held(self) -> None:
        for _ in range(self._held):
            self._sink.line("", 0)
        self._held = 0

    def close(self) -> None:
        """Output ended without a marker (the shell died): show held lines."""
        self._flush_held()

    def unrun(self) -> Command | None:
        """The first command the shell never got to, or ``None`` when every one ran.

        A command that fails prints its marker before the shell exits; one that ends
        the shell (``exit``, ``exec``) prints none but did run.
        """
        ran = len(self.outputs)
        if not self.exit_codes or self.exit_codes[-1] == 0:
            ran += 1
        return self._commands[ran] if ran < len(self._commands) else None

    def partial(self, text: str, shown: int) -> int:
        """Show what is safe of an unfinished line."""
        return self._sink.partial(text, shown)


def console_script(commands: Sequence[Command], marker: str) -> str:
    """A script that runs each ``$`` command and prints a marker with its exit code after it."""
    parts: list[str] = []
    for command in commands:
        parts.append(command.text)
        parts.append(
            f'__preflight_rc=$?; printf "\\n{marker}%s\\n" "$__preflight_rc"; '
            '[ "$__preflight_rc" -eq 0 ] || exit "$__preflight_rc"'
        )
    return "\n".join(parts) + "\n"


def new_marker() -> str:
    """A marker no command will print by chance."""
    return f"__PREFLIGHT_{uuid.uuid4().hex}__ "


def _normalize(text: str, ignore_whitespace: bool) -> list[str]:
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    if ignore_whitespace:
        lines = [" ".join(line.split()) for line in lines if line.strip()]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return lines


def output_matches(expected: str, actual: str, *, ignore_whitespace: bool = False) -> bool:
    """Whether actual output matches the documented output.

    Trailing spaces and leading/trailing blank lines never matter; ``...`` in the
    documented output matches any text (also across lines), like doctest's ELLIPSIS.
    """
    want = "\n".join(_normalize(expected, ignore_whitespace))
    got = "\n".join(_normalize(actual, ignore_whitespace))
    if want == got:
        return True
    if "..." not in want:
        return False
    pattern = ".*?".join(re.escape(part) for part in want.split("..."))
    return re.fullmatch(pattern, got, re.S) is not None


def output_diff(expected: str, actual: str, command: str, *, limit: int = 200) -> str:
    """A unified diff of documented versus actual output, at most ``limit`` lines."""
    lines = list(
        difflib.unified_diff(
            _normalize(expected, False),
            _normalize(actual, False),
            fromfile=f"documented output of `{command}`",
            tofile="actual output",
            lineterm="",
        )
    )
    if len(lines) > limit:
        lines = [*lines[:limit], f"[... {len(lines) - limit} more diff lines]"]
    return "\n".join(lines)
