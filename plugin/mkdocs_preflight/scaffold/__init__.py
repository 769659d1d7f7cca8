"""``preflight init``: the files a repository needs for a runbook site and a CI check.

:func:`plan` works out what to write without touching anything, so a refusal (a file
that exists) leaves the repository as it was; :func:`apply` then writes the files.
The templates live in ``scaffold/templates`` and ship inside the package.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from ..config import CONFIG_NAMES, INHERIT, ConfigError, load_config
from ..pin import write_atomic
from .yamledit import PLUGIN, Edit, InvalidYaml, add_plugin, load, plugin_names

EXAMPLE_NAME = "example.md"
DEFAULT_CHECKLISTS_DIR = "checklists"
DEFAULT_DOCS_DIR = "docs"
_BOM = "\ufeff"
EXAMPLE_EXTENSIONS = ("admonition", "attr_list", "pymdownx.superfences", "pymdownx.tasklist")
"""The Markdown extensions the example checklist is written for (its code blocks inside
items, brace fence headers and admonition need them)."""
_GLOB_CHARS = frozenset("*?[")


class ScaffoldError(Exception):
    """``init`` cannot go on; the message is one line, ready to print."""


@dataclass(frozen=True, slots=True)
class Action:
    """One file that ``init`` writes (or leaves alone)."""

    path: Path
    verb: str
    """``create``, ``overwrite``, ``update`` (plugin added), ``keep`` or ``manual``."""
    content: str | None = None
    note: str = ""


@dataclass(slots=True)
class Plan:
    """Everything ``init`` is about to do in one folder."""

    root: Path
    """The folder, as given (paths in messages stay relative)."""
    config: Path
    checklists_dir: str
    actions: list[Action] = field(default_factory=list)
    missing_extensions: list[str] = field(default_factory=list)
    """Of :data:`EXAMPLE_EXTENSIONS`, those an existing ``mkdocs.yml`` does not enable
    (``init`` never adds them: they can change how the site's other pages render)."""

    @property
    def manual(self) -> Action | None:
        """The ``mkdocs.yml`` action when the plugin must be added by hand."""
        return next((a for a in self.actions if a.verb == "manual"), None)

    @property
    def example(self) -> Path:
        """The example checklist."""
        return self.root / self.checklists_dir / EXAMPLE_NAME


def template(name: str) -> str:
    """The text of a template shipped in ``scaffold/templates``."""
    return resources.files(__package__).joinpath("templates").joinpath(name).read_text(encoding="utf-8")


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar that loads back to exactly ``value``."""
    if value and "\n" not in value and "\r" not in value:
        try:
            if yaml.safe_load(value) == value:
                return value
        except yaml.YAMLError:
            pass
    dumped = yaml.safe_dump(value, default_style='"', allow_unicode=True, width=1 << 30)
    return dumped.rstrip("\n").removesuffix("\n...")


def _render(name: str, *, site_name: str, checklists_dir: str, yaml_quote: bool = False) -> str:
    text = template(name)
    return text.replace("@SITE_NAME@", yaml_scalar(site_name) if yaml_quote else site_name).replace(
        "@CHECKLISTS_DIR@", checklists_dir
    )


def find_config(root: Path) -> Path | None:
    """The MkDocs configuration file in ``root`` (not in its parents), if any."""
    for name in CONFIG_NAMES:
        if (root / name).is_file():
            return root / name
    return None


def _read(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScaffoldError(f"{path}: not valid UTF-8 (byte {exc.start + 1})") from None
    except OSError as exc:
        raise ScaffoldError(f"{path}: cannot read: {exc.strerror}") from None


def _preflight_options(document: dict[str, Any]) -> dict[str, Any]:
    plugins = document.get("plugins")
    entries: list[Any] = [plugins] if isinstance(plugins, dict) else plugins if isinstance(plugins, list) else []
    for entry in entries:
        if isinstance(entry, dict) and isinstance(entry.get(PLUGIN), dict):
            return dict(entry[PLUGIN])
    return {}


def _merged(config: Path) -> dict[str, Any]:
    """The configuration with ``INHERIT`` followed, as MkDocs (and ``preflight check``) read it."""
    try:
        return load_config(config)
    except ConfigError as exc:
        raise ScaffoldError(str(exc)) from None


def _checklists_dir(config: Path, options: dict[str, Any]) -> str:
    value = options.get("checklists_dir", DEFAULT_CHECKLISTS_DIR)
    candidates = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    for candidate in candidates:
        if isinstance(candidate, str) and candidate and not _GLOB_CHARS & set(candidate):
            return candidate.rstrip("/") or "."
    raise ScaffoldError(
        f"{config}: `checklists_dir` names no plain folder for the example checklist "
        "(add one, e.g. `checklists`, to its list)"
    )


def _docs_index(root: Path, docs_dir: str, site_name: str, checklists_dir: str) -> Action | None:
    folder = root / docs_dir
    if folder.is_dir() and any(folder.iterdir()):
        return None
    content = _render("index.md", site_name=site_name, checklists_dir=checklists_dir)
    return Action(folder / "index.md", "create", content, "the start page of the site")


def plan(root: Path, *, site_name: str | None = None, force: bool = False) -> Plan:
    """Work out what ``init`` writes in ``root``; nothing is changed yet.

    Raises:
        ScaffoldError: a file exists that only ``force`` may overwrite, or the existing
            configuration cannot be read.
    """
    name = site_name if site_name is not None else (root.resolve().name or "Runbooks")
    config = find_config(root)
    actions: list[Action] = []
    missing: list[str] = []
    if config is None:
        config = root / "mkdocs.yml"
        checklists_dir = DEFAULT_CHECKLISTS_DIR
        content = _render("mkdocs.yml", site_name=name, checklists_dir=checklists_dir, yaml_quote=True)
        actions.append(Action(config, "create", content, "MkDocs with mkdocs-material and the preflight plugin"))
        docs_dir = DEFAULT_DOCS_DIR
    else:
        text = _read(config)
        bom = text.startswith(_BOM)
        try:
            edit: Edit = add_plugin(text.removeprefix(_BOM))
            document = load(text.removeprefix(_BOM)) or {}
        except InvalidYaml as exc:
            raise ScaffoldError(f"{config}:{exc}") from None
        if not isinstance(document, dict):
            raise ScaffoldError(f"{config}: expected a mapping at the top level")
        merged = _merged(config) if INHERIT in document else document
        inherited = merged is not document and PLUGIN in plugin_names(merged.get("plugins"))
        checklists_dir = _checklists_dir(config, _preflight_options(merged))
        enabled = _extension_names(merged.get("markdown_extensions"))
        missing = [name for name in EXAMPLE_EXTENSIONS if name not in enabled]
        raw_docs_dir = merged.get("docs_dir")
        docs_dir = raw_docs_dir if isinstance(raw_docs_dir, str) else DEFAULT_DOCS_DIR
        if edit.status == "present":
            actions.append(Action(config, "keep", None, "the preflight plugin is already configured"))
        elif inherited:
            # Any edit would be wrong: a `plugins:` list here would replace the inherited one.
            actions.append(Action(config, "keep", None, "the preflight plugin comes from the file it inherits"))
        elif edit.status == "added":
            assert edit.text is not None
            actions.append(Action(config, "update", (_BOM if bom else "") + edit.text, "added the preflight plugin"))
        else:
            actions.append(Action(config, "manual", None, edit.reason))
    index = _docs_index(root, docs_dir, name, checklists_dir)
    if index is not None:
        actions.append(index)
    example = root / checklists_dir / EXAMPLE_NAME
    if example.exists() and not force:
        raise ScaffoldError(f"{example}: already exists (use --force to overwrite it)")
    if example.exists() and not example.is_file():
        raise ScaffoldError(f"{example}: exists and is not a file")
    actions.append(
        Action(
            example,
            "overwrite" if example.exists() else "create",
            _render(EXAMPLE_NAME, site_name=name, checklists_dir=checklists_dir),
            "an example checklist that shows every feature",
        )
    )
    for action in actions:
        if action.content is not None:
            _check_folders(root, action.path)
    return Plan(root=root, config=config, checklists_dir=checklists_dir, actions=actions, missing_extensions=missing)


def _extension_names(value: Any) -> set[str]:
    """The names in a ``markdown_extensions`` list (``markdown.extensions.x`` read as ``x``)."""
    entries = value if isinstance(value, list) else []
    names = {next(iter(entry)) if isinstance(entry, dict) and entry else entry for entry in entries}
    return {name.removeprefix("markdown.extensions.") for name in names if isinstance(name, str)}


def _check_folders(root: Path, path: Path) -> None:
    """Refuse before anything is written when a folder ``path`` needs is taken by a file."""
    for folder in reversed(path.parents):
        if folder.exists() and not folder.is_dir():
            raise ScaffoldError(f"{folder}: exists and is not a folder (needed for {path.relative_to(folder.parent)})")


def apply(plan: Plan) -> None:
    """Write the files of ``plan``."""
    for action in plan.actions:
        if action.content is None:
            continue
        action.path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(action.path, action.content.encode("utf-8"))
