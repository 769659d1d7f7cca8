"""Generated scripts: ``extract --out DIR --check`` and PF501 agree with what ``extract`` would write now.

On projects drawn by :mod:`.projects`: the scripts are extracted into ``generated/``,
then the project changes (checklists rewritten, the configuration, files the steps use).
A fresh ``extract`` into another folder gives what the scripts should be: ``extract
--out generated --check`` must fail exactly when the two folders differ, and ``check
--scripts-dir generated`` must report PF501 for exactly the checklists whose script
differs or is missing, and for each script left without a checklist.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from .projects import CHECKLISTS, DRAWN, Start, changes, check, checklists, drawn, preflight, starts

# Extracting is what the test does itself; locking changes nothing in a script. Half the
# changes rewrite a checklist, the changes that make scripts stale.
script_changes = st.one_of(
    changes.filter(lambda step: step[0] not in ("extract", "lock")),
    st.tuples(st.just("checklist"), st.sampled_from(CHECKLISTS), checklists()),
)


def _scripts(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*.sh"))}


@settings(DRAWN, max_examples=10)
@given(start=starts, steps=st.lists(script_changes, min_size=1, max_size=4))
def test_stale_scripts_are_exactly_those_extract_would_change(start: Start, steps: list[tuple[object, ...]]) -> None:
    with drawn(start) as project:
        root = project.root
        if preflight(root, "extract", "--format", "sh", "--out", "generated")[0] != 0:
            return  # a configuration error
        assert preflight(root, "extract", "--format", "sh", "--out", "generated", "--check")[0] == 0
        for step in steps:
            project.change(step)
        fresh = root / ".preflight" / "fresh"  # ignored by git: a folder of its own
        code, _ = preflight(root, "extract", "--format", "sh", "--out", str(fresh))
        if code != 0:
            return
        now, then = _scripts(fresh), _scripts(root / "generated")
        stale = {name for name in now.keys() | then.keys() if now.get(name) != then.get(name)}
        assert preflight(root, "extract", "--format", "sh", "--out", "generated", "--check")[0] == (1 if stale else 0)
        reported = {
            str(d["path"])
            for d in check(root, "--no-cache", "--select", "PF501", "--scripts-dir", "generated")[1]
            if isinstance(d, dict)
        }
        expected = {
            f"checklists/{name.removesuffix('.sh')}.md" if name in now else f"generated/{name}" for name in stale
        }
        assert reported == expected
