"""After ``preflight lock``, PF502 names exactly the steps whose locked files changed, and those files.

On projects drawn by :mod:`.projects`: ``lock`` records each step's repository files
in ``preflight.lock``; a check right after it finds no PF502. Then some of the locked
files change (a line appended) or go away: every step with an entry for one of them
must be reported, at its own line, naming exactly those of its files, and no other step.
A second ``lock`` makes the check clean again.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from .projects import DRAWN, Start, check, drawn, preflight, starts

STEP = re.compile(
    r"^Step `(?P<step>[^`]+)` references (?:a file|files) changed since `preflight lock`: (?P<files>.*); review"
)


def _entries(root: Path) -> dict[tuple[str, str], set[str]]:
    """``{(checklist without .md, step ID): files}`` from ``preflight.lock``."""
    entries: dict[tuple[str, str], set[str]] = defaultdict(set)
    for line in (root / "preflight.lock").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, file, _ = line.split("\t")
            page, _, step = key.partition("#")
            entries[page, step].add(file)
    return entries


def _reported(findings: list[object]) -> dict[tuple[str, str], set[str]]:
    reported: dict[tuple[str, str], set[str]] = {}
    for finding in findings:
        if isinstance(finding, dict) and finding["code"] == "PF502":
            match = STEP.match(finding["message"])
            assert match, finding["message"]
            key = (finding["path"].removesuffix(".md"), match["step"])
            assert key not in reported, f"{key} reported twice"
            reported[key] = set(match["files"].split(", "))
    return reported


@settings(DRAWN, max_examples=10)
@given(start=starts, data=st.data())
def test_pf502_names_the_steps_whose_locked_files_changed(start: Start, data: st.DataObject) -> None:
    with drawn(start) as project:
        root = project.root
        if preflight(root, "lock")[0] != 0:
            return  # a configuration error: nothing locked
        entries = _entries(root)
        assert _reported(check(root)[1]) == {}  # and the cache is filled
        locked = sorted(set().union(*entries.values()))
        if not locked:
            return
        changed = data.draw(st.lists(st.sampled_from(locked), min_size=1, unique=True), label="changed")
        deleted = set(data.draw(st.lists(st.sampled_from(changed), unique=True), label="deleted"))
        # Writing through a symbolic link changes its target, and every name for it;
        # deleting a link's target deletes the file the link names.
        appended = {(root / name).resolve() for name in changed if name not in deleted}
        targets = {name: (root / name).resolve() for name in locked}
        for name in changed:
            path = root / name
            if name in deleted:
                path.unlink()  # a link itself, not its target
            else:
                with path.open("a", encoding="utf-8") as handle:
                    handle.write("# changed\n")
        gone = {name for name in locked if not (root / name).exists()}
        touched = {name for name in locked if targets[name] in appended} | gone
        expected = {
            key: {f"{name} (deleted)" if name in gone else name for name in files & touched}
            for key, files in entries.items()
            if files & touched and f"{key[0]}.md" not in gone  # a deleted checklist has no steps
        }
        for cache in ((), ("--no-cache",)):  # warm, then cold
            assert _reported(check(root, *cache)[1]) == expected
        if check(root)[0] == 2:  # every checklist deleted: nothing to lock, as documented
            assert preflight(root, "lock")[0] == 2
            return
        assert preflight(root, "lock")[0] == 0
        assert _reported(check(root)[1]) == {}
