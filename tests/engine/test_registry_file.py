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
    text = "# registry\nrequirements:\n  - id: REQ-1\n    title: Backups are tested\n  - id: REQ-2\n"
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


@pytest.mark.parametrize(
    ("text", "expected", "where"),
    [
        ("- title: no id\n- id: REQ-1\n  title: ok\n", ["REQ-1"], [(1, 3, "has no `id`")]),
        ("- REQ-1\n- REQ-2\n", [], [(1, 3, "must be `{id: ..., title: ...}`"), (2, 3, "must be `{id")]),
        ('"": Empty\n" ": Blank\nREQ-1: ok\n', ["REQ-1"], [(1, 1, "ID is empty"), (2, 1, "ID is empty")]),
        ("- id: ''\n", [], [(1, 7, "ID is empty")]),
        ("? [a]\n: y\nREQ-1: ok\n", ["REQ-1"], [(1, 3, "must be text")]),
        ("- id: [REQ-1]\n  title: x\n", [], [(1, 7, "must be text")]),
        ("REQ-1: [a, b]\n", ["REQ-1"], [(1, 8, "title of `REQ-1` must be text")]),
        ("- id: REQ-1\n  title: {a: b}\n", ["REQ-1"], [(2, 10, "title of `REQ-1` must be text")]),
    ],
)
def test_entries_that_define_nothing_are_reported_where_they_are(
    tmp_path: Path, text: str, expected: list[str], where: list[tuple[int, int, str]]
) -> None:
    """A malformed entry is a PF108 finding at its place, never dropped in silence; the
    other entries still count."""
    path = tmp_path / "requirements.yml"
    path.write_text(text, encoding="utf-8")
    defs, problems = load_registry(path, "requirements.yml")
    assert [d.id for d in defs] == expected
    assert [(p.code, p.line, p.col) for p in problems] == [("PF108", line, col) for line, col, _ in where]
    for problem, (_, _, words) in zip(problems, where, strict=True):
        assert words in problem.message


def test_ids_lose_surrounding_spaces(tmp_path: Path) -> None:
    assert _read(tmp_path, '"REQ-2 ": Trailing space\n') == [("REQ-2", "Trailing space", 1)]


def test_bytes_that_are_not_utf8_are_reported_and_the_rest_is_read(tmp_path: Path) -> None:
    path = tmp_path / "requirements.yml"
    path.write_bytes("REQ-1: Café\n".encode() + b"REQ-2: caf\xe9 latin-1\n")
    defs, problems = load_registry(path, "requirements.yml")
    assert [(d.id, d.title) for d in defs] == [("REQ-1", "Café"), ("REQ-2", "caf\ufffd latin-1")]
    assert [(p.code, p.line, p.col) for p in problems] == [("PF108", 2, 11)]
    assert "not UTF-8" in problems[0].message
