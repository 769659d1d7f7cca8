"""One option schema for the MkDocs plugin and the CLI.

The options live in the ``preflight`` entry of ``plugins:`` in ``mkdocs.yml``. The CLI
reads that file with a lenient YAML loader (``!ENV`` resolved, Python tags ignored) so
that it never imports MkDocs, and follows ``INHERIT:`` as MkDocs does; the plugin
derives its ``Config`` class from :data:`OPTIONS` (``site/config.py``), so there is
exactly one list of names, defaults and help texts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import yaml

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml", "properdocs.yaml")


class ConfigError(Exception):
    """The configuration cannot be used. The message is one line, ready to print."""


DEFAULT_REQUIREMENT_PATTERNS = (
    # An ID runs to its end: `REQ-12a` and `29.2b` are other tokens, not REQ-12 or 29.2.
    # `Requirement 29.2`, `(Requirement 29.2)`, `Requirements 29.2`
    r"(?<![A-Za-z])Requirements?\s+(?P<id>\d+(?:\.\d+)+)(?!\.?\d|[^\W\d_])",
    # `Req 29.2`, `Req. 29.2`
    r"(?<![A-Za-z])Req\.?\s+(?P<id>\d+(?:\.\d+)+)(?!\.?\d|[^\W\d_])",
    # `REQ-12`, `REQ-12.3`
    r"(?<![A-Za-z0-9-])(?P<id>REQ-\d+(?:\.\d+)*)(?!\.?\d|[^\W\d_])",
)


class Option(NamedTuple):
    """One configuration option: its name, type, default and help text."""

    name: str
    kind: str
    """``str``, ``bool``, ``list``, ``dict``, ``choice`` or ``path-or-list``."""
    default: Any
    help: str
    choices: tuple[str, ...] = ()
    optional: bool = False


OPTIONS: tuple[Option, ...] = (
    Option("enabled", "bool", True, "Turn the plugin off without removing it."),
    Option(
        "checklists_dir",
        "path-or-list",
        "checklists",
        "Where the checklists are: a folder (every `*.md` below it is a checklist), or a list "
        "of folders or globs. Relative to `mkdocs.yml`. Symlinked folders are followed (once, "
        "never in a loop); a file found under two paths is read once, under the first in sorted "
        "order. It may be outside `docs_dir` (pages "
        "are added) or inside it (pages are enhanced in place).",
    ),
    Option(
        "nav_title",
        "str",
        "Checklists",
        "Title of the nav section that lists the checklists "
        "(a folder inside docs_dir keeps its own title unless this is set).",
    ),
    Option(
        "registry",
        "str",
        None,
        "A requirements registry (`requirements.yml`): ID to title, a list of `{id, title}`, "
        "optionally under a top-level `requirements:` key. Relative to `mkdocs.yml`.",
        optional=True,
    ),
    Option(
        "requirement_patterns",
        "list",
        list(DEFAULT_REQUIREMENT_PATTERNS),
        "Regular expressions that find requirement references; each has a group named `id`.",
    ),
    Option(
        "requirements_page",
        "str",
        "requirements/",
        "Where the generated requirements (traceability) page goes; empty to disable.",
    ),
    Option(
        "interactive",
        "bool",
        True,
        "Clickable checkboxes whose state persists in the browser, with progress bars.",
    ),
    Option(
        "run_logs",
        "str",
        None,
        "A folder of run logs (`.preflight/runs`) whose outcomes the site shows.",
        optional=True,
    ),
    Option(
        "inline_commands",
        "choice",
        "auto",
        "Whether inline code spans that look like commands count as commands.",
        choices=("auto", "off"),
    ),
    Option(
        "fail_on",
        "choice",
        "error",
        "Which diagnostics fail `preflight check` and `mkdocs build --strict`.",
        choices=("error", "warning", "info", "never"),
    ),
    Option("select", "list", [], "Rule codes or prefixes to enable (default: all)."),
    Option("ignore", "list", [], "Rule codes or prefixes to disable."),
    Option(
        "levels",
        "dict",
        {},
        "Per-rule levels, e.g. `{PF104: info, PF3: error}` (codes or prefixes).",
    ),
    Option(
        "per_path_ignores",
        "dict",
        {},
        "Glob (relative to the project root) to a list of codes to ignore in matching files.",
    ),
    Option(
        "env_example",
        "str",
        None,
        "An env example file (`.env.example`): env vars used in commands must be listed there.",
        optional=True,
    ),
    Option(
        "repo_url_pattern",
        "str",
        None,
        "URL for links to repository files that are not part of the site, with `{path}`; "
        "default: built from `repo_url` and `edit_uri`.",
        optional=True,
    ),
    Option("lock_file", "str", "preflight.lock", "Where `preflight lock` records file hashes."),
    Option(
        "scripts_dir",
        "str",
        None,
        "Folder of scripts written by `preflight extract --format sh --out`; `check` reports stale ones (PF501).",
        optional=True,
    ),
)

OPTION_NAMES = frozenset(option.name for option in OPTIONS)


@dataclass(slots=True, eq=False, repr=False)
class Settings:
    """Validated options plus the project root they are relative to."""

    root: Path
    config_file: Path | None
    values: dict[str, Any] = field(default_factory=dict)
    mkdocs: dict[str, Any] = field(default_factory=dict)
    """The rest of ``mkdocs.yml`` (``docs_dir``, ``repo_url``, ...), leniently loaded."""
    warnings: list[str] = field(default_factory=list)
    """Problems that do not stop the command (an unknown option name)."""

    def __getattr__(self, name: str) -> Any:
        values = object.__getattribute__(self, "values")
        if name in values:
            return values[name]
        raise AttributeError(name)

    @property
    def checklist_globs(self) -> list[str]:
        """``checklists_dir`` as a list of folders or globs."""
        value = self.values["checklists_dir"]
        return [value] if isinstance(value, str) else list(value)

    def path(self, value: str) -> Path:
        """A configured path, resolved against the project root."""
        return (self.root / value).resolve()

    @property
    def compiled_patterns(self) -> list[re.Pattern[str]]:
        """The requirement patterns, compiled."""
        return [re.compile(p) for p in self.values["requirement_patterns"]]


def defaults() -> dict[str, Any]:
    """Every option with its default value."""
    return {o.name: (list(o.default) if isinstance(o.default, list) else o.default) for o in OPTIONS}


def validate(
    raw: dict[str, Any], *, source: str = "preflight", locate: Callable[[str], str] | None = None
) -> tuple[dict[str, Any], list[str]]:
    """Check option values and fill in defaults.

    Returns the values and a list of warnings (unknown names). Raises
    :class:`ConfigError` for a value of the wrong type. Messages start with ``source``,
    or with ``locate(option name)`` when given (a file and line, found only when needed).
    """
    where = locate or (lambda _name: source)
    values = defaults()
    warnings = [_unknown(name, where(str(name))) for name in raw if name not in OPTION_NAMES]
    by_name = {o.name: o for o in OPTIONS}
    for name, value in raw.items():
        option = by_name.get(name)
        if option is None:
            continue
        values[name] = _check(option, value, where(name))
    for pattern in values["requirement_patterns"]:
        try:
            compiled = re.compile(pattern)
        except re.error as exc:
            raise ConfigError(
                f"{where('requirement_patterns')}: requirement pattern {pattern!r} is invalid: {exc}"
            ) from None
        if "id" not in compiled.groupindex:
            raise ConfigError(
                f"{where('requirement_patterns')}: requirement pattern {pattern!r} has no group named 'id'"
            )
    return values, warnings


def _unknown(name: object, source: str) -> str:
    from difflib import get_close_matches  # only when a name is wrong

    close = get_close_matches(str(name), sorted(OPTION_NAMES), n=1)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    return f"{source}: unknown option '{name}', ignored{hint}"


def _check(option: Option, value: Any, source: str) -> Any:
    where = f"{source}: option '{option.name}'"
    if value is None:
        if option.optional:
            return None
        raise ConfigError(f"{where} must not be empty")
    checks: dict[str, Callable[[Any], bool]] = {
        "str": lambda v: isinstance(v, str),
        "bool": lambda v: isinstance(v, bool),
        "list": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
        "dict": lambda v: isinstance(v, dict),
        "choice": lambda v: v in option.choices,
        "path-or-list": lambda v: (
            isinstance(v, str) or (isinstance(v, list) and bool(v) and all(isinstance(x, str) for x in v))
        ),
    }
    if not checks[option.kind](value):
        expected = {
            "str": "a string",
            "bool": "true or false",
            "list": "a list of strings",
            "dict": "a mapping",
            "choice": "one of " + ", ".join(option.choices),
            "path-or-list": "a folder or a list of folders/globs",
        }[option.kind]
        raise ConfigError(f"{where} must be {expected}, got {value!r}")
    return value


SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""PyYAML's safe loader, LibYAML's when PyYAML was built with it (ten times faster)."""


class _LenientLoader(SAFE_LOADER):  # type: ignore[misc]  # the C loader when PyYAML has one
    """Reads ``mkdocs.yml`` like MkDocs does, without importing anything it names (LibYAML
    reads a typical ``mkdocs.yml`` in a tenth of the pure-Python loader's ~1 ms)."""


def _env_tag(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    # As pyyaml_env_tag (what MkDocs uses): `!ENV NAME` or `!ENV [NAME, OTHER, default]`;
    # the first variable that is set wins. Its value is one scalar typed by YAML's implicit
    # resolvers (`true`, `3`, `~`), never parsed as YAML: `**/*.md` or `{path}` stay text.
    default = None
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
    elif isinstance(node, yaml.SequenceNode):
        children = node.value
        if len(children) > 1:
            default = loader.construct_object(children[-1])
            children = children[:-1]
        names = [loader.construct_scalar(child) for child in children]
    else:
        raise yaml.constructor.ConstructorError(None, None, "!ENV expects a name or a list", node.start_mark)
    for name in names:
        if name in os.environ:
            text = os.environ[name]
            tag = loader.resolve(yaml.ScalarNode, text, (True, False))  # type: ignore[no-untyped-call]
            return loader.construct_object(yaml.ScalarNode(tag, text))
    return default


_LenientLoader.add_constructor("!ENV", _env_tag)
_LenientLoader.add_constructor("!relative", lambda loader, node: None)
_LenientLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)
_LenientLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def find_config(start: Path) -> Path | None:
    """The ``mkdocs.yml`` in ``start`` or its nearest parent, if any."""
    start = start.resolve()
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
    return None


def plugin_options(document: dict[str, Any]) -> dict[str, Any] | None:
    """The ``preflight`` entry of a loaded ``mkdocs.yml``; ``None`` when the plugin is absent."""
    plugins = document.get("plugins")
    if isinstance(plugins, dict):
        entry = plugins.get("preflight", None) if "preflight" in plugins else None
        if "preflight" in plugins:
            return entry if isinstance(entry, dict) else {}
        return None
    if isinstance(plugins, list):
        for entry in plugins:
            if entry == "preflight":
                return {}
            if isinstance(entry, dict) and "preflight" in entry:
                options = entry["preflight"]
                return options if isinstance(options, dict) else {}
    return None


def load_yaml(path: Path) -> Any:
    """Load a YAML file leniently; raise :class:`ConfigError` with file and line on error."""
    try:
        with path.open("rb") as handle:
            return yaml.load(handle, Loader=_LenientLoader)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark else str(path)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"{where}: invalid YAML: {problem}") from None


def load_settings(config_file: Path | None = None, *, root: Path | None = None) -> Settings:
    """Read the preflight options for the CLI.

    With no ``config_file``, the nearest ``mkdocs.yml`` above ``root`` (default: the
    current directory) is used; with none found, defaults apply and the root is the
    current directory.
    """
    explicit = config_file is not None
    if config_file is None:
        config_file = find_config(root or Path.cwd())
    if config_file is None:
        values, _ = validate({})
        return Settings(root=(root or Path.cwd()).resolve(), config_file=None, values=values)
    if explicit and not config_file.is_file():
        raise ConfigError(f"{config_file}: no such configuration file")
    document = load_config(config_file)
    raw = plugin_options(document) or {}
    values, warnings = validate(raw, locate=option_locator(config_file))
    # As in MkDocs, paths are relative to the file given, even when an inherited file sets them.
    root = config_file.parent.resolve()
    return Settings(root=root, config_file=config_file, values=values, mkdocs=document, warnings=warnings)


INHERIT = "INHERIT"


def load_config(config_file: Path) -> dict[str, Any]:
    """``mkdocs.yml`` as MkDocs sees it: ``INHERIT`` followed, each file merged over its parent.

    Raises:
        ConfigError: a file cannot be read or is not a mapping, an inherited file is
            missing, or the files inherit in a loop.
    """
    merged: dict[str, Any] = {}
    for _, document in reversed(config_chain(config_file)):
        merged = deep_merge(merged, document)
    return merged


def config_chain(config_file: Path) -> list[tuple[Path, dict[str, Any]]]:
    """``config_file`` and the files it inherits from, nearest first, each loaded on its own
    (its ``INHERIT`` key removed).

    Raises:
        ConfigError: as :func:`load_config`.
    """
    chain: list[tuple[Path, dict[str, Any]]] = []
    path: Path | None = config_file
    while path is not None:
        document = load_yaml(path)
        if document is None:
            document = {}
        if not isinstance(document, dict):
            raise ConfigError(f"{path}: expected a mapping at the top level")
        chain.append((path, document))
        path = _inherited(chain, document.pop(INHERIT), config_file) if INHERIT in document else None
    return chain


def _inherited(chain: list[tuple[Path, dict[str, Any]]], value: Any, config_file: Path) -> Path:
    """The file that the last file of ``chain`` inherits from (``INHERIT: value``)."""
    child = chain[-1][0]
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{_value_position(child, INHERIT)}: INHERIT must name a file, got {value!r}")
    # Lexically normalised and relative to the child's folder, like MkDocs' yaml_load.
    parent = Path(os.path.normpath(child.parent / value))
    if not parent.is_file():
        raise ConfigError(f"{_value_position(child, INHERIT)}: inherited file {value!r} does not exist ({parent})")
    if parent.resolve() in {path.resolve() for path, _ in chain}:
        # MkDocs would recurse until Python gives up; name the loop instead.
        loop = " -> ".join(_shown(path, config_file) for path in [*(path for path, _ in chain), parent])
        raise ConfigError(f"{_value_position(child, INHERIT)}: INHERIT loop: {loop}")
    return parent


def deep_merge(parent: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    """``child`` over ``parent`` as MkDocs merges an inherited file (``mergedeep``, REPLACE):
    mappings are merged key by key, anything else (lists too) is replaced by the child's."""
    merged = dict(parent)
    for key, value in child.items():
        old = merged.get(key)
        merged[key] = deep_merge(old, value) if isinstance(old, dict) and isinstance(value, dict) else value
    return merged


def _shown(path: Path, config_file: Path) -> str:
    """How messages name a configuration file: relative to the folder of the main one."""
    if path == config_file:
        return config_file.name
    try:
        return os.path.relpath(path, config_file.parent)
    except ValueError:  # another drive on Windows
        return str(path)


def _compose(path: Path) -> yaml.Node | None:
    """A file's YAML node tree (with positions), ``None`` when it cannot be read."""
    try:
        node: yaml.Node | None = yaml.compose(path.read_text(encoding="utf-8", errors="replace"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError):
        return None
    return node


def _value_position(path: Path, key: str) -> str:
    """``FILE:LINE:COL`` of the value of a top-level key (``FILE`` when it cannot be found)."""
    entry = mapping_entry(_compose(path), key)
    if entry is None:
        return str(path)
    mark = entry[1].start_mark
    return f"{path}:{mark.line + 1}:{mark.column + 1}"


class Locate(Protocol):
    """Finds where an option (or a part of its value) is written: see :func:`option_locator`."""

    def __call__(self, name: str, /, *path: str | int, value: bool = False) -> str: ...


_Found = tuple[str, yaml.Node, yaml.Node]
"""A file (as messages name it) and the key and value nodes of one mapping entry in it."""


def option_locator(config_file: Path) -> Locate:
    """``FILE:LINE:COL: preflight`` for an option of the ``preflight`` entry (``FILE: preflight``
    when it cannot be found).

    ``FILE`` is the file that sets the option, which may be an inherited one. ``path``
    leads into the option's value: mapping keys and list indexes; the position is that
    of the last key (or list item) found, or of its value with ``value=True``. The files
    are read again, with their positions, only when a message needs one.
    """
    options: list[tuple[str, yaml.Node]] | None = None

    def locate(name: str, /, *path: str | int, value: bool = False) -> str:
        nonlocal options
        if options is None:
            options = _option_nodes(config_file)
        found = _lookup(options, name)
        if not found:
            return f"{config_file.name}: preflight"
        for step in path:
            deeper = _step(found, step)
            if not deeper:
                break
            found = deeper
        shown, key, node = found[0]
        mark = (node if value else key).start_mark
        return f"{shown}:{mark.line + 1}:{mark.column + 1}: preflight"

    return locate


def _option_nodes(config_file: Path) -> list[tuple[str, yaml.Node]]:
    """The ``preflight`` options mappings that make up the merged options, nearest file first."""
    try:
        paths = [path for path, _ in config_chain(config_file)]
    except ConfigError:
        paths = [config_file]
    roots = [(_shown(path, config_file), node) for path in paths if (node := _compose(path)) is not None]
    plugins = _lookup(roots, "plugins")
    if not plugins:
        return []
    shown, _, first = plugins[0]
    if isinstance(first, yaml.SequenceNode):  # a list is never merged: the nearest one is the list
        for entry in first.value:
            if isinstance(entry, yaml.ScalarNode) and entry.value == "preflight":
                return []
            found = _lookup([(shown, entry)], "preflight")
            if found:
                return [(shown, found[0][2])] if isinstance(found[0][2], yaml.MappingNode) else []
        return []
    entries = _lookup([(name, node) for name, _, node in plugins], "preflight")
    return [(name, node) for name, _, node in entries if isinstance(node, yaml.MappingNode)]


def _lookup(view: Sequence[tuple[str, yaml.Node]], key: str) -> list[_Found]:
    """Where ``key`` of a merged mapping (``view``: its parts, nearest file first) comes from:
    the nearest file that sets it, then the farther ones as long as all of them set a
    mapping (MkDocs merges those; any other value replaces the farther ones)."""
    found: list[_Found] = []
    for shown, node in view:
        entry = mapping_entry(node, key)
        if entry is None:
            continue
        if found and not isinstance(entry[1], yaml.MappingNode):
            break
        found.append((shown, *entry))
        if not isinstance(entry[1], yaml.MappingNode):
            break
    return found


def _step(found: list[_Found], step: str | int) -> list[_Found]:
    """One step into a located value: a key of a mapping or an item of a plain list."""
    if isinstance(step, str):
        return _lookup([(shown, node) for shown, _, node in found], step)
    shown, _, node = found[0]
    if isinstance(node, yaml.SequenceNode) and node.tag == "tag:yaml.org,2002:seq" and 0 <= step < len(node.value):
        item = node.value[step]
        return [(shown, item, item)]
    return []


def mapping_entry(node: yaml.Node | None, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    """The (key, value) nodes of ``key`` in a composed YAML mapping, if it has one."""
    if not isinstance(node, yaml.MappingNode):
        return None
    return next(
        ((name, value) for name, value in node.value if isinstance(name, yaml.ScalarNode) and name.value == key), None
    )
