"""The Python-Markdown extension on its own: source rewriting, and rendering arbitrary checklists."""

from __future__ import annotations

import json

import markdown
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_html import parse

from mkdocs_preflight.engine import parse_text
from mkdocs_preflight.site.extension import PreflightExtension, fence_header, rewrite_source

EXTENSIONS = ["attr_list", "admonition", "pymdownx.superfences", "pymdownx.tasklist", "tables"]


def render(text: str, *extensions: str) -> str:
    return str(markdown.markdown(text, extensions=[*extensions, "preflight"]))


def block_header(info: str, code: str = "echo hi\n") -> str | None:
    checklist = parse_text(f"- [ ] Step\n\n    ```{info}\n    {code}    ```\n")
    return fence_header(checklist.blocks[0])


@pytest.mark.parametrize(
    ("info", "header"),
    [
        ("bash", "{ .bash #step--bash }"),
        ("bash id=backup timeout=600", '{ .bash #backup data-preflight-timeout="600" }'),
        ('bash timeout=60 title="Deploy it"', '{ .bash #step--bash data-preflight-timeout="60" title="Deploy it" }'),
        ("bash run=never", '{ .bash data-preflight-run="never" }'),
        ("bash { #pinned }", None),
        ("bash { .big }", "bash { #step--bash .big }"),
        ("{.bash}", "{ #step--bash .bash}"),
        ("bash {data-x=1}", "bash { #step--bash data-x=1}"),
        ("{ .bash #pinned }", None),
        ("python", None),
        ('python title="x.py"', None),
        ("python id=snippet", "{ .python #snippet }"),
        ('bash cwd="a\'b" timeout=5', '{ .bash #step--bash data-preflight-timeout="5" }'),
    ],
)
def test_fence_headers_on_the_site(info: str, header: str | None) -> None:
    assert block_header(info) == header


def test_a_tight_brace_header_keeps_its_language_and_takes_the_step_id() -> None:
    text = "- [ ] Step\n\n    ```{.bash}\n    echo hi\n    ```\n"
    html = render(text, "attr_list", "pymdownx.superfences", "pymdownx.tasklist")
    assert 'id="step--bash"' in html
    assert '<span class="nb">echo</span>' in html, "still highlighted as bash"


def test_rewrite_hides_id_markers_and_marks_items() -> None:
    text = "- [ ] Backup { #backup }\n- [ ] Next\n    { #next }\n- [x] Done\n"
    checklist = parse_text(text)
    lines = rewrite_source(text.split("\n"), checklist, text, 0)
    assert lines == ["- [ ] \x02pf:0\x03Backup", "- [ ] \x02pf:1\x03Next", "- [x] \x02pf:2\x03Done", ""]


def test_rewrite_leaves_lines_that_no_longer_match_the_model() -> None:
    text = "- [ ] Backup { #backup }\n"
    checklist = parse_text(text)
    other = ["Something else entirely", ""]
    assert rewrite_source(other, checklist, text, 0) == other


@pytest.mark.parametrize("extensions", [["pymdownx.superfences"], ["fenced_code"], ["attr_list", "fenced_code"]])
def test_fence_headers_are_rewritten_only_where_the_page_reads_them(extensions: list[str]) -> None:
    text = (
        "# T\n\n```bash id=top timeout=60\necho top\n```\n\n"  # read by both fence extensions
        "- [ ] Nested\n\n    ```bash id=nested timeout=60\n    echo nested\n    ```\n\n"  # superfences only
        "- [ ] Open\n\n    ```bash\n    echo never closed\n"  # a code block to the engine only
    )
    page = parse(render(text, *extensions))
    visible = page.visible_text()
    assert "{" not in visible, "a rewritten header never shows as text"
    steps = [step.get("data-preflight-block") for step in page.find_all("div", cls="preflight-step")]
    assert steps == (["top", "nested"] if "pymdownx.superfences" in extensions else ["top"])
    if "pymdownx.superfences" not in extensions:
        assert "bash id=nested timeout=60" in visible, "shown as written, as without the plugin"


def test_standalone_extension_renders_a_checklist() -> None:
    html = render("# Deploy\n\n- [ ] Build { #build }\n- [x] Test\n\n```bash id=ship\n./ship\n```\n", *EXTENSIONS)
    page = parse(html)
    items = {li.get("id") for li in page.find_all("li", cls="preflight-item")}
    assert items == {"build", "test"}
    assert "#build" not in page.visible_text()
    bar = page.find("div", cls="preflight-progress")
    assert bar is not None and (bar.get("data-preflight-done"), bar.get("data-preflight-total")) == ("1", "2")
    step = page.find("div", cls="preflight-step")
    assert step is not None and step.get("data-preflight-block") == "ship"
    wrapper = page.find("div", cls="preflight-checklist")
    assert wrapper is not None and json.loads(wrapper.get("data-preflight-json") or "")["items"][0]["id"] == "build"
    assert page.find("script") is None, "no inline script: Material's instant loading would run it"


def test_without_tasklist_the_extension_draws_the_checkboxes() -> None:
    page = parse(render("- [ ] Build\n- [x] Test **now**\n"))
    items = page.find_all("li", cls="preflight-item")
    assert [li.get("id") for li in items] == ["build", "test-now"]
    boxes = [li.find("input") for li in items]
    assert all(box is not None and box.get("type") == "checkbox" and "disabled" in box.attrs for box in boxes)
    assert ["checked" in box.attrs for box in boxes if box is not None] == [False, True]
    assert "[ ]" not in page.visible_text() and "[x]" not in page.visible_text()
    assert all("task-list-item" in li.classes for li in items)


def test_interactive_off_and_site_key() -> None:
    md = markdown.Markdown(extensions=[PreflightExtension(interactive=False, site_key="k1")])
    page = parse(md.convert("- [ ] One\n"))
    wrapper = page.find("div", cls="preflight-checklist")
    assert wrapper is not None
    assert (wrapper.get("data-preflight-interactive"), wrapper.get("data-preflight-site")) == ("false", "k1")
    assert page.find("div", cls="preflight-controls") is None


def test_pages_without_items_are_left_alone() -> None:
    text = "# Notes\n\nJust text, `code`, and a list:\n\n- one\n- two\n"
    assert render(text, *EXTENSIONS) == markdown.markdown(text, extensions=EXTENSIONS)


WORDS = st.sampled_from(
    [
        "deploy",
        "Backup",
        "REQ-12",
        "Requirement 2.1",
        "`make test`",
        "**bold**",
        "[link](x.md)",
        "<b>",
        "&",
        "{ #x }",
        "_a_",
        "\\",
        "```",
        "~~~",
        "!!! note",
        "{",
        "}",
        "#",
        "\t",
        "  ",
        "é",
        "\x02pf:0\x03",
        "[ ]",
        "[x]",
        "1.",
    ]
)
TEXT = st.lists(WORDS, min_size=1, max_size=6).map(" ".join)
LINE = st.one_of(
    st.tuples(
        st.sampled_from(["", "    ", "        ", "  "]),
        st.sampled_from(["- [ ] ", "- [x] ", "1. [ ] ", "* [X] "]),
        TEXT,
    ).map("".join),
    TEXT.map(lambda t: "## " + t),
    TEXT,
    st.just(""),
    st.sampled_from(
        ["```bash", "```bash id=a timeout=5", "```", "    ```bash", "    ```", "!!! note", '=== "Tab"', "???+ tip"]
    ),
    st.sampled_from(["    - [ ] inside", "    echo hi", "---", "title: x"]),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(LINE, max_size=25).map("\n".join))
def test_any_checklist_renders_with_unique_anchors(text: str) -> None:
    html = render(text, *EXTENSIONS)
    assert "\x02pf:" not in html
    checklist = parse_text(text)
    page = parse(html)
    anchored = [li.get("id") for li in page.find_all("li", cls="preflight-item")]
    assert len(anchored) == len(set(anchored))
    assert set(anchored) <= {item.id for item in checklist.items}
    for node in page.find_all("div", cls="preflight-step"):
        assert node.get("data-preflight-block") in {block.id for block in checklist.blocks if block.runnable}


ITEM = st.tuples(
    st.integers(0, 2),
    st.booleans(),
    st.lists(st.sampled_from(["alpha", "beta", "REQ-1", "`x`"]), min_size=1, max_size=3),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(ITEM, min_size=1, max_size=20))
def test_every_item_of_a_well_formed_list_gets_its_anchor(items: list[tuple[int, bool, list[str]]]) -> None:
    lines: list[str] = ["# Title", ""]
    depth = 0
    for wanted, checked, words in items:
        depth = min(wanted, depth + 1)
        lines.append("    " * depth + f"- [{'x' if checked else ' '}] " + " ".join(words))
    text = "\n".join(lines) + "\n"
    checklist = parse_text(text)
    page = parse(render(text, *EXTENSIONS))
    anchored = [li.get("id") for li in page.find_all("li", cls="preflight-item")]
    assert anchored == [item.id for item in checklist.items]
    for li in page.find_all("li", cls="preflight-item"):
        box = li.find("input")
        item = checklist.item(str(li.get("id")))
        assert box is not None and item is not None and ("checked" in box.attrs) is item.checked
    wrappers = page.find_all("div", cls="preflight-checklist")
    assert len(wrappers) == (1 if checklist.items else 0)  # (an indented first item is a code block)
    if wrappers:
        data = json.loads(wrappers[0].get("data-preflight-json") or "")
        assert [entry["line"] for entry in data["items"]] == [item.line for item in checklist.items]


def test_table_of_contents_is_not_wrapped() -> None:
    md = markdown.Markdown(extensions=["toc", "pymdownx.tasklist", "preflight"])
    html = md.convert("# Title\n\n## Section\n\n- [ ] One\n")
    assert html.count('class="preflight-checklist"') == 1
    assert html.count("data-preflight-json=") == 1
    names = [md.toc_tokens[0]["name"], md.toc_tokens[0]["children"][0]["name"]]
    assert names == ["Title", "Section"]


FENCES_RIGHT_BELOW = """\
# Release

- [ ] Bump the version (REQ-1) { #bump }
    ```bash
    make bump
    ```

- [ ] Lint (REQ-2)
    ```bash
    make lint
    ```
    - [ ] Nested check
        ```bash
        make check
        ```
- [ ] Tag
    ```bash id=tag
    git tag v1
    ```
"""


@pytest.mark.parametrize("tasklist", [True, False], ids=["tasklist", "own-checkboxes"])
def test_every_runnable_block_gets_its_step_label_where_ever_the_fence_is(tasklist: bool) -> None:
    checklist = parse_text(FENCES_RIGHT_BELOW)
    extensions = [name for name in EXTENSIONS if tasklist or name != "pymdownx.tasklist"]
    page = parse(render(FENCES_RIGHT_BELOW, *extensions))
    runnable = [block.id for block in checklist.blocks if block.runnable]
    assert len(runnable) == 4
    assert [s.get("data-preflight-block") for s in page.find_all("div", cls="preflight-step")] == runnable
    assert [li.get("id") for li in page.find_all("li", cls="preflight-item")] == [i.id for i in checklist.items]


@pytest.mark.parametrize("extensions", [EXTENSIONS, ["attr_list"]], ids=["tasklist", "no-tasklist"])
def test_items_of_parenthesis_ordered_lists_are_items_on_the_site(extensions: list[str]) -> None:
    """`1)` starts a list item in CommonMark (the engine), not in Python-Markdown: every item
    the engine counts must be an item on the page, with its own ID, or ticks go astray."""
    text = "# Mixed\n\n- [ ] One\n\n1. [ ] Ordered one\n\n2) [x] Ordered two\n3) [ ] Ordered three\n"
    page = parse(render(text, *extensions))
    items = page.find_all("li", cls="preflight-item")
    assert [(li.get("id"), li.text().split()[-1].rstrip("¶")) for li in items] == [
        ("one", "One"),
        ("ordered-one", "one"),
        ("ordered-two", "two"),
        ("ordered-three", "three"),
    ]
    assert ["checked" in box.attrs for box in page.find_all("input")] == [False, False, True, False]


def test_control_characters_of_the_source_never_reach_the_page() -> None:
    """Python-Markdown drops STX/ETX from the source; a page that holds them (here, text
    that looks like the extension's own item marker) renders without them."""
    html = render("## \x02pf:0\x03\n- [ ] x \x01pf:0\x04\n", *EXTENSIONS)
    assert not any(char in html for char in "\x01\x02\x03\x04")
