"""The generated reference pages (docs/hooks.py): complete, valid, and safe Markdown."""

from __future__ import annotations

import html
import importlib.util
import re
import sys
from types import ModuleType

import click
import markdown
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_preflight.cli import main
from mkdocs_preflight.config import OPTIONS, defaults, plugin_options, validate

from ._support import SOURCE


def load_hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("preflight_docs_hooks", SOURCE / "docs" / "hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


hooks = load_hooks()


def test_hooks_are_registered_and_kept_out_of_the_site() -> None:
    config = yaml.safe_load((SOURCE / "mkdocs.yml").read_text(encoding="utf-8"))
    assert config["hooks"] == ["docs/hooks.py"]
    assert "/hooks.py" in config["exclude_docs"]


def test_pages_use_only_known_markers() -> None:
    used = set()
    for page in (SOURCE / "docs").rglob("*.md"):
        for match in hooks.MARKER.finditer(page.read_text(encoding="utf-8")):
            assert match.group("name") in hooks.GENERATORS, f"{page}: unknown marker {match.group(0)}"
            used.add(match.group("name"))
    assert used == set(hooks.GENERATORS), "every generator is used by a page"


def test_unknown_marker_is_an_error() -> None:
    with pytest.raises(ValueError, match=r"x\.md: unknown generated block 'nope'"):
        hooks.expand("<!-- generated: nope -->\n", "x.md")


def test_options_reference_has_every_option_with_its_help() -> None:
    page = hooks.render_options()
    headings = re.findall(r"^### `([\w-]+)` \{ #([\w-]+) \}$", page, re.M)
    assert [name for name, _ in headings] == [option.name for option in OPTIONS]
    assert all(name == anchor for name, anchor in headings)
    for option in OPTIONS:
        first_words = option.help.split("`")[0].split()[:3]
        assert " ".join(first_words) in page, option.name


def test_options_example_is_a_valid_config_with_every_default() -> None:
    block = hooks.render_options_example()
    document = yaml.safe_load(block.removeprefix("```yaml\n").removesuffix("```\n"))
    raw = plugin_options(document)
    assert raw is not None
    values, warnings = validate(raw)
    assert warnings == []
    assert values == defaults()
    for option in OPTIONS:
        assert option.name in block


def test_cli_reference_covers_every_command_and_option() -> None:
    page = hooks.render_cli()
    root = click.Context(main, info_name="preflight")
    names = main.list_commands(root)
    assert {"init", "list", "extract", "ids"} <= set(names)
    for name in names:
        command = main.get_command(root, name)
        assert command is not None
        assert f"## `preflight {name}` {{ #preflight-{name} }}" in page
        assert f"](#preflight-{name})" in page
        ctx = click.Context(command, info_name=name, parent=root)
        for param in command.get_params(ctx):
            if isinstance(param, click.Option) and "--help" not in param.opts:
                assert f"`{param.opts[0]}" in page or f" {param.opts[0]}" in page, (name, param.opts)
    assert "- `--help`" not in page


def test_cli_reference_renders_examples_as_code() -> None:
    page = hooks.render_cli()
    rendered = markdown.markdown(page, extensions=["fenced_code", "tables", "attr_list"])
    code_blocks = re.findall(r"<pre><code[^>]*>(.*?)</code></pre>", rendered, re.S)
    assert any("preflight init my-runbooks --site-name &quot;Operations runbooks&quot;" in b for b in code_blocks)
    assert "\b" not in page


@given(st.text(alphabet="ab *_<>&[]\\`()!#", min_size=1, max_size=30))
@settings(max_examples=300, deadline=None)
def test_escaped_text_renders_as_itself(text: str) -> None:
    text = " ".join(text.split())
    if not text or text.count("`") or text.startswith(("#", "*", "> ", ">", "!")):
        return  # code spans pass through by design; block syntax at a line start is not inline text
    rendered = markdown.markdown(hooks.escape_markdown(text))
    visible = html.unescape(re.sub(r"<[^>]+>", "", rendered))
    assert visible == text


_COMMAND_LINE = re.compile(r"\bpreflight((?:\s+(?:-f|--config-file)\s+\S+)?)\s+(?P<command>[a-z]+)(?P<args>[^`\n]*)")
_ARGS_END = re.compile(r"\s(?:\||;|&&|#)|\$\(")


def _documented_command_lines() -> list[tuple[str, str, str]]:
    """(place, command, arguments) of every `preflight COMMAND ...` in a code span or code line."""
    pages = [SOURCE / "README.md", *sorted((SOURCE / "docs").rglob("*.md"))]
    found = []
    for page in pages:
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            for match in _COMMAND_LINE.finditer(line):
                args = _ARGS_END.split(match.group("args"), maxsplit=1)[0]
                found.append((f"{page.relative_to(SOURCE)}:{number}", match.group("command"), args))
    return found


def test_documented_command_lines_name_options_that_exist() -> None:
    """Every `--option` written after `preflight COMMAND` in the README and the docs is an
    option of that command: a renamed or removed option cannot linger in an example."""
    root = click.Context(main, info_name="preflight")
    options: dict[str, set[str]] = {}
    for name in main.list_commands(root):
        command = main.get_command(root, name)
        assert command is not None
        ctx = click.Context(command, info_name=name, parent=root)
        options[name] = {"-h", "--help"}
        for param in command.get_params(ctx):
            if isinstance(param, click.Option):
                options[name].update(param.opts, param.secondary_opts)
    lines = _documented_command_lines()
    assert len(lines) > 100
    wrong = [
        f"{place}: preflight {command} {option}"
        for place, command, args in lines
        if command in options
        for option in re.findall(r"(?<![\w'\"=/.-])(--?[A-Za-z][\w-]*)", args)
        if option.split("=")[0] not in options[command]
    ]
    assert wrong == []


def test_readme_links_resolve() -> None:
    """The README is not a page of the site, so `mkdocs build --strict` never checks its
    links: every relative link and image in it names a file of the repository."""
    readme = (SOURCE / "README.md").read_text(encoding="utf-8")
    targets = re.findall(r"\]\(([^)\s]+)\)", readme)
    relative = [target.split("#", 1)[0] for target in targets if not re.match(r"[a-z]+:", target)]
    assert len(relative) > 10
    assert [target for target in relative if target and not (SOURCE / target).is_file()] == []
