"""Property tests: ``check`` never crashes, every finding is well-formed, every format renders."""

from __future__ import annotations

import json
import re

import junitparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_preflight.config import load_settings
from mkdocs_preflight.engine import Project, parse_bytes
from mkdocs_preflight.model import Diagnostic
from mkdocs_preflight.report import FORMATS, ReportOptions, render
from mkdocs_preflight.rules import Checker, CheckResult
from mkdocs_preflight.rules.text import fix_mojibake

FRAGMENTS = [
    "- [ ] ",
    "- [x] ",
    "- [] ",
    "-[ ] ",
    "    ",
    "# ",
    "## Requirements\n",
    "### Requirement 1.2: t\n",
    "(Requirement 1.2)",
    "```",
    "````",
    "~~~",
    "```bash id=x timeout=5\n",
    "```bash { #y }\n",
    "<!-- preflight: ignore PF1 -->",
    "<!-- preflight: ignore -->",
    "<!-- preflight: id=z -->\n",
    "{ #dup }",
    "`scripts/x.sh`",
    "`make deploy`",
    "[l](../x.md#a)",
    "âœ…",
    "‚úÖ",
    "✅",
    "---\n",
    "title: [\n",
    "\r\n",
    "\r",
    "\n",
    "\t",
    "\x00",
    "\ufeff",
    "\udcff",
]
documents = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map("".join)


@pytest.fixture(scope="module")
def checker(tmp_path_factory: pytest.TempPathFactory) -> Checker:
    root = tmp_path_factory.mktemp("project")
    (root / "mkdocs.yml").write_text("site_name: p\nplugins:\n  - preflight:\n      registry: req.yml\n")
    (root / "req.yml").write_text('"1.2": defined\n')
    (root / "checklists").mkdir()
    return Checker(Project(load_settings(root / "mkdocs.yml")), select=["ALL"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=documents)
def test_check_never_crashes_and_findings_are_well_formed(checker: Checker, text: str) -> None:
    data = text.encode("utf-8", errors="surrogatepass")
    outcome = checker.outcome(parse_bytes(data, "checklists/x.md", checker.project.matcher), data)
    checker.outcomes = [outcome]
    diagnostics = outcome.diagnostics + checker.finish()
    codes = checker.registry.codes
    for d in diagnostics:
        assert d.code in codes
        assert d.line >= 1 and d.col >= 1
        assert d.message and "\n" not in d.message
    result = CheckResult(sorted(diagnostics, key=Diagnostic.sort_key), ["checklists/x.md"])
    for fmt in FORMATS:
        report = render(result, fmt, ReportOptions(root=checker.project.root))
        if fmt in ("json", "sarif"):
            json.loads(report)
        elif fmt == "junit":
            junitparser.JUnitXml.fromstring(report.encode("utf-8"))


@settings(max_examples=150, deadline=None)
@given(data=st.binary(max_size=200) | documents.map(lambda t: t.encode("utf-8", errors="surrogatepass")))
def test_mojibake_fix_touches_only_the_lines_it_names(data: bytes) -> None:
    lines = re.split(rb"\r\n|\r|\n", data)
    chosen = list(range(1, len(lines) + 1, 2))
    fixed = fix_mojibake(data, [Diagnostic("PF401", "", "x.md", n) for n in chosen])
    new_lines = re.split(rb"\r\n|\r|\n", fixed)
    assert len(new_lines) == len(lines)
    for number, (old, new) in enumerate(zip(lines, new_lines, strict=True), 1):
        if number not in chosen:
            assert old == new
    assert re.findall(rb"\r\n|\r|\n", fixed) == re.findall(rb"\r\n|\r|\n", data)
