"""A project: the repository root, its settings, its checklists and its registry."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..config import DEFAULT_REQUIREMENT_PATTERNS, Settings
from ..model import Checklist, Diagnostic, Level, RequirementDef
from .requirements import Matcher, load_registry
from .source import read_regular

_DEFAULT_MATCHER: Matcher | None = None


def default_matcher() -> Matcher:
    """A matcher with the default requirement patterns."""
    global _DEFAULT_MATCHER
    if _DEFAULT_MATCHER is None:
        _DEFAULT_MATCHER = Matcher([re.compile(p) for p in DEFAULT_REQUIREMENT_PATTERNS])
    return _DEFAULT_MATCHER


def parse_bytes(data: bytes, path: str = "<memory>.md", matcher: Matcher | None = None) -> Checklist:
    """Parse the bytes of one checklist. Never raises on any input."""
    # Imported here: markdown-it costs ~30 ms to import, and a warm `check` parses nothing.
    from .build import build
    from .source import decode

    return build(decode(data, path), matcher or default_matcher())


def parse_text(text: str, path: str = "<memory>.md", matcher: Matcher | None = None) -> Checklist:
    """Parse the text of one checklist. Never raises on any input."""
    return parse_bytes(text.encode("utf-8", errors="surrogatepass"), path, matcher)


def unreadable(file: Path, exc: OSError) -> str:
    """The PF403 message for a checklist that cannot be read: a broken link says where it points."""
    try:
        if file.is_symlink() and not file.exists():
            return f"File cannot be read: it is a symbolic link to `{os.readlink(file)}`, which does not exist"
    except OSError:
        pass
    return f"File cannot be read: {exc.strerror or exc}"


def parse_file(file: Path, display: str | None = None, matcher: Matcher | None = None) -> Checklist:
    """Parse one checklist file; an unreadable file becomes a diagnostic."""
    display = display or file.as_posix()
    try:
        data = read_regular(file)
    except OSError as exc:
        checklist = Checklist(path=display, title=file.stem, sha256="")
        checklist.diagnostics.append(Diagnostic("PF403", unreadable(file, exc), display, 1, 1, Level.ERROR))
        return checklist
    return parse_bytes(data, display, matcher)


def discover(root: Path, patterns: Iterable[str]) -> list[Path]:
    """Every checklist file the ``checklists_dir`` setting names, sorted, without duplicates.

    A folder means every ``*.md`` below it; anything else is a glob relative to ``root``.
    Hidden folders (``.git``, ``.preflight``) are skipped. Symlinked folders are followed
    once (never in a loop), and a file reached under several paths is kept under the first.
    """
    found: dict[str, str] = {}
    for path, real in _candidates(root, patterns):
        found.setdefault(path, real)
    result: list[Path] = []
    reals: set[str] = set()
    # Paths are strings until the end: building a Path costs more than the walk per file.
    for path in sorted(found, key=_sort_key):
        real = found[path]
        if real not in reals:
            reals.add(real)
            result.append(Path(path))
    return result


def iter_discover(root: Path, patterns: Iterable[str]) -> Iterator[Path]:
    """The files of :func:`discover` as they are found: unsorted, possibly repeated."""
    for path, _real in _candidates(root, patterns):
        yield Path(path)


def _sort_key(path: str) -> str:
    """Sort as ``Path.as_posix()`` strings would sort."""
    return path.replace(os.sep, "/")


_MAGIC = frozenset("*?[")
_ANY_MD = ""
"""A pattern part for the folder form: every ``*.md`` file, hidden ones included."""


def _candidates(root: Path, patterns: Iterable[str]) -> Iterator[tuple[str, str]]:
    """Each checklist file with its real path (to tell two paths of one file apart)."""
    for pattern in patterns:
        target = root / pattern
        if target.is_dir():
            yield from _search(target, ("**", _ANY_MD))
        elif target.is_file():
            yield str(target), os.path.realpath(target)
        else:
            parts = target.parts
            literal = next((i for i, part in enumerate(parts) if _MAGIC.intersection(part)), len(parts))
            start = Path(*parts[:literal])
            rest: list[str] = []
            for part in parts[literal:]:
                if part != "**" or rest[-1:] != ["**"]:  # `a/**/**/b` is `a/**/b`
                    rest.append(part)
            if rest[-1:] == ["**"]:  # as for glob: `a/**` is every file below `a`
                rest.append("*")
            if rest and start.is_dir():
                yield from _search(start, tuple(rest))


def _search(start: Path, parts: tuple[str, ...]) -> Iterator[tuple[str, str]]:
    """The ``*.md`` files below ``start`` that match the glob ``parts``.

    Not :func:`glob.glob`: its ``**`` follows a symlink to a parent folder until the path
    is too long. Here each real folder is read once per pattern part, and folders are
    visited in sorted order, so the first path of a file is also its first in sorted order.
    """
    matchers = [_matcher(part) for part in parts]
    seen: set[tuple[str, int]] = set()
    stack = [(str(start), os.path.realpath(start), 0)]
    while stack:
        folder, real, index = stack.pop()
        if (real, index) in seen:
            continue
        seen.add((real, index))
        try:
            with os.scandir(folder) as scan:
                entries = [(entry, entry.is_dir()) for entry in scan]
        except OSError:
            continue
        # A folder sorts as `name/`, as its files' paths do: the walk order is path order.
        entries.sort(key=lambda pair: pair[0].name + "/" if pair[1] else pair[0].name)
        recursive = parts[index] == "**"
        step = index + 1 if recursive else index
        last = step == len(parts) - 1
        pushed: list[tuple[str, str, int]] = []
        for entry, is_dir in entries:
            name = entry.name
            if is_dir:
                descend = recursive and not name.startswith(".")
                matched = not last and matchers[step](name)
                if descend or matched:
                    entry_real = _real(entry, real)
                    if descend:
                        pushed.append((entry.path, entry_real, index))
                    if matched:
                        pushed.append((entry.path, entry_real, step + 1))
            elif last and name.endswith(".md") and matchers[step](name):
                yield entry.path, _real(entry, real)
        stack.extend(reversed(pushed))


def repository_of(folder: Path) -> Path | None:
    """The git repository around ``folder``: the nearest folder at or above it (as
    given, not resolved) that holds ``.git``, or ``None``."""
    for candidate in (folder, *folder.parents):
        if os.path.lexists(candidate / ".git"):
            return candidate
    return None


def _real(entry: os.DirEntry[str], folder_real: str) -> str:
    """The real path of a folder entry (resolving only what is a symlink)."""
    if entry.is_symlink():
        return os.path.realpath(entry.path)
    return f"{folder_real}{os.sep}{entry.name}"


def _matcher(part: str) -> Callable[[str], bool]:
    """Whether a name matches one glob part (hidden names only a part that starts with `.`)."""
    if part == _ANY_MD:
        return lambda name: True
    if part == "**":
        return lambda name: not name.startswith(".")
    match = re.compile(fnmatch.translate(part)).match
    if part.startswith("."):
        return lambda name: match(name) is not None
    return lambda name: not name.startswith(".") and match(name) is not None


@dataclass(eq=False, repr=False)
class Project:
    """The checklists of one repository, parsed on demand, one file at a time."""

    settings: Settings
    matcher: Matcher = field(init=False)
    registry: list[RequirementDef] = field(default_factory=list)
    registry_diagnostics: list[Diagnostic] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.matcher = Matcher(self.settings.compiled_patterns)
        registry = self.settings.values.get("registry")
        if registry:
            path = self.settings.path(registry)
            self.registry, self.registry_diagnostics = load_registry(path, self.relative(path))

    @property
    def root(self) -> Path:
        """The repository root: the folder of ``mkdocs.yml``."""
        return self.settings.root

    def relative(self, path: Path) -> str:
        """A path relative to the root, with ``/``. Outside the root but inside its git
        repository (``mkdocs.yml`` in ``web/``, checklists in ``../checklists``) it starts
        with ``..``; anywhere else it is absolute."""
        # Do not follow symlinks: `checklists/a.md -> ../b.md` is reported as `checklists/a.md`.
        absolute = Path(os.path.abspath(path))
        root = Path(os.path.abspath(self.root))
        for candidate, base in ((absolute, root), (path.resolve(), self.root)):
            try:
                return candidate.relative_to(base).as_posix()
            except ValueError:
                continue
        # A path the same on every clone: an absolute one would put the build machine's
        # folders into the site, the lock file and the run logs.
        repository = repository_of(root)
        if repository is not None and absolute.is_relative_to(repository):
            return Path(os.path.relpath(absolute, root)).as_posix()
        return absolute.as_posix()

    def files(self, paths: Iterable[str | Path] = ()) -> list[Path]:
        """Checklist files: the given paths (files or folders), else the configured ones."""
        chosen = [str(p) for p in paths]
        if chosen:
            # A file named twice (`a.md ./a.md`, or a file and its folder) is one checklist:
            # checking it twice would report each finding twice and its requirement
            # definitions as defined again (PF112).
            result: list[Path] = []
            seen: set[str] = set()
            for value in chosen:
                path = Path(value)
                if not path.is_absolute():
                    path = Path.cwd() / path
                for file in discover(path, ["."]) if path.is_dir() else [path]:
                    real = os.path.realpath(file)
                    if real not in seen:
                        seen.add(real)
                        result.append(file)
            return result
        return discover(self.root, self.settings.checklist_globs)

    def covered_by(self, files: Iterable[Path]) -> bool:
        """Whether ``files`` include every configured checklist (stops at the first one missing)."""
        chosen = {file.resolve() for file in files}
        return all(path.resolve() in chosen for path in iter_discover(self.root, self.settings.checklist_globs))

    def parse(self, file: Path) -> Checklist:
        """Parse one checklist file of this project."""
        return parse_file(file, self.relative(file), self.matcher)

    def checklists(self, paths: Iterable[str | Path] = ()) -> Iterator[Checklist]:
        """Parse checklists one by one (streaming: only one file's tokens live at a time)."""
        for file in self.files(paths):
            yield self.parse(file)
