"""The registry: stable, documented codes; every code the engine emits is registered; docs up to date."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import mkdocs_preflight
from mkdocs_preflight.rules.base import codes_of
from mkdocs_preflight.rules.docs import render_pages
from mkdocs_preflight.rules.registry import FAMILIES, all_rules, load

from .conftest import Invoke, MakeProject, config

PACKAGE = Path(mkdocs_preflight.__file__).parent
DOCS = Path(__file__).parents[2] / "docs" / "rules"


def test_codes_names_and_texts() -> None:
    rules = all_rules()
    assert [r.code for r in rules] == sorted({r.code for r in rules})
    names = [r.name for r in rules]
    assert len(names) == len(set(names))
    for rule in rules:
        assert re.fullmatch(r"PF[1-5]\d\d", rule.code)
        assert rule.family in FAMILIES
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", rule.name), rule.name
        assert rule.summary and "\n" not in rule.summary and not rule.summary.endswith("."), rule.code
        # A bad and a good example, in either of the two styles the families use.
        assert re.search(r"\*\*Example\*\*|^Bad\b", rule.explanation, re.M), rule.code
        assert re.search(r"\*\*Use instead\*\*|^Good\b", rule.explanation, re.M), rule.code


def test_every_code_in_the_sources_is_registered() -> None:
    emitted: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        emitted.update(re.findall(r"""Diagnostic\(\s*["'](PF\d{3})["']""", text))
        emitted.update(re.findall(r"""diag\(\s*["'](PF\d{3})["']""", text))
    assert emitted, "the pattern found no emitted code at all"
    missing = emitted - load().codes
    assert not missing, f"codes emitted but not registered: {sorted(missing)}"
    engine = {"PF101", "PF105", "PF106", "PF107", "PF108", "PF109", "PF402", "PF403"}
    assert engine <= emitted


def test_fixable_rules_have_a_fixer() -> None:
    registry = load()
    for rule in registry.rules.values():
        assert (rule.code in registry.fixers) == rule.fixable, rule.code


def test_committed_rule_pages_are_up_to_date() -> None:
    pages = render_pages()
    committed = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    stale = sorted(name for name in pages if committed.get(name) != pages[name])
    extra = sorted(set(committed) - set(pages))
    assert not stale and not extra, (
        f"docs/rules is out of date (stale: {stale}, extra: {extra}); "
        "run: python -m mkdocs_preflight.rules.docs docs/rules"
    )
    for rule in all_rules():
        assert rule.explanation in pages[f"{rule.code}.md"]  # one text, two front ends


def test_every_check_names_the_codes_it_reports() -> None:
    registry = load()
    checks: list[Callable[..., object]] = [*registry.file_checks, *registry.project_checks]
    for check in checks:
        codes = codes_of(check)
        assert codes, f"{check.__qualname__}: the first docstring line should name its codes"
        assert codes <= registry.codes, f"{check.__qualname__}: unknown {sorted(codes - registry.codes)}"


def test_the_silencing_help_fits_where_the_findings_are(make_project: MakeProject, invoke: Invoke) -> None:
    pages = render_pages()
    # The lock file and the registry are not Markdown: no HTML comment can go there.
    for code, file in (("PF503", "preflight.lock"), ("PF108", "requirements.yml")):
        assert "<!-- preflight: ignore" not in pages[f"{code}.md"]
        assert f'per_path_ignores: {{"{file}": [{code}]}}' in pages[f"{code}.md"]
    assert "front matter, where no comment can go" in pages["PF307.md"]
    # ... and the advice works.
    root = make_project(
        {"checklists/a.md": "# A\n", "preflight.lock": "garbage\n"},
        config=config(per_path_ignores='{"preflight.lock": [PF503]}'),
    )
    assert invoke(root, "check", "--no-cache", "--select", "PF503").exit_code == 0
