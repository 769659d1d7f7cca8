"""The generated corpus's planted defects, found exactly: no more, no fewer, at the same lines."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from mkdocs_preflight.rules import commands, registry, repository
from mkdocs_preflight.rules.context import RuleContext

from .conftest import context

GENERATOR = Path(__file__).resolve().parents[2] / "benchmarks" / "gen_corpus.py"


def generate(root: Path, files: int, items: int, seed: int) -> dict[str, list[dict[str, object]]]:
    subprocess.run(
        [sys.executable, str(GENERATOR), str(root), "--files", str(files), "--items", str(items), "--seed", str(seed)],
        check=True,
        capture_output=True,
    )
    defects: dict[str, list[dict[str, object]]] = json.loads((root / "ground_truth.json").read_text())["defects"]
    return defects


def found_in(root: Path) -> tuple[Counter[tuple[object, ...]], list[tuple[str, str, int, str]]]:
    ctx: RuleContext = context(root)
    ctx.enabled = frozenset(registry.load().codes) - {"PF302"}  # shellcheck: measured elsewhere
    missing: Counter[tuple[object, ...]] = Counter()
    diagnostics: list[tuple[str, str, int, str]] = []
    try:
        for checklist in ctx.project.checklists():
            for reference in repository.analyse(checklist, ctx).references:
                if reference.status == "missing":
                    missing[(checklist.path, reference.kind, reference.target, reference.line)] += 1
            for check in [*repository.FILE_CHECKS, *commands.FILE_CHECKS]:
                diagnostics.extend((d.code, d.path, d.line, d.message) for d in check(checklist, ctx))
    finally:
        ctx.close()
    return missing, diagnostics


@pytest.mark.parametrize(("files", "items", "seed"), [(20, 50, 20240601), (12, 40, 7)])
def test_corpus_defects_match_the_ground_truth_exactly(tmp_path: Path, files: int, items: int, seed: int) -> None:
    truth = generate(tmp_path, files, items, seed)
    missing, diagnostics = found_in(tmp_path)

    want_missing = Counter((d["file"], d["kind"], d["target"], d["line"]) for d in truth["missing_file_refs"])
    assert missing == want_missing
    pf201 = Counter((path, line) for code, path, line, _ in diagnostics if code == "PF201")
    assert pf201 == Counter((d["file"], d["line"]) for d in truth["missing_file_refs"])

    make = Counter(
        (path, re.findall(r"`make ([^`]+)`", message)[0], line)
        for code, path, line, message in diagnostics
        if code == "PF203"
    )
    assert make == Counter((d["file"], d["target"], d["line"]) for d in truth["missing_make_targets"])

    noexec = Counter(
        (path, re.findall(r"`\./([^`]+)`", message)[0], line)
        for code, path, line, message in diagnostics
        if code == "PF202"
    )
    assert noexec == Counter((d["file"], d["script"], d["line"]) for d in truth["non_executable_script_calls"])

    # Precision: nothing else from the repository and command rules.
    others = [d for d in diagnostics if d[0] not in ("PF201", "PF202", "PF203")]
    assert others == []
