"""Facts about the repository that rules check references against, cached for one run.

Everything is resolved inside the repository root and never outside it: a path is
normalised lexically, a path that climbs above the root is reported as ``outside``, and
symbolic links are followed one component at a time so that a link pointing out of the
repository is ``outside`` too. Nothing outside the root is ever read or even ``stat``-ed.

Tool processes are few and shared: one ``git cat-file --batch-check`` and one
``git check-ignore --stdin`` process per run (started on first use), never one per
question.
"""

from __future__ import annotations

import contextlib
import fnmatch
import os
import posixpath
import re
import stat
import sys
import weakref
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    import subprocess

if sys.version_info >= (3, 11):

    def load_toml(text: str) -> dict[str, Any] | None:
        """Parse TOML; ``None`` when it is invalid or cannot be parsed here."""
        import tomllib  # imported on first use: most checks never read a pyproject.toml

        try:
            return tomllib.loads(text)
        except ValueError:
            return None

else:  # pragma: no cover - Python 3.10 has no TOML parser in the standard library

    def load_toml(text: str) -> dict[str, Any] | None:
        """Parse TOML; ``None`` when it is invalid or cannot be parsed here."""
        return None


Kind = Literal["file", "dir", "missing", "outside", "other"]

MAX_READ = 4 * 1024 * 1024
"""Files larger than this are not read (Makefiles, package.json, pyproject.toml)."""

GENERATED_DIRS = frozenset(
    """
    node_modules public .venv venv .virtualenv __pycache__ .tox .nox .pytest_cache .mypy_cache
    .ruff_cache dist build out target site coverage htmlcov .terraform .next .nuxt .svelte-kit .cache
    tmp temp logs log .gradle .idea .vscode vendor .bundle .eggs .serverless .aws-sam cdk.out .parcel-cache
    """.split()  # noqa: SIM905 - a word list reads better than a list of strings
)
"""Top-level folders that tools create: a missing path below them is not stale docs."""


class Entry(NamedTuple):
    """What a repository path is, and where it really is (symlinks resolved), root-relative."""

    kind: Kind
    real: str = ""
    mode: int = 0


_MISSING = Entry("missing")
_OUTSIDE = Entry("outside")


@lru_cache(maxsize=8192)
def normalize(path: str, base: str = "") -> str | None:
    """``base/path`` normalised lexically, root-relative with ``/``; ``None`` if it leaves the root.

    ``normalize("../x.sh", "docs")`` is ``"x.sh"``; ``normalize("../../x", "docs")`` is ``None``.
    The root itself is ``""``. A trailing ``/`` is dropped.
    """
    joined = posixpath.join(base, path) if base else path
    result = posixpath.normpath(joined)
    if result == ".":
        return ""
    if result == ".." or result.startswith("../") or result.startswith("/"):
        return None
    return result


@dataclass(slots=True, eq=False, repr=False)
class MakeInfo:
    """The targets a Makefile defines (with its includes)."""

    path: str
    targets: set[str] = field(default_factory=set)
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    default: str | None = None

    def has(self, target: str) -> bool:
        """Whether ``make TARGET`` finds a rule (explicit, ``.PHONY``, or a pattern rule)."""
        return target in self.targets or any(p.fullmatch(target) for p in self.patterns)


@dataclass(slots=True, eq=False, repr=False)
class PackageInfo:
    """The scripts and dependency names of a ``package.json``."""

    path: str
    scripts: set[str] = field(default_factory=set)
    dependencies: set[str] = field(default_factory=set)


@dataclass(slots=True, eq=False, repr=False)
class PythonInfo:
    """What ``pyproject.toml`` (and requirements files) say about Python modules and scripts."""

    scripts: set[str] = field(default_factory=set)
    dependencies: set[str] = field(default_factory=set)
    package_roots: list[str] = field(default_factory=list)
    has_pyproject: bool = False


class _LineProcess:
    """A long-lived ``git`` process that answers one line per line of input."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        import subprocess  # imported on first use, like every tool process here

        self.proc: subprocess.Popen[str] | None
        try:
            self.proc = subprocess.Popen(
                args,
                cwd=cwd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                errors="surrogateescape",
                bufsize=1,
                env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"},
            )
        except OSError:
            self.proc = None
        self._finalizer = weakref.finalize(self, _close_process, self.proc)

    def ask(self, line: str) -> str | None:
        proc = self.proc
        if proc is None or proc.stdin is None or proc.stdout is None:
            return None
        try:
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            answer = proc.stdout.readline()
        except (OSError, ValueError):
            self.close()
            return None
        if not answer:
            self.close()
            return None
        return answer.rstrip("\n")

    def close(self) -> None:
        self._finalizer()
        self.proc = None


def _close_process(proc: subprocess.Popen[str] | None) -> None:
    if proc is None:
        return
    import subprocess

    streams: list[IO[str] | None] = [proc.stdin, proc.stdout]
    for stream in streams:
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class RepoIndex:
    """Lazily cached facts about one repository root, shared by every rule of a run.

    All paths given and returned are relative to the root, with ``/`` separators.
    """

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._root = str(self.root)
        self._entries: dict[str, Entry] = {}
        self._makefiles: dict[tuple[str, str | None], MakeInfo | None] = {}
        self._packages: dict[str, PackageInfo | None] = {}
        self._python: PythonInfo | None = None
        self._module_dirs: set[str] | None = None
        self._git_state: Literal["yes", "no", "shallow"] | None = None
        self._cat_file: _LineProcess | None = None
        self._check_ignore: _LineProcess | None = None
        self._commits: dict[str, bool] = {}
        self._ignored: dict[str, bool] = {}
        self._texts: dict[str, str | None] = {}
        self.scratch: dict[str, Any] = {}
        """Per-run storage for rules (caches keyed by rule), dropped with the index."""
        try:
            self._entries[""] = Entry("dir", "", os.stat(self._root).st_mode)
        except OSError:
            self._entries[""] = _MISSING

    # -- paths ---------------------------------------------------------------------------

    def lookup(self, relpath: str) -> Entry:
        """What a root-relative path is: ``file``, ``dir``, ``missing``, ``outside`` or ``other``.

        ``relpath`` is normalised first (``a/../b`` is ``b``); one that climbs above the
        root, or that passes through a symlink pointing out of the repository, is
        ``outside``. A trailing ``/`` demands a folder.
        """
        wants_dir = relpath.endswith("/") and relpath.strip("/") != ""
        norm = normalize(relpath)
        if norm is None:
            return _OUTSIDE
        entry = self._lookup(norm, 0)
        if wants_dir and entry.kind == "file":
            return _MISSING
        return entry

    def _lookup(self, rel: str, depth: int) -> Entry:
        cached = self._entries.get(rel)
        if cached is not None:
            return cached
        if depth > 40:  # a symlink loop
            return _MISSING
        parent_rel, _, name = rel.rpartition("/")
        parent = self._lookup(parent_rel, depth)
        if parent.kind == "outside":
            entry = _OUTSIDE
        elif parent.kind != "dir":
            entry = _MISSING
        else:
            real = f"{parent.real}/{name}" if parent.real else name
            full = f"{self._root}/{real}"
            try:
                info = os.lstat(full)
            except (OSError, ValueError):
                entry = _MISSING
            else:
                mode = info.st_mode
                if stat.S_ISLNK(mode):
                    entry = self._follow(full, parent.real, depth)
                elif stat.S_ISDIR(mode):
                    entry = Entry("dir", real, mode)
                elif stat.S_ISREG(mode):
                    entry = Entry("file", real, mode)
                else:
                    entry = Entry("other", real, mode)
        self._entries[rel] = entry
        return entry

    def _follow(self, full: str, parent_real: str, depth: int) -> Entry:
        try:
            target = os.readlink(full)
        except OSError:
            return _MISSING
        if os.path.isabs(target):
            if target == self._root:
                return self._entries[""]
            if not target.startswith(self._root + "/"):
                return _OUTSIDE
            inside: str | None = normalize(target[len(self._root) + 1 :])
        else:
            inside = normalize(target, parent_real)
        if inside is None:
            return _OUTSIDE
        return self._lookup(inside, depth + 1)

    def exists(self, relpath: str) -> bool:
        """Whether the path is a file or folder inside the repository."""
        return self.lookup(relpath).kind in ("file", "dir", "other")

    def is_file(self, relpath: str) -> bool:
        """Whether the path is a regular file inside the repository."""
        return self.lookup(relpath).kind == "file"

    def is_dir(self, relpath: str) -> bool:
        """Whether the path is a folder inside the repository."""
        return self.lookup(relpath).kind == "dir"

    def is_outside(self, relpath: str) -> bool:
        """Whether the path leaves the repository (``..`` or a symlink pointing out)."""
        return self.lookup(relpath).kind == "outside"

    def is_executable(self, relpath: str) -> bool:
        """Whether the path is a file with an execute bit set (for anyone)."""
        entry = self.lookup(relpath)
        return entry.kind == "file" and bool(entry.mode & 0o111)

    def real_path(self, relpath: str) -> Path | None:
        """The file system path of a file or folder inside the repository, else ``None``."""
        entry = self.lookup(relpath)
        if entry.kind not in ("file", "dir"):
            return None
        return Path(self._root, entry.real) if entry.real else self.root

    def read_text(self, relpath: str) -> str | None:
        """The text of a (small) file inside the repository, cached; ``None`` if unreadable."""
        norm = normalize(relpath)
        if norm is None:
            return None
        if norm in self._texts:
            return self._texts[norm]
        text: str | None = None
        entry = self.lookup(norm)
        if entry.kind == "file":
            try:
                with open(f"{self._root}/{entry.real}", "rb") as handle:
                    data = handle.read(MAX_READ + 1)
                if len(data) <= MAX_READ:
                    text = data.decode("utf-8", "replace")
            except OSError:
                text = None
        self._texts[norm] = text
        return text

    def listdir(self, relpath: str) -> list[str]:
        """Names in a folder inside the repository (empty when it is not one)."""
        path = self.real_path(relpath)
        if path is None or not path.is_dir():
            return []
        try:
            return sorted(os.listdir(path))
        except OSError:
            return []

    def generated(self, relpath: str) -> bool:
        """Whether a path lies below a folder that tools create (``node_modules``, ``dist``...)."""
        first = relpath.split("/", 1)[0]
        return first in GENERATED_DIRS

    # -- make ----------------------------------------------------------------------------

    def makefile(self, directory: str = "", makefile: str | None = None) -> MakeInfo | None:
        """The Makefile ``make`` would read in ``directory`` (or ``-f makefile``), or ``None``."""
        key = (directory, makefile)
        if key in self._makefiles:
            return self._makefiles[key]
        info: MakeInfo | None = None
        if makefile is not None:
            candidates = [makefile]
        else:
            candidates = ["GNUmakefile", "makefile", "Makefile"]
        for name in candidates:
            rel = normalize(name, directory)
            if rel is not None and self.is_file(rel):
                info = MakeInfo(rel)
                _parse_makefile(self, rel, directory, info, set(), {})
                break
        self._makefiles[key] = info
        return info

    # -- package.json -------------------------------------------------------------------

    def package(self, directory: str = "") -> PackageInfo | None:
        """The ``package.json`` of ``directory``, or ``None`` when there is none."""
        if directory in self._packages:
            return self._packages[directory]
        rel = normalize("package.json", directory)
        info: PackageInfo | None = None
        text = self.read_text(rel) if rel is not None else None
        if text is not None and rel is not None:
            info = PackageInfo(rel)
            import json

            try:
                data = json.loads(text)
            except ValueError:
                data = None
            if isinstance(data, dict):
                scripts = data.get("scripts")
                if isinstance(scripts, dict):
                    info.scripts = {str(k) for k in scripts}
                for section in ("dependencies", "devDependencies", "optionalDependencies", "peerDependencies"):
                    deps = data.get(section)
                    if isinstance(deps, dict):
                        info.dependencies.update(str(k) for k in deps)
            else:
                info.scripts = set()
        self._packages[directory] = info
        return info

    # -- python -------------------------------------------------------------------------

    def python(self) -> PythonInfo:
        """Scripts, dependencies and package roots from ``pyproject.toml`` and requirements files."""
        if self._python is None:
            self._python = _python_info(self)
        return self._python

    def python_module(self, module: str, cwd: str = "") -> bool:
        """Whether ``python -m module`` can import ``module`` from the repository.

        Looks for ``pkg/`` or ``pkg.py`` in ``cwd``, the root, ``src/``, the package roots
        that ``pyproject.toml`` declares, and any folder two levels down.
        """
        top = module.split(".", 1)[0]
        bases = [cwd, "", "src", *self.python().package_roots]
        for base in bases:
            for candidate in (top, f"{top}.py"):
                rel = normalize(candidate, base)
                if rel is not None and self.exists(rel):
                    return True
        return top in self._modules_nearby()

    def _modules_nearby(self) -> set[str]:
        if self._module_dirs is None:
            found: set[str] = set()
            for first in self.listdir(""):
                if first.startswith(".") or first in GENERATED_DIRS or not self.is_dir(first):
                    continue
                for second in self.listdir(first):
                    if second.endswith(".py"):
                        found.add(second[:-3])
                    elif not second.startswith(".") and self.is_dir(f"{first}/{second}"):
                        found.add(second)
                        if second in ("src", "lib"):
                            found.update(n[:-3] if n.endswith(".py") else n for n in self.listdir(f"{first}/{second}"))
            self._module_dirs = found
        return self._module_dirs

    # -- git -----------------------------------------------------------------------------

    def _git(self) -> Literal["yes", "no", "shallow"]:
        if self._git_state is None:
            self._git_state = _git_state(self.root)
        return self._git_state

    def is_git(self) -> bool:
        """Whether the root is inside a git work tree."""
        return self._git() != "no"

    def knows_commits(self) -> bool:
        """Whether :meth:`commit_exists` can answer: a git work tree with its full history."""
        return self._git() == "yes"

    def commit_exists(self, sha: str) -> bool | None:
        """Whether git knows the object (a full or abbreviated hash); ``None`` when it cannot tell.

        ``None`` outside a git work tree and in shallow clones (CI checkouts with
        ``fetch-depth: 1`` lack old commits). An ambiguous abbreviation exists.
        """
        if self._git() != "yes" or not re.fullmatch(r"[0-9a-fA-F]{4,64}", sha):
            return None
        sha = sha.lower()
        if sha in self._commits:
            return self._commits[sha]
        if self._cat_file is None:
            self._cat_file = _LineProcess(["git", "cat-file", "--batch-check"], self.root)
        answer = self._cat_file.ask(sha)
        if answer is None:
            self._cat_file = None  # it ended: the next question starts another
            return None
        known = not answer.endswith(" missing")
        self._commits[sha] = known
        return known

    def is_ignored(self, relpath: str) -> bool:
        """Whether git ignores the path (``.gitignore``): a file the project generates."""
        if self._git() == "no" or "\n" in relpath:
            return False
        if relpath in self._ignored:
            return self._ignored[relpath]
        if self._check_ignore is None:
            self._check_ignore = _LineProcess(["git", "check-ignore", "--stdin", "-n", "-v"], self.root)
        answer = self._check_ignore.ask(relpath)
        if answer is None:
            # git ends on a path it refuses (`link/x` through a symbolic link): this one
            # is not ignored, and the next question starts another process, so that no
            # answer depends on the paths asked before it.
            self._check_ignore = None
        ignored = answer is not None and not answer.startswith("::") and not _negated(answer)
        self._ignored[relpath] = ignored
        return ignored

    def close(self) -> None:
        """Stop the helper processes (also done when the index is garbage-collected)."""
        for proc in (self._cat_file, self._check_ignore):
            if proc is not None:
                proc.close()
        self._cat_file = None
        self._check_ignore = None

    def __enter__(self) -> RepoIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _git_state(root: Path) -> Literal["yes", "no", "shallow"]:
    """Whether ``root`` is in a git work tree, and whether that clone is shallow."""
    if not _may_be_git(root):
        return "no"
    import subprocess

    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--is-inside-work-tree", "--is-shallow-repository"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return "no"
    lines = proc.stdout.split()
    if proc.returncode != 0 or not lines or lines[0] != "true":
        return "no"
    return "shallow" if len(lines) > 1 and lines[1] == "true" else "yes"


def _may_be_git(root: Path) -> bool:
    """Whether git could find a repository here: some ``.git`` above, or ``GIT_DIR`` set.

    Saves starting ``git`` (~8 ms, most of a one-file check) outside any repository.
    """
    from ..engine.project import repository_of

    return bool(os.environ.get("GIT_DIR")) or repository_of(Path(os.path.abspath(root))) is not None


def _negated(answer: str) -> bool:
    # `source:line:!pattern<TAB>path`: the last matching pattern re-includes the path.
    head = answer.split("\t", 1)[0]
    pattern = head.split(":", 2)[-1] if head.count(":") >= 2 else ""
    return pattern.startswith("!")


# -- Makefile parsing -----------------------------------------------------------------------

_MAKE_ASSIGN = re.compile(
    r"^(?:(?:export|override|private)\s+)*(?P<name>[A-Za-z_][\w.-]*)\s*(?P<op>:::=|::=|:=|\?=|\+=|!=|=)\s*(?P<value>.*)$"
)
_MAKE_VAR = re.compile(r"\$[({]([A-Za-z_][\w.-]*)[)}]")
_MAKE_DIRECTIVES = ("ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "export", "unexport", "vpath", "override")


def _logical_lines(text: str) -> Iterator[str]:
    pending = ""
    for raw in text.split("\n"):
        line = raw.rstrip("\r")
        if line.endswith("\\") and not line.endswith("\\\\"):
            pending += line[:-1] + " "
            continue
        yield pending + line
        pending = ""
    if pending:
        yield pending


def _strip_make_comment(line: str) -> str:
    index = line.find("#")
    while index > 0 and line[index - 1] == "\\":
        index = line.find("#", index + 1)
    return line if index < 0 else line[:index]


def _expand(value: str, variables: dict[str, str], depth: int = 0) -> str:
    if "$" not in value or depth > 10:
        return value
    expanded = _MAKE_VAR.sub(lambda m: variables.get(m.group(1), m.group(0)), value)
    return expanded if expanded == value else _expand(expanded, variables, depth + 1)


_MAKE_AFFIX = re.compile(r"\$[({](addprefix|addsuffix) ([^,$(){}]*),([^$(){}]*)[)}]")
_ANY_TARGET = re.compile(r".*", re.S)


def _affixes(m: re.Match[str]) -> str:
    """``$(addprefix push-,a b)`` gives ``push-a push-b`` (``addsuffix`` puts it after)."""
    affix, words = m.group(2), m.group(3).split()
    return " ".join(affix + w if m.group(1) == "addprefix" else w + affix for w in words)


def _make_words(head: str) -> list[str]:
    """The target names of a rule's head: split on blanks outside ``$(...)``."""
    words: list[str] = []
    current: list[str] = []
    depth = 0
    for char in head:
        if char in "({" and current and current[-1] == "$":
            depth += 1
        elif char in ")}" and depth:
            depth -= 1
        elif char.isspace() and not depth:
            if current:
                words.append("".join(current))
                current = []
            continue
        current.append(char)
    if current:
        words.append("".join(current))
    return words


_MAKE_WILDCARD = re.compile(r"\$[({][^)}]*[)}]|\$.|%")


def _target_pattern(target: str) -> re.Pattern[str]:
    """A regex for a pattern rule (``release-%``) or a target named by an unknown variable."""
    parts: list[str] = []
    position = 0
    for m in _MAKE_WILDCARD.finditer(target):
        parts.append(re.escape(target[position : m.start()]))
        parts.append(".+" if m.group(0) == "%" else ".*")
        position = m.end()
    parts.append(re.escape(target[position:]))
    return re.compile("".join(parts))


def _parse_makefile(
    repo: RepoIndex, rel: str, directory: str, info: MakeInfo, seen: set[str], variables: dict[str, str]
) -> None:
    if rel in seen or len(seen) > 20:
        return
    seen.add(rel)
    text = repo.read_text(rel)
    if text is None:
        return
    in_define = False
    for raw in _logical_lines(text):
        if raw.startswith("\t"):
            continue  # a recipe line
        line = _strip_make_comment(raw).strip()
        if not line:
            continue
        first = line.split(None, 1)[0]
        if in_define:
            if first == "endef":
                in_define = False
            continue
        if first in ("define",):
            in_define = True
            continue
        if first in ("include", "-include", "sinclude"):
            for name in line.split()[1:]:
                name = _expand(name, variables)
                if "$" in name:
                    continue
                inc = normalize(name, directory)
                if inc is None:
                    continue
                if any(c in inc for c in "*?["):  # `include mk/*.mk`: the files that match, in order
                    folder, glob = posixpath.split(inc)
                    for match in fnmatch.filter(repo.listdir(folder), glob):
                        _parse_makefile(repo, posixpath.join(folder, match), directory, info, seen, variables)
                    continue
                _parse_makefile(repo, inc, directory, info, seen, variables)
            continue
        assign = _MAKE_ASSIGN.match(line)
        colon = line.find(":")
        if assign and (colon < 0 or colon >= assign.start("op")):
            name, op, value = assign.group("name"), assign.group("op"), assign.group("value").strip()
            if op == "?=":
                variables.setdefault(name, value)
            elif op == "+=":
                variables[name] = (variables.get(name, "") + " " + value).strip()
            elif op != "!=":
                variables[name] = value
            continue
        if "$(eval" in line or "${eval" in line:
            info.patterns.append(_ANY_TARGET)  # rules made at run time: any target may exist
            continue
        if first in _MAKE_DIRECTIVES or colon <= 0:
            continue
        if line[colon + 1 : colon + 2] == "=":
            continue
        head = _MAKE_AFFIX.sub(_affixes, _expand(line[:colon], variables))
        rest = line[colon + 1 :].lstrip(":")
        names = _make_words(head)
        if not names:
            continue
        if names == [".PHONY"]:
            for target in _expand(rest.split(";", 1)[0], variables).split():
                if "$" not in target:
                    info.targets.add(target)
            continue
        for target in names:
            if "$" in target or "%" in target:
                info.patterns.append(_target_pattern(target))
                continue
            info.targets.add(target)
            if info.default is None and not (target.startswith(".") and "/" not in target):
                info.default = target


# -- Python project facts -----------------------------------------------------------------

_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
DIST_TO_MODULE = {
    "pyyaml": "yaml",
    "scikit_learn": "sklearn",
    "pillow": "PIL",
    "beautifulsoup4": "bs4",
    "python_dateutil": "dateutil",
    "pre_commit": "pre_commit",
    "opencv_python": "cv2",
    "protobuf": "google",
    "grpcio_tools": "grpc_tools",
    "pyinstaller": "PyInstaller",
    "ipython": "IPython",
    "django_extensions": "django_extensions",
    "python_dotenv": "dotenv",
    "mkdocs_material": "material",
    "typer_cli": "typer",
}


def _dist_module(name: str) -> str:
    norm = re.sub(r"[-_.]+", "_", name).lower()
    return DIST_TO_MODULE.get(norm, norm)


def _python_info(repo: RepoIndex) -> PythonInfo:
    info = PythonInfo()
    text = repo.read_text("pyproject.toml")
    data = load_toml(text) if text is not None else None
    if data is not None:
        # Only a pyproject we could read makes `poetry run X` checkable.
        info.has_pyproject = True
        _pyproject_facts(data, info)
    for name in repo.listdir("") + [f"requirements/{n}" for n in repo.listdir("requirements")]:
        base = name.rsplit("/", 1)[-1]
        if base.startswith("requirements") and base.endswith((".txt", ".in")):
            for line in (repo.read_text(name) or "").splitlines():
                m = _REQ_NAME.match(line)
                if m and not line.lstrip().startswith(("-", "#")):
                    info.dependencies.add(m.group(1))
    pipfile = repo.read_text("Pipfile")
    pip_data = load_toml(pipfile) if pipfile is not None else None
    for section in ("packages", "dev-packages"):
        table = pip_data.get(section) if pip_data else None
        if isinstance(table, dict):
            info.dependencies.update(str(k) for k in table)
    info.dependencies |= {_dist_module(d) for d in info.dependencies}
    return info


def _names_of(requirements: Any) -> list[str]:
    names: list[str] = []
    if isinstance(requirements, list):
        for entry in requirements:
            if isinstance(entry, str):
                m = _REQ_NAME.match(entry)
                if m:
                    names.append(m.group(1))
    elif isinstance(requirements, dict):
        names.extend(str(k) for k in requirements if k != "python")
    return names


def _table(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _pyproject_facts(data: dict[str, Any], info: PythonInfo) -> None:
    project = _table(data, "project") or {}
    for section in ("scripts", "gui-scripts"):
        scripts = _table(project, section)
        if isinstance(scripts, dict):
            info.scripts.update(str(k) for k in scripts)
    info.dependencies.update(_names_of(_table(project, "dependencies")))
    optional = _table(project, "optional-dependencies")
    if isinstance(optional, dict):
        for group in optional.values():
            info.dependencies.update(_names_of(group))
    groups = _table(data, "dependency-groups")
    if isinstance(groups, dict):
        for group in groups.values():
            info.dependencies.update(_names_of(group))
    name = _table(project, "name")
    if isinstance(name, str):
        info.dependencies.add(name)
    tool = _table(data, "tool") or {}
    poetry = _table(tool, "poetry") or {}
    for key in ("scripts",):
        scripts = _table(poetry, key)
        if isinstance(scripts, dict):
            info.scripts.update(str(k) for k in scripts)
    info.dependencies.update(_names_of(_table(poetry, "dependencies")))
    info.dependencies.update(_names_of(_table(poetry, "dev-dependencies")))
    poetry_groups = _table(poetry, "group")
    if isinstance(poetry_groups, dict):
        for group in poetry_groups.values():
            info.dependencies.update(_names_of(_table(group, "dependencies")))
    for package in _table(poetry, "packages") or []:
        if isinstance(package, dict) and isinstance(package.get("from"), str):
            info.package_roots.append(package["from"])
    for runner in ("pdm", "rye"):
        scripts = _table(tool, runner, "scripts")
        if isinstance(scripts, dict):
            info.scripts.update(str(k) for k in scripts)
    envs = _table(tool, "hatch", "envs")
    if isinstance(envs, dict):
        for env in envs.values():
            scripts = _table(env, "scripts")
            if isinstance(scripts, dict):
                info.scripts.update(str(k) for k in scripts)
    find = _table(tool, "setuptools", "packages", "find")
    where = _table(find, "where") if isinstance(find, dict) else None
    if isinstance(where, list):
        info.package_roots.extend(str(w) for w in where)
    package_dir = _table(tool, "setuptools", "package-dir")
    if isinstance(package_dir, dict):
        info.package_roots.extend(str(v) for v in package_dir.values())
    wheel_packages = _table(tool, "hatch", "build", "targets", "wheel", "packages")
    if isinstance(wheel_packages, list):
        info.package_roots.extend(posixpath.dirname(str(p)) for p in wheel_packages)
