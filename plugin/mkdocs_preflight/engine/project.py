"""A project: the repository root, its settings, its checklists and its registry."""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..config import DEFAULT_REQUIREMENT_PATTERNS, Settings
from ..model import Checklist, Diagnostic, Level, RequirementDef
from .requirements import Matcher, load_registry

_DEFAULT_MATCHER: Matcher | None = None


def default_matcher() -> Matcher:
    """A matcher with the default requirement patterns."""
    global _DEFAULT_MATCHER
    if _DEFAULT_MATCHER is None:
        import re

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


def parse_file(file: Path, display: str | None = None, matcher: Matcher | None = None) -> Checklist:
    """Parse one checklist file; an unreadable file becomes a diagnostic."""
    display = display or file.as_posix()
    try:
        data = file.read_bytes()
    except OSError as exc:
        checklist = Checklist(path=display, title=file.stem, sha256="")
        checklist.diagnostics.append(
            Diagnostic("PF403", f"File cannot be read: {exc.strerror}", display, 1, 1, Level.ERROR)
        )
        return checklist
    return parse_bytes(data, display, matcher)


def discover(root: Path, patterns: Iterable[str]) -> list[Path]:
    """Every checklist file the ``checklists_dir`` setting names, sorted, without duplicates.

    A folder means every ``*.md`` below it; anything else is a glob relative to ``root``.
    Hidden folders (``.git``, ``.preflight``) are skipped.
    """
    found = {path.as_posix(): path for path in iter_discover(root, patterns)}
    return [found[key] for key in sorted(found)]


def iter_discover(root: Path, patterns: Iterable[str]) -> Iterator[Path]:
    """The files of :func:`discover` as they are found: unsorted, possibly repeated."""
    for pattern in patterns:
        target = root / pattern
        if target.is_dir():
            for folder, dirs, files in os.walk(target):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in files:
                    if name.endswith(".md"):
                        yield Path(folder, name)
        elif target.is_file():
            yield target
        else:
            for name in glob.glob(str(target), recursive=True):
                path = Path(name)
                if path.is_file() and path.suffix == ".md":
                    yield path


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
        """A path relative to the root, with ``/``; absolute when outside the root."""
        # Do not follow symlinks: `checklists/a.md -> ../b.md` is reported as `checklists/a.md`.
        absolute = Path(os.path.abspath(path))
        for candidate, root in ((absolute, Path(os.path.abspath(self.root))), (path.resolve(), self.root)):
            try:
                return candidate.relative_to(root).as_posix()
            except ValueError:
                continue
        return absolute.as_posix()

    def files(self, paths: Iterable[str | Path] = ()) -> list[Path]:
        """Checklist files: the given paths (files or folders), else the configured ones."""
        chosen = [str(p) for p in paths]
        if chosen:
            result: list[Path] = []
            for value in chosen:
                path = Path(value)
                if not path.is_absolute():
                    path = Path.cwd() / path
                if path.is_dir():
                    result.extend(discover(path, ["."]))
                else:
                    result.append(path)
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
