"""The cache never changes what ``check`` finds, whatever happens to the repository between runs.

On projects drawn by :mod:`.projects`: after every change, ``check`` with the cache
(warm, reusing what earlier runs stored) must report exactly what ``check --no-cache``
reports; and checking one file must find in it what checking every file finds there.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from .projects import CHECKLISTS, DRAWN, Start, changes, check, drawn, starts


@settings(DRAWN, max_examples=12)
@given(start=starts, steps=st.lists(changes, min_size=1, max_size=6))
def test_a_warm_check_finds_what_a_cold_check_finds(start: Start, steps: list[tuple[object, ...]]) -> None:
    with drawn(start) as project:
        warm = check(project.root)  # fills the cache
        assert warm == check(project.root, "--no-cache")
        for step in steps:
            project.change(step)
            warm = check(project.root)
            cold = check(project.root, "--no-cache")
            assert warm == cold, f"after {step!r}"


@settings(DRAWN, max_examples=10)
@given(start=starts)
def test_checking_one_file_finds_what_checking_all_finds_in_it(start: Start) -> None:
    # Files are checked in order and share what they learn about the repository: no
    # finding may depend on which files were checked before.
    with drawn(start) as project:
        code, everything = check(project.root, "--no-cache")
        for name in CHECKLISTS if code != 2 else ():
            alone = check(project.root, "--no-cache", name)[1]
            # As documented: a partial run parses no other checklist (it only searches them
            # for the IDs it would report undefined). It reports no PF104 (a reference may
            # be in a file it did not read), and of the findings
            # that compare definitions and references only those the whole run makes too,
            # at the same places (a definition made again may be PF103 in one and PF112 in
            # the other: each compares titles with the first definition it saw).
            assert _only(alone, name, {"PF104"}) == [], name
            assert _of(alone, name) == _of(everything, name), name
            assert _places(alone, name) <= _places(everything, name), name


ACROSS_FILES = {"PF102", "PF103", "PF104", "PF112", "PF113"}
SAME_PLACE = {"PF103": "PF112"}


def _of(diagnostics: list[object], path: str) -> list[object]:
    """The findings in ``path`` that do not depend on the other checklists."""
    return [d for d in diagnostics if isinstance(d, dict) and d["path"] == path and d["code"] not in ACROSS_FILES]


def _only(diagnostics: list[object], path: str, codes: set[str]) -> list[dict[str, object]]:
    return [d for d in diagnostics if isinstance(d, dict) and d["path"] == path and d["code"] in codes]


def _places(diagnostics: list[object], path: str) -> set[tuple[object, ...]]:
    return {
        (SAME_PLACE.get(str(d["code"]), d["code"]), d["line"], d["col"]) for d in _only(diagnostics, path, ACROSS_FILES)
    }
