"""Any text in a run log: every report format stays well formed and reports every step.

Run logs hold text from anywhere: step IDs and item text from the checklist, a step's
output and command, operator and host names, a browser export's fields. Hypothesis
fills a log with such text (table pipes, backticks, line breaks, markup, control
characters, escape sequences) and ``preflight report`` writes each format. The JSON
report must list every step; the JUnit report must be XML with one test case per step;
the Markdown sign-off record, read by markdown-it-py and by Python-Markdown (MkDocs'),
must hold one table row per step
with every cell in place, and show the step's ID, its text, its operator and the run's
title as they are (on one line, control characters as ``\\xNN``).
"""

from __future__ import annotations

import html
import json
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import markdown
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from markdown_it import MarkdownIt

from mkdocs_preflight.cli import main

from .generated import run_logs, shown


def _rows(markdown: str) -> list[list[str]]:
    """The body rows of the "Steps" table, each as its cells' inline source."""
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    heading = next(i for i, t in enumerate(tokens) if t.type == "inline" and t.content == "Steps")
    rows: list[list[str]] = []
    row: list[str] | None = None
    in_body = False
    for token in tokens[heading:]:
        if token.type == "tbody_open":
            in_body = True
        elif token.type == "tbody_close" or (token.type == "table_close" and rows):
            break
        elif in_body and token.type == "tr_open":
            row = []
        elif in_body and token.type == "tr_close" and row is not None:
            rows.append(row)
        elif in_body and token.type == "inline" and row is not None:
            row.append(token.content)
    return rows


def _python_markdown_rows(text: str) -> list[list[str]]:
    """The body rows of the "Steps" table as Python-Markdown (MkDocs' renderer) makes it."""
    rendered = markdown.markdown(text, extensions=["tables"])
    body = rendered.split("<h2>Steps</h2>", 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", body, re.S)
    return [[_visible(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def _visible(rendered: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]*>", "", rendered)).split())


def _shown(cell: str) -> str:
    """The text a reader sees in a cell, whitespace collapsed."""
    return _visible(MarkdownIt("commonmark").renderInline(cell))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(log=run_logs())
def test_every_report_format_is_well_formed_and_lists_every_step(log: tuple[list[dict[str, Any]], list[str]]) -> None:
    records, ids = log
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "run.jsonl"
        path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
        runner = CliRunner()

        def report(fmt: str) -> str:
            done = runner.invoke(main, ["report", str(path), "--format", fmt], catch_exceptions=False)
            assert done.exit_code == 0, done.output
            assert not done.stderr, done.stderr  # the log is sound: no warning
            return done.stdout

        data = json.loads(report("json"))
        assert [step["id"] for step in data["steps"]] == ids

        junit = ET.fromstring(report("junit").encode("utf-8"))
        assert len(junit.findall(".//testcase")) == len(ids)

        record = report("markdown")
        rows = _rows(record)
        assert len(rows) == len(ids), rows
        steps = {step["id"]: step for step in records[0]["steps"]}
        latest = {record["id"]: record for record in records[1:]}
        for row, step_id in zip(rows, ids, strict=True):
            assert len(row) == 8, row
            assert _shown(row[1]) == shown(step_id), (row, step_id)
            assert _shown(row[2]) == shown(steps[step_id]["text"]), (row, steps[step_id])
            if step_id in latest:
                assert _shown(row[4]) == shown(latest[step_id]["operator"]), (row, latest[step_id])
        by_python_markdown = _python_markdown_rows(record)
        assert len(by_python_markdown) == len(ids), by_python_markdown
        for cells, step_id in zip(by_python_markdown, ids, strict=True):
            assert len(cells) == 8, cells
            assert cells[1] == shown(step_id), (cells, step_id)
            assert cells[2] == shown(steps[step_id]["text"]), (cells, steps[step_id])
        title = f"Run record: {records[0]['title'] or records[0]['checklist']}"
        assert _shown(record.splitlines()[0].removeprefix("# ")) == shown(title)

        report("text")
