"""Reading run logs: robustly, for reports, ``--resume`` and the site.

A log may have been cut short by ``kill -9`` (a torn last line), edited by hand, or
exported by a browser. Readers never crash on it: a torn last line is dropped and
reported, a malformed line becomes a warning, and only a file with no valid header
(or one that cannot be read) is an error (:class:`LogError`), which the site turns into
a warning too. See :mod:`mkdocs_preflight.runner.log` for the schema.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..engine.source import read_regular
from .log import FAILED_STATUSES, SCHEMA_VERSION, STATUSES, parse_time

_LOGGER = logging.getLogger("mkdocs_preflight.runner")
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)

Warn = Callable[[str], None]


class LogError(Exception):
    """The file is not a run log at all. The message names the file."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """The latest outcome of one item or block, for the site's badges."""

    status: str
    """A step status (:data:`~mkdocs_preflight.runner.log.STATUSES`)."""
    when: str
    """When the step started (ISO 8601)."""
    operator: str | None
    run_id: str


@dataclass(slots=True)
class StepResult:
    """The final record of one step in one run."""

    id: str
    global_id: str
    kind: str
    status: str
    at: str | None
    duration: float | None
    exit_code: int | None
    operator: str | None
    text: str
    command: str | None = None
    output: str = ""
    reason: str | None = None
    diff: str | None = None
    derived: bool = False
    attempts: int = 1
    output_truncated: bool = False
    """Whether ``output`` is only the tail: earlier output was dropped."""


@dataclass(slots=True)
class RunLog:
    """One run log as read from disk."""

    path: Path
    header: dict[str, Any]
    records: list[dict[str, Any]] = field(default_factory=list)
    """Every valid record after the header, in file order."""
    warnings: list[str] = field(default_factory=list)
    torn: bool = False
    """Whether the last line was torn (dropped)."""
    valid_bytes: int = 0
    """Length of the file up to the end of the last complete record."""
    newline_missing: bool = False
    """Whether the last record is complete but lacks its final newline."""

    @property
    def source(self) -> str:
        """``terminal`` or ``browser``."""
        return str(self.header.get("source") or "terminal")

    @property
    def run_id(self) -> str:
        """The header's ``run_id``, else the file name without ``.jsonl``."""
        value = self.header.get("run_id")
        return str(value) if value else self.path.name.removesuffix(".jsonl")

    @property
    def checklist(self) -> str:
        """The checklist path as the header gives it."""
        return str(self.header.get("checklist") or "")

    @property
    def stem(self) -> str:
        """The checklist path without ``.md``: the first half of a global ID."""
        path = self.checklist
        return path[:-3] if path.endswith(".md") else path

    @property
    def planned(self) -> list[dict[str, Any]]:
        """The header's ``steps`` (``{"id", "kind", "text"}``), valid entries only."""
        steps = self.header.get("steps")
        if not isinstance(steps, list):
            return []
        result: list[dict[str, Any]] = []
        for entry in steps:
            if isinstance(entry, str):
                result.append({"id": entry, "kind": "", "text": ""})
            elif isinstance(entry, dict) and isinstance(entry.get("id"), str):
                result.append(entry)
        return result

    @property
    def step_records(self) -> list[dict[str, Any]]:
        """Every ``step`` record, in file order."""
        return [r for r in self.records if r.get("type") == "step"]

    @property
    def footer(self) -> dict[str, Any] | None:
        """The last footer, if no step record follows it."""
        for record in reversed(self.records):
            kind = record.get("type")
            if kind == "footer":
                return dict(record)
            if kind in ("step", "resume"):
                return None
        return None

    @property
    def status(self) -> str:
        """The run's outcome: the footer's, else ``incomplete`` (killed, or still running)."""
        footer = self.footer
        if footer is not None and isinstance(footer.get("status"), str):
            return str(footer["status"])
        return "incomplete"

    @property
    def start(self) -> str | None:
        """When the run started."""
        value = self.header.get("start")
        if isinstance(value, str):
            return value
        first = next((r.get("at") for r in self.step_records if isinstance(r.get("at"), str)), None)
        return first

    @property
    def end(self) -> str | None:
        """When the run (its last part) ended, if a footer says so."""
        footer = self.footer
        value = footer.get("end") if footer else None
        return value if isinstance(value, str) else None

    def results(self) -> list[StepResult]:
        """The latest final record of every step, in plan order, then any others."""
        texts = {entry["id"]: str(entry.get("text") or "") for entry in self.planned}
        latest: dict[str, dict[str, Any]] = {}
        starts: dict[str, int] = {}
        for record in self.step_records:
            step_id = str(record["id"])
            if record.get("status") == "running":
                starts[step_id] = starts.get(step_id, 0) + 1
            latest[step_id] = record
        results = [
            _result(record, self.stem, texts.get(step_id, ""), max(1, starts.get(step_id, 0)))
            for step_id, record in latest.items()
        ]
        order = {entry["id"]: number for number, entry in enumerate(self.planned)}
        return sorted(results, key=lambda r: order.get(r.id, len(order)))

    def interrupted(self) -> list[tuple[str, int, str | None]]:
        """Steps whose latest record is ``running``: (ID, process group ID, host)."""
        host = _str(self.header.get("host"))
        latest: dict[str, tuple[dict[str, Any], str | None]] = {}
        for record in self.records:
            kind = record.get("type")
            if kind == "resume":
                host = _str(record.get("host")) or host
            elif kind == "step":
                latest[str(record["id"])] = (record, host)
        found: list[tuple[str, int, str | None]] = []
        for step_id, (record, where) in latest.items():
            pid = _int(record.get("pid"))
            if record.get("status") == "running" and pid is not None and pid > 1:
                found.append((step_id, pid, where))
        return found

    def counts(self) -> dict[str, int]:
        """Steps per final status (derived item outcomes not counted)."""
        counts: dict[str, int] = {}
        for result in self.results():
            if not result.derived:
                counts[result.status] = counts.get(result.status, 0) + 1
        return counts


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _result(record: dict[str, Any], stem: str, text: str, attempts: int) -> StepResult:
    step_id = str(record["id"])
    return StepResult(
        id=step_id,
        global_id=f"{stem}#{step_id}",
        kind=str(record.get("kind") or ""),
        status=str(record["status"]),
        at=_str(record.get("at")),
        duration=_float(record.get("duration")),
        exit_code=_int(record.get("exit_code")),
        operator=_str(record.get("operator")),
        text=text,
        command=_str(record.get("command")),
        output=_str(record.get("output")) or "",
        reason=_str(record.get("reason")),
        diff=_str(record.get("diff")),
        derived=record.get("derived") is True,
        attempts=attempts,
        output_truncated=record.get("output_truncated") is True,
    )


def _check_record(record: Any) -> str | None:
    """Why a record after the header is not usable, or ``None``."""
    if not isinstance(record, dict):
        return "not a JSON object"
    kind = record.get("type")
    if kind == "step":
        if not isinstance(record.get("id"), str) or not record["id"]:
            return "step record without an `id`"
        if record.get("status") not in STATUSES:
            return f"step record with unknown status {record.get('status')!r}"
        return None
    if kind in ("footer", "resume"):
        return None
    if kind == "header":
        return "a second header"
    return f"unknown record type {kind!r}"


def _start(path: Path, record: Any, valid_bytes: int) -> RunLog:
    """A log from its first record, which must be a header."""
    if not isinstance(record, dict) or record.get("type") != "header":
        raise LogError(f"{path}:1: not a run log: the first line is not a header record")
    log = RunLog(path=path, header=record, valid_bytes=valid_bytes)
    version = record.get("version")
    if version != SCHEMA_VERSION:
        log.warnings.append(f"{path}:1: run log version {version!r}; this preflight reads version {SCHEMA_VERSION}")
    if not isinstance(record.get("checklist"), str):
        log.warnings.append(f"{path}:1: the header names no checklist")
    return log


def _decode(raw: bytes) -> tuple[Any, str | None]:
    try:
        return json.loads(raw.decode("utf-8")), None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return None, str(exc)
    except RecursionError:  # `[[[[...]]]]` nested deeper than Python's stack: data, not a crash
        return None, "nested too deeply"


def read_log(path: Path) -> RunLog:
    """Read one run log. Torn or malformed lines become warnings.

    Raises:
        LogError: the file cannot be read or has no valid header on its first line.
    """
    try:
        data = read_regular(path)
    except OSError as exc:
        raise LogError(f"{path}: cannot read: {exc.strerror}") from None
    lines = data.split(b"\n")
    last = lines.pop()  # b"" when the file ends with a newline
    log: RunLog | None = None
    for number, raw in enumerate(lines, 1):
        if log is not None and not raw.strip():
            continue
        record, error = _decode(raw)
        if log is None:
            if error is not None:
                raise LogError(f"{path}:{number}: not a run log: the first line is not JSON ({error})")
            log = _start(path, record, len(data) - len(last))
            continue
        problem = f"malformed line skipped ({error})" if error is not None else _check_record(record)
        if problem is not None:
            log.warnings.append(f"{path}:{number}: {problem}" + ("" if error is not None else "; skipped"))
            continue
        log.records.append(record)
    if last.strip():
        record, error = _decode(last)
        if log is None:
            if error is not None:
                raise LogError(f"{path}:1: not a run log: the header is incomplete (torn)")
            log = _start(path, record, len(data))
            log.newline_missing = True
        elif error is None and _check_record(record) is None:
            # A complete record without its final newline (a hand-made or exported file).
            log.records.append(record)
            log.valid_bytes = len(data)
            log.newline_missing = True
        else:
            log.torn = True
            log.warnings.append(
                f"{path}:{len(lines) + 1}: torn last line ignored (the runner stopped while writing it)"
            )
    if log is None:
        raise LogError(f"{path}: empty run log")
    return log


def log_files(folder: Path) -> list[Path]:
    """Every ``*.jsonl`` file in ``folder`` (not recursive), sorted by name."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".jsonl" and p.is_file())


def read_logs(folder: Path | str, warn: Warn | None = None) -> list[RunLog]:
    """Every readable run log in ``folder``; problems go to ``warn`` (default: logging)."""
    folder = Path(folder)
    report = warn or _LOGGER.warning
    logs: list[RunLog] = []
    for path in log_files(folder):
        try:
            log = read_log(path)
        except LogError as exc:
            report(str(exc))
            continue
        for message in log.warnings:
            report(message)
        logs.append(log)
    return logs


def _moment(value: str | None, fallback: datetime) -> datetime:
    return parse_time(value) or fallback


def outcomes_from(logs: Iterable[RunLog]) -> dict[str, Outcome]:
    """The latest outcome per global ID across ``logs`` (by start time of the step)."""
    best: dict[str, tuple[datetime, Outcome]] = {}
    for log in logs:
        started = _moment(log.start, _EPOCH)
        for result in log.results():
            moment = _moment(result.at, started)
            previous = best.get(result.global_id)
            if previous is not None and previous[0] > moment:
                continue
            outcome = Outcome(
                result.status, result.at or log.start or "", result.operator or _operator(log), log.run_id
            )
            best[result.global_id] = (moment, outcome)
    return {key: value[1] for key, value in best.items()}


def latest_outcomes(run_logs_dir: Path | str, warn: Warn | None = None) -> dict[str, Outcome]:
    """The latest outcome of every item and block found in the logs of a folder.

    Keys are global IDs (``checklists/deploy#db-backup``). A step whose last record is
    ``running`` was interrupted (or is still running) and has status ``running``.
    """
    return outcomes_from(read_logs(run_logs_dir, warn))


def _operator(log: RunLog) -> str | None:
    value = log.header.get("operator")
    return value if isinstance(value, str) else None


@dataclass(slots=True)
class Row:
    """One planned or recorded step: its result, or ``None`` when it never ran."""

    number: int
    id: str
    text: str
    result: StepResult | None

    @property
    def status(self) -> str:
        """The step's latest status, ``not-run`` when it has none."""
        return self.result.status if self.result else "not-run"


def rows(log: RunLog) -> list[Row]:
    """Planned steps in order (run or not), then recorded steps the plan did not list."""
    results = {r.id: r for r in log.results() if not r.derived}
    out: list[Row] = []
    for entry in log.planned:
        step_id = entry["id"]
        out.append(Row(len(out) + 1, step_id, str(entry.get("text") or ""), results.pop(step_id, None)))
    for result in results.values():
        out.append(Row(len(out) + 1, result.id, result.text, result))
    return out


def totals(log: RunLog) -> dict[str, int]:
    """Steps per status, as the report lists them, ``not-run`` included.

    Planned steps the run never reached count too, so the totals add up to the steps
    listed, like the counts of the run's summary and footer.
    """
    counts: dict[str, int] = {}
    for row in rows(log):
        counts[row.status] = counts.get(row.status, 0) + 1
    return counts


@dataclass(slots=True)
class RunSummary:
    """One run, for the site's Runs page and per-run pages."""

    run_id: str
    path: Path
    source: str
    checklist: str
    title: str
    operator: str | None
    host: str | None
    start: str | None
    end: str | None
    duration: float | None
    """Seconds from the header's ``start`` to the last footer, when there are both."""
    status: str
    """``passed``, ``failed``, ``stopped``, ``interrupted`` or ``incomplete``."""
    counts: dict[str, int]
    """Steps per status, ``not-run`` included: :func:`totals`."""
    git_commit: str | None
    planned: int
    steps: list[Row]
    """Planned steps in order, run or not, then recorded steps the plan did not list."""
    torn: bool
    warnings: list[str]

    @property
    def failed(self) -> bool:
        """Whether any step failed, timed out or was aborted."""
        return any(self.counts.get(status) for status in FAILED_STATUSES)


def summarize(log: RunLog) -> RunSummary:
    """A :class:`RunSummary` of one log."""
    # Only from a recorded start: a browser export may have none, and its first tick
    # can be months before the run that continued it.
    start = parse_time(log.header.get("start"))
    end = parse_time(log.end)
    duration = (end - start).total_seconds() if start and end else None
    git = log.header.get("git")
    commit = git.get("commit") if isinstance(git, dict) else None
    title = log.header.get("title")
    return RunSummary(
        run_id=log.run_id,
        path=log.path,
        source=log.source,
        checklist=log.checklist,
        title=str(title) if isinstance(title, str) and title else log.checklist,
        operator=_operator(log),
        host=_str(log.header.get("host")),
        start=log.start,
        end=log.end,
        duration=duration,
        status=log.status,
        counts=totals(log),
        git_commit=commit if isinstance(commit, str) else None,
        planned=len(log.planned),
        steps=rows(log),
        torn=log.torn,
        warnings=list(log.warnings),
    )


def list_runs(run_logs_dir: Path | str, warn: Warn | None = None) -> list[RunSummary]:
    """Every run in a folder of logs, newest first."""
    summaries = [summarize(log) for log in read_logs(run_logs_dir, warn)]
    summaries.sort(key=lambda s: (_moment(s.start, _EPOCH), s.run_id), reverse=True)
    return summaries
