"""The engine never crashes, whatever it is given, and its model is self-consistent."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_preflight.engine import parse_bytes, parse_text
from mkdocs_preflight.engine.slugs import MAX_ID_LENGTH, id_slug
from mkdocs_preflight.model import Checklist

# Markdown-ish fragments make hypothesis reach the interesting paths quickly.
FRAGMENTS = [
    "- [ ] ",
    "- [x] ",
    "* [X] ",
    "1. [ ] ",
    "2) [ ] ",
    "  ",
    "    ",
    "\t",
    "\n",
    "\r\n",
    "```",
    "````",
    "~~~",
    "```bash",
    "```console\n$ ",
    "```bash id=x timeout=5",
    '```bash { #b .c data-timeout="3" }',
    "# ",
    "## ",
    "!!! note\n    ",
    "??? tip\n    ",
    '=== "Tab"\n    ',
    "> ",
    "---\n",
    "title: x\n",
    "{ #pin }",
    "{ #1bad }",
    "(Requirement 29.2)",
    "_Requirements: 1.2, 3.4_",
    "REQ-7",
    "`make test`",
    "`scripts/x.sh`",
    "[l](../x.md#a)",
    "<!-- preflight: ignore PF201 -->",
    "<!-- preflight: id=z -->",
    "\\",
    "$ ",
    "<<EOF\nEOF\n",
    "\x00",
    "\ufeff",
    "|a|b|\n|-|-|\n",
    "Requirements:\n- 29.1: T\n",
    "### Requirement 5.1: x\n",
]
markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=40).map("".join)


def check_consistent(checklist: Checklist) -> None:
    ids = [i.id for i in checklist.items] + [b.id for b in checklist.blocks]
    assert len(ids) == len(set(ids)), "IDs must be unique in a checklist"
    assert all(ids), "every item and block has an ID"
    item_ids = {i.id for i in checklist.items}
    lines = checklist.line_count
    for item in checklist.items:
        assert item.parent is None or item.parent in item_ids
        assert 1 <= item.line <= lines
    for block in checklist.blocks:
        assert block.item is None or block.item in item_ids
        assert 1 <= block.line <= max(lines, 1)
    for diagnostic in checklist.diagnostics:
        assert diagnostic.line >= 1 and diagnostic.col >= 1
        assert diagnostic.code.startswith("PF")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(markdownish)
def test_any_markdown_parses(text: str) -> None:
    check_consistent(parse_text(text, "prop.md"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_parse(data: bytes) -> None:
    check_consistent(parse_bytes(data, "prop.md"))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_any_text_parses(text: str) -> None:
    check_consistent(parse_text(text, "prop.md"))


@settings(max_examples=100, deadline=None)
@given(markdownish)
def test_parsing_is_deterministic(text: str) -> None:
    first, second = parse_text(text, "d.md"), parse_text(text, "d.md")
    assert [(i.id, i.line) for i in first.items] == [(i.id, i.line) for i in second.items]
    assert [(b.id, b.line) for b in first.blocks] == [(b.id, b.line) for b in second.blocks]


def _reference_id_slug(text: str) -> str:
    """``id_slug`` written the obvious way: the fast one must agree with it. Each
    character becomes its ASCII form (Latin letters lose their accents), else stays when
    it is a letter, digit or mark of another script, else separates words."""
    folded = ""
    for char in unicodedata.normalize("NFC", text):
        ascii_form = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        if ascii_form:
            folded += ascii_form
        elif char.isalnum() or unicodedata.category(char) in ("Mn", "Mc"):
            folded += char
        else:
            folded += " "
    value = "".join(c if c.isalnum() or not c.isascii() else " " for c in folded.lower())
    value = "-".join(value.split())
    if len(value) > MAX_ID_LENGTH:
        cut = value.rfind("-", 0, MAX_ID_LENGTH + 1)
        value = value[: cut if cut > 0 else MAX_ID_LENGTH].strip("-")
    return value or "item"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("aZ9 -_.:/\t\n\x1f\x0bÉéß\u00a0\u2003ﬁ`#Жж部र\u093f\u094d🚀"), max_size=80))
def test_id_slug_is_the_obvious_slug(text: str) -> None:
    assert id_slug(text) == _reference_id_slug(text)
