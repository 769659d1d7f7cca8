"""The build reports what ``preflight check`` reports: one engine, one list of findings.

On projects drawn by ``tests/check/projects.py`` (checklists that ask the repository
about scripts, links and anchors, Makefile targets, npm scripts, Python modules, env
variables, requirements, commits and ignored files, with those files in any state, a
broken symbolic link among them, after some changes: a commit made unknown, the steps
locked), ``mkdocs build`` with the plugin must log exactly the findings that
``preflight check --format json`` prints, with the same places and messages. PF110 is
the documented exception (the plugin rewrites such fence headers itself).
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from site_support import Built, build_site, serving

from check.projects import DRAWN, Start, changes, check, drawn, starts

FINDING = re.compile(
    r"^mkdocs_preflight: (?P<path>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>PF\d{3}) (?P<message>.*)$"
)

# Extracted scripts are a `check --scripts-dir` matter; the build has no such option.
build_changes = changes.filter(lambda step: step[0] != "extract")


@settings(DRAWN, max_examples=8)
@given(start=starts, steps=st.lists(build_changes, max_size=3))
def test_the_build_logs_the_findings_of_check(start: Start, steps: list[tuple[object, ...]]) -> None:
    with drawn(start, site=True) as project:
        for step in steps:
            project.change(step)
        _same_findings(project.root, build_site(project.root, strict=False, level=logging.DEBUG))  # infos are DEBUG


@settings(DRAWN, max_examples=6)
@given(start=starts, steps=st.lists(build_changes, min_size=1, max_size=4))
def test_each_serve_rebuild_logs_the_findings_of_check(start: Start, steps: list[tuple[object, ...]]) -> None:
    # `serve` keeps the models of unchanged checklists between builds: their findings
    # must still follow every change to the files they ask about.
    with drawn(start, site=True) as project, serving(project.root) as rebuild:
        _same_findings(project.root, rebuild())
        for step in steps:
            project.change(step)
            _same_findings(project.root, rebuild(), f"after {step!r}")


LINK_WARNING = re.compile(r"^Doc file '(?P<doc>[^']+)' contains a link '(?P<link>[^']+)', but the target")
REPO_URL = "repo_url: https://example.invalid/o/r\nedit_uri: edit/main/docs/\n"


@settings(DRAWN, max_examples=8)
@given(start=starts, repo_url=st.booleans())
def test_mkdocs_warns_only_about_links_that_check_reports(start: Start, repo_url: bool) -> None:
    # Valid checklists keep `--strict` green: links and images to repository files become
    # links to the repository browser, text, or files of the site. What MkDocs still warns
    # about is a broken link, which `check` reports too.
    with drawn(start, site=True) as project:
        config = project.root / "mkdocs.yml"
        text = config.read_text(encoding="utf-8")
        if repo_url:
            config.write_text(text.replace("site_name: t\n", "site_name: t\n" + REPO_URL), encoding="utf-8")
        code, findings = check(project.root, "--no-cache", "--select", "PF201,PF206,PF209")
        if code == 2:
            return
        reported = {(d["path"], str(d["message"]).split("`")[1]) for d in findings if isinstance(d, dict)}
        in_place = "docs_dir: checklists" in text
        for level, message in build_site(project.root, strict=False).messages:
            if level < logging.WARNING or message.startswith("mkdocs_preflight: "):
                continue
            match = LINK_WARNING.match(message)
            assert match, message
            doc = f"checklists/{match['doc']}" if in_place else match["doc"]
            link, _, fragment = match["link"].partition("#")
            assert {(doc, match["link"]), (doc, link), (doc, f"#{fragment}")} & reported, (message, reported)


def _same_findings(root: Path, built: Built, context: str = "") -> None:
    code, findings = check(root, "--no-cache")
    if code == 2:  # a configuration error (an unreadable registry) stops both
        assert not built.ok, context
        return
    logged = [
        (match["code"], match["path"], int(match["line"]), int(match["col"]), match["message"])
        for _, message in built.messages
        if (match := FINDING.match(message))
    ]
    expected = [
        (d["code"], d["path"], d["line"], d["col"], d["message"])
        for d in findings
        if isinstance(d, dict) and d["code"] != "PF110"  # the build rewrites such headers itself
    ]
    assert sorted(logged) == sorted(expected), context
