"""Any file name and any text a finding quotes: every output format of ``check`` stays sound.

Findings quote what the checklist says (link targets, IDs, requirement IDs) and name the
file, and both come from the repository: commas, colons, percent signs, quotes, markup,
control characters. Hypothesis writes checklists with such names and text, each with
findings, and ``preflight check`` writes every format. The JSON report is the oracle:
each other format must hold the same findings at the same places. GitHub annotations
must be one per line and give back the path and message once unescaped; SARIF must be
JSON with one result per finding and the path as a relative URI; JUnit must be XML with
one failure per finding; the text format must give one line per finding that starts with
the place.
"""

from __future__ import annotations

import json
import re
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_preflight.cli import main

NAME_PIECES = ["a", "b", " ", ",", ":", "%", "%0A", "'", '"', "#", "&", "<", ">", "é", "[x]", "=", "::", ";", "(", ")"]
names = (
    st.lists(st.sampled_from(NAME_PIECES), min_size=1, max_size=6).map("".join).filter(lambda n: n.strip(" .") != "")
)
TEXT_PIECES = ["x", "%", "%25", ",", ":", "::", "\\", "'", '"', "<b>", "&amp;", "|", "]", "é", "`", "*"]
texts = st.lists(st.sampled_from(TEXT_PIECES), min_size=1, max_size=6).map("".join)


@st.composite
def checklists(draw: st.DrawFn) -> str:
    lines = ["# Runbook", ""]
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["link", "duplicate", "script"]))
        text = draw(texts)
        if kind == "link":
            target = re.sub(r"[() <>\\]", "", text)  # (PF201 leaves backslash paths alone)
            lines.append(f"- [ ] Read [the guide](missing/{target or 'x'}.md)")
        elif kind == "duplicate":
            lines += ["- [ ] Same { #twice }", "- [ ] Same again { #twice }"]
        else:
            lines += ["- [ ] Run it", "  ```bash", f"  ./scripts/{re.sub(r'[^a-z]', '', text) or 'x'}.sh", "  ```"]
        lines.append("")
    return "\n".join(lines)


def _github(line: str) -> tuple[str, dict[str, str], str]:
    match = re.fullmatch(r"::(\w+) (.*?)::(.*)", line)
    assert match is not None, line
    properties = dict(part.split("=", 1) for part in match.group(2).split(","))

    def data(value: str) -> str:
        return value.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")

    def prop(value: str) -> str:
        return data(value.replace("%3A", ":").replace("%2C", ","))

    return match.group(1), {key: prop(value) for key, value in properties.items()}, data(match.group(3))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(files=st.dictionaries(names, checklists(), min_size=1, max_size=3))
def test_every_format_reports_the_same_findings_at_the_same_places(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - preflight\n")
        (root / "checklists").mkdir()
        for name, text in files.items():
            (root / "checklists" / f"{name}.md").write_text(text)
        runner = CliRunner()

        def check(fmt: str) -> str:
            args = ["-f", str(root / "mkdocs.yml"), "check", "--no-cache", "--format", fmt, str(root / "checklists")]
            done = runner.invoke(main, args, catch_exceptions=False)
            assert done.exit_code in (0, 1), done.output
            return done.stdout

        findings = json.loads(check("json"))["diagnostics"]
        assert findings, files
        places = sorted((d["path"], d["line"], d["code"], d["message"]) for d in findings)

        annotations = [_github(line) for line in check("github").splitlines()]
        assert sorted((p["file"], int(p["line"]), p["title"].split()[0], m) for _, p, m in annotations) == places

        sarif = json.loads(check("sarif"))
        results = sarif["runs"][0]["results"]
        located = []
        for result in results:
            location = result["locations"][0]["physicalLocation"]
            uri = location["artifactLocation"]["uri"]
            assert not re.search(r"[\s#?]", uri), uri  # a URI: these are percent-encoded
            located.append((unquote(uri), location["region"]["startLine"], result["ruleId"], result["message"]["text"]))
        assert sorted(located) == places

        junit = ET.fromstring(check("junit").encode("utf-8"))
        assert len(junit.findall(".//failure")) + len(junit.findall(".//error")) == len(findings)

        placed = [re.match(r"(.+):(\d+):\d+: (PF\d{3}) ", line) for line in check("text").splitlines()]
        assert sorted(m.groups() for m in placed if m) == sorted(
            (path, str(line), code) for path, line, code, _ in places
        )
