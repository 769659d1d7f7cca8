"""The content-hash cache of ``preflight check``: unchanged files are not parsed again.

What is cached per checklist is its :class:`~.pipeline.FileOutcome` (final findings,
requirement summary, suppressions, script name), never the model. An entry is reused
when three things still hold:

* the file's bytes have the same sha256;
* the *run fingerprint* is the same: tool version and code, parser libraries, Python,
  the validated settings, the options that change findings, the registry and env
  example files, and the ``bash``/``shellcheck`` binaries. One cache file per
  fingerprint, so switching between two configurations keeps both;
* every question the file's rules asked the repository (does ``scripts/x.sh`` exist,
  which targets does the Makefile have, the text of a linked page...) gets the same
  answer today. While a file is checked, a :class:`Recorder` notes each question and a
  digest of its answer; a warm run asks each distinct question once again.

Project-level checks always run fresh on the outcomes, so cross-file findings stay right.

The file is JSON, never pickle: a cloned repository may carry a planted cache file,
and loading one must neither execute anything nor crash. Anything unexpected in it
makes the entry (or the whole file) count as absent.

Each file's entry is itself JSON text embedded as a string (``[sha256, rows, outcome]``),
all of it ASCII: loading the file makes one compact ``str`` per file rather than the
many small objects of every file's findings at once (a 20,000-file warm run held them
all), and an entry is decoded only when it is used, its string released then.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import re
import stat
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from ..engine.digest import sha256
from ..engine.source import read_regular
from ..model import Diagnostic, Level, RequirementDef
from .requirements import RequirementSummary
from .suppress import Suppression

if TYPE_CHECKING:
    from ..config import Settings
    from .pipeline import FileOutcome
    from .repo import RepoIndex

FORMAT = 2
"""Version of the cache file layout; part of the fingerprint, so a new layout starts afresh.

1: entries as JSON objects; 2: entries as embedded JSON strings.
"""
KEEP = 8
"""Cache files (one per fingerprint) kept in the folder; older ones are deleted."""
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by preflight (mkdocs-preflight).\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)

GITIGNORE = "# Created by preflight: a cache, never commit it.\n*\n"

Query = tuple[Any, ...]
"""A recorded question: ``(method, *arguments)``; arguments are ``str``, ``int``, ``bool`` or ``None``."""

REPO_QUERIES = frozenset(
    {
        "lookup",
        "exists",
        "is_file",
        "is_dir",
        "is_outside",
        "is_executable",
        "real_path",
        "read_text",
        "listdir",
        "makefile",
        "package",
        "python",
        "python_module",
        "commit_exists",
        "is_ignored",
        "is_git",
        "knows_commits",
    }
)
""":class:`~.repo.RepoIndex` methods whose answers depend on the repository (recorded)."""
REPO_PURE = frozenset({"generated"})
""":class:`~.repo.RepoIndex` methods that depend on their arguments only (not recorded)."""
CONTEXT_QUERIES = frozenset({"sha256", "lock", "file"})
"""Questions asked through :class:`~.context.RuleContext` itself."""
_ATOMS = (str, int, bool, type(None))
FINDING_OPTIONS = ("select", "ignore", "whole_project", "owned_pages", "scripts_dir")
"""Checker options that change findings (``fix`` does not: a fixed file has new bytes)."""
DEPENDENCIES = ("markdown_it", "mdit_py_plugins", "yaml", "ftfy")
"""Libraries whose version can change what the parser or the rules find."""


# -- digests of answers ---------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """``value`` as JSON-able data with a canonical order (sets sorted, records as dicts)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, PurePath):
        return ["path", value.as_posix()]
    if isinstance(value, re.Pattern):
        return ["re", value.pattern, value.flags]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__name__, {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}]
    if isinstance(value, tuple) and hasattr(value, "_fields"):  # a NamedTuple record
        return [type(value).__name__, {name: _plain(item) for name, item in zip(value._fields, value, strict=True)}]
    if isinstance(value, Mapping):
        items = [[_plain(k), _plain(v)] for k, v in value.items()]
        return ["map", sorted(items, key=_canonical)]
    if isinstance(value, (set, frozenset)):
        return ["set", sorted((_plain(v) for v in value), key=_canonical)]
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    raise TypeError(f"cannot digest a {type(value).__name__}")


def _dump(value: Any) -> str:
    """Compact JSON, ASCII only: text decoded from it takes one byte a character, lone surrogates included."""
    return json.dumps(value, ensure_ascii=True, separators=(",", ":"))


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def digest(answer: Any) -> str:
    """A short, stable digest of an answer (strings hashed directly, the rest as canonical JSON).

    Raises:
        TypeError: the answer holds something without a canonical form.
    """
    if isinstance(answer, str):
        data = b"s" + answer.encode("utf-8", "surrogatepass")
    else:
        data = b"j" + _canonical(_plain(answer)).encode("utf-8", "surrogatepass")
    return sha256(data).hexdigest()[:32]


# -- recording what a file's rules ask ------------------------------------------------------


class Recorder:
    """Notes the questions a checklist's rules ask, with digests of the answers.

    :meth:`begin` and :meth:`end` bracket one file. Questions whose answer cannot be
    digested, or calls the recorder does not know, *spoil* the file: its outcome is
    then not cached (correct, only slower).
    """

    def __init__(self) -> None:
        self.facts: dict[Query, str] | None = None
        self.spoiled = False
        self._digests: dict[Query, str] = {}
        self._captures: dict[tuple[int, Any], dict[Query, str]] = {}

    @property
    def active(self) -> bool:
        """Whether a file is being recorded."""
        return self.facts is not None

    def begin(self) -> None:
        """Start recording one file."""
        self.facts = {}
        self.spoiled = False
        self._captures.clear()

    def end(self) -> dict[Query, str] | None:
        """Stop recording; the file's questions and answer digests (``None``: not cacheable)."""
        facts, self.facts = self.facts, None
        self._captures.clear()
        return None if self.spoiled else facts

    def spoil(self) -> None:
        """Mark the file being recorded as not cacheable."""
        if self.facts is not None:
            self.spoiled = True

    def note(self, query: Query, answer: Any) -> None:
        """Record that ``query`` was asked and answered ``answer`` (digested once per run)."""
        if self.facts is None:
            return
        known = self._digests.get(query)
        if known is None:
            try:
                known = digest(answer)
            except (TypeError, ValueError, RecursionError):
                self.spoiled = True
                return
            self._digests[query] = known
        self._add(query, known)

    def _add(self, query: Query, value: str) -> None:
        assert self.facts is not None
        self.facts[query] = value
        for capture in self._captures.values():
            capture[query] = value

    # Memo dicts: a value computed from questions that one file asked, then reused by
    # another file, must pass those questions on to the second file too.

    def open_capture(self, memo: object, key: Any) -> None:
        """A memo lookup missed: collect the questions asked until the value is stored."""
        if self.facts is not None:
            self._captures.setdefault((id(memo), key), {})

    def close_capture(self, memo: object, key: Any) -> dict[Query, str] | None:
        """The memo value is stored: the questions it depends on (``None``: unknown)."""
        if self.facts is None:
            return None
        return self._captures.pop((id(memo), key), None)

    def replay(self, facts: dict[Query, str] | None) -> None:
        """A memo lookup hit: the value's questions count as asked by this file."""
        if self.facts is None:
            return
        if facts is None:
            self.spoiled = True
            return
        for query, value in facts.items():
            self._add(query, value)


class MemoDict(dict[Any, Any]):
    """A rule's cross-file memo (``repo.scratch.setdefault("anchors", {})``) that keeps dependencies.

    Only ``in``, ``get``, ``[]``, ``[]=`` and ``setdefault`` are tracked, which is how
    rules use their memos.
    """

    def __init__(self, recorder: Recorder) -> None:
        super().__init__()
        self._recorder = recorder
        self._deps: dict[Any, dict[Query, str] | None] = {}

    def _touch(self, key: Any, found: bool) -> None:
        if not self._recorder.active:
            return
        if found:
            self._recorder.replay(self._deps.get(key))
        else:
            self._recorder.open_capture(self, key)

    def __contains__(self, key: object) -> bool:
        found = dict.__contains__(self, key)
        self._touch(key, found)
        return found

    def get(self, key: Any, default: Any = None) -> Any:
        found = dict.__contains__(self, key)
        self._touch(key, found)
        return dict.__getitem__(self, key) if found else default

    def __getitem__(self, key: Any) -> Any:
        value = dict.__getitem__(self, key)
        self._touch(key, True)
        return value

    def __setitem__(self, key: Any, value: Any) -> None:
        dict.__setitem__(self, key, value)
        self._deps[key] = self._recorder.close_capture(self, key)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if key in self:
            return self[key]
        self[key] = default
        return default


class TrackingScratch(dict[str, Any]):
    """``RepoIndex.scratch`` while recording: empty dicts stored in it become :class:`MemoDict`.

    Values that are not dicts must be per-checklist (the rules key them by the checklist
    object), as ``commands`` and ``analysis`` are.
    """

    def __init__(self, recorder: Recorder) -> None:
        super().__init__()
        self._recorder = recorder

    def _wrap(self, value: Any) -> Any:
        if type(value) is dict and not value:
            return MemoDict(self._recorder)
        return value

    def __setitem__(self, key: str, value: Any) -> None:
        dict.__setitem__(self, key, self._wrap(value))

    def setdefault(self, key: str, default: Any = None) -> Any:
        if not dict.__contains__(self, key):
            dict.__setitem__(self, key, self._wrap(default))
        return dict.__getitem__(self, key)


class RecordingRepo:
    """Stands in for the :class:`~.repo.RepoIndex` while a file is checked, noting every question.

    Known question methods are recorded; pure ones and plain attributes (``scratch``,
    ``root``) pass through; any other method call spoils the file's entry.
    """

    def __init__(self, index: RepoIndex, recorder: Recorder) -> None:
        self._index = index
        self._recorder = recorder
        self.scratch = index.scratch
        self.root = index.root

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._index, name)
        if callable(value):
            self._recorder.spoil()
        return value


def _recorded(name: str) -> Callable[..., Any]:
    def method(self: RecordingRepo, *args: Any, **kwargs: Any) -> Any:
        answer = getattr(self._index, name)(*args, **kwargs)
        if kwargs or not all(isinstance(arg, _ATOMS) for arg in args):
            self._recorder.spoil()
        else:
            self._recorder.note((name, *args), answer)
        return answer

    method.__name__ = name
    return method


def _passed(name: str) -> Callable[..., Any]:
    def method(self: RecordingRepo, *args: Any, **kwargs: Any) -> Any:
        return getattr(self._index, name)(*args, **kwargs)

    method.__name__ = name
    return method


for _name in REPO_QUERIES:
    setattr(RecordingRepo, _name, _recorded(_name))
for _name in REPO_PURE:
    setattr(RecordingRepo, _name, _passed(_name))


# -- the run fingerprint ----------------------------------------------------------------------


def _stamp(path: str | os.PathLike[str] | None) -> list[Any] | None:
    """``[real path, size, mtime_ns]`` of a file, or ``None``."""
    if path is None:
        return None
    try:
        real = os.path.realpath(path)
        info = os.stat(real)
    except (OSError, ValueError):
        return None
    return [real, info.st_size, info.st_mtime_ns]


def _file_sha(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        return sha256(read_regular(path)).hexdigest()
    except (OSError, ValueError):
        return None


_CODE: str | None = None


def code_digest() -> str:
    """A digest of the installed package's code: the version alone misses an edited checkout.

    Installed from a wheel: the sha256 of the wheel's ``RECORD``, which lists every file
    with the sha256 of its contents, so a fresh install of the same wheel (a CI job that
    restores its cache) gives the same digest, at the cost of one small read. An editable
    install or a source tree has no such list: there the name, size and modification time
    of each ``.py`` file (an edit changes them; hashing 700 KB of source cost 3-8 ms of
    every start).
    """
    global _CODE
    if _CODE is None:
        package = Path(__file__).resolve().parent.parent
        record = _wheel_record(package)
        _CODE = "record:" + sha256(record).hexdigest() if record is not None else _source_digest(package)
    return _CODE


def _source_digest(package: Path) -> str:
    """The names, sizes and modification times of the ``.py`` files below ``package``, digested."""
    total = sha256()
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                full = os.path.join(folder, name)
                try:
                    info = os.stat(full)
                    stamp = f"{info.st_size}:{info.st_mtime_ns}"
                except OSError:
                    stamp = "unreadable"
                total.update(f"{os.path.relpath(full, package)}\0{stamp}\n".encode("utf-8", "surrogateescape"))
    return "files:" + total.hexdigest()


def _wheel_record(package: Path) -> bytes | None:
    """The ``RECORD`` of the wheel the package was installed from, if it lists the package's code.

    (An editable install has a ``RECORD`` too; it lists the ``.pth`` file, not the code.)
    """
    from .. import __version__

    record = package.parent / f"{package.name}-{__version__}.dist-info" / "RECORD"
    try:
        data = record.read_bytes()
    except OSError:
        return None
    return data if f"{package.name}/__init__.py,".encode() in data else None


def _dependency_stamps() -> dict[str, Any]:
    """The sha256 of each library's ``__init__.py``, where its ``__version__`` lives."""
    import importlib.util

    stamps: dict[str, Any] = {}
    for name in DEPENDENCIES:
        try:
            spec = importlib.util.find_spec(name)
        except (ImportError, ValueError):
            spec = None
        origin = spec.origin if spec is not None else None
        stamps[name] = _file_sha(Path(origin)) if origin else None
    return stamps


def _tool_stamps() -> dict[str, Any]:
    from .shell import find_program

    stamps: dict[str, Any] = {name: _stamp(find_program(name)) for name in ("bash", "shellcheck")}
    home = Path.home() if "HOME" in os.environ else None
    xdg = os.environ.get("XDG_CONFIG_HOME")
    rcs = [Path(xdg) / "shellcheckrc"] if xdg else []
    if home is not None:
        rcs += [home / ".shellcheckrc", home / ".config" / "shellcheckrc"]
    stamps["shellcheckrc"] = [_file_sha(rc) for rc in rcs]
    return stamps


def fingerprint(settings: Settings, options: Mapping[str, Any]) -> str:
    """The run fingerprint: everything besides a file's bytes and its questions that findings depend on."""
    from .. import __version__
    from .repo import normalize

    values = settings.values
    registry = values.get("registry")
    env_example = values.get("env_example")
    env_rel = normalize(env_example) if isinstance(env_example, str) and env_example else None
    parts = {
        "format": FORMAT,
        "version": __version__,
        "code": code_digest(),
        "python": [sys.version, sys.implementation.cache_tag],
        "dependencies": _dependency_stamps(),
        "settings": values,
        "options": {name: options.get(name) for name in FINDING_OPTIONS},
        "registry": _file_sha(settings.path(registry)) if isinstance(registry, str) and registry else None,
        "env_example": _file_sha(settings.root / env_rel) if env_rel else None,
        "tools": _tool_stamps(),
    }
    text = json.dumps(parts, sort_keys=True, default=str)
    return sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


# -- outcomes as JSON -----------------------------------------------------------------------


def encode_outcome(outcome: FileOutcome, used: list[bool] | None = None) -> dict[str, Any]:
    """An outcome as JSON-able data (``fixed`` is left out: a reused outcome fixed nothing).

    ``used``: the suppressions' ``used`` flags as the file-level checks left them (the
    project checks set more of them later, and those must not be cached).
    """
    path = outcome.path
    rows: list[list[Any]] = []
    for d in outcome.diagnostics:
        row: list[Any] = [d.code, d.message, d.line, d.col, d.level.value, d.fixable]
        if d.path != path:
            row.append(d.path)
        rows.append(row)
    summary = outcome.requirements
    flags = used if used is not None else [s.used for s in outcome.suppressions]
    return {
        "d": rows,
        "defs": [[r.id, r.title, r.source, r.path, r.line] for r in summary.defs],
        "refs": [list(ref) for ref in summary.refs],
        "sup": [
            [s.line, s.end, sorted(s.codes), flag, s.col] for s, flag in zip(outcome.suppressions, flags, strict=True)
        ],
        "script": outcome.script,
    }


class _Bad(Exception):
    """Cache data of the wrong shape."""


def _str(value: Any) -> str:
    if type(value) is not str:
        raise _Bad
    return value


def _int(value: Any) -> int:
    if type(value) is not int:
        raise _Bad
    return value


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise _Bad
    return value


_LEVELS = {level.value: level for level in Level}
_SOURCES = frozenset({"front-matter", "registry", "document"})


def decode_outcome(path: str, data: Any) -> FileOutcome:
    """The outcome that :func:`encode_outcome` stored for ``path``.

    Raises:
        ValueError: the data does not have the expected shape.
    """
    from .pipeline import FileOutcome

    try:
        if type(data) is not dict:
            raise _Bad
        diagnostics: list[Diagnostic] = []
        for row in _list(data["d"]):
            row = _list(row)
            if len(row) not in (6, 7) or type(row[5]) is not bool:
                raise _Bad
            level = _LEVELS.get(row[4])
            if level is None:
                raise _Bad
            where = _str(row[6]) if len(row) == 7 else path
            diagnostics.append(Diagnostic(_str(row[0]), _str(row[1]), where, _int(row[2]), _int(row[3]), level, row[5]))
        defs: list[RequirementDef] = []
        for row in _list(data["defs"]):
            row = _list(row)
            if len(row) != 5 or row[2] not in _SOURCES:
                raise _Bad
            defs.append(RequirementDef(_str(row[0]), _str(row[1]), row[2], _str(row[3]), _int(row[4])))
        refs: list[tuple[str, int, int]] = []
        for row in _list(data["refs"]):
            row = _list(row)
            if len(row) != 3:
                raise _Bad
            refs.append((sys.intern(_str(row[0])), _int(row[1]), _int(row[2])))
        suppressions: list[Suppression] = []
        for row in _list(data["sup"]):
            row = _list(row)
            if len(row) != 5 or type(row[3]) is not bool:
                raise _Bad
            codes = frozenset(_str(code) for code in _list(row[2]))
            suppressions.append(Suppression(_int(row[0]), _int(row[1]), codes, row[3], _int(row[4])))
        script = data["script"]
        if script is not None:
            script = _str(script)
    except (_Bad, KeyError) as exc:
        raise ValueError(f"bad cached outcome for {path}") from exc
    return FileOutcome(path, diagnostics, RequirementSummary(path, defs, refs), suppressions, script)


# -- the cache file -------------------------------------------------------------------------


def _query(row: Any) -> tuple[Query, str]:
    """A ``[[method, *args], digest]`` row of the question table, checked."""
    row = _list(row)
    if len(row) != 2:
        raise _Bad
    question = _list(row[0])
    if not question or question[0] not in REPO_QUERIES | CONTEXT_QUERIES:
        raise _Bad
    if not all(isinstance(arg, _ATOMS) for arg in question[1:]):
        raise _Bad
    return tuple(question), _str(row[1])


Entry = tuple[str, list[int], Any]
"""A file's entry as read: sha256, rows of the question table as read, outcome data (unchecked)."""


class CheckCache:
    """One cache file: the entries of one run fingerprint.

    Read once (:meth:`valid`), filled as files are checked (:meth:`put`), written once
    (:meth:`save`). Outcomes are kept as the objects the run holds anyway and encoded
    one by one while writing; entries read are kept as their JSON text until used. So
    the cache adds little memory to a big run, cold or warm.

    Args:
        folder: The cache folder (``.preflight/cache``).
        fingerprint: The run fingerprint (:func:`fingerprint`).
        read: Load the existing file (``False`` for ``--fix``: start empty, still write).
    """

    def __init__(self, folder: Path, fingerprint: str, *, read: bool = True) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.file = folder / f"check-{fingerprint[:16]}.json"
        self._table: list[tuple[Query, str]] = []
        self._old: dict[str, Any] = {}
        """Entries read from the file and not used (yet) by this run, as JSON text (if well-formed)."""
        self._loaded: frozenset[str] = frozenset()
        self._keep: dict[str, tuple[str, list[int], FileOutcome, list[bool]]] = {}
        """Entries of this run: sha256, rows of the question table, outcome, suppressions' ``used``."""
        self._rows: list[list[Any]] = []
        """The question table being written: ``[[method, *args], digest]`` rows."""
        self._row_index: dict[tuple[Query, str], int] = {}
        self._dirty = False
        self.loaded = read and self._load()

    def _load(self) -> bool:
        try:
            # Decoded first: the bytes go before the parse, which then holds only the text.
            data = json.loads(_read_plain(self.file).decode("utf-8"))
            if type(data) is not dict or data.get("format") != FORMAT or data.get("fingerprint") != self.fingerprint:
                return False
            table = [_query(row) for row in _list(data["queries"])]
            files = data["files"]
            if type(files) is not dict:
                return False
        except (OSError, ValueError, TypeError, KeyError, RecursionError, MemoryError, _Bad):
            return False
        self._table = table
        self._old = files
        self._loaded = frozenset(files)
        with contextlib.suppress(OSError):
            os.utime(self.file)  # most recently used: the last to be pruned
        return True

    def __contains__(self, path: str) -> bool:
        return path in self._old

    def _entry(self, text: Any) -> Entry | None:
        """An entry's JSON text decoded, if it has the right shape and valid row numbers."""
        if type(text) is not str:
            return None
        try:
            entry = json.loads(text)
        except (ValueError, RecursionError, MemoryError):
            return None
        if type(entry) is not list or len(entry) != 3 or type(entry[0]) is not str:
            return None
        deps = entry[1]
        size = len(self._table)
        if type(deps) is not list or not all(type(i) is int and 0 <= i < size for i in deps):
            return None
        return entry[0], deps, entry[2]

    def valid(self, candidates: Iterable[tuple[str, str]], ask: Callable[[Query], Any]) -> dict[str, FileOutcome]:
        """The cached outcomes still valid for ``(path, sha256)`` pairs.

        Each distinct question is asked once (``ask`` returns today's answer and raises
        for a question it refuses); an entry is valid when its bytes match and every
        answer is the same.
        """
        table = self._table
        verdicts: dict[int, bool] = {}
        answers: dict[Query, str | None] = {}
        result: dict[str, FileOutcome] = {}
        for path, sha in candidates:
            entry = self._entry(self._old.get(path))
            if entry is None or entry[0] != sha:
                continue
            _sha, deps, data = entry
            good = True
            for index in deps:
                verdict = verdicts.get(index)
                if verdict is None:
                    query, recorded = table[index]
                    if query not in answers:
                        try:
                            answers[query] = digest(ask(query))
                        except Exception:  # a question refused or unanswerable: re-check the file
                            answers[query] = None
                    verdict = verdicts[index] = answers[query] == recorded
                if not verdict:
                    good = False
                    break
            if not good:
                continue
            try:
                outcome = decode_outcome(path, data)
            except ValueError:
                continue
            rows = [self._row(*table[index]) for index in deps]
            self._keep[path] = (sha, rows, outcome, [s.used for s in outcome.suppressions])
            del self._old[path]  # the entry's text, no longer needed
            result[path] = outcome
        return result

    def put(self, outcome: FileOutcome) -> None:
        """Keep a freshly checked outcome (call before project checks mark suppressions used)."""
        path = outcome.path
        self._dirty = True
        self._old.pop(path, None)
        if outcome.sha256 is None or outcome.facts is None:
            self._keep.pop(path, None)
            return
        rows = [self._row(query, value) for query, value in outcome.facts.items()]
        self._keep[path] = (outcome.sha256, rows, outcome, [s.used for s in outcome.suppressions])
        outcome.facts = None  # row numbers are enough: ~80 questions a file add up on big trees

    def _row(self, query: Query, value: str) -> int:
        key = (query, value)
        found = self._row_index.get(key)
        if found is None:
            found = self._row_index[key] = len(self._rows)
            self._rows.append([list(query), value])
        return found

    def save(self, paths: Iterable[str], *, keep_others: Callable[[str], bool] | None = None) -> None:
        """Write the entries of ``paths`` (and, with ``keep_others``, unused entries it accepts).

        Writes atomically and only when something changed; errors are ignored (the
        cache is an optimisation, never a reason to fail a check).
        """
        entries: dict[str, tuple[str, list[int], FileOutcome | str, list[bool] | None]] = {}
        for path in paths:
            kept = self._keep.get(path)
            if kept is not None:
                entries[path] = kept
        if keep_others is not None:
            table = self._table
            for path, text in self._old.items():
                if path in entries or not keep_others(path):
                    continue
                entry = self._entry(text)
                if entry is None:
                    continue
                sha, deps, data = entry
                try:
                    outcome = _dump(data)  # the same data, to be written under new row numbers
                except (ValueError, RecursionError):
                    continue
                entries[path] = (sha, [self._row(*table[index]) for index in deps], outcome, None)
        if not self._dirty and self._loaded <= entries.keys():
            return
        with contextlib.suppress(OSError, ValueError):
            self._write(entries)

    def _chunks(self, entries: dict[str, tuple[str, list[int], FileOutcome | str, list[bool] | None]]) -> Iterator[str]:
        """The file's text: ``{"format", "fingerprint", "queries", "files": {path: entry text}}``."""
        yield f'{{"format":{FORMAT},"fingerprint":{_dump(self.fingerprint)},"queries":{_dump(self._rows)},"files":{{'
        separator = ""
        for path, (sha, rows, outcome, used) in entries.items():
            data = outcome if isinstance(outcome, str) else _dump(encode_outcome(outcome, used))
            yield f"{separator}{_dump(path)}:{_dump(f'[{_dump(sha)},{_dump(rows)},{data}]')}"
            separator = ","
        yield "}}"

    def _write(self, entries: dict[str, tuple[str, list[int], FileOutcome | str, list[bool] | None]]) -> None:
        folder = self.folder
        if not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
        _mark(folder)
        temporary = folder / f".check-{os.getpid()}-{os.urandom(6).hex()}.tmp"
        # O_EXCL: never write through a planted link; mode 0o666 minus the umask, like any file.
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(handle, "w", encoding="utf-8", errors="surrogatepass") as stream:
                for chunk in self._chunks(entries):
                    stream.write(chunk)
            os.replace(temporary, self.file)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
        prune(folder, keep=KEEP)


def _read_plain(path: Path) -> bytes:
    """The bytes of a regular file, not through a symlink (a planted ``/dev/zero`` link reads forever).

    Raises:
        OSError: missing, a link, not a regular file.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    with os.fdopen(os.open(path, flags), "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(f"{path}: not a regular file")
        return handle.read()


def _mark(folder: Path) -> None:
    """A ``.gitignore`` (``*``) and a ``CACHEDIR.TAG``, so that nobody commits or backs up the cache."""
    for name, text in ((".gitignore", GITIGNORE), ("CACHEDIR.TAG", CACHEDIR_TAG)):
        # O_EXCL: an existing file (or a link, even a dangling one) is left alone.
        with contextlib.suppress(OSError):
            handle = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)


def prune(folder: Path, keep: int = KEEP) -> None:
    """Delete all but the ``keep`` most recently used cache files (and temporary files an hour old)."""
    import time

    found: list[tuple[int, Path]] = []
    stale = time.time_ns() - 3600 * 10**9
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            name = entry.name
            cache = name.startswith("check-") and name.endswith(".json")
            if not cache and not (name.startswith(".check-") and name.endswith(".tmp")):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if not stat.S_ISREG(info.st_mode):
                    continue
                if cache:
                    found.append((info.st_mtime_ns, Path(entry.path)))
                elif info.st_mtime_ns < stale:  # left by a process that was killed while writing
                    os.unlink(entry.path)
    found.sort(key=lambda pair: pair[0], reverse=True)
    for _mtime, path in found[keep:]:
        with contextlib.suppress(OSError):
            path.unlink()
