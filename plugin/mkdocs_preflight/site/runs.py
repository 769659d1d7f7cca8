"""Run logs on the site: item badges, the Runs page (the audit trail) and a page per run.

Logs come from the runner's own reader (``runner.logs``), which survives torn and
malformed files; every problem becomes a warning, never a crash. Pages are generated
as Markdown, so the theme renders and searches them; every value from a log is
escaped, since a log is data, not Markdown.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..runner.logs import Outcome as RunOutcome
from ..runner.logs import RunSummary, outcomes_from, read_logs, summarize
from .context import Outcome
from .requirements import md_text

BADGE_STATUS = {
    "passed": "passed",
    "failed": "failed",
    "timeout": "failed",
    "aborted": "failed",
    "skipped": "skipped",
    "manual-done": "manual",
    "manual-pending": "pending",
    "running": "pending",
}
"""Run-log statuses → the badge classes of the stylesheet."""


def _cell(value: object) -> str:
    """A value as literal Markdown text on one line (a table cell, a heading, a list item).

    Every character Markdown or an extension reads mid-line becomes an entity: not only
    HTML and pipes, but also ``{`` and ``}``, or a run ID ending in ``{: onclick=... }``
    would give its heading an event handler through ``attr_list``.
    """
    return md_text(value)


def _when(value: str | None) -> str:
    return (value or "")[:16].replace("T", " ")


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


@dataclass(slots=True)
class RunData:
    """What the site shows from a folder of run logs."""

    outcomes: dict[str, RunOutcome] = field(default_factory=dict)
    runs: list[RunSummary] = field(default_factory=list)

    def badge(self, global_id: str) -> Outcome | None:
        """The badge of one item (by global ID), from its latest outcome."""
        outcome = self.outcomes.get(global_id)
        if outcome is None:
            return None
        status = BADGE_STATUS.get(outcome.status, "pending")
        parts = [outcome.status, _when(outcome.when)]
        if outcome.operator:
            parts.append(outcome.operator)
        return Outcome(status, " · ".join(p for p in parts if p), f"run {outcome.run_id}")

    def latest_status(self, global_ids: Iterable[str]) -> str | None:
        """The latest outcome among several steps (a requirement's), by time."""
        found = [self.outcomes[g] for g in global_ids if g in self.outcomes]
        if not found:
            return None
        latest = max(found, key=lambda o: o.when)
        return f"{latest.status} ({_when(latest.when)})"


def load(folder: Path, warn: Callable[[str], None]) -> RunData:
    """Read every run log of ``folder`` (missing folder: no runs yet)."""
    if not folder.is_dir():
        return RunData()
    logs = read_logs(folder, warn)
    prefix = f"{folder}{os.sep}"
    for log in logs:  # a run's page names the damage by file and line, not by this machine's path
        log.warnings = [message.removeprefix(prefix) for message in log.warnings]
    runs = sorted((summarize(log) for log in logs), key=lambda s: (s.start or "", s.run_id), reverse=True)
    return RunData(outcomes_from(logs), runs)


_RESERVED_STEMS = frozenset({"index", "readme"})
"""Names MkDocs makes the page of the folder itself (``runs/``: the Runs page)."""


def run_uris(base: str, runs: Iterable[RunSummary], taken: Callable[[str], bool] = lambda uri: False) -> list[str]:
    """Where each run's own page goes: ``runs/<run id>.md`` next to the Runs page.

    A run ID is data from a log file: it never names the folder's index (``index``,
    ``README``: the Runs page itself), a hidden file (``.``, ``..``), a page of the site
    (``taken``), or another run's page (``x y`` and ``x-y``, or a copied log); such a
    run gets ``run-`` in front or a ``-2`` after its name instead.
    """
    used: set[str] = set()
    uris: list[str] = []
    for run in runs:
        stem = "".join(c if c.isalnum() or c in "-_." else "-" for c in run.run_id).lstrip(".") or "run"
        if stem.lower() in _RESERVED_STEMS:
            stem = f"run-{stem}"
        name, number = stem, 1
        while name.lower() in used or taken(f"{base}{name}.md"):
            number += 1
            name = f"{stem}-{number}"
        used.add(name.lower())
        uris.append(f"{base}{name}.md")
    return uris


def runs_page(runs: list[RunSummary], link: Callable[[RunSummary], str]) -> str:
    """The Runs page: every run, newest first, with its outcome and duration."""
    lines = [
        "# Runs",
        "",
        "Every recorded run of a checklist, newest first: the deployment audit trail. "
        "Run logs come from `preflight run` and from the site's *Export run log* button.",
        "",
    ]
    if not runs:
        lines.append("No runs recorded yet.")
        return "\n".join(lines) + "\n"
    lines += [
        "| run | checklist | outcome | started | duration | operator | steps |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for run in runs:
        counts = ", ".join(f"{n} {s}" for s, n in sorted(run.counts.items()) if n)
        lines.append(
            f"| [{_cell(run.run_id)}]({link(run)}) | {_cell(run.title or run.checklist)} | {_cell(run.status)} "
            f"| {_cell(_when(run.start))} | {_cell(_duration(run.duration))} | {_cell(run.operator or '')} "
            f"| {_cell(counts)} |"
        )
    return "\n".join(lines) + "\n"


def run_page(run: RunSummary) -> str:
    """One run: who ran which step when, with what outcome (a sign-off record)."""
    lines = [
        f"# Run {_cell(run.run_id)}",
        "",
        f"- Checklist: {_cell(run.title or run.checklist)} ({_cell(run.checklist)})",
        f"- Outcome: **{_cell(run.status)}**",
        f"- Operator: {_cell(run.operator or 'unknown')}; host: {_cell(run.host or 'unknown')}",
        f"- Started: {_cell(_when(run.start))}; duration: {_cell(_duration(run.duration)) or 'unknown'}",
        f"- Source: {_cell(run.source)}" + (f"; commit <code>{_cell(run.git_commit)}</code>" if run.git_commit else ""),
    ]
    if run.torn or run.warnings:
        lines.append(f"- The log is damaged: {_cell('; '.join(run.warnings) or 'torn last line')}")
    lines += ["", "| step | status | when | duration | exit | text |", "| --- | --- | --- | --- | --- | --- |"]
    for row in run.steps:  # every planned step, as `preflight report` lists them
        result = row.result
        exit_code = "" if result is None or result.exit_code is None else str(result.exit_code)
        when = _when(result.at) if result else ""
        took = _duration(result.duration) if result else ""
        lines.append(
            f"| {_cell(row.id)} | {_cell(row.status)} | {_cell(when)} "
            f"| {_cell(took)} | {_cell(exit_code)} | {_cell(row.text)} |"
        )
    return "\n".join(lines) + "\n"
