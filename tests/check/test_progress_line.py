"""Long commands show how far they are on a terminal, and only there."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

from mkdocs_preflight.cli.progress import ERASE, FileProgress

from .conftest import config


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def terminal() -> Iterator[tuple[TextIO, int]]:
    """A real pseudo-terminal: the stream writes to it, the int reads what it shows."""
    master, slave = pty.openpty()
    with open(slave, "w", encoding="utf-8") as stream:
        yield stream, master
    os.close(master)


def shown(master: int) -> str:
    """Everything written to the terminal since the last call."""
    chunks = []
    try:
        while select.select([master], [], [], 0.05)[0]:
            chunks.append(os.read(master, 65536))
    except OSError:  # the terminal was closed: nothing more to read
        pass
    return b"".join(chunks).decode("utf-8")


def test_nothing_for_half_a_second_then_a_line_at_most_ten_times_a_second(
    terminal: tuple[TextIO, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TERM", raising=False)
    stream, master = terminal
    clock = Clock()
    with FileProgress(stream, "checking", "checklists", clock=clock) as progress:
        clock.now += 0.4
        progress(1, 2500)
        assert shown(master) == ""  # a small check never flickers
        clock.now += 0.2
        progress(2, 2500)
        assert shown(master) == f"{ERASE}checking 2 of 2,500 checklists... 0%"
        clock.now += 0.05
        progress(3, 2500)
        assert shown(master) == ""
        clock.now += 0.06
        progress(1250, 2500)
        assert shown(master) == f"{ERASE}checking 1,250 of 2,500 checklists... 50%"
    assert shown(master) == ERASE  # the report starts on a clean line


def test_the_line_is_erased_when_the_work_fails(terminal: tuple[TextIO, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TERM", raising=False)
    stream, master = terminal
    clock = Clock()

    def interrupted() -> None:
        with FileProgress(stream, "fixing", "checklists", clock=clock) as progress:
            clock.now += 1
            progress(7, 9)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert shown(master) == f"{ERASE}fixing 7 of 9 checklists... 77%{ERASE}"


def test_a_line_never_shown_is_never_erased(terminal: tuple[TextIO, int], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TERM", raising=False)
    stream, master = terminal
    with FileProgress(stream, "checking", "checklists", clock=Clock()) as progress:
        progress(1, 1)
    assert shown(master) == ""


@pytest.mark.parametrize("where", ["pipe", "dumb terminal", "closed terminal"])
def test_nothing_but_on_a_terminal(terminal: tuple[TextIO, int], monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    stream, master = terminal
    target: TextIO = stream
    if where == "pipe":
        target = io.StringIO()
    elif where == "dumb terminal":
        monkeypatch.setenv("TERM", "dumb")
    clock = Clock()
    with FileProgress(target, "checking", "checklists", clock=clock) as progress:
        if where == "closed terminal":
            stream.close()
        clock.now += 1
        progress(1, 2)  # no error: the work goes on
    assert shown(master) == ""
    if isinstance(target, io.StringIO):
        assert target.getvalue() == ""


ITEMS = "".join(f"- [ ] Step {i} runs `scripts/missing-{i}.sh` and [reads](../docs/x{i}.md)\n" for i in range(100))
LONG_ENOUGH = 1.5
"""Seconds a command must work for the line to be sure to show (it waits half a second)."""


@pytest.fixture(scope="module")
def many(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Checklists of 100 items: 300 at first, 1.6-2.2 s of work for every command on this
    project's machines (one process, no cache); :func:`long_enough` adds more on faster ones."""
    root = tmp_path_factory.mktemp("many")
    (root / "mkdocs.yml").write_text(config(), encoding="utf-8")
    (root / "checklists").mkdir()
    add_checklists(root, 300)
    return root


def add_checklists(root: Path, count: int) -> None:
    start = len(list((root / "checklists").iterdir()))
    for number in range(start, start + count):
        (root / "checklists" / f"c{number:05}.md").write_text(f"# C{number}\n\n{ITEMS}", encoding="utf-8")


def long_enough(command: list[str], root: Path) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with its output piped; with more checklists until it works for
    :data:`LONG_ENOUGH` seconds, so that the test does not depend on the machine's speed."""
    env = {key: value for key, value in os.environ.items() if key != "TERM"}
    while True:
        start = time.monotonic()
        piped = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env, check=False)
        if time.monotonic() - start >= LONG_ENOUGH:
            return piped
        add_checklists(root, len(list((root / "checklists").iterdir())))


def on_terminal(command: list[str], root: Path, *, stdout: Path | None) -> tuple[int, str]:
    """Run ``command`` with standard error (and standard output, without ``stdout``) on a
    pseudo-terminal; its exit code and what the terminal showed."""
    master, slave = pty.openpty()
    env = {key: value for key, value in os.environ.items() if key != "TERM"}
    with open(stdout or os.devnull, "w", encoding="utf-8") as out:
        process = subprocess.Popen(command, cwd=root, stdout=slave if stdout is None else out, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 65536)
        except OSError:  # the command closed the terminal's last writer
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    return process.wait(timeout=120), b"".join(chunks).decode("utf-8")


@pytest.mark.parametrize(
    ("args", "verb", "code"),
    [
        (["check", "--no-cache", "--jobs", "1"], "checking", 1),
        (["lock"], "reading", 0),
        (["extract", "--format", "json"], "reading", 0),
        (["list", "--format", "json"], "listing", 0),
        (["ids"], "reading", 0),
    ],
    ids=["check", "lock", "extract", "list", "ids"],
)
def test_a_long_command_shows_its_progress_on_the_terminal_and_prints_the_same_output(
    many: Path, tmp_path: Path, args: list[str], verb: str, code: int
) -> None:
    command = [sys.executable, "-m", "mkdocs_preflight", *args]
    lock = many / "preflight.lock"
    piped = long_enough(command, many)
    total = len(list((many / "checklists").iterdir()))
    assert piped.returncode == code
    assert piped.stderr == ""
    written = lock.read_bytes() if lock.exists() else None
    lock.unlink(missing_ok=True)

    output = tmp_path / "output.txt"
    status, terminal = on_terminal(command, many, stdout=output)
    assert status == code
    lines = terminal.split(ERASE)
    assert lines[0] == lines[-1] == ""  # each line replaces the last; the last is erased
    counts = [int(line.split()[1].replace(",", "")) for line in lines[1:-1]]
    assert counts, terminal
    assert counts == sorted(counts)
    assert all(line.startswith(f"{verb} ") and f" of {total:,} checklists... " in line for line in lines[1:-1])
    assert output.read_text(encoding="utf-8") == piped.stdout
    assert (lock.read_bytes() if lock.exists() else None) == written
    lock.unlink(missing_ok=True)


def test_no_line_breaks_into_output_that_streams_to_the_terminal(many: Path) -> None:
    status, terminal = on_terminal([sys.executable, "-m", "mkdocs_preflight", "list"], many, stdout=None)
    assert status == 0
    assert "checklists/c00299.md" in terminal
    assert "\x1b" not in terminal
