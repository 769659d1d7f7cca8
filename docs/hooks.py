"""MkDocs hooks for this project's own site: reference pages generated from the code.

A page asks for generated content with a marker on a line of its own:

* ``<!-- generated: options -->`` — every option of :data:`mkdocs_preflight.config.OPTIONS`
  (``docs/configuration.md``);
* ``<!-- generated: options-example -->`` — a ``mkdocs.yml`` entry with every option at
  its default;
* ``<!-- generated: cli -->`` — every ``preflight`` command with its usage, help text and
  options, read from the click commands (``docs/cli.md``).

So the reference cannot drift from the code: the option schema and the click commands
are the only sources. Registered in ``mkdocs.yml`` under ``hooks:``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from typing import Any

import click
import yaml

from mkdocs_preflight.config import OPTIONS, Option

MARKER = re.compile(r"^<!--\s*generated:\s*(?P<name>[\w-]+)\s*-->[ \t]*$", re.M)

COMMAND_ORDER = ("init", "list", "ids", "extract", "check", "rules", "lock", "run", "report")
"""The order a reader meets the commands in; commands not listed follow, sorted."""

_KIND = {
    "str": "string",
    "bool": "`true` or `false`",
    "list": "list of strings",
    "dict": "mapping",
    "choice": "one of {choices}",
    "path-or-list": "folder, or list of folders and globs",
}
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def escape_markdown(text: str) -> str:
    """Escape Markdown and HTML in ``text``, leaving its `code spans` as they are."""

    def escape(part: str) -> str:
        part = part.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return re.sub(r"([\\*_\[\]])", r"\\\1", part)

    out: list[str] = []
    position = 0
    for match in _CODE_SPAN.finditer(text):
        out.append(escape(text[position : match.start()]))
        out.append(match.group(0))
        position = match.end()
    out.append(escape(text[position:]))
    return "".join(out)


def _yaml_value(value: Any) -> str:
    dumped = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=1 << 30)
    return dumped.strip().removesuffix("...").strip()


def _kind(option: Option) -> str:
    choices = ", ".join(f"`{c}`" for c in option.choices)
    return _KIND[option.kind].format(choices=choices)


def _default(option: Option) -> str:
    if option.default is None:
        return "not set"
    if option.default == [] or option.default == {}:
        return "empty"
    if isinstance(option.default, list) and len(option.default) > 1:
        return "see below"
    return f"`{_yaml_value(option.default)}`"


def render_options(options: Iterable[Option] = OPTIONS) -> str:
    """One section per option: name, type, default and help text."""
    parts: list[str] = []
    for option in options:
        parts.append(f"### `{option.name}` {{ #{option.name} }}\n")
        parts.append(f"{escape_markdown(option.help)}\n")
        parts.append(f"Type: {_kind(option)}. Default: {_default(option)}.\n")
        if isinstance(option.default, list) and len(option.default) > 1:
            lines = "\n".join(f"- {yaml.safe_dump(item, default_style=chr(39)).strip()}" for item in option.default)
            parts.append(f"```yaml\n{option.name}:\n{_indent(lines, 2)}\n```\n")
    return "\n".join(parts)


def _indent(text: str, width: int) -> str:
    return "\n".join(" " * width + line if line else line for line in text.splitlines())


def render_options_example(options: Iterable[Option] = OPTIONS) -> str:
    """A ``plugins:`` entry with every option at its default, as a YAML block."""
    lines = ["plugins:", "  - search", "  - preflight:"]
    for option in options:
        if option.default is None:
            lines.append(f"      # {option.name}:  (not set)")
        elif isinstance(option.default, list) and len(option.default) > 1:
            lines.append(f"      {option.name}:")
            lines.extend(f"        - {yaml.safe_dump(item, default_style=chr(39)).strip()}" for item in option.default)
        else:
            lines.append(f"      {option.name}: {_yaml_value(option.default)}")
    return "```yaml\n" + "\n".join(lines) + "\n```\n"


def _help_blocks(text: str) -> str:
    """Click help text as Markdown: ``\\b`` paragraphs become code blocks."""
    out: list[str] = []
    for paragraph in re.split(r"\n\s*\n", inspect.cleandoc(text)):
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == "\b":
            lines = lines[1:]
            if lines and lines[0].rstrip().endswith(":") and not lines[0].startswith(" "):
                out.append(escape_markdown(lines[0].strip()))
                lines = lines[1:]
            body = inspect.cleandoc("\n".join(lines))
            out.append(f"```text\n{body}\n```")
        else:
            out.append(escape_markdown(" ".join(line.strip() for line in lines)))
    return "\n\n".join(out)


def _options(command: click.Command, ctx: click.Context) -> str:
    items: list[str] = []
    for param in command.get_params(ctx):
        if not isinstance(param, click.Option) or "--help" in param.opts:
            continue
        record = param.get_help_record(ctx)
        if record is None:
            continue
        names, help_text = record
        items.append(f"- `{names}`  \n  {escape_markdown(help_text)}" if help_text else f"- `{names}`")
    return "\n".join(items)


def _usage(command: click.Command, ctx: click.Context, prog: str) -> str:
    pieces = " ".join(command.collect_usage_pieces(ctx))
    return f"```text\n{prog} {pieces}\n```"


def ordered_commands(group: click.Group, ctx: click.Context) -> list[tuple[str, click.Command]]:
    """The subcommands of ``group`` in :data:`COMMAND_ORDER`, then the rest."""
    names = group.list_commands(ctx)
    ordered = [n for n in COMMAND_ORDER if n in names] + sorted(n for n in names if n not in COMMAND_ORDER)
    commands = []
    for name in ordered:
        command = group.get_command(ctx, name)
        if command is not None and not command.hidden:
            commands.append((name, command))
    return commands


def render_cli(group: click.Group | None = None, prog: str = "preflight") -> str:
    """The CLI reference: the group's options, then one section per subcommand."""
    if group is None:
        from mkdocs_preflight.cli import main

        group = main
    root = click.Context(group, info_name=prog)
    commands = ordered_commands(group, root)
    parts = [
        _usage(group, root, prog),
        _help_blocks(group.help or ""),
        "Options of `preflight` itself, given before the command:\n",
        _options(group, root),
        "",
        "| command | what it does |\n| --- | --- |",
    ]
    parts[-1] += "".join(
        f"\n| [`{name}`](#{prog}-{name}) | {escape_markdown(command.get_short_help_str(limit=200))} |"
        for name, command in commands
    )
    for name, command in commands:
        ctx = click.Context(command, info_name=name, parent=root)
        parts.append(f"## `{prog} {name}` {{ #{prog}-{name} }}")
        parts.append(_usage(command, ctx, f"{prog} {name}"))
        parts.append(_help_blocks(command.help or ""))
        options = _options(command, ctx)
        if options:
            parts.append("**Options**\n\n" + options)
    return "\n\n".join(parts) + "\n"


GENERATORS: dict[str, Callable[[], str]] = {
    "options": render_options,
    "options-example": render_options_example,
    "cli": render_cli,
}


def expand(markdown: str, source: str = "page") -> str:
    """Replace every generation marker in ``markdown``; an unknown name is an error."""

    def replace(match: re.Match[str]) -> str:
        name = match.group("name")
        if name not in GENERATORS:
            raise ValueError(f"{source}: unknown generated block {name!r} (known: {', '.join(GENERATORS)})")
        return GENERATORS[name]().rstrip("\n")

    return MARKER.sub(replace, markdown)


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """MkDocs event: expand the markers of a page."""
    return expand(markdown, page.file.src_uri)
