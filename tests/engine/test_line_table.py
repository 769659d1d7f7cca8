"""The line table built with str methods is markdown-it-py's own, field for field."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it.rules_block import StateBlock

from mkdocs_preflight.engine.line_table import LineTableState, line_table, underline_lines
from mkdocs_preflight.engine.markdown import build_parser, parser

MD = build_parser(speedups=False)
blank_heavy = st.text(alphabet=st.sampled_from(" \t\n\r\x0bab>-é"), max_size=60)


def fields(state: StateBlock) -> dict[str, object]:
    return {key: value for key, value in vars(state).items() if key not in ("md", "env", "tokens", "underlines")}


@settings(max_examples=1000, deadline=None)
@given(st.one_of(blank_heavy, st.text(max_size=80)))
def test_same_state_as_markdown_it(src: str) -> None:
    env: dict[str, object] = {}
    assert fields(LineTableState(src, MD, env, [])) == fields(StateBlock(src, MD, env, []))


def test_edges() -> None:
    assert line_table("") == ([0], [0], [0], [0])
    assert line_table("a\n") == ([0, 2], [1, 2], [0, 0], [0, 0])
    assert line_table("a\n  ") == ([0, 4], [1, 4], [0, 0], [0, 0])  # a last blank line has no entry
    assert line_table(" \tx") == ([0, 3], [3, 3], [2, 0], [4, 0])  # a tab reaches the next stop


def test_underline_lines() -> None:
    src = "---\ntitle: x\n---\nText\n===\n> > ---  \n- - -\n  --\t\n=-\n-\n"
    assert underline_lines(src, line_table(src)[0]) == [0, 2, 4, 5, 7, 9]


def test_the_shared_parser_uses_it() -> None:
    # If markdown-it renamed what we override, the speedup would silently vanish.
    block = parser().block
    assert type(block).__name__ == "LineTableParserBlock"
    assert parser().parse("- [ ] a\n\t- [x] b\n") == MD.parse("- [ ] a\n\t- [x] b\n")
