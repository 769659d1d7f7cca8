"""Property tests for ``preflight ids --write``: pinning never changes an ID, and twice is once.

Hypothesis writes checklists of task items (indented, wrapped, in block quotes, nested
on their parent's line), fences of every kind and headings, with CRLF or LF line
endings, and pins them. Every item and block must keep its ID, its place and its text;
pinning the result again must change nothing.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mkdocs_preflight.engine import parse_bytes
from mkdocs_preflight.model import Checklist
from mkdocs_preflight.pin import pin

WORDS = ["Deploy", "`x`", "`", "REQ-1", "{ #a }", "\\", "  ", "- [ ]", "[x]", "*b*", "<b>", "&", "é", "#", "{", "}"]
text = st.lists(st.sampled_from(WORDS), max_size=5).map(" ".join)
indent = st.sampled_from(["", "  ", "    ", "\t", "        "])
marker = st.sampled_from(["- [ ] ", "- [x] ", "1. [ ] ", "* [X] ", "- [ ] - [ ] ", "> - [ ] "])
tail = st.sampled_from(["", "\n  wrapped", "  \nhard", "\\\nnext"])
item = st.tuples(indent, marker, text, tail).map("".join)
fence = st.tuples(
    st.sampled_from(["", "    "]),
    st.sampled_from(["```bash", "```sh id=x", "```bash { .c }", "~~~bash", "```console", '```bash title="t"', "```"]),
    st.sampled_from(["echo hi", "$ echo hi", "# a comment only"]),
).map(lambda t: f"{t[0]}{t[1]}\n{t[0]}{t[2]}\n{t[0]}{t[1][:3]}")
checklists = st.tuples(
    st.lists(st.one_of(item, fence, text.map(lambda s: "## " + s), st.just("")), min_size=1, max_size=12),
    st.sampled_from(["\n", "\r\n"]),
).map(lambda t: t[1].join(t[0]) + t[1])


def steps(checklist: Checklist) -> list[tuple[str, int, int, str]]:
    """Each item and block: its ID, line, nesting depth (-1 for a block) and text."""
    found = [(i.id, i.line, i.depth, i.text) for i in checklist.items]
    return found + [(b.id, b.line, -1, b.code) for b in checklist.blocks]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(checklists)
@example("- [ ] - [ ] \n")  # two items on one line, both without text: the marker fits either
def test_pinning_keeps_every_id_and_twice_is_once(source: str) -> None:
    data = source.encode()
    checklist = parse_bytes(data, "checklists/p.md")
    pinned = pin(data, checklist)
    again = parse_bytes(pinned.data, "checklists/p.md")
    assert steps(again) == steps(checklist), pinned.data
    explicit = {i.id for i in again.items if i.explicit_id} | {b.id for b in again.blocks if b.explicit_id}
    assert set(pinned.pinned) <= explicit
    if pinned.pinned and not pinned.skipped:
        assert pin(pinned.data, again).data == pinned.data
