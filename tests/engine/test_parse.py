"""The engine on hand-written tricky inputs: every item found, every block at its line."""

from __future__ import annotations

import textwrap

import pytest
from markdown_it.rules_inline import StateInline

from mkdocs_preflight.engine import parse_bytes, parse_text
from mkdocs_preflight.engine.markdown import build_parser
from mkdocs_preflight.model import Checklist, Level


def parse(text: str) -> Checklist:
    return parse_text(textwrap.dedent(text).lstrip("\n"), "checklists/t.md")


def codes(checklist: Checklist) -> list[str]:
    return [d.code for d in checklist.diagnostics]


def test_items_in_every_list_form() -> None:
    c = parse(
        """
        # Deploy
        - [ ] dash
        * [x] star
        + [X] plus
        1. [ ] dot
        2) [ ] paren
        - [] not an item
        - plain bullet
        """
    )
    assert [(i.text, i.checked, i.line) for i in c.items] == [
        ("dash", False, 2),
        ("star", True, 3),
        ("plus", True, 4),
        ("dot", False, 5),
        ("paren", False, 6),
    ]
    assert [i.marker for i in c.items] == ["-", "*", "+", "1.", "2)"]
    assert codes(c) == ["PF106"]
    assert c.title == "Deploy"
    assert (c.done, len(c.items)) == (2, 5)


def test_nesting_parents_children_and_depth() -> None:
    c = parse(
        """
        - [ ] parent
          - [x] child
            - [ ] grandchild
          - plain
            - [ ] under plain bullet
        - [ ] second
        """
    )
    by_text = {i.text: i for i in c.items}
    assert by_text["child"].parent == by_text["parent"].id
    assert by_text["grandchild"].parent == by_text["child"].id
    assert by_text["under plain bullet"].parent == by_text["parent"].id
    assert by_text["parent"].children == [by_text["child"].id, by_text["under plain bullet"].id]
    assert [i.depth for i in c.items] == [0, 1, 2, 1, 0]
    assert by_text["second"].parent is None


def test_deep_nesting_drops_nothing() -> None:
    depth = 120
    lines = [("  " * level) + f"- [ ] level {level}" for level in range(depth)]
    c = parse_text("\n".join(lines) + "\n", "deep.md")
    assert len(c.items) == depth
    assert c.items[-1].depth == depth - 1
    assert c.items[-1].parent == c.items[-2].id


@pytest.mark.parametrize("opener", ["[", "!["])
def test_unclosed_brackets_cost_linear_work(opener: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # Each unclosed `[` looks for its label to the end of the paragraph; markdown-it's
    # inline nesting limit is what keeps that linear (and 100,000 of them under a second).
    md = build_parser()
    calls = 0
    skip = md.inline.skipToken

    def counted(state: StateInline) -> None:
        nonlocal calls
        calls += 1
        skip(state)

    monkeypatch.setattr(md.inline, "skipToken", counted)
    scans = []
    for count in (2_000, 4_000):
        calls = 0
        md.parse("- [ ] " + opener * count + "\n")
        scans.append(calls)
    assert scans[1] < 2.5 * scans[0], f"label scans {scans} for 2,000 and 4,000 brackets: quadratic"
    text = "- [ ] " + "[" * 30 + "deep" + "]" * 30 + " { #deep }\n"
    (item,) = parse_text(text, "deep.md").items
    assert (item.id, item.text) == ("deep", "[" * 30 + "deep" + "]" * 30), "deep inline markup stays text"


def test_very_deep_blockquotes_do_not_crash() -> None:
    c = parse_text(">" * 3000 + " - [ ] buried\n", "quotes.md")
    assert [i.text for i in c.items] == ["buried"]


def test_fences_backticks_tildes_and_long_fences() -> None:
    c = parse(
        """
        ## Run
        ~~~bash
        echo tilde
        ~~~

        ````markdown
        ```bash
        echo nested
        ```
        ````

        ```console
        $ make test
        ok
        $ echo \\
        > done
        done
        ```
        """
    )
    assert [(b.lang, b.line, b.end_line) for b in c.blocks] == [
        ("bash", 2, 4),
        ("markdown", 6, 10),
        ("console", 12, 18),
    ]
    assert c.blocks[1].code == "```bash\necho nested\n```\n"
    assert not c.blocks[1].runnable
    console = c.blocks[2]
    assert [(cmd.text, cmd.line, cmd.expected) for cmd in console.commands] == [
        ("make test", 13, "ok"),
        ("echo done", 15, "done"),
    ]
    assert codes(c) == []


def test_code_inside_list_items_loses_exactly_the_item_indent() -> None:
    c = parse(
        """
        - [ ] Backup
          ```bash
          pg_dump db > /tmp/db.sql
            indented more
          ```
        1. [ ] Ordered
           ```sh
           echo three
           ```
        """
    )
    assert c.blocks[0].code == "pg_dump db > /tmp/db.sql\n  indented more\n"
    assert c.blocks[0].item == c.items[0].id
    assert c.blocks[1].code == "echo three\n"
    assert c.blocks[1].item == c.items[1].id
    assert c.items[0].blocks == [c.blocks[0].id]


def test_lazy_continuation_and_tabs() -> None:
    c = parse_text("- [ ] first line\nlazy continuation `make x`\n-\t[x] tabbed item\n", "lazy.md")
    assert [i.text for i in c.items] == ["first line lazy continuation make x", "tabbed item"]
    assert [(s.text, s.line, s.kind) for s in c.items[0].code_spans] == [("make x", 2, "command")]


def test_crlf_and_bom_keep_line_numbers() -> None:
    data = "\ufeff# T\r\n\r\n- [ ] one\r\n- [x] two\r\n```bash\r\necho hi\r\n```\r\n".encode()
    c = parse_bytes(data, "crlf.md")
    assert [(i.text, i.line) for i in c.items] == [("one", 3), ("two", 4)]
    assert c.blocks[0].line == 5
    assert c.blocks[0].code == "echo hi\n"


def test_duplicate_headings_get_toc_slugs() -> None:
    c = parse(
        """
        # Title
        ## Verify
        ## Verify
        ## Verify
        ### Step 3: Deploy to `staging`
        """
    )
    assert [s.slug for s in c.sections] == ["title", "verify", "verify_1", "verify_2", "step-3-deploy-to-staging"]
    assert c.sections[4].ordinal == 3
    assert c.sections[4].parent == 3


def test_items_whose_text_is_only_code() -> None:
    c = parse(
        """
        - [ ] `make test`
        - [ ] `scripts/deploy.sh`
        - [ ] `v1.2.3`
        """
    )
    assert [i.id for i in c.items] == ["make-test", "scripts-deploy-sh", "v1-2-3"]
    assert [s.kind for i in c.items for s in i.code_spans] == ["command", "path", "literal"]


def test_ids_collide_by_section_then_number() -> None:
    c = parse(
        """
        # Release
        ## Staging
        - [ ] Verify health
        - [ ] Unique one
        ## Production
        - [ ] Verify health
        - [ ] Verify health
        """
    )
    assert [i.id for i in c.items] == [
        "staging--verify-health",
        "unique-one",
        "production--verify-health",
        "production--verify-health-2",
    ]


def test_ids_are_stable_when_unrelated_items_move() -> None:
    before = parse("- [ ] Alpha\n- [ ] Beta\n- [ ] Gamma\n")
    after = parse("- [ ] New first\n- [ ] Gamma\n- [ ] Alpha\n")
    assert {i.text: i.id for i in before.items}["Alpha"] == {i.text: i.id for i in after.items}["Alpha"]
    assert {i.text: i.id for i in before.items}["Gamma"] == {i.text: i.id for i in after.items}["Gamma"]


def test_items_in_other_scripts_get_ids_of_their_own_words() -> None:
    items = "- [ ] Проверить базу\n- [ ] Сделать бэкап\n- [ ] 部署步骤\n"
    before = parse_text("# Развертывание\n\n" + items)
    after = parse_text("# Развертывание\n\n- [ ] Новый шаг\n" + items)
    assert [i.id for i in before.items] == ["проверить-базу", "сделать-бэкап", "部署步骤"]
    assert [i.id for i in after.items] == ["новый-шаг", *(i.id for i in before.items)], "adding one moves no other"
    pinned = parse_text("- [ ] Проверить базу { #проверка }\n")
    assert (pinned.items[0].id, pinned.diagnostics) == ("проверка", [])


def test_pinned_ids_and_markers() -> None:
    c = parse(
        """
        - [ ] Take a backup { #db-backup }
        - [ ] Restore
          { #restore .important }
        - [ ] Twice { #db-backup }
        - [ ] Bad { #1bad }

        ```bash id=migrate timeout=600 run=manual
        make migrate
        ```

        ```bash { #brace-id data-timeout="30" }
        make x
        ```

        <!-- preflight: id=commented destructive=true -->
        ```bash
        rm -rf build
        ```
        """
    )
    items = c.items
    assert items[0].id == "db-backup" and items[0].explicit_id
    assert items[0].text == "Take a backup"
    assert items[0].id_marker == (1, 21, 35)
    assert items[1].id == "restore" and items[1].id_marker is not None and items[1].id_marker[0] == 3
    assert items[2].id == "twice" and not items[2].explicit_id
    assert items[3].id == "bad"
    assert sorted(codes(c)) == ["PF101", "PF109"]
    blocks = c.blocks
    assert [(b.id, b.id_source) for b in blocks] == [
        ("migrate", "option"),
        ("brace-id", "brace"),
        ("commented", "comment"),
    ]
    assert blocks[0].options == {"id": "migrate", "timeout": "600", "run": "manual"}
    assert blocks[0].run_mode == "manual"
    assert blocks[1].options["timeout"] == "30"
    assert blocks[2].destructive is True


def test_a_marker_on_a_wrapped_items_first_line_is_not_part_of_its_text() -> None:
    c = parse(
        """
        - [ ] Pinned by hand on the first line { #by-hand }
          of a wrapped item
        - [ ] Before a *hard* break { #hard }\x20\x20
          and after it
        - [ ] Only the first { #first }
          of two markers { #second }
        - [ ] A code span `{ #not-a-marker }`
          ends the first line
        """
    )
    assert [(i.id, i.explicit_id, i.text) for i in c.items] == [
        ("by-hand", True, "Pinned by hand on the first line of a wrapped item"),
        ("hard", True, "Before a hard break and after it"),
        ("first", True, "Only the first of two markers { #second }"),
        ("a-code-span-not-a-marker-ends-the-first-line", False, "A code span { #not-a-marker } ends the first line"),
    ]
    assert c.items[0].id_marker == (1, 40, 52)


def test_admonitions_and_tabs_hold_items_and_blocks() -> None:
    c = parse(
        """
        # Deploy

        !!! warning "Before you start"
            - [ ] Announce the window
            - [x] Freeze merges

        ???+ tip
            - [ ] Collapsible item

        === "Staging"

            - [ ] Deploy to staging
              ```bash
              make deploy-staging
              ```

        === "Production"

            - [ ] Deploy to production
        """
    )
    assert [i.text for i in c.items] == [
        "Announce the window",
        "Freeze merges",
        "Collapsible item",
        "Deploy to staging",
        "Deploy to production",
    ]
    assert c.blocks[0].code == "make deploy-staging\n"
    assert c.blocks[0].item == c.items[3].id


def test_unclosed_fence_reports_hidden_items() -> None:
    c = parse(
        """
        - [ ] before
        ```bash
        echo never closed
        - [ ] hidden one
        - [x] hidden two
        """
    )
    assert [i.text for i in c.items] == ["before"]
    (diagnostic,) = c.diagnostics
    assert diagnostic.code == "PF105"
    assert diagnostic.line == 2
    assert "hides 2 task items" in diagnostic.message
    assert not c.blocks[0].closed


def test_fence_closed_early_by_nested_fence() -> None:
    c = parse(
        """
        ```markdown
        Example:
        ```bash
        echo nested
        ```
        ```

        - [ ] swallowed
        """
    )
    assert c.items == []
    (diagnostic,) = c.diagnostics
    assert diagnostic.code == "PF105"
    assert diagnostic.line == 1
    assert "closes early at line 5" in diagnostic.message
    assert "1 task item" in diagnostic.message


def test_correct_nesting_with_longer_outer_fence_is_fine() -> None:
    c = parse("````markdown\n```bash\necho\n```\n````\n- [ ] visible\n")
    assert [i.text for i in c.items] == ["visible"]
    assert codes(c) == []


def test_shell_block_kinds() -> None:
    c = parse(
        """
        ```bash
        # just a note for the operator
        # check the dashboard
        ```

        ```sh
        make build \\
          --jobs 4
        cat <<EOF > out.txt
        not a command
        EOF
        ```

        ```yaml
        key: value
        ```

        ```
        untagged
        ```
        """
    )
    manual, shell, yaml, untagged = c.blocks
    assert manual.manual and not manual.runnable
    assert [cmd.text for cmd in shell.commands] == ["make build --jobs 4", "cat <<EOF > out.txt"]
    assert shell.runnable
    assert not yaml.runnable and yaml.lang == "yaml"
    assert untagged.lang == "" and not untagged.runnable


def test_requirements_refs_defs_and_inheritance() -> None:
    c = parse(
        """
        ---
        title: Release
        requirements:
          REQ-1: Front matter requirement
        ---
        # Release

        **Requirements Implemented:**
        - 29.1: Deployment checklist
        - 29.2: Code review

        ## Review (Requirement 29.2)
        - [ ] Approvals (Requirement 29.1)
          - [ ] Two reviewers
          _Requirements: 29.3, 29.4_
        - [ ] Security sign-off REQ-1

        ```bash
        # Req 29.9
        make audit
        ```

        ## Requirements defined here
        ### Requirement 51.2: Inline definition
        """
    )
    assert c.title == "Release"
    assert [(d.id, d.title, d.source) for d in c.requirement_defs] == [
        ("REQ-1", "Front matter requirement", "front-matter"),
        ("29.1", "Deployment checklist", "document"),
        ("29.2", "Code review", "document"),
        ("51.2", "Inline definition", "document"),
    ]
    items = {i.text.split(" ")[0]: i for i in c.items}
    assert items["Approvals"].requirements == ["29.1", "29.2"]
    assert items["Two"].requirements == ["29.3", "29.4", "29.1", "29.2"]
    assert items["Security"].requirements == ["REQ-1", "29.2"]
    assert c.blocks[0].requirements == ["29.9", "29.2"]
    refs = [(r.id, r.line, r.context) for r in c.requirement_refs]
    assert ("29.2", 12, "heading") in refs
    assert ("29.3", 15, "item") in refs
    assert ("29.9", 19, "code") in refs
    assert all(r[0] != "51.2" for r in refs)


def test_front_matter_requirements_are_read_like_the_registry() -> None:
    c = parse_text(
        '---\ntitle: T\nrequirements:\n  "29.1": First title\n  "29.1": Second title\n  2.10: Ten\n'
        "  REQ-7:\n    title: Nested\n---\n- [ ] a (Requirement 2.10)\n",
        "c.md",
    )
    # IDs as written (YAML would read 2.10 as the number 2.1), a key defined twice kept
    # twice (so PF103 can report it), and each at its own line.
    assert [(d.id, d.title, d.line) for d in c.requirement_defs] == [
        ("29.1", "First title", 4),
        ("29.1", "Second title", 5),
        ("2.10", "Ten", 6),
        ("REQ-7", "Nested", 7),
    ]
    assert c.items[0].requirements == ["2.10"]


def test_reference_columns_point_at_the_id() -> None:
    c = parse("- [ ] Check (Requirement 29.2)\n")
    (ref,) = c.requirement_refs
    assert (ref.line, ref.col) == (1, 26)


def test_item_columns_point_at_each_items_own_checkbox() -> None:
    c = parse("- [ ] - [ ] - [x] Nested on one line\n> - [ ] Quoted\n1. [ ] One\n   - [ ] Under\n")
    assert [(i.line, i.col, i.depth) for i in c.items] == [
        (1, 3, 0),
        (1, 9, 1),
        (1, 15, 2),
        (2, 5, 0),
        (3, 4, 0),
        (4, 6, 1),
    ]


def test_front_matter_errors_are_diagnostics_and_parsing_goes_on() -> None:
    c = parse_text("---\ntitle: [unclosed\n---\n# Hi\n- [ ] still parsed\n", "fm.md")
    assert codes(c) == ["PF107"]
    assert c.diagnostics[0].line >= 2
    assert [i.text for i in c.items] == ["still parsed"]
    assert c.title == "Hi"


def test_front_matter_run_defaults_and_meta() -> None:
    c = parse_text(
        "---\ntitle: T\nid: DEPLOY\nowner: ops\ntags: [a, b]\nrun:\n  shell: zsh\n  cwd: deploy\n  timeout: 30\n"
        "  env: {A: 1}\n---\n",
        "fm.md",
    )
    assert (c.prefix, c.owner, c.tags) == ("DEPLOY", "ops", ["a", "b"])
    assert (c.run.shell, c.run.cwd, c.run.timeout, c.run.env) == ("zsh", "deploy", 30.0, {"A": "1"})


def test_front_matter_scalars_are_text_and_lists_where_text_goes_are_reported() -> None:
    c = parse_text("---\nid: 7\ntitle: 42\nowner:  [alice, bob]\ntags: 3\n---\n# T\n", "fm.md")
    assert (c.prefix, c.title, c.owner, c.tags) == ("7", "42", None, ["3"])
    assert [(d.code, d.level, d.line, d.col, d.message) for d in c.diagnostics] == [
        ("PF107", Level.WARNING, 4, 1, "Front matter `owner: [alice, bob]` must be text: ignored")
    ]
    c = parse_text("---\ntitle: {a: 1}\ntags: {b: 2}\n---\n# Heading\n", "fm.md")
    assert (c.title, c.tags) == ("Heading", [])
    assert [(d.line, d.message.split(":")[0]) for d in c.diagnostics] == [
        (2, "Front matter `title"),
        (3, "Front matter `tags"),
    ]


def test_front_matter_run_values_that_are_not_text_are_not_used() -> None:
    c = parse_text("---\nrun:\n  shell: 5\n  cwd: [a]\n---\n# T\n", "fm.md")
    assert (c.run.shell, c.run.cwd) == (None, None)  # PF307 reports them as ignored


@pytest.mark.parametrize(
    ("value", "seconds"), [("10m", 600.0), ("90s", 90.0), ("1h", 3600.0), ("'0'", 0.0), ("0", 0.0), ("soon", None)]
)
def test_front_matter_timeout_is_a_duration(value: str, seconds: float | None) -> None:
    c = parse_text(f"---\nrun:\n  timeout: {value}\n---\n# T\n", "fm.md")
    assert c.run.timeout == seconds


@pytest.mark.parametrize(
    "data",
    [b"", b"\xff\xfe\x00binary\x00\x01", b"- [ ] ok\n\xe9t\xe9\n- [ ] after\n", b"\x00\x00\x00"],
)
def test_bad_bytes_become_diagnostics(data: bytes) -> None:
    c = parse_bytes(data, "bad.md")
    if data and not data.startswith(b"- [ ] ok"):
        assert "PF402" in codes(c) or c.items == []
    if data.startswith(b"- [ ] ok"):
        assert c.items[0].text.startswith("ok")
        assert c.items[-1].text == "after"
        (d,) = c.diagnostics
        assert (d.code, d.line, d.col) == ("PF402", 2, 1)


def test_malformed_checkboxes() -> None:
    c = parse("- [ x] spaced\n- [x ] spaced after\n-[ ] glued\n- [x]no space\n- [link](http://x)\n")
    assert c.items == []
    assert [(d.code, d.line) for d in c.diagnostics] == [("PF106", 1), ("PF106", 2), ("PF106", 3), ("PF106", 4)]


def test_steps_in_document_order() -> None:
    c = parse("- [ ] a\n  ```bash\n  echo a\n  ```\n- [ ] b\n\n```bash\necho top\n```\n")
    assert [s.id for s in c.steps()] == ["a", "a--bash", "b", "top--bash"]


def test_suppression_comments_are_recorded() -> None:
    c = parse("<!-- preflight: ignore PF201, PF202 -->\n- [ ] x `missing.sh` <!-- preflight: ignore -->\n")
    assert c.suppressions == [(1, 1, frozenset({"PF201", "PF202"}), 1), (2, 22, frozenset(), 2)]


def test_item_ids_never_take_a_heading_anchor() -> None:
    c = parse("## Backup\n- [ ] Backup\n- [ ] Other { #backup }\n")
    assert c.sections[0].slug == "backup"
    assert c.items[0].id == "backup--backup"
    assert c.items[1].id != "backup"
    assert [(d.code, "heading" in d.message) for d in c.diagnostics] == [("PF101", True)]


def test_lines_that_look_like_items_but_continue_a_paragraph_are_listed() -> None:
    text = (
        "- [ ] A\n"  # 1
        "    1. [ ] B\n"  # 2: an item (B's text starts at column 7)
        "      - [ ] C\n"  # 3: text of B (four columns inside A: no item)
        "lazy text\n"  # 4: text of B, not item-like
        "> Quote\n"  # 5
        ">     * [x] D\n"  # 6: text of the quote's paragraph
        "\n"
        "Intro\n"  # 8
        "2. [ ] E\n"  # 9: `2.` cannot start a list under text
        "- [ ] F\n"  # 10: an item (a bullet can)
    )
    checklist = parse_text(text, "t.md")
    assert [item.text for item in checklist.items] == ["A", "B - [ ] C lazy text", "F"]
    assert checklist.item_like_text == [3, 6, 9]


def test_indented_code_blocks_right_after_a_list_are_listed() -> None:
    text = (
        "100. [ ] A\n"  # 1
        "\n"
        "    - [ ] code\n"  # 3: less than A's text column (5), four in: code after the list
        "\n"
        "- [ ] B\n"  # 5
        "\n"
        "  100. [ ] C\n"  # 7
        "\n"
        "      code in B\n"  # 9: after C's list, in B
        "\n"
        "!!! note\n"
        "    100. [ ] D\n"
        "\n"
        "        code in a note\n"  # 14: after D's list, in the note (its text at column 4)
        "\n"
        "Text\n"
        "\n"
        "    code after text\n"  # 18: not after a list
    )
    checklist = parse_text(text, "t.md")
    assert [item.text for item in checklist.items] == ["A", "B", "C", "D"]
    assert checklist.code_after_lists == [(3, 0, 0), (9, 5, 0), (14, 0, 4)]
