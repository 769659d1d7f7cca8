"""Rules tried by first character give exactly markdown-it's own token stream."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_preflight.engine.markdown import build_parser
from mkdocs_preflight.engine.rule_dispatch import BLOCK_FIRST_CHARACTERS, INLINE_FIRST_CHARACTERS

REPO = Path(__file__).resolve().parents[2]
PLAIN = build_parser(speedups=False)
DISPATCHED = build_parser()

# What a line may start with: every block rule's own characters, their near misses
# (a marker without its space, too few fence characters...) and plain text.
PREFIXES = ["", " ", "  ", "   ", "    ", "     ", "\t", "> ", ">", "> > ", "- ", "1. ", "  - ", "    - "]
STARTS = [
    "- [ ] ",
    "- [x] ",
    "* ",
    "+ ",
    "-",
    "1. ",
    "2) ",
    "10. ",
    "1.",
    "# ",
    "## ",
    "#",
    "#######",
    "```",
    "```bash",
    "``",
    "~~~",
    "~~",
    "---",
    "***",
    "___",
    "- - -",
    "===",
    "=== ",
    '=== "Tab"',
    "!!! note",
    "???+ tip",
    "???",
    "!!!",
    "> ",
    "<div>",
    "<!-- x -->",
    "<",
    "[a]: /b",
    "[a]",
    "|a|b|",
    "|-|-|",
    "a | b",
    "--|--",
    ":-:|",
    "text",
    "",
]
# Inline markup and its near misses, for what follows a line's start.
INLINE = [
    "`",
    "``",
    "```",
    "*",
    "**",
    "_",
    "__",
    "~",
    "~~",
    "[",
    "]",
    "](",
    ")",
    "![",
    "!",
    "<",
    ">",
    "<a href='x'>",
    "</a>",
    "<!-- c -->",
    "<http://x.y>",
    "<a@b.c>",
    "&amp;",
    "&#35;",
    "&#x41;",
    "&",
    ";",
    "\\",
    "\\*",
    "  \n",
    "\n",
    " ",
    "http://x",
    ":",
    "-",
    "#",
    "{",
    "}",
    "word",
    "é",
    "\t",
]
inline_text = st.lists(st.one_of(st.sampled_from(INLINE), st.text(max_size=3)), max_size=16).map("".join)
# Half the lines end at their start: delimiter rows, underlines and fences need to.
line = st.tuples(st.sampled_from(PREFIXES), st.sampled_from(STARTS), st.just("") | inline_text).map("".join)
document = st.lists(line, max_size=25).map("\n".join)


def tokens(md_text: str) -> tuple[list[object], list[object]]:
    return PLAIN.parse(md_text), DISPATCHED.parse(md_text)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document)
def test_same_tokens_as_markdown_it(text: str) -> None:
    plain, dispatched = tokens(text)
    assert dispatched == plain


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inline_text)
def test_same_inline_tokens_as_markdown_it(text: str) -> None:
    plain, dispatched = tokens(text)
    assert dispatched == plain


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_same_tokens_on_any_text(text: str) -> None:
    plain, dispatched = tokens(text)
    assert dispatched == plain


def test_tables_whatever_their_delimiter_row_starts_with() -> None:
    for row in ("|-|-|", "--|--", ":-|-:", "- | -", "-:|"):
        for header in ("a | b", "|a|b|", "- a | b", "> a | b"):
            text = f"{header}\n{row}\n1 | 2\n"
            plain, dispatched = tokens(text)
            assert dispatched == plain, text


def test_setext_headings_wherever_their_underline_is() -> None:
    for underline in ("---", "===", "--- \t", "=\t", "  ---", "   ===", "> ---", "> > ===", "\t---"):
        for before in ("a", "> a", "> > a", "- a", "1. a\n   b", "a\nb\nc", "- [ ] a\n  b"):
            text = f"{before}\n{underline}\nafter\n"
            plain, dispatched = tokens(text)
            assert dispatched == plain, text


def test_front_matter_and_tables() -> None:
    text = (
        "---\ntitle: T\n---\n# H\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
        "- [ ] item with `code`, **bold**, [a link](x.md) and <b>html</b> &amp;\n    ```bash\n    ls\n    ```\n"
    )
    plain, dispatched = tokens(text)
    assert dispatched == plain
    assert [t.type for t in dispatched][:2] == ["front_matter", "heading_open"]
    assert "table_open" in [t.type for t in dispatched]


def test_the_repository_markdown_parses_the_same() -> None:
    files = sorted([*REPO.glob("checklists/**/*.md"), *REPO.glob("docs/**/*.md")])
    assert len(files) > 20
    for path in files:
        plain, dispatched = tokens(path.read_text(encoding="utf-8"))
        assert dispatched == plain, path


def test_every_chain_has_one_dispatching_rule() -> None:
    ruler = DISPATCHED.block.ruler
    for chain in ("", "paragraph", "reference", "blockquote", "list"):
        assert len(ruler.getRules(chain)) == 1
    assert len(DISPATCHED.inline.ruler.getRules("")) == 1
    assert len(PLAIN.block.ruler.getRules("")) > 10
    assert len(PLAIN.inline.ruler.getRules("")) > 5


def test_first_characters_name_real_rules() -> None:
    # A rule renamed upstream would silently lose its shortcut: keep the tables honest.
    assert set(BLOCK_FIRST_CHARACTERS) <= set(PLAIN.block.ruler.get_active_rules())
    inline = set(PLAIN.inline.ruler.get_all_rules())
    assert set(INLINE_FIRST_CHARACTERS) <= inline
    assert PLAIN.inline.ruler.get_active_rules()[0] == "text"


def test_enabling_a_rule_afterwards_rebuilds_plain_chains() -> None:
    md = build_parser()
    md.disable("hr")
    assert len(md.block.ruler.getRules("")) > 10  # markdown-it's own chains again
    assert md.parse("a\n***\n") == build_parser(speedups=False).disable("hr").parse("a\n***\n")
