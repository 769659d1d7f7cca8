"""Any checklist, run for real: steps run once each, in document order, across a resume.

Hypothesis writes checklists whose shell blocks append their own number to a trace file:
blocks in items at any depth, after nested items, between lists, in quotes,
admonitions and content tabs, in every fence spelling
and option form the runner reads, with blocks that fail until a file exists, manual
blocks and snippets that must never run. The oracle is the generator's own list of the
runnable blocks in document order, not the engine. Each checklist is run in a real git
repository with real shells:

* ``preflight run --yes`` (with or without ``--keep-going``) runs the blocks in order and
  stops after the first failure unless told to keep going;
* once the failures are fixed, ``--resume`` runs exactly what did not pass, in order;
* the log then records every runnable block as passed, and nothing failed;
* the script of ``preflight extract --format sh`` runs the same blocks in the same
  order, and stops where the runner stops;
* ``--section``, ``--only`` (an item with what it holds, or a block) and ``--from``
  select the blocks they name, for the run, its resume and the script (``--item``).
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .generated import TRACE, Written, checklists, traced
from .helpers import cli, final, logs


def _git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    subprocess.run(["git", *args], cwd=root, check=True, env=env, capture_output=True)


def _selection(data: st.DataObject, written: Written) -> tuple[list[str], list[str], list[int], list[int]]:
    """Options for ``run`` and for ``extract``, and the blocks each selects in document order."""
    runnable = written.runnable
    choices = ["all", "section"] + (["only", "from"] if written.pinned else [])
    how = data.draw(st.sampled_from(choices), label="selection")
    if how == "section":
        section = data.draw(st.integers(0, max((place[0] for place in written.places.values()), default=0)))
        chosen = [n for n in runnable if written.places[n][0] == section]
        return ["--section", f"Part {section}"], ["--section", f"part-{section}"], chosen, chosen
    if how == "all":
        return [], [], runnable, runnable
    pinned = data.draw(st.sampled_from(written.pinned), label="ID")
    kind, _, number = pinned.partition("-")
    n = int(number)
    if how == "from":
        return ["--from", pinned], [], [m for m in runnable if m >= n], runnable
    if kind == "block":
        return ["--only", pinned], ["--item", pinned], [n], [n]
    chosen = [m for m in runnable if n in written.places[m][1]]
    return ["--only", pinned], ["--item", pinned], chosen, chosen


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(written=checklists(), keep_going=st.booleans(), data=st.data())
def test_any_checklist_runs_each_block_once_in_order_across_a_resume(
    written: Written, keep_going: bool, data: st.DataObject
) -> None:
    run_options, extract_options, expected, scripted = _selection(data, written)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "checklists").mkdir()
        (root / "checklists" / "run.md").write_text(written.text())
        (root / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - preflight\n")
        _git(root, "init", "-q", "-b", "main")
        _git(root, "add", "-A")
        _git(root, "commit", "-q", "-m", "init")
        source = written.text() + f"\n{run_options} {extract_options}\n"
        failing = [n for n in expected if n in written.failing]
        first_failure = expected.index(failing[0]) if failing else None

        ran = cli(root, "run", "checklists/run.md", "--yes", *run_options, *(["--keep-going"] if keep_going else []))
        assert ran.returncode == (1 if failing else 0), source + ran.stdout + ran.stderr
        before = expected if keep_going or first_failure is None else expected[: first_failure + 1]
        assert traced(root) == before, source + ran.stdout

        found = logs(root)
        if not found:  # the section holds no step at all: nothing to log
            assert not expected, source + ran.stdout + ran.stderr
            assert "select no step" in ran.stderr, source + ran.stderr
        else:
            (log,) = found
            if failing:
                for n in failing:
                    (root / f"pass-{n}").touch()
                resumed = cli(root, "run", "--resume", str(log), "--yes")
                assert resumed.returncode == 0, source + resumed.stdout + resumed.stderr
                assert first_failure is not None
                again = failing if keep_going else expected[first_failure:]
                assert traced(root) == before + again, source + resumed.stdout
            statuses = final(log)
            header = json.loads(log.read_text().splitlines()[0])
            blocks = [step["id"] for step in header["steps"] if step["kind"] == "block"]
            passed = [step for step in blocks if statuses.get(step) == "passed"]
            assert len(passed) == len(expected), (source, statuses)
            assert "failed" not in statuses.values(), (source, statuses)

        for n in written.failing:
            (root / f"pass-{n}").touch()
        script = cli(root, "extract", "checklists/run.md", "--format", "sh", *extract_options)
        assert script.returncode == 0, source + script.stderr
        (root / "run.sh").write_text(script.stdout)
        failing = [n for n in scripted if n in written.failing]
        for also_failing in (False, True):
            (root / TRACE).unlink(missing_ok=True)
            if also_failing:
                for n in failing:
                    (root / f"pass-{n}").unlink()
            done = subprocess.run(["bash", "run.sh"], cwd=root, capture_output=True, text=True, timeout=60, check=False)
            stops = also_failing and bool(failing)
            assert (done.returncode != 0) == stops, source + script.stdout + done.stderr
            upto = scripted[: scripted.index(failing[0]) + 1] if stops else scripted
            assert traced(root) == upto, source + script.stdout
