"""The site shows every task item the engine lists, where Python-Markdown and CommonMark differ."""

from __future__ import annotations

from pathlib import Path

from site_support import Built, build_site, site_config, write, write_config

from mkdocs_preflight.engine import parse_text

CHECKLIST = """\
# Parity

Before the list, no blank line:
- [ ] Interrupting item
- [x] Second of that list
  continued text

!!! note "Inside an admonition"
    Text, then a list:
    - [ ] Admonition item

- [ ] Parent
  - [ ] Two-space child
"""


def test_a_list_that_interrupts_a_paragraph_still_gets_checkboxes_and_anchors(tmp_path: Path) -> None:
    write(tmp_path, {"docs/index.md": "# Home\n", "checklists/p.md": CHECKLIST})
    config = site_config("material", plugins=["search", "preflight"])
    config["markdown_extensions"] = [*config.get("markdown_extensions", []), "admonition"]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    page = built.page("checklists/p/")
    anchored = [li.get("id") for li in page.find_all("li") if "preflight-item" in li.classes]
    assert anchored == [item.id for item in parse_text(CHECKLIST, "checklists/p.md").items]
    assert len(anchored) == 5
    assert "- [ ]" not in page.visible_text()
    boxes = page.find_all(
        "input", where=lambda node: node.parent is not None and "task-list-control" in node.parent.classes
    )
    assert len(boxes) == 5


FENCE = "```"

DEDENTED = {
    # A plain note nested deeper, then items back at the outer levels, no blank line.
    "ordered-star": "7. [x] A\n    * [ ] B\n        * [x] C\n\n            - Note\n        * [ ] D\n        * [x] E\n",
    "dash-8": "- [x] A\n    - [ ] B\n        - [x] C\n\n            - Note\n        - [ ] D\n",
    "after-fence": (
        f"- [x] A\n    - [ ] B\n        {FENCE}bash\n        ls\n        {FENCE}\n\n"
        "        - Note\n    - [ ] D\n- [ ] E\n"
    ),
    "paragraph": "- [ ] A\n    - [ ] B\n\n        More text.\n    - [ ] D\n",
    "tabs": "- [ ] A\n\t- [ ] B\n\n\t\t- Note\n\t- [ ] D\n",
    "ten": "10. [ ] A\n    + [ ] B\n\n        + Note\n    + [ ] D\n",
    "two-space": "- [ ] A\n  - [ ] B\n\n      - Note\n  - [ ] D\n",
}


def _parity(tmp_path: Path, pages: dict[str, str], *, nesting: bool = True) -> Built:
    """Build a site of ``pages`` and check that each page shows every item the engine lists
    (under its parent item, with ``nesting``)."""
    files: dict[str, str | bytes] = {"docs/index.md": "# Home\n"}
    files.update({f"checklists/{name}.md": f"# {name}\n\n{text}" for name, text in pages.items()})
    write(tmp_path, files)
    write_config(tmp_path, site_config("material", plugins=["search", "preflight"]))
    built = build_site(tmp_path)
    assert built.ok, built.messages
    for name, text in pages.items():
        page = built.page(f"checklists/{name}/")
        items = parse_text(f"# {name}\n\n{text}", f"checklists/{name}.md").items
        anchored = [li for li in page.find_all("li") if "preflight-item" in li.classes]
        assert [li.get("id") for li in anchored] == [item.id for item in items], name
        for li, item in zip(anchored, items, strict=True):
            box = li.find("input")
            assert box is not None, (name, item.id)
            assert ("checked" in box.attrs) == item.checked, (name, item.id)
            assert not li.own_text().lstrip().startswith(("[ ]", "[x]", "[X]")), (name, item.id)
            if nesting:
                outer = next((up for up in li.ancestors() if "preflight-item" in up.classes), None)
                assert (outer.get("id") if outer else None) == item.parent, (name, item.id)
        boxes = page.find_all(
            "input", where=lambda node: node.parent is not None and "task-list-control" in node.parent.classes
        )
        assert len(boxes) == len(items), name
    return built


def test_an_item_after_more_deeply_indented_text_keeps_its_checkbox_and_anchor(tmp_path: Path) -> None:
    _parity(tmp_path, DEDENTED)


AFTER_PARAGRAPH = {
    # A nested task list right under a later paragraph of its parent item, no blank line.
    "dash": "- [ ] A\n    - [ ] B\n\n    More about A:\n    - [ ] C\n    - [x] D\n",
    "ordered": "1. [ ] A\n\n    More about A:\n    1. [x] B\n",
    "two-space": "- [ ] A\n\n  More about A:\n  - [ ] B\n",
    "hundred": "100. [ ] A\n\n     More about A:\n     * [ ] B\n     * [ ] C\n",
}


def test_a_nested_list_right_after_a_paragraph_of_its_item_gets_checkboxes(tmp_path: Path) -> None:
    _parity(tmp_path, AFTER_PARAGRAPH)


NOT_AFTER_TEXT = {
    # A task item right after a plain item of the same list is not a list after text.
    "note-first": "1. [x] A\n    - Note\n    - [x] B\n2. [x] C\n    _Requirements: 1.1_\n",
    "star": "- [ ] A\n\n    More about A:\n    * Note\n    * [ ] B\n- [ ] C\n",
    # `15.` cannot interrupt a paragraph: that line is text, and the list starts under it.
    "not-a-list": "Intro text\n15. [ ] not an item\n* [ ] A\n* [x] B\n",
}


def test_an_item_after_a_plain_item_of_its_list_keeps_its_place(tmp_path: Path) -> None:
    _parity(tmp_path, NOT_AFTER_TEXT)


NESTING = {
    # Children where CommonMark nests them (under the parent's text), not at tab stops.
    "dash-2": "- [ ] A\n  - [x] B\n    - [ ] C\n  - [ ] D\n- [ ] E\n",
    "ordered-3": "1. [ ] A\n   - [x] B\n      - [ ] C\n2. [ ] D\n",
    "ten-4-8": "10. [ ] A\n    * [ ] B\n        + [x] C\n11. [ ] D\n",
    "hundred-8": "100. [x] A\n        - [ ] B\n            - [ ] C\n        - [ ] D\n101. [ ] E\n",
    "dash-3-8": "- [x] A\n   - [ ] B\n        - [x] C\n- [ ] D\n",
    "tabs": "- [ ] A\n\t- [ ] B\n\t\t- [ ] C\n- [ ] D\n",
    "lazy": "- [ ] A\n  - [ ] B\nlazy text of B\n  - [ ] C\n",
    "fence": f"- [ ] A\n  {FENCE}bash\n  ls\n  {FENCE}\n  - [ ] B\n- [ ] C\n",
    "second-paragraph": "- [ ] A\n\n  More about A.\n\n  - [ ] B\n- [ ] C\n",
    "after-text": "Steps:\n* [ ] A\n  + [ ] B\n* [ ] C\n",
}


def test_items_are_nested_where_commonmark_nests_them(tmp_path: Path) -> None:
    _parity(tmp_path, NESTING)


TABS_AFTER_SPACES = {
    # A tab after the columns a nested item gains: spaces put before it would only fill
    # its tab stop, and the item would stay a sibling of its parent.
    "ordered": "2. [ ] A\n\t  - [x] B\n3. [ ] C\n",
    "deeper": "1. [ ] A\n\t - [ ] B\n\t   - [x] C\n",
    # Two tabs under items moved left, then right: a tab after the spaces left of the first
    # one would only reach the next tab stop.
    "two-tabs": "10.  [ ] A\n      - [x] B\n\t\t* [ ] C\n  more text of C\n",
}


def test_items_indented_with_a_tab_nest_where_commonmark_nests_them(tmp_path: Path) -> None:
    _parity(tmp_path, TABS_AFTER_SPACES)


QUOTED = {
    # Task lists in block quotes, nested as CommonMark nests them after the `>` markers.
    "two-space": "> - [ ] A\n>   - [x] B\n>     - [ ] C\n> - [ ] D\n",
    "ordered-3": "> 1. [ ] A\n>    * [ ] B\n> 2. [x] C\n",
    "no-space": ">- [ ] A\n>  - [ ] B\n",
    "ten-8": "> 10. [ ] A\n>         - [ ] B\n",
    "tab": ">\t- [ ] A\n>\t  - [x] B\n",
    "nested-quote": "> > - [ ] A\n> >   - [ ] B\n>\n> - [ ] C\n>   - [ ] D\n",
    "in-an-item": "- [ ] A\n\n  > - [ ] B\n  >   - [ ] C\n",
}


def test_items_in_block_quotes_are_nested_where_commonmark_nests_them(tmp_path: Path) -> None:
    _parity(tmp_path, QUOTED)


QUOTED_TEXT = {
    # In a block quote too: an item after more deeply indented text, a nested list right
    # under a later paragraph of its item (a blank line goes in as a `>` line).
    "after-deeper": "> * [x] A\n>\n>     + [ ] B\n>  1. [ ] C\n",
    "after-paragraph": "> - [ ] A\n>\n>   More about A:\n>   - [ ] B\n",
    "nested-quotes": "> > - [ ] A\n> >\n> >       - Note\n> > - [ ] B\n",
    # After a blank line another rule puts in (here: after a lazy line, found by the random
    # comparison), the item's run of lines starts there, not at the lazy line.
    "after-a-gap": ">   - [x] A\n> \t  - [x] B\n>   \t-  [ ] C\n      + [x] lazy\n>        2. [ ] D\n>     + [ ] E\n",
    "after-a-gap-2": "> \t1. [ ] A\n>       *  [ ] B\n    10. [ ] lazy\n>      +  [x] C\n>    10.  [x] D\n",
}


def test_items_after_text_in_block_quotes_keep_their_checkbox_and_parent(tmp_path: Path) -> None:
    _parity(tmp_path, QUOTED_TEXT)


QUOTE_AFTER_ITEM = {
    # A block quote right under an item's last line is not part of the item (CommonMark).
    "top": "- [ ] A\n> - [ ] B\n",
    "nested": "- [ ] A\n  - [ ] B\n  > - [ ] C\n",
    "blank-quote-line": "2. [ ] A\n>\n> \t\t*  code\n>   1. [ ] B\n>      1. [ ] C\n",
}


def test_a_block_quote_right_under_an_item_is_not_inside_it(tmp_path: Path) -> None:
    _parity(tmp_path, QUOTE_AFTER_ITEM)


ITEM_LIKE_TEXT = {
    # Lines that look like task items but continue the paragraph above in CommonMark: one
    # indented four columns past its item's text, `2.` right under an item's text, `- `
    # eight columns past `1.`'s text (an indented code block cannot interrupt a paragraph).
    "under-ordered": ("- [ ] A\n    1. [ ] B\n      - [ ] C\n", "B - [ ] C"),
    "two-under-text": ("-  [x] A\n\t2. [x] B\n", "A 2. [x] B"),
    "code-deep": ("1. [ ] A\n        * [x] B\n  + [ ] C\n", "A * [x] B"),
    "quoted": ("> - [ ] A\n>       + [ ] B\n", "A + [ ] B"),
}


def test_lines_commonmark_reads_as_text_show_as_that_text_without_a_checkbox(tmp_path: Path) -> None:
    built = _parity(tmp_path, {name: text for name, (text, _) in ITEM_LIKE_TEXT.items()})
    for name, (_, shown) in ITEM_LIKE_TEXT.items():
        page = built.page(f"checklists/{name}/")
        first = next(li for li in page.find_all("li") if "preflight-item" in li.classes)
        assert shown in " ".join(first.visible_text().split()), name


CODE_AFTER_LIST = {
    # Indented less than the last item's text, four columns or more: CommonMark ends the
    # list and reads a code block (Python-Markdown would make it a nested list).
    "top": "100. [ ] A\n\n    - [ ] code\n",
    "quoted": "> 100. [ ] A\n>\n>     - [ ] code\n",
    "in-an-item": "- [ ] A\n\n  100. [ ] B\n\n      - [ ] code\n",
    "in-a-note": "!!! note\n\n    100. [ ] A\n\n        - [ ] code\n",
    "in-a-tab": '=== "Linux"\n\n    !!! tip\n\n        100. [ ] A\n\n            - [ ] code\n',
}


def test_an_indented_code_block_after_a_list_shows_as_code_not_as_items(tmp_path: Path) -> None:
    built = _parity(tmp_path, CODE_AFTER_LIST)
    for name in CODE_AFTER_LIST:
        page = built.page(f"checklists/{name}/")
        assert [" ".join(code.text().split()) for code in page.find_all("code")] == ["- [ ] code"], name


AFTER_A_QUOTE = {
    # A line after a blank line of a block quote (`>`) and without `>` is not in the quote.
    "code": ">1.  [x] A\n>\n     + [ ] B, code\n",
    "nested-code": "> > 100. [ ] A\n> >\n>       - [ ] B, code\n",
}


def test_a_line_after_a_blank_line_of_a_block_quote_is_not_in_its_list(tmp_path: Path) -> None:
    built = _parity(tmp_path, AFTER_A_QUOTE)
    for name in AFTER_A_QUOTE:
        page = built.page(f"checklists/{name}/")
        codes = [" ".join(code.text().split()) for code in page.find_all("code")]
        assert codes == ["+ [ ] B, code" if name == "code" else "- [ ] B, code"], name


LIST_UNDER_A_QUOTE = {
    # A list item right under a quote's line, without `>`: a list after the quote.
    "after-item": "> - [ ] A\n- [ ] B\n  - [ ] C\n",
    "after-text": "> Careful:\n* [ ] B\n",
    "then-code": ">- [ ] A\n10.  [ ] B\n>      * [ ] code\n",
    # Under a lazy line of the quote (found by the random comparison; markdown-it reads
    # the quoted `10.` line, tabs and all, as a code block).
    "after-lazy": "> 2.  [x] A\n       1. [ ] lazy\n 1. [x] B\n> \t\t10. [ ] code\n",
    "after-lazy-2": ">  \t10. [ ] A\n     10. [ ] lazy\n  1. [ ] B\n>       +  [ ] code\n",
}


def test_a_list_right_under_a_block_quote_is_not_in_the_quote(tmp_path: Path) -> None:
    built = _parity(tmp_path, LIST_UNDER_A_QUOTE)
    for name in LIST_UNDER_A_QUOTE:
        page = built.page(f"checklists/{name}/")
        item = page.by_id("b")
        assert item is not None, name
        assert not any(up.tag == "blockquote" for up in item.ancestors()), name


LOOSE_IN_CONTAINERS = {
    # Python-Markdown's admonitions, details and tabs put the item's text after its nested
    # list when a blank line parts that list's items.
    "note": "!!! note\n    - [ ] A\n        - [ ] B\n\n        - [x] C\n",
    "details": "??? tip\n    1. [ ] A\n        1. [ ] B\n\n        2. [x] C\n",
    "tab": '=== "Linux"\n\n    - [x] A\n        - [ ] B\n\n        - [ ] C\n\n    - [ ] D\n',
}


def test_an_item_with_a_loose_nested_list_in_a_container_keeps_its_checkbox(tmp_path: Path) -> None:
    built = _parity(tmp_path, LOOSE_IN_CONTAINERS)
    for name in LOOSE_IN_CONTAINERS:
        first = built.page(f"checklists/{name}/").by_id("a")
        assert first is not None, name
        lists = [child for child in first.children if not isinstance(child, str) and child.tag in ("ul", "ol")]
        assert len(lists) == 1, name  # B and C in one list, as CommonMark has them
