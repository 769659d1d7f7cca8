"""The cache never changes what ``check`` finds, whatever happens to the repository between runs.

On projects drawn by :mod:`.projects`: after every change, ``check`` with the cache
(warm, reusing what earlier runs stored) must report exactly what ``check --no-cache``
reports; and checking one file must find in it what checking every file finds there.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .projects import CHECKLISTS, Project, Start, changes, check, starts

SETTINGS = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@settings(SETTINGS, max_examples=12)
@given(start=starts, steps=st.lists(changes, min_size=1, max_size=6))
def test_a_warm_check_finds_what_a_cold_check_finds(start: Start, steps: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp), start)
        warm = check(project.root)  # fills the cache
        assert warm == check(project.root, "--no-cache")
        for step in steps:
            project.change(step)
            warm = check(project.root)
            cold = check(project.root, "--no-cache")
            assert warm == cold, f"after {step!r}"


@settings(SETTINGS, max_examples=10)
@given(start=starts)
def test_checking_one_file_finds_what_checking_all_finds_in_it(start: Start) -> None:
    # Files are checked in order and share what they learn about the repository: no
    # finding may depend on which files were checked before.
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp), start)
        code, everything = check(project.root, "--no-cache")
        for name in CHECKLISTS if code != 2 else ():
            alone = check(project.root, "--no-cache", name)[1]
            assert _of(alone, name) == _of(everything, name), name


def _of(diagnostics: list[object], path: str) -> list[object]:
    return [d for d in diagnostics if isinstance(d, dict) and d["path"] == path]
