"""One option schema for the MkDocs plugin and the CLI.

The options live in the ``preflight`` entry of ``plugins:`` in ``mkdocs.yml``. The CLI
reads that file with a lenient YAML loader (``!ENV`` resolved, Python tags ignored) so
that it never imports MkDocs; the plugin derives its ``Config`` class from
:data:`OPTIONS` (``site/config.py``), so there is exactly one list of names, defaults and
help texts.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml", "properdocs.yml")


class ConfigError(Exception):
    """The configuration cannot be used. The message is one line, ready to print."""


DEFAULT_REQUIREMENT_PATTERNS = (
    # `Requirement 29.2`, `(Requirement 29.2)`, `Requirements 29.2`
    r"(?<![A-Za-z])Requirements?\s+(?P<id>\d+(?:\.\d+)+)(?!\.?\d)",
    # `Req 29.2`, `Req. 29.2`
    r"(?<![A-Za-z])Req\.?\s+(?P<id>\d+(?:\.\d+)+)(?!\.?\d)",
    # `REQ-12`, `REQ-12.3`
    r"(?<![A-Za-z0-9-])(?P<id>REQ-\d+(?:\.\d+)*)(?!\.?\d)",
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
        "of folders or globs. Relative to `mkdocs.yml`. It may be outside `docs_dir` (pages "
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
    # Same semantics as pyyaml_env_tag (what MkDocs uses): `!ENV NAME` or
    # `!ENV [NAME, OTHER, default]`; the first variable that is set wins.
    if isinstance(node, yaml.ScalarNode):
        names = [loader.construct_scalar(node)]
        default = None
    elif isinstance(node, yaml.SequenceNode):
        items = loader.construct_sequence(node)
        names, default = items[:-1], items[-1] if len(items) > 1 else None
        if len(items) == 1:
            names, default = items, None
    else:
        raise yaml.constructor.ConstructorError(None, None, "!ENV expects a name or a list", node.start_mark)
    for name in names:
        if isinstance(name, str) and name in os.environ:
            text = os.environ[name]
            return yaml.load(text, Loader=yaml.SafeLoader) if text else None
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
    document = load_yaml(config_file)
    if document is None:
        document = {}
    if not isinstance(document, dict):
        raise ConfigError(f"{config_file}: expected a mapping at the top level")
    raw = plugin_options(document) or {}
    values, warnings = validate(raw, locate=_option_locator(config_file))
    root = config_file.parent.resolve()
    return Settings(root=root, config_file=config_file, values=values, mkdocs=document, warnings=warnings)


def _option_locator(config_file: Path) -> Callable[[str], str]:
    """``mkdocs.yml:LINE:COL: preflight`` for an option of the file's ``preflight`` entry
    (``mkdocs.yml: preflight`` when it cannot be found). Reads the file again, with its
    positions, only when a message needs one."""
    keys: dict[str, tuple[int, int]] | None = None

    def locate(name: str) -> str:
        nonlocal keys
        if keys is None:
            keys = _option_positions(config_file)
        position = keys.get(name)
        return (
            f"{config_file.name}:{position[0]}:{position[1]}: preflight"
            if position
            else f"{config_file.name}: preflight"
        )

    return locate


def _option_positions(config_file: Path) -> dict[str, tuple[int, int]]:
    """Line and column (1-based) of each key of the ``preflight`` plugin's options."""
    try:
        root = yaml.compose(config_file.read_text(encoding="utf-8", errors="replace"), Loader=SAFE_LOADER)
    except (OSError, yaml.YAMLError):
        return {}
    plugins = _mapping_value(root, "plugins")
    entries = plugins.value if isinstance(plugins, yaml.SequenceNode) else [plugins]
    for entry in entries:
        options = _mapping_value(entry, "preflight")
        if isinstance(options, yaml.MappingNode):
            return {
                str(key.value): (key.start_mark.line + 1, key.start_mark.column + 1)
                for key, _ in options.value
                if isinstance(key, yaml.ScalarNode)
            }
    return {}


def mapping_entry(node: yaml.Node | None, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    """The (key, value) nodes of ``key`` in a composed YAML mapping, if it has one."""
    if not isinstance(node, yaml.MappingNode):
        return None
    return next(
        ((name, value) for name, value in node.value if isinstance(name, yaml.ScalarNode) and name.value == key), None
    )


def _mapping_value(node: yaml.Node | None, key: str) -> yaml.Node | None:
    entry = mapping_entry(node, key)
    return entry[1] if entry else None
