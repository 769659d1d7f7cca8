"""Property tests: ``check`` never crashes, every finding is well-formed, every format renders."""

from __future__ import annotations

import json
import re

import junitparser
import pytest
from hypothesis import HealthCheck, example, given, settings
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


FIXABLE = ["âœ…", "â€™", "Ã©", "‚úÖ", "ðŸš€"]  # mojibake (PF401)
FIXABLE += [
    "```bash id=x timeout=5\n",
    '```bash title="t" id=q\n',
    "~~~sh timeout=3 id=z\n",
    "    ```bash id=n\n",
]  # PF110
fixable_documents = st.lists(st.one_of(st.sampled_from(FRAGMENTS + FIXABLE), st.text(max_size=8)), max_size=40).map(
    "".join
)


def _steps(data: bytes) -> list[tuple[str, int]]:
    checklist = parse_bytes(data, "checklists/f.md")
    return [(i.id, i.line) for i in checklist.items] + [(b.id, b.line) for b in checklist.blocks]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=fixable_documents)
@example(text="- [ ] ```bash id=x timeout=5\n")  # a fence on the item's own line
@example(text="```bash id=x timeout=5\x85[l](../x.md#a)")  # PF110 can fix it once PF401 fixed the mojibake
def test_check_fix_keeps_every_step_and_twice_is_once(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    """`check --fix` leaves nothing fixable and moves no line; fence-header fixes keep every
    ID (a mojibake fix may change an item's text, and so its automatic ID); a second
    `--fix` changes nothing."""
    root = tmp_path_factory.mktemp("fix")
    (root / "mkdocs.yml").write_text("site_name: p\nplugins:\n  - preflight\n")
    target = root / "checklists" / "f.md"
    target.parent.mkdir()
    data = text.encode("utf-8", errors="surrogatepass")
    target.write_bytes(data)
    project = Project(load_settings(root / "mkdocs.yml"))
    before = Checker(project, select=["PF110", "PF401"]).check_file(target)
    after = Checker(project, select=["PF110", "PF401"], fix=True).check_file(target)
    assert not [d for d in after.diagnostics if d.fixable], "a fix left something to fix"
    fixed = target.read_bytes()
    assert [line for _, line in _steps(fixed)] == [line for _, line in _steps(data)]
    if not any(d.code == "PF401" for d in before.diagnostics):
        assert _steps(fixed) == _steps(data)
    Checker(project, select=["PF110", "PF401"], fix=True).check_file(target)
    assert target.read_bytes() == fixed
