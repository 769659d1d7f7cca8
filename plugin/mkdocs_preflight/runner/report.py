"""A run log as text, a Markdown sign-off record, JSON or JUnit XML."""

from __future__ import annotations

import json
import re
import string
from typing import Any
from xml.etree import ElementTree as ET

from ..printable import one_line, printable
from .log import FAILED_STATUSES, parse_time
from .logs import RunLog, rows, summarize, totals

REPORT_VERSION = 1
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
FORMATS = ("text", "markdown", "json", "junit")


def _when(value: str | None) -> str:
    moment = parse_time(value)
    return moment.strftime("%Y-%m-%d %H:%M:%S %z") if moment else "-"


def _seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value < 60:
        return f"{value:.2f} s"
    return f"{int(value // 60)} min {value % 60:.0f} s"


def _operators(log: RunLog) -> list[str]:
    names: list[str] = []
    for value in [log.header.get("operator"), *(r.get("operator") for r in log.records)]:
        if isinstance(value, str) and value and value not in names:
            names.append(value)
    return names


def _commit(log: RunLog) -> str:
    git = log.header.get("git")
    if not isinstance(git, dict) or not isinstance(git.get("commit"), str):
        return "-"
    return str(git["commit"])[:12] + (" (uncommitted changes)" if git.get("dirty") else "")


def _tail(text: str, lines: int = 20) -> list[str]:
    parts = text.split("\n") if text else []
    return parts[-lines:]


def render_text(log: RunLog) -> str:
    """A plain-text report for the terminal."""
    summary = summarize(log)
    out = [
        f"Run {summary.run_id} of {summary.checklist} ({summary.title})",
        f"  outcome:  {summary.status}",
        f"  operator: {', '.join(_operators(log)) or '-'} on {summary.host or '-'} ({summary.source})",
        f"  commit:   {_commit(log)}",
        f"  started:  {_when(summary.start)}; ended {_when(summary.end)}; duration {_seconds(summary.duration)}",
        "",
    ]
    table: list[tuple[str, ...]] = [("#", "step", "status", "started", "time", "exit", "by")]
    for row in rows(log):
        result = row.result
        table.append(
            (
                str(row.number),
                row.id,
                row.status,
                _when(result.at if result else None),
                _seconds(result.duration if result else None),
                "-" if result is None or result.exit_code is None else str(result.exit_code),
                (result.operator or "-") if result else "-",
            )
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    for cells in table:
        out.append("  " + "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(cells)).rstrip())
    for row in rows(log):
        result = row.result
        if result is None or result.status not in FAILED_STATUSES:
            continue
        out.append("")
        out.append(f"{row.id}: {result.status}" + (f": {result.reason}" if result.reason else ""))
        for line in _tail(result.diff or result.output):
            out.append(f"  | {line}")
    counts = ", ".join(f"{n} {status}" for status, n in sorted(totals(log).items()))
    out.append("")
    out.append(f"Totals: {counts or 'no steps recorded'}.")
    out.extend(f"warning: {w}" for w in log.warnings)
    return printable("\n".join(out) + "\n")


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell or heading (no HTML, no cell breaks, no link,
    no emphasis or code, and no ``attr_list`` block: a title ending in ``{: onclick=... }``
    would give the record's heading an event handler where the record is rendered by
    Python-Markdown). It reads as written."""
    return (
        one_line(text)
        .replace("\\", "\\\\")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("|", "\\|")
        .replace("`", "\\`")
        .replace("*", "\\*")
        .replace("_", "\\_")
        .replace("~", "&#126;")  # Python-Markdown keeps the backslash of \\~
        .replace("[", "&#91;")
        .replace("]", "&#93;")
        .replace("{", "&#123;")
        .replace("}", "&#125;")
        .strip()
    )


_PUNCTUATION = frozenset(string.punctuation)


def _code(text: str) -> str:
    """Inline code that survives backticks in ``text``, on one line, fit for a table cell.

    A ``|`` splits a cell even inside backticks on GitHub and in markdown-it, unless it is
    written ``\\|``, which Python-Markdown shows as is: an HTML ``<code>`` element with the
    pipe as a character reference reads the same everywhere.
    """
    text = one_line(text)
    if "|" in text:
        # Markup between HTML tags is still read (`*`, `` ` ``, `\\`): every punctuation
        # character goes in as a character reference.
        return "<code>" + "".join(f"&#{ord(c)};" if c in _PUNCTUATION else c for c in text) + "</code>"
    fence = "`" * (_longest_backticks(text) + 1)
    padding = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{padding}{text}{padding}{fence}"


def render_markdown(log: RunLog) -> str:
    """A sign-off record: who ran which step when, with what outcome."""
    summary = summarize(log)
    operators = ", ".join(_md(name) for name in _operators(log)) or "-"
    out = [
        f"# Run record: {_md(summary.title)}",
        "",
        "| | |",
        "| --- | --- |",
        f"| Checklist | {_code(summary.checklist)} |",
        f"| Run | {_code(summary.run_id)} |",
        f"| Outcome | **{_md(summary.status)}** |",
        f"| Operator | {operators} |",
        f"| Host | {_md(summary.host or '-')} |",
        f"| Commit | {_md(_commit(log))} |",
        f"| Source | {_md(summary.source)} |",
        f"| Started | {_when(summary.start)} |",
        f"| Ended | {_when(summary.end)} |",
        f"| Duration | {_seconds(summary.duration)} |",
        "",
        "## Steps",
        "",
        "| # | Step | What | Outcome | By | When | Duration | Exit |",
        "| --: | --- | --- | --- | --- | --- | --: | --: |",
    ]
    for row in rows(log):
        result = row.result
        status = row.status if row.status not in FAILED_STATUSES else f"**{row.status}**"
        exit_code = "" if result is None or result.exit_code is None else str(result.exit_code)
        by = _md(result.operator or "") if result else ""
        when = _when(result.at) if result else ""
        took = _seconds(result.duration) if result and result.duration is not None else ""
        out.append(
            f"| {row.number} | {_code(row.id)} | {_md(row.text)} | {status} | {by} | {when} | {took} | {exit_code} |"
        )
    problems = [row for row in rows(log) if row.result is not None and row.result.status in FAILED_STATUSES]
    if problems:
        out += ["", "## Failures"]
        for row in problems:
            result = row.result
            assert result is not None
            out += ["", f"### {_code(row.id)}: {result.status}", ""]
            if result.reason:
                out += [_md(result.reason), ""]
            body = result.diff or result.output
            if body:
                lines = _tail(body, 40)
                fence = "`" * max(3, _longest_backticks(body) + 1)
                out += [fence + ("diff" if result.diff else "text"), *lines, fence]
    counts = ", ".join(f"{n} {status}" for status, n in sorted(totals(log).items()))
    out += [
        "",
        f"Totals: {counts or 'no steps recorded'}.",
        "",
        "## Sign-off",
        "",
        "| Role | Name | Date | Signature |",
        "| --- | --- | --- | --- |",
        f"| Operator | {operators} | {_when(summary.end or summary.start)} | |",
        "| Reviewer | | | |",
        "",
    ]
    return "\n".join(out)


def _longest_backticks(text: str) -> int:
    longest = current = 0
    for char in text:
        current = current + 1 if char == "`" else 0
        longest = max(longest, current)
    return longest


def report_dict(log: RunLog) -> dict[str, Any]:
    """The JSON report: the run, every step (latest result), warnings."""
    summary = summarize(log)
    steps: list[dict[str, Any]] = []
    for row in rows(log):
        result = row.result
        entry: dict[str, Any] = {"number": row.number, "id": row.id, "text": row.text, "status": row.status}
        if result is not None:
            entry.update(
                {
                    "global_id": result.global_id,
                    "kind": result.kind,
                    "at": result.at,
                    "duration": result.duration,
                    "exit_code": result.exit_code,
                    "operator": result.operator,
                    "attempts": result.attempts,
                    "command": result.command,
                    "output": result.output,
                    "output_truncated": result.output_truncated,
                    "reason": result.reason,
                    "diff": result.diff,
                    "derived": result.derived,
                }
            )
        steps.append(entry)
    items = [{"id": r.id, "global_id": r.global_id, "status": r.status, "at": r.at} for r in log.results() if r.derived]
    return {
        "version": REPORT_VERSION,
        "run": {
            "run_id": summary.run_id,
            "path": str(summary.path),
            "source": summary.source,
            "checklist": summary.checklist,
            "title": summary.title,
            "status": summary.status,
            "operators": _operators(log),
            "host": summary.host,
            "git": log.header.get("git") if isinstance(log.header.get("git"), dict) else None,
            "start": summary.start,
            "end": summary.end,
            "duration": summary.duration,
            "counts": totals(log),
            "torn": summary.torn,
        },
        "steps": steps,
        "items": items,
        "warnings": list(log.warnings),
    }


def render_json(log: RunLog) -> str:
    """The JSON report as text."""
    return json.dumps(report_dict(log), ensure_ascii=False, indent=2) + "\n"


def _xml(text: str | None) -> str:
    """Text without the characters XML 1.0 forbids (terminal escapes, NUL)."""
    return _NOT_XML.sub("\ufffd", text or "")


def render_junit(log: RunLog) -> str:
    """JUnit XML: one test case per step; manual-pending, skipped and not-run are skipped.

    A step still ``running`` (the runner died during it) is an error, like an aborted one.
    """
    summary = summarize(log)
    table = rows(log)
    failures = sum(1 for row in table if row.status in ("failed", "timeout"))
    # `running`: the runner died during the step; nothing says how it ended.
    errors = sum(1 for row in table if row.status in ("aborted", "running"))
    skipped = sum(1 for row in table if row.status in ("skipped", "manual-pending", "not-run"))
    total_time = sum((row.result.duration or 0.0) for row in table if row.result)
    suites = ET.Element(
        "testsuites", name="preflight run", tests=str(len(table)), failures=str(failures), errors=str(errors)
    )
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=_xml(summary.checklist or summary.run_id),
        tests=str(len(table)),
        failures=str(failures),
        errors=str(errors),
        skipped=str(skipped),
        time=f"{total_time:.3f}",
        hostname=_xml(summary.host),
    )
    start = parse_time(summary.start)
    if start is not None:
        suite.set("timestamp", start.replace(tzinfo=None).isoformat(timespec="seconds"))
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("run_id", summary.run_id),
        ("operator", ", ".join(_operators(log))),
        ("commit", _commit(log)),
        ("source", summary.source),
        ("outcome", summary.status),
    ):
        ET.SubElement(properties, "property", name=name, value=_xml(value))
    stem = summary.checklist[:-3] if summary.checklist.endswith(".md") else summary.checklist
    classname = _xml(stem.replace("/", "."))
    for row in table:
        result = row.result
        case = ET.SubElement(
            suite,
            "testcase",
            name=_xml(row.id + (f": {row.text}" if row.text else "")),
            classname=classname,
            time=f"{(result.duration or 0.0) if result else 0.0:.3f}",
        )
        status = row.status
        reason = (result.reason if result else None) or status
        if status in ("failed", "timeout"):
            node = ET.SubElement(case, "failure", message=_xml(reason), type=status)
            node.text = _xml((result.diff or result.output) if result else "")
        elif status in ("aborted", "running"):
            message = "interrupted while running: the runner stopped during the step" if status == "running" else reason
            node = ET.SubElement(case, "error", message=_xml(message), type=status)
            node.text = _xml(result.output if result else "")
        elif status in ("skipped", "manual-pending", "not-run"):
            message = "not run" if status == "not-run" else reason
            ET.SubElement(case, "skipped", message=_xml(message))
        if result is not None and result.output:
            # Every step's output, a failure's too: CI tools show system-out as the log.
            ET.SubElement(case, "system-out").text = _xml(result.output)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def render(log: RunLog, fmt: str) -> str:
    """The report of ``log`` in one of :data:`FORMATS`."""
    renderers = {"text": render_text, "markdown": render_markdown, "json": render_json, "junit": render_junit}
    return renderers[fmt](log)
