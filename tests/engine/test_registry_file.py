"""Reading a ``requirements.yml`` registry: IDs as written, titles, lines, every shape."""

from __future__ import annotations

from pathlib import Path

import pytest

from mkdocs_preflight.engine.requirements import load_registry


def _read(tmp_path: Path, text: str) -> list[tuple[str, str, int]]:
    path = tmp_path / "requirements.yml"
    path.write_text(text, encoding="utf-8")
    defs, problems = load_registry(path, "requirements.yml")
    assert problems == []
    return [(d.id, d.title, d.line) for d in defs]


def test_ids_stay_as_written_even_where_yaml_would_read_a_number_or_a_boolean(tmp_path: Path) -> None:
    # The registry is composed, never constructed: `2.10` must not become the float 2.1,
    # nor `yes` a boolean, nor `~` nothing.
    text = "2.10: Ten\n2.1: One\nyes: A word\n'3.0': Quoted\n4.0: ~\n"
    assert _read(tmp_path, text) == [
        ("2.10", "Ten", 1),
        ("2.1", "One", 2),
        ("yes", "A word", 3),
        ("3.0", "Quoted", 4),
        ("4.0", "~", 5),
    ]


def test_requirements_key_list_form_and_mapping_titles(tmp_path: Path) -> None:
    text = (
        "# registry\n"
        "requirements:\n"
        "  - id: REQ-1\n"
        "    title: Backups are tested\n"
        "  - id: REQ-2\n"
        "  - title: no id, skipped\n"
    )
    assert _read(tmp_path, text) == [("REQ-1", "Backups are tested", 3), ("REQ-2", "", 5)]
    nested = "requirements:\n  SEC-1:\n    title: Secrets stay out of logs\n  SEC-2: Plain title\n"
    assert _read(tmp_path, nested) == [("SEC-1", "Secrets stay out of logs", 2), ("SEC-2", "Plain title", 4)]


def test_a_key_defined_twice_is_kept_twice(tmp_path: Path) -> None:
    assert _read(tmp_path, "1.1: First\n1.1: Again\n") == [("1.1", "First", 1), ("1.1", "Again", 2)]


@pytest.mark.parametrize(
    ("text", "line"),
    [("1.1: [unclosed\n", 2), ("a: b\n  c: d\n", 2)],
)
def test_invalid_yaml_is_one_finding_at_its_line(tmp_path: Path, text: str, line: int) -> None:
    path = tmp_path / "requirements.yml"
    path.write_text(text, encoding="utf-8")
    defs, problems = load_registry(path, "requirements.yml")
    assert defs == []
    assert [(p.code, p.line) for p in problems] == [("PF108", line)]
    assert "not valid YAML" in problems[0].message


@pytest.mark.parametrize("text", ['requirements: "29.1 Deployment checklist"\n', "# list\nrequirements: 29.1\n"])
def test_a_requirements_key_with_one_value_is_the_wrong_shape(tmp_path: Path, text: str) -> None:
    path = tmp_path / "requirements.yml"
    path.write_text(text, encoding="utf-8")
    defs, problems = load_registry(path, "requirements.yml")
    assert defs == [], "not a requirement named `requirements`"
    assert [(p.code, p.line) for p in problems] == [("PF108", text.count("\n"))]
    assert "must be a mapping of IDs to titles or a list" in problems[0].message
