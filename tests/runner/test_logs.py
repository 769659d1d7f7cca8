"""Reading run logs for the site and reports: latest outcomes, runs, damaged files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_preflight.runner.logs import LogError, Outcome, latest_outcomes, list_runs, read_log

from .helpers import Repo, Run, logs


def _write(path: Path, records: list[dict[str, Any] | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _header(run_id: str, start: str, **extra: Any) -> dict[str, Any]:
    return {
        "type": "header",
        "version": 1,
        "source": "terminal",
        "run_id": run_id,
        "checklist": "checklists/deploy.md",
        "title": "Deploy",
        "steps": [{"id": "a--bash", "kind": "block", "text": "A"}, {"id": "b", "kind": "item", "text": "B"}],
        "operator": "Ada",
        "host": "h1",
        "start": start,
        **extra,
    }


def _step(step_id: str, status: str, at: str, **extra: Any) -> dict[str, Any]:
    return {"type": "step", "id": step_id, "kind": "block", "status": status, "at": at, **extra}


def test_latest_outcomes_across_runs(tmp_path: Path) -> None:
    _write(
        tmp_path / "1.jsonl",
        [
            _header("r1", "2025-06-01T10:00:00+00:00"),
            _step("a--bash", "failed", "2025-06-01T10:00:01+00:00", operator="Ada"),
            _step("b", "manual-done", "2025-06-01T10:00:02+00:00", operator="Ada"),
            {"type": "footer", "status": "failed", "end": "2025-06-01T10:00:03+00:00"},
        ],
    )
    _write(
        tmp_path / "2.jsonl",
        [
            _header("r2", "2025-06-02T10:00:00+02:00", operator="Bob"),
            _step("a--bash", "running", "2025-06-02T10:00:01+02:00"),
            _step("a--bash", "passed", "2025-06-02T10:00:01+02:00"),
        ],
    )
    # A browser export with `Z` times and no operator on the records.
    _write(
        tmp_path / "3.jsonl",
        [
            {
                "type": "header",
                "version": 1,
                "source": "browser",
                "checklist": "checklists/other.md",
                "operator": "Eve",
            },
            {"type": "step", "id": "x", "kind": "item", "status": "manual-done", "at": "2025-06-03T08:00:00.000Z"},
        ],
    )
    outcomes = latest_outcomes(tmp_path)
    assert outcomes == {
        "checklists/deploy#a--bash": Outcome("passed", "2025-06-02T10:00:01+02:00", "Bob", "r2"),
        "checklists/deploy#b": Outcome("manual-done", "2025-06-01T10:00:02+00:00", "Ada", "r1"),
        "checklists/other#x": Outcome("manual-done", "2025-06-03T08:00:00.000Z", "Eve", "3"),
    }


def test_list_runs_newest_first_with_status_and_duration(tmp_path: Path) -> None:
    _write(
        tmp_path / "old.jsonl",
        [
            _header("old", "2025-06-01T10:00:00+00:00", git={"commit": "abc", "dirty": False}),
            _step("a--bash", "passed", "2025-06-01T10:00:01+00:00"),
            {"type": "footer", "status": "passed", "end": "2025-06-01T10:01:30+00:00"},
        ],
    )
    _write(tmp_path / "new.jsonl", [_header("new", "2025-06-05T10:00:00+00:00"), _step("a--bash", "running", "x")])
    runs = list_runs(tmp_path)
    assert [r.run_id for r in runs] == ["new", "old"]
    new, old = runs
    assert old.status == "passed"
    assert old.duration == 90.0
    assert old.git_commit == "abc"
    assert old.counts == {"passed": 1, "not-run": 1}  # as `preflight report` counts: planned `b` never ran
    assert [(row.id, row.status) for row in old.steps] == [("a--bash", "passed"), ("b", "not-run")]
    assert old.planned == 2
    assert old.steps[0].text == "A"
    assert new.status == "incomplete"
    assert new.duration is None
    assert new.steps[0].status == "running"


def test_damaged_logs_warn_and_never_crash(tmp_path: Path) -> None:
    _write(tmp_path / "empty.jsonl", [])
    (tmp_path / "empty.jsonl").write_bytes(b"")
    _write(tmp_path / "nojson.jsonl", ["hello"])
    _write(tmp_path / "noheader.jsonl", [_step("a--bash", "passed", "2025-06-01T10:00:00Z")])
    (tmp_path / "binary.jsonl").write_bytes(b"\xff\xfe\x00garbage")
    good = _write(
        tmp_path / "good.jsonl",
        [
            _header("good", "2025-06-01T10:00:00+00:00"),
            "not json at all",
            json.dumps({"type": "step", "id": "a--bash", "status": "exploded"}),
            json.dumps({"type": "mystery"}),
            json.dumps([1, 2]),
            _step("a--bash", "passed", "2025-06-01T10:00:01+00:00"),
        ],
    )
    with good.open("ab") as handle:
        handle.write(b'{"type":"step","id":"b","sta')
    warnings: list[str] = []
    outcomes = latest_outcomes(tmp_path, warnings.append)
    assert list(outcomes) == ["checklists/deploy#a--bash"]
    text = "\n".join(warnings)
    assert "empty.jsonl: empty run log" in text
    assert "nojson.jsonl:1: not a run log" in text
    assert "noheader.jsonl:1: not a run log" in text
    assert "binary.jsonl:1: not a run log" in text
    assert "good.jsonl:2: malformed line skipped" in text
    assert "good.jsonl:3: step record with unknown status 'exploded'; skipped" in text
    assert "good.jsonl:4: unknown record type 'mystery'; skipped" in text
    assert "good.jsonl:5: not a JSON object; skipped" in text
    assert "good.jsonl:7: torn last line ignored" in text
    log = read_log(good)
    assert log.torn
    assert log.valid_bytes == len(good.read_bytes()) - len(b'{"type":"step","id":"b","sta')


def test_missing_folder_has_no_runs(tmp_path: Path) -> None:
    assert latest_outcomes(tmp_path / "absent") == {}
    assert list_runs(tmp_path / "absent") == []


def test_a_real_run_reads_back(repo: Repo, preflight: Run) -> None:
    root = repo("# X\n- [ ] A\n  ```bash\n  true\n  ```\n- [ ] B\n")
    assert preflight(root, "run", "checklists/deploy.md", "--operator", "Ada").exit_code == 0
    outcomes = latest_outcomes(root / ".preflight" / "runs")
    assert {key: value.status for key, value in outcomes.items()} == {
        "checklists/deploy#a--bash": "passed",
        "checklists/deploy#a": "passed",
        "checklists/deploy#b": "manual-pending",
    }
    assert all(value.operator == "Ada" for value in outcomes.values())
    (run,) = list_runs(root / ".preflight" / "runs")
    assert run.status == "passed"
    assert run.run_id == logs(root)[0].stem
    assert run.duration is not None


_RECORD = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["step", "footer", "resume", "header", "odd"]),
        "id": st.one_of(st.text(max_size=5), st.integers(), st.none()),
        "status": st.one_of(st.sampled_from(["passed", "failed", "running", "bogus"]), st.integers()),
        "at": st.one_of(st.text(max_size=30), st.none(), st.integers()),
        "duration": st.one_of(st.floats(allow_nan=True), st.text(max_size=3), st.none()),
        "exit_code": st.one_of(st.integers(), st.booleans(), st.text(max_size=3)),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    records=st.lists(st.one_of(_RECORD.map(json.dumps), st.text(max_size=40)), max_size=8),
    tail=st.binary(max_size=40),
)
def test_any_damage_after_a_header_reads_without_crashing(tmp_path: Path, records: list[str], tail: bytes) -> None:
    path = tmp_path / "fuzz.jsonl"
    body = json.dumps(_header("f", "2025-06-01T10:00:00Z")) + "\n" + "\n".join(r.replace("\n", " ") for r in records)
    path.write_bytes(body.encode("utf-8", errors="surrogatepass") + b"\n" + tail)
    log = read_log(path)
    for result in log.results():
        assert isinstance(result.status, str)
    _ = log.status, log.counts(), log.footer
    warnings: list[str] = []
    latest_outcomes(tmp_path, warnings.append)
    list_runs(tmp_path, warnings.append)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_are_a_log_error_or_a_log(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "any.jsonl"
    path.write_bytes(data)
    try:
        log = read_log(path)
    except LogError as exc:
        message = str(exc)
        assert message.startswith(str(path))
        assert "\n" not in message
    else:
        assert log.header["type"] == "header"


def test_read_log_on_a_folder_is_a_log_error(tmp_path: Path) -> None:
    with pytest.raises(LogError, match="cannot read"):
        read_log(tmp_path)
