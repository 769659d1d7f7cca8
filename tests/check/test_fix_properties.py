"""``check --fix`` on drawn projects: it repairs what it can and changes nothing else.

On projects drawn by :mod:`.projects` (mojibake and unreadable fence headers among their
lines, beside findings of every other kind): after ``check --fix``, a check finds nothing
fixable; every other finding is still there, at the same place (a column may move on a
repaired line) with the same message;
the steps (``list --format json``) are the same, at the same lines (a checklist whose
mojibake was repaired may have new automatic IDs: they come from the text); a second
``--fix`` changes no byte.
"""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings

from .projects import CHECKLISTS, DRAWN, Start, check, drawn, preflight, starts


def _steps(root: Path) -> list[tuple[object, ...]]:
    code, out = preflight(root, "list", "--format", "json")
    assert code == 0, out
    return [
        (entry["path"], item["id"], item["line"], item["checked"])
        for entry in json.loads(out)["checklists"]
        for item in entry["items"]
    ] + [
        (entry["path"], block["id"], block["line"], block["code"])
        for entry in json.loads(out)["checklists"]
        for block in entry["blocks"]
    ]


def _placed(findings: list[object], moved: set[tuple[object, object]]) -> list[tuple[object, ...]]:
    """The findings, without their columns on the repaired lines."""
    return [
        (d["code"], d["path"], d["line"], None if (d["path"], d["line"]) in moved else d["col"], d["message"])
        for d in findings
        if isinstance(d, dict)
    ]


def _same(steps: list[tuple[object, ...]], repaired: set[str]) -> list[tuple[object, ...]]:
    """The steps, without the IDs of the checklists whose text was repaired."""
    return [(path, None if path in repaired else step, *rest) for path, step, *rest in steps]


def _texts(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in CHECKLISTS}


@settings(DRAWN, max_examples=10)
@given(start=starts)
def test_fix_repairs_what_it_can_and_keeps_everything_else(start: Start) -> None:
    with drawn(start) as project:
        root = project.root
        code, before = check(root, "--no-cache")
        if code == 2:
            return
        steps = _steps(root)
        fixed = check(root, "--no-cache", "--fix")[1]
        after = check(root, "--no-cache")[1]
        assert fixed == after, "--fix reports what is left"
        assert [d for d in after if isinstance(d, dict) and d["fixable"]] == []
        # A repaired line may move what is on it (`bash cwd=x` becomes `bash { ... }`).
        moved = {(d["path"], d["line"]) for d in before if isinstance(d, dict) and d["fixable"]}
        assert _placed(after, moved) == _placed([d for d in before if isinstance(d, dict) and not d["fixable"]], moved)
        repaired = {d["path"] for d in before if isinstance(d, dict) and d["code"] == "PF401"}
        assert _same(_steps(root), repaired) == _same(steps, repaired)
        once = _texts(root)
        check(root, "--no-cache", "--fix")
        assert _texts(root) == once
