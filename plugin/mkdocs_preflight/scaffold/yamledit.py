"""Add the ``preflight`` plugin to an existing ``mkdocs.yml`` by editing its text.

A YAML dumper would drop comments, reorder keys and rewrite quoting, so the file is
edited as text: the new entry goes after the last entry of the ``plugins:`` block with
the same indentation, into a one-line flow list, or into a new ``plugins:`` block at the
end. Every edit is then verified by loading both versions: the only difference allowed
is the new plugin. Whatever cannot be edited that way is left alone, and the caller
prints instructions instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

PLUGIN = "preflight"

_PLUGINS_KEY = re.compile(r"^plugins[ \t]*:(?P<rest>.*)$")
_INHERIT_KEY = re.compile(r"^INHERIT[ \t]*:")


@dataclass(frozen=True, slots=True)
class Edit:
    """The outcome of :func:`add_plugin`."""

    text: str | None
    """The new file content; ``None`` when nothing needs to or can be changed."""
    status: str
    """``added``, ``present`` or ``manual``."""
    reason: str = ""
    """For ``manual``: why the file cannot be edited safely."""


class _Loader(yaml.SafeLoader):
    """Loads ``mkdocs.yml`` without importing or resolving anything it names."""


def _tagged(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    # `!ENV`, `!relative`, `!!python/name:...`: keep the tag and the raw value, so two
    # loads of the same text compare equal.
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    return ("!tag", suffix, repr(value))


_Loader.add_multi_constructor("!", _tagged)
_Loader.add_multi_constructor("tag:yaml.org,2002:python/", _tagged)


class InvalidYaml(ValueError):
    """``mkdocs.yml`` is not valid YAML (the message names line and column)."""


def load(text: str) -> Any:
    """Load YAML text like the CLI does, keeping tags as opaque values."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        where = f"{mark.line + 1}:{mark.column + 1}: " if mark else ""
        raise InvalidYaml(f"{where}invalid YAML: {problem}") from None


def plugin_names(plugins: Any) -> list[str]:
    """The names in a ``plugins`` value (list of names or single-key mappings, or a mapping)."""
    if isinstance(plugins, dict):
        return [str(name) for name in plugins]
    if isinstance(plugins, list):
        names: list[str] = []
        for entry in plugins:
            if isinstance(entry, dict):
                names.extend(str(name) for name in entry)
            else:
                names.append(str(entry))
        return names
    return []


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _strip_comment(value: str) -> str:
    # A `#` starts a comment at the start or after whitespace; quotes are not handled,
    # which is fine because the verification step catches any mistake.
    match = re.search(r"(^|\s)#", value)
    return (value[: match.start()] if match else value).strip()


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def add_plugin(text: str) -> Edit:
    """Add ``preflight`` to the ``plugins`` of a ``mkdocs.yml`` text.

    Raises:
        InvalidYaml: the text is not valid YAML.
    """
    document = load(text)
    if document is None:
        document = {}
    if not isinstance(document, dict):
        return Edit(None, "manual", "the top level is not a mapping")
    if PLUGIN in plugin_names(document.get("plugins")):
        return Edit(None, "present")
    lines = text.splitlines(keepends=True)
    keys = [number for number, line in enumerate(lines) if _PLUGINS_KEY.match(line)]
    if len(keys) > 1:
        return Edit(None, "manual", "`plugins:` appears more than once")
    if not keys:
        if "plugins" in document:
            return Edit(None, "manual", "`plugins` is written in a form preflight cannot edit")
        if "INHERIT" in document or any(_INHERIT_KEY.match(line) for line in lines):
            return Edit(None, "manual", "it inherits its plugins (`INHERIT:`); a `plugins:` list would replace them")
        new_text: str | None = _append_block(text)
    else:
        new_text = _insert(lines, keys[0], _newline(text))
    if new_text is None:
        return Edit(None, "manual", "its `plugins:` value is not a block or one-line list")
    if not _verified(document, new_text):
        return Edit(None, "manual", "an edit of its `plugins:` could not be verified")
    return Edit(new_text, "added")


def _append_block(text: str) -> str:
    newline = _newline(text)
    # MkDocs' default plugin list is `[search]`: keep search when adding the first list.
    block = f"plugins:{newline}  - search{newline}  - {PLUGIN}{newline}"
    if not text.strip():
        return block
    if not text.endswith(("\n", "\r")):
        text += newline
    return text + newline + block


def _insert(lines: list[str], key: int, newline: str) -> str | None:
    value = _strip_comment(_PLUGINS_KEY.match(lines[key]).group("rest"))  # type: ignore[union-attr]
    if value.startswith("["):
        return _insert_flow(lines, key, "[", "]", PLUGIN)
    if value.startswith("{"):
        return _insert_flow(lines, key, "{", "}", f"{PLUGIN}: {{}}")
    if value:
        return None  # an alias, an anchor, a tag or a scalar: not ours to rewrite
    last = key
    style: str | None = None
    indent = 0
    for number in range(key + 1, len(lines)):
        line = lines[number]
        if not _is_content(line):
            continue
        column = _indent(line)
        body = line.lstrip(" ")
        is_item = body.startswith("- ") or body.rstrip("\r\n") == "-"
        if style is None:
            if column == 0 and not is_item:
                break  # `plugins:` with no value: the next top-level key follows
            style, indent = ("sequence" if is_item else "mapping"), column
        elif (
            column < indent or (column == indent and (style == "sequence") != is_item) or (column == 0 and not is_item)
        ):
            break
        if "\t" in line[:column]:
            return None
        last = number
    if style is None:
        # `plugins:` with an empty value means MkDocs' default, `[search]`.
        entries = [f"  - search{newline}", f"  - {PLUGIN}{newline}"]
    elif style == "sequence":
        entries = [" " * indent + f"- {PLUGIN}{newline}"]
    else:
        entries = [" " * indent + f"{PLUGIN}: {{}}{newline}"]
    head = lines[: last + 1]
    if not head[-1].endswith(("\n", "\r")):
        head[-1] += newline
    return "".join([*head, *entries, *lines[last + 1 :]])


def _insert_flow(lines: list[str], key: int, opening: str, closing: str, entry: str) -> str | None:
    line = lines[key]
    start = line.index(opening)
    end = line.rfind(closing)
    if end < start or _strip_comment(line[end + 1 :]):
        return None  # the flow collection goes on over more lines
    inner = line[start + 1 : end]
    if inner.strip():
        replacement = inner.rstrip() + ", " + entry
    else:
        replacement = entry
    lines = [*lines[:key], line[: start + 1] + replacement + line[end:], *lines[key + 1 :]]
    return "".join(lines)


def _verified(before: dict[str, Any], new_text: str) -> bool:
    """Whether ``new_text`` is ``before`` plus the plugin, and nothing else changed."""
    try:
        after = load(new_text)
    except InvalidYaml:
        return False
    if not isinstance(after, dict):
        return False
    old_plugins = before.get("plugins")
    new_plugins = after.get("plugins")
    rest_before = {k: v for k, v in before.items() if k != "plugins"}
    rest_after = {k: v for k, v in after.items() if k != "plugins"}
    if rest_before != rest_after:
        return False
    if old_plugins is None:
        return bool(new_plugins == ["search", PLUGIN])
    if isinstance(old_plugins, list):
        return bool(new_plugins == [*old_plugins, PLUGIN])
    if isinstance(old_plugins, dict):
        return bool(new_plugins == {**old_plugins, PLUGIN: {}})
    return False


def instructions(has_plugins: bool) -> str:
    """What to add by hand, for the message printed when the file cannot be edited."""
    if has_plugins:
        return f"add `- {PLUGIN}` to the `plugins:` list of mkdocs.yml"
    return f"add `plugins: [search, {PLUGIN}]` to mkdocs.yml (or to the file it inherits from)"
