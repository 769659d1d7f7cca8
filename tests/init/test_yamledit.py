"""Adding the plugin to an existing mkdocs.yml by editing its text, shape by shape."""

from __future__ import annotations

import difflib
import textwrap

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_preflight.scaffold.yamledit import InvalidYaml, add_plugin, load, plugin_names


def added_lines(before: str, after: str) -> list[str]:
    """The lines ``after`` adds to ``before``; fails if it removes or changes any."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    removed = [line for line in diff if line.startswith("- ")]
    assert not removed, f"lines removed or changed: {removed}"
    return [line[2:] for line in diff if line.startswith("+ ")]


def edited(text: str) -> str:
    edit = add_plugin(textwrap.dedent(text))
    assert edit.status == "added", edit.reason
    assert edit.text is not None
    return edit.text


def test_block_list_gets_an_entry_with_the_same_indentation_and_comments_stay() -> None:
    before = textwrap.dedent(
        """\
        # My site
        site_name: Demo   # the title

        plugins:
          # search first
          - search
          - tags:
              tags_file: tags.md   # nested options of the last entry

        # extensions below
        markdown_extensions:
          - admonition
        """
    )
    after = edited(before)
    assert added_lines(before, after) == ["  - preflight"]
    assert after.index("  - preflight") > after.index("tags_file") < after.index("# extensions below")
    assert load(after)["plugins"] == ["search", {"tags": {"tags_file": "tags.md"}}, "preflight"]


def test_zero_indented_block_list() -> None:
    before = "site_name: x\nplugins:\n- search\n- offline\nnav:\n- index.md\n"
    after = edited(before)
    assert added_lines(before, after) == ["- preflight"]
    assert load(after)["nav"] == ["index.md"]


def test_mapping_form_gets_an_empty_options_entry() -> None:
    before = "site_name: x\nplugins:\n    search: {}\n    tags:\n        enabled: true\ntheme: material\n"
    after = edited(before)
    assert added_lines(before, after) == ["    preflight: {}"]
    assert plugin_names(load(after)["plugins"]) == ["search", "tags", "preflight"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("plugins: [search]", "plugins: [search, preflight]"),
        ("plugins: [search, tags]  # keep", "plugins: [search, tags, preflight]  # keep"),
        ("plugins: []", "plugins: [preflight]"),
        ("plugins: {search: {}}", "plugins: {search: {}, preflight: {}}"),
    ],
)
def test_one_line_flow_collections_are_extended(line: str, expected: str) -> None:
    after = edited(f"site_name: x\n{line}\ntheme: material\n")
    assert after == f"site_name: x\n{expected}\ntheme: material\n"


def test_no_plugins_key_appends_a_block_that_keeps_search() -> None:
    before = "site_name: x\ntheme:\n  name: material"  # no final newline
    after = edited(before)
    assert after.startswith(before + "\n")
    assert load(after)["plugins"] == ["search", "preflight"]


@pytest.mark.parametrize("value", ["", "  # nothing yet", " ~", " null"])
def test_empty_plugins_value_means_search_so_search_is_kept(value: str) -> None:
    before = f"site_name: x\nplugins:{value}\ntheme: material\n"
    edit = add_plugin(before)
    if value.strip() in ("~", "null"):
        assert edit.status == "manual"  # a scalar: not rewritten
        return
    assert edit.text is not None
    assert load(edit.text)["plugins"] == ["search", "preflight"]
    assert added_lines(before, edit.text) == ["  - search", "  - preflight"]


def test_empty_file_gets_a_plugins_block() -> None:
    after = edited("")
    assert load(after) == {"plugins": ["search", "preflight"]}


def test_crlf_line_endings_are_kept() -> None:
    before = "site_name: x\r\nplugins:\r\n  - search\r\ntheme: material\r\n"
    after = edited(before)
    assert after == "site_name: x\r\nplugins:\r\n  - search\r\n  - preflight\r\ntheme: material\r\n"


def test_tags_and_env_values_survive_untouched() -> None:
    before = textwrap.dedent(
        """\
        site_name: !ENV [SITE_NAME, "Docs"]
        plugins:
          - search
        markdown_extensions:
          - pymdownx.emoji:
              emoji_index: !!python/name:material.extensions.emoji.twemoji
        """
    )
    after = edited(before)
    assert added_lines(before, after) == ["  - preflight"]


@pytest.mark.parametrize(
    "text",
    [
        "plugins: [preflight]\n",
        "plugins:\n  - search\n  - preflight:\n      checklists_dir: runbooks\n",
        "plugins:\n  preflight: {}\n",
    ],
)
def test_present_plugin_is_left_alone(text: str) -> None:
    edit = add_plugin(text)
    assert (edit.status, edit.text) == ("present", None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("plugins: [search,\n  tags]\n", "not a block or one-line list"),
        ("INHERIT: base.yml\nsite_name: x\n", "INHERIT"),
        ("base: &p [search]\nplugins: *p\n", "not a block or one-line list"),
        ("plugins:\n  - search\nplugins:\n  - tags\n", "more than once"),
        ('"plugins": [search]\n', "cannot edit"),
        ("- just\n- a list\n", "not a mapping"),
    ],
)
def test_shapes_that_cannot_be_edited_safely_ask_for_a_hand_edit(text: str, reason: str) -> None:
    edit = add_plugin(text)
    assert edit.status == "manual"
    assert edit.text is None
    assert reason in edit.reason


def test_invalid_yaml_names_line_and_column() -> None:
    with pytest.raises(InvalidYaml, match=r"^3:1: invalid YAML: expected .,. or .\]."):
        add_plugin("site_name: x\nplugins: [search\n")


# Arbitrary but valid mkdocs.yml files: a mix of keys, comments, blank lines and a
# plugins block in any of its block forms.
names = st.sampled_from(["search", "tags", "offline", "blog", "privacy", "social", "meta"])
comment = st.sampled_from(["", "  # note", "  # - preflight?"])


@st.composite
def configs(draw: st.DrawFn) -> str:
    indent = draw(st.sampled_from([0, 2, 4]))
    plugins = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    lines = ["site_name: demo" + draw(comment)]
    if draw(st.booleans()):
        lines.append("# a comment line before the plugins")
    lines.append("plugins:" + draw(comment))
    mapping = draw(st.booleans()) and indent > 0
    for name in plugins:
        if draw(st.booleans()):
            lines.append("")
        if draw(st.booleans()):
            lines.append(" " * draw(st.sampled_from([0, indent])) + "# commented out: - old")
        if mapping:
            empty = draw(st.booleans())
            lines.append(" " * indent + f"{name}:" + (" {}" if empty else ""))
            if not empty and draw(st.booleans()):
                lines.append(" " * (indent + 2) + "enabled: true" + draw(comment))
        else:
            with_options = draw(st.booleans())
            lines.append(" " * indent + f"- {name}" + (":" if with_options else "") + draw(comment))
            if with_options:
                lines.append(" " * (indent + 4) + "enabled: true")
    if draw(st.booleans()):
        lines.extend(["", "nav:", "  - index.md"])
    if draw(st.booleans()):
        lines.extend(["markdown_extensions:", "- toc:", "    permalink: true"])
    return "\n".join(lines) + ("\n" if draw(st.booleans()) else "")


@given(configs())
@settings(max_examples=200, deadline=None)
def test_any_block_config_gains_exactly_one_line_and_keeps_everything_else(text: str) -> None:
    before = yaml.safe_load(text)
    edit = add_plugin(text)
    assert edit.status == "added", edit.reason
    assert edit.text is not None
    new_lines = added_lines(text, edit.text)
    assert [line.strip() for line in new_lines if line.strip()] in (["- preflight"], ["preflight: {}"])
    after = yaml.safe_load(edit.text)
    assert plugin_names(after["plugins"]) == [*plugin_names(before["plugins"]), "preflight"]
    assert {k: v for k, v in after.items() if k != "plugins"} == {k: v for k, v in before.items() if k != "plugins"}
    again = add_plugin(edit.text)
    assert again.status == "present"
