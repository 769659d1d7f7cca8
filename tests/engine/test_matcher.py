"""Requirement references: the first-character shortcut never changes what is found."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_preflight.config import DEFAULT_REQUIREMENT_PATTERNS
from mkdocs_preflight.engine.requirements import Matcher, first_chars

DEFAULT_PATTERNS = [re.compile(p) for p in DEFAULT_REQUIREMENT_PATTERNS]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(?<![A-Za-z])Req\.?\s+(?P<id>\d+)", {"R"}),
        (r"\bREQ-\d+", {"R"}),
        (r"(?:a|[bc])x", {"a", "b", "c"}),
        (r"(?P<id>[A-C]+)-\d", {"A", "B", "C"}),
        (r"(?:ab)+c", {"a"}),
        (r"(?i)abc", None),  # case-insensitive: the set would be wrong
        (r"(?:foo|(?i:bar))", None),
        (r"x?y", None),  # optional first part
        (r"a{0,2}b", None),
        (r"[^a]", None),
        (r"\d+", None),
        (r"(", None),  # not a regex: no shortcut, no crash
    ],
)
def test_first_chars(pattern: str, expected: set[str] | None) -> None:
    found = first_chars(pattern)
    assert (set(found) if found is not None else None) == expected


def _unfiltered(matcher: Matcher) -> Matcher:
    plain = Matcher([])
    plain.patterns = matcher.patterns
    plain._groups = matcher._groups
    plain._guarded = matcher._guarded
    combined = matcher._combined.pattern
    assert combined.startswith("(?=[")  # the default patterns do get the shortcut
    plain._combined = re.compile(combined[combined.index("])(?:") + 5 : -1])
    return plain


TEXTS = st.lists(
    st.sampled_from(
        [
            "Requirement ",
            "Requirements: ",
            "Req. ",
            "REQ-",
            "req ",
            "1.2",
            "3",
            ".",
            ", ",
            " and ",
            "(",
            ")",
            "x",
            "_",
            "\n",
        ]
    )
    | st.text(max_size=5),
    max_size=20,
).map("".join)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_shortcut_finds_the_same_references(text: str) -> None:
    matcher = Matcher(DEFAULT_PATTERNS)
    assert list(matcher.find(text)) == list(_unfiltered(matcher).find(text))
