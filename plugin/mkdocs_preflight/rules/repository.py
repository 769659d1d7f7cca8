"""PF2xx: does the checklist still match the repository?

Every reference a checklist makes to the repository is found once, by one walk over
the checklist's model (:func:`analyse`): scripts that commands invoke, paths in command
arguments and redirections, ``make`` targets, ``npm``/``pnpm``/``yarn`` scripts,
``python -m`` modules and console scripts, path-like inline code, and relative links.
The rules report the broken ones; :func:`references` gives the working ones to
``preflight lock``.

Precision comes first: a word is a path only when its shape says so (a ``/`` plus a
known extension, a trailing ``/``, ``./``), never when it is a URL, an absolute or home
path, a ``$VAR``, a glob, a placeholder, a version, a ``host:path`` or an
``owner/repo``. A path that an earlier command creates (``mkdir``, ``> file``,
``git clone``, ``-o file``), that git ignores, or that lies under a folder tools
generate (``node_modules``, ``.venv``, ``dist``) is not reported missing.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Literal
from urllib.parse import unquote as url_unquote

from ..engine.inline import COMMAND_WORDS
from ..model import SHELL_LANGS, Block, Checklist, CodeSpan, Command, Diagnostic, Item, Level
from .base import FileCheck, Rule
from .repo import RepoIndex, normalize
from .shell import (
    ARG,
    CD,
    COMMIT,
    EXECUTABLE,
    HEX,
    MAKE,
    MENTION,
    MODULE,
    PACKAGE,
    PATH,
    PRODUCE,
    RUNNER,
    SUBSHELL,
    Arg,
    Step,
    domain_like,
    plan,
)

if TYPE_CHECKING:
    from .context import RuleContext


# -- the rules -------------------------------------------------------------------------------

MISSING_FILE = Rule(
    "PF201",
    "missing-file",
    Level.ERROR,
    "A file or folder the checklist references does not exist",
    """\
A checklist that names a script, a config file or a folder that is no longer in the
repository sends the operator looking for it in the middle of a deployment. Checked:
scripts that commands run (`./scripts/deploy.sh`, `bash scripts/x.sh`, `sh x.sh`,
`python src/app.py`, `source env.sh`, `. env.sh`), path arguments of commands
(`kubectl apply -f k8s/app.yml`, `kubectl apply -k overlays/prod`, `helm upgrade -f values.yaml`,
`psql -f migrations/0042.sql`, `< input.sql`), `cd`
targets, path-like inline code (`` `config/prod.yml` ``) and relative Markdown links and
images. Command paths are relative to the repository root, or to the folder an earlier
`cd` (or the block's `cwd=` option) moved to (a `cd` in a `( ... )` subshell ends with it);
links are relative to the checklist's
folder; inline code is relative to the root. A symbolic link whose target is missing (or
that loops) is missing too, and the message says it is a broken link.

Not reported: URLs, absolute and home paths (`/var/log/x`, `~/.ssh`), `$VARS`, globs,
placeholders, versions (`v1.2.3`), `owner/repo` and `host:path` shapes, `grep` patterns;
paths that an earlier command creates (`mkdir`, `> out.txt`, `-o file`, `git clone`,
`git checkout REV -- x`, `git restore --source=REV x`), paths that git ignores,
paths under folders that tools create (`node_modules/`, `.venv/`, `dist/`),
local `.env` files, and commands that run on another machine or in a container
(`ssh host ./x.sh`, `kubectl exec ... -- ./x`, `vagrant ssh -c`, `ansible -a`).

Bad (there is no `scripts/deploy_v2.sh`):

```bash
./scripts/deploy_v2.sh --env staging
```

Good:

```bash
./scripts/deploy.sh --env staging
```
""",
)

NOT_EXECUTABLE = Rule(
    "PF202",
    "script-not-executable",
    Level.ERROR,
    "A script is run directly but has no execute permission",
    """\
`./scripts/drain.sh` fails with "Permission denied" when the file has mode `0644`.
Only direct calls are checked: `bash scripts/drain.sh` does not need the execute bit,
nor does a script that an earlier command of the checklist made executable
(`chmod +x scripts/drain.sh`, `chmod 755 ...`).

Bad (`scripts/drain.sh` is `-rw-r--r--`):

```bash
./scripts/drain.sh --node web-3
```

Good: make the script executable and commit the mode
(`chmod +x scripts/drain.sh && git add --chmod=+x scripts/drain.sh`), or call it
through its interpreter:

```bash
bash scripts/drain.sh --node web-3
```
""",
)

MISSING_MAKE_TARGET = Rule(
    "PF203",
    "missing-make-target",
    Level.ERROR,
    "`make TARGET` names a target the Makefile does not have, or there is no Makefile",
    """\
The Makefile that `make` would read (in the current folder, in `make -C dir`, or
`make -f file`) is parsed for explicit targets, `.PHONY` names, pattern rules and
`include`d files (`include mk/*.mk` too); simple variables, `$(addprefix ...)` and
`$(addsuffix ...)` in target names are expanded. A target that names an existing file
is accepted too, and any target of a Makefile that makes rules with `$(eval ...)`.
When there is no Makefile at all, the first `make` call of each checklist is reported once.

Bad (the Makefile has `deploy-production`, not `deploy-prod`):

```bash
make deploy-prod ENV=production
```

Good:

```bash
make deploy-production ENV=production
```
""",
)

MISSING_PACKAGE_SCRIPT = Rule(
    "PF204",
    "missing-package-script",
    Level.ERROR,
    "`npm run X`, `pnpm X` or `yarn X` names a script `package.json` does not define",
    """\
`npm run X` (also `npm test`) must name a key of `"scripts"` in the `package.json`
of the folder it runs in (`--prefix dir`, `pnpm -C dir`, `yarn --cwd dir` and earlier
`cd`s are followed). `pnpm X` and `yarn X` also run binaries of dependencies, so
for those a name that is a dependency is accepted. Workspace runs (`-w`, `--filter`,
`-r`, `yarn workspace`) and `--if-present` are not checked.

Bad (`package.json` defines `build` and `test`, not `build:prod`):

```bash
npm run build:prod
```

Good:

```bash
npm run build
```
""",
)

MISSING_PYTHON_MODULE = Rule(
    "PF205",
    "missing-python-module",
    Level.WARNING,
    "`python -m X` or `poetry run X`/`uv run X` names a module or script that cannot be found",
    """\
`python -m pkg` needs `pkg` in the standard library, in the repository (`pkg/`,
`pkg.py`, `src/pkg/`, or the package roots `pyproject.toml` declares), or among the
project's dependencies (`pyproject.toml`, `requirements*.txt`, `Pipfile`) or well-known
tools (`pytest`, `pip`, `mypy`, ...). `poetry run X`, `uv run X`, `pdm run X`,
`hatch run X`, `pipenv run X` need `X` to be a script in `pyproject.toml`, a dependency
or a well-known command. `python -m http.server` is fine: it is in the standard library.

Bad (the package is `app`, there is no `server` module):

```bash
python -m server --port 8000
```

Good:

```bash
python -m app --port 8000
```
""",
)

BROKEN_ANCHOR = Rule(
    "PF206",
    "broken-anchor",
    Level.WARNING,
    "A link's `#anchor` matches no heading or item ID of the target page",
    """\
For links to Markdown files (and `#x` links within the same checklist), the anchor
must be the slug of a heading (as MkDocs' `toc` makes it), an explicit `{ #id }`, an
item or block ID, or an HTML `id`/`name` in the target. Anchors of other files
(`app.py#L10`) are not checked.

Bad (the heading is "Rollback plan", whose anchor is `#rollback-plan`):

```markdown
- [ ] If anything fails, follow [the rollback](deploy.md#rollback)
```

Good:

```markdown
- [ ] If anything fails, follow [the rollback](deploy.md#rollback-plan)
```
""",
)

ENV_NOT_IN_EXAMPLE = Rule(
    "PF207",
    "env-var-not-in-example",
    Level.WARNING,
    "A command uses an environment variable the env example file does not list",
    """\
Only when `env_example` is configured (for example `env_example: .env.example`). Each
upper-case `$VAR` or `${VAR}` a command reads must be listed in that file
(`VAR=...`, `export VAR=...` or a commented `# VAR=...`), so that a new operator knows
to set it. Not reported: variables the checklist sets itself (`VAR=...`, `export`,
`read`, `for VAR in`, front matter `run.env`), `${VAR:-default}`, variables in single
quotes, and the shell's own (`$HOME`, `$PATH`, `$PWD`, ...). Each variable is reported
once per checklist.

Bad (`.env.example` has no `DATABASE_URL`):

```bash
psql "$DATABASE_URL" -c 'select 1'
```

Good: add `DATABASE_URL=postgres://user:pass@host/db` to `.env.example`.
""",
)

UNKNOWN_COMMIT = Rule(
    "PF208",
    "unknown-commit",
    Level.WARNING,
    "A commit hash in backticks is not known to git",
    """\
A hash (7 to 40 hex digits, with at least one digit and one letter) in inline code,
next to a word such as "commit", "revision" or "SHA" in the same item or heading, and
hashes given to `git show`, `git revert`, `git cherry-pick`, `git checkout` or
`git reset`, must name an object of the repository. All hashes of a run are looked up
by one `git cat-file --batch-check` process. Skipped outside a git work tree and in
shallow clones (where old commits are legitimately absent).

Bad (a typo: the repository has no commit `24a95f6`):

```markdown
- [ ] Roll back to commit `24a95f6` if the canary fails
```

Good (a commit the repository has, as `git log --oneline` shows it):

```markdown
- [ ] Roll back to commit `24a9506` if the canary fails
```
""",
)

OUTSIDE_REPO = Rule(
    "PF209",
    "path-outside-repository",
    Level.ERROR,
    "A reference leaves the repository root",
    """\
Paths are resolved inside the repository only: `../` that climbs above the root, or a
symbolic link that points out of the repository, makes the checklist depend on files
that CI and other clones do not have. Nothing outside the root is read.

Bad (from `checklists/deploy.md`):

```markdown
- [ ] Read the [shared runbook](../../ops-handbook/deploy.md)
```

Good: link to the other repository by URL, or copy what is needed into this one.

```markdown
- [ ] Read the [shared runbook](https://github.com/acme/ops-handbook/blob/main/deploy.md)
```
""",
)

RULES: list[Rule] = [
    MISSING_FILE,
    NOT_EXECUTABLE,
    MISSING_MAKE_TARGET,
    MISSING_PACKAGE_SCRIPT,
    MISSING_PYTHON_MODULE,
    BROKEN_ANCHOR,
    ENV_NOT_IN_EXAMPLE,
    UNKNOWN_COMMIT,
    OUTSIDE_REPO,
]

# -- references ------------------------------------------------------------------------------

RefKind = Literal["command_path", "inline_path", "link_repo", "link_doc"]
Status = Literal["missing", "outside", "skipped"]


@dataclass(slots=True, eq=False, repr=False)
class Reference:
    """One reference to a repository path, as found and as resolved."""

    kind: RefKind
    written: str
    """The text as written (quotes removed)."""
    target: str | None
    """Root-relative path (``None`` when it leaves the repository)."""
    line: int
    col: int
    step: str | None
    """The item or block that makes the reference (``None`` outside steps)."""
    status: Status
    role: str = "path"
    """``script`` (run directly), ``interpreter`` (``bash x.sh``), ``source``, ``cd``,
    ``path`` (an argument or redirection), ``link`` or ``inline``."""


@dataclass(slots=True, eq=False, repr=False)
class Analysis:
    """Everything :func:`analyse` found in one checklist."""

    references: list[Reference] = field(default_factory=list)
    """References that are missing, outside the repository, or excused (created earlier...)."""
    resolved: list[tuple[str | None, str]] = field(default_factory=list)
    """(step, root-relative path) of each reference that exists, in document order."""
    diagnostics: list[Diagnostic] = field(default_factory=list)


Locator = Callable[[int], tuple[int, int]]


def block_locator(block: Block, command: Command, lines: list[str] | None = None) -> Locator:
    """Map an offset in ``command.text`` to its (line, column) in the checklist.

    Commands continued with ``\\`` are joined by the engine; this undoes the joining so
    that a finding points at the physical line that holds the offending word. The work
    is done on the first call only (most commands never need a position). ``lines``:
    ``block.code.split("\\n")``, when the caller has it already.
    """
    segments: list[tuple[int, int, int]] = []  # (offset in joined text, line, column)

    def locate(position: int) -> tuple[int, int]:
        if not segments:
            segments.extend(_segments(block, command, block.code.split("\n") if lines is None else lines))
        found = segments[0]
        for segment in segments:
            if segment[0] <= position:
                found = segment
            else:
                break
        return found[1], found[2] + max(position - found[0], 0)

    return locate


def _segments(block: Block, command: Command, lines: list[str]) -> list[tuple[int, int, int]]:
    first = command.line - block.line - 1
    indent = max(block.col - 1, 0)
    if block.lang != "console" and 0 <= first < len(lines):
        raw = lines[first]
        if raw.strip() == command.text:  # one line, nothing joined: the common case
            return [(0, command.line, indent + len(raw) - len(raw.lstrip()) + 1)]
    segments: list[tuple[int, int, int]] = []
    parts: list[str] = []
    offset = 0
    console = block.lang == "console"
    index = first
    while 0 <= index < len(lines):
        raw = lines[index]
        stripped = raw.lstrip()
        lead = len(raw) - len(stripped)
        if console:
            if index == first:
                body = stripped[2:] if stripped.startswith("$ ") else stripped[1:]
            else:
                body = stripped[2:] if stripped.startswith("> ") else stripped
            lead += len(stripped) - len(body)
            inner = body.lstrip()
            lead += len(body) - len(inner)
            more = inner.rstrip().endswith("\\")
            part = inner.rstrip().rstrip("\\").strip() if more else inner.strip()
        else:
            text = stripped.rstrip()
            more = text.endswith("\\") and not text.endswith("\\\\")
            part = text[:-1].rstrip() if more else text
        if part:
            if parts:
                offset += 1
            segments.append((offset, block.line + 1 + index, indent + lead + 1))
            parts.append(part)
            offset += len(part)
        index += 1
        if not more:
            break
    if " ".join(parts) != command.text or not segments:
        return [(0, command.line, max(block.col, 1))]
    return segments


def span_locator(span: CodeSpan, skip: int = 0) -> Locator:
    """Map an offset in an inline code span's command text to (line, column)."""
    return lambda position: (span.line, span.col + skip + position)


def inline_command(span: CodeSpan) -> tuple[str, int]:
    """The command an inline code span holds, and how many prompt characters precede it."""
    text = span.text
    if text.startswith("$ "):
        return text[2:], 2
    return text, 0


# -- what looks like a path --------------------------------------------------------------------

_ENV_FILE = re.compile(r"^\.env(?:\.[\w.-]+)?$|^\.envrc$|\.local$")
_ENV_TEMPLATE = re.compile(r"(?:example|sample|template|dist|tmpl|defaults?)$", re.I)
_CREATING_WORDS = re.compile(r"\b(?:creat|generat)\w*", re.I)
_EXTENSION_MENTION = re.compile(r"^\.[a-z0-9]{1,5}$")
KNOWN_DOTFILES = frozenset(
    """
    .env .envrc .npmrc .nvmrc .yarnrc .babelrc .eslintrc .pylintrc .coveragerc .bashrc .zshrc .profile .netrc
    .mailmap .vimrc .inputrc .curlrc .wgetrc .gemrc .irbrc .pryrc .rspec .flake8 .isort .ruff
    """.split()  # noqa: SIM905 - a word list reads better than a list of strings
)
"""Short dotfiles that are files, not extension mentions like `.md` or `.jsonl`."""


def local_env_file(path: str) -> bool:
    """``.env``, ``.env.production``, ``.envrc``, ``x.local``: made by each operator, never committed."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return bool(_ENV_FILE.search(name)) and not _ENV_TEMPLATE.search(name)


WELL_KNOWN_MODULES = frozenset(
    """
    pip pytest mypy black isort flake8 pylint ruff coverage build twine pipx pip_audit uvicorn gunicorn
    celery django flask alembic poetry virtualenv tox nox pre_commit mkdocs sphinx jupyter notebook
    ipykernel IPython streamlit locust bandit safety pdm hatch uv setuptools wheel grpc_tools spacy nltk
    playwright debugpy PyInstaller nuitka huggingface_hub transformers torch awscli ansible pyright
    pydocstyle pycodestyle autopep8 yapf vulture radon mkdocs_preflight pyflakes piptools pip_tools
    cProfile memory_profiler line_profiler scalene py_spy behave robot hypothesis pdoc invoke fabric
    """.split()  # noqa: SIM905 - a word list reads better than a list of strings
)
"""Third-party modules people run with ``python -m`` without always declaring them."""

_ROLE_NAMES = {"script": "Script", "interpreter": "Script", "source": "Sourced file", "cd": "Folder"}


# -- the walk: replay each command's plan with the walk's state ---------------------------------


@dataclass(slots=True, eq=False, repr=False)
class _Walk:
    """State of one checklist's walk."""

    checklist: Checklist
    repo: RepoIndex
    analysis: Analysis
    produced: set[str] = field(default_factory=set)
    """Root-relative paths that earlier commands create."""
    subshells: list[str | None] = field(default_factory=list)
    """The folder to go back to at the end of each open subshell of the current block."""
    made_executable: set[str] = field(default_factory=set)
    """Root-relative paths that an earlier ``chmod +x`` made executable."""
    mentioned: set[str] = field(default_factory=set)
    """Words of earlier commands in the current block that were not checked as paths."""
    cwd: str | None = ""
    """Root-relative folder commands run in; ``None`` once it cannot be known."""
    step: str | None = None
    locate: Locator = field(default=lambda _offset: (1, 1))
    kind: RefKind = "command_path"
    missing_tools: set[tuple[str, str]] = field(default_factory=set)
    """(tool, folder) pairs already reported as missing a Makefile/package.json."""

    # -- findings ----------------------------------------------------------------------------

    def diag(self, rule: Rule, message: str, position: tuple[int, int]) -> None:
        self.analysis.diagnostics.append(
            Diagnostic(rule.code, message, self.checklist.path, position[0], position[1], rule.level)
        )

    def add(self, written: str, target: str | None, position: tuple[int, int], status: Status, role: str) -> None:
        reference = Reference(self.kind, written, target, position[0], position[1], self.step, status, role)
        self.analysis.references.append(reference)

    def ok(self, target: str) -> None:
        self.analysis.resolved.append((self.step, target))

    def is_produced(self, target: str) -> bool:
        produced = self.produced
        if not produced:
            return False
        if target in produced:
            return True
        parent = target
        while "/" in parent:
            parent = parent.rsplit("/", 1)[0]
            if parent in produced:
                return True
        return False

    def produce(self, value: str) -> None:
        target = normalize(value, self.cwd) if self.cwd is not None else None
        if target:
            self.produced.add(target)
        self.mentioned.add(value.rstrip("/"))

    def excused(self, written: str, target: str) -> bool:
        """Whether a missing path is expected: created earlier, generated, ignored, local."""
        if written.rstrip("/") in self.mentioned or self.is_produced(target):
            return True
        if self.repo.generated(target) or local_env_file(target):
            return True
        return self.repo.is_ignored(target) or self.repo.is_ignored(target + "/")

    # -- one command -----------------------------------------------------------------------------

    def command(self, text: str) -> None:
        for step in plan(text):
            kind = step.kind
            if kind == MENTION:
                self.mentioned.add(step.value)
            elif kind == ARG:
                self.arg(step)
            elif kind == PATH:
                self.path(step.value, step.role, step.start + step.offset)
            elif kind == PRODUCE:
                self.produce(step.value)
            elif kind == CD:
                self.cd(step)
            elif kind == MAKE:
                self.make(step.args)
            elif kind == PACKAGE:
                self.package(step.role, step.args)
            elif kind == MODULE:
                self.module(step)
            elif kind == RUNNER:
                self.runner(step)
            elif kind == COMMIT:
                self.commit(step.value, step.start)
            elif kind == SUBSHELL:
                if step.value == "(":
                    self.subshells.append(self.cwd)
                elif self.subshells:
                    self.cwd = self.subshells.pop()
            elif kind == EXECUTABLE:
                target = normalize(step.value, self.cwd) if self.cwd is not None else None
                if target:
                    self.made_executable.add(target)

    def arg(self, step: Step) -> None:
        value = step.value
        if not step.strong:
            # `apps/backend/tests`: a path only when its first folder is in the repository.
            first = normalize(value.split("/", 1)[0], self.cwd) if self.cwd is not None else None
            if first is None or not self.repo.is_dir(first):
                self.mentioned.add(value.rstrip("/"))
                return
        self.path(value, "path", step.start + step.offset)

    def near(self, value: str, target: str) -> str:
        """``; did you mean `scripts/deploy.sh`?`` for a file of the missing file's folder
        whose name is close, written the way ``value`` is (only on a finding); or that the
        name is there but is a broken symbolic link (a loop, or a missing target)."""
        if value.endswith("/"):
            return ""
        name = posixpath.basename(target)
        listed = self.repo.listdir(posixpath.dirname(target))
        if name in listed:  # there, but leading nowhere
            return "; it is a broken symbolic link"
        names = tuple(n for n in listed if not n.startswith("."))
        hint = _file_hint(name, names)
        if not hint:
            return ""
        close = hint.removeprefix("; did you mean `").removesuffix("`?")
        return f"; did you mean `{value[: len(value) - len(posixpath.basename(value))]}{close}`?"

    def path(self, value: str, role: str, offset: int) -> None:
        """Check one path a command uses; report it when missing or outside."""
        cwd = self.cwd
        if cwd is None:
            return
        target = normalize(value, cwd)
        if target is None:
            position = self.locate(offset)
            self.add(value, None, position, "outside", role)
            self.diag(
                OUTSIDE_REPO,
                f"`{value}` is outside the repository{_OUTSIDE_FIX}",
                position,
            )
            return
        entry = self.repo.lookup(target + "/" if value.endswith("/") else target)
        kind = entry.kind
        if kind == "outside":
            position = self.locate(offset)
            self.add(value, target, position, "outside", role)
            self.diag(
                OUTSIDE_REPO,
                f"`{value}` resolves outside the repository (through a symbolic link){_OUTSIDE_FIX}",
                position,
            )
            return
        if kind == "missing":
            position = self.locate(offset)
            if self.excused(value, target):
                self.add(value, target, position, "skipped", role)
                return
            self.add(value, target, position, "missing", role)
            what = _ROLE_NAMES.get(role, "Folder" if value.endswith("/") else "Path")
            where = f" (in `{cwd}/`)" if cwd else ""
            hint = self.near(value, target)
            self.diag(MISSING_FILE, f"{what} `{value}` does not exist{where}{hint}", position)
            return
        self.ok(target)
        if role == "script" and kind == "file" and not entry.mode & 0o111 and target not in self.made_executable:
            position = self.locate(offset)
            self.diag(
                NOT_EXECUTABLE,
                f"`{value}` is run directly but is not executable (mode {entry.mode & 0o777:04o}); "
                f"`chmod +x` it or run it with its interpreter",
                position,
            )

    def cd(self, step: Step) -> None:
        value = step.value
        if not value or self.cwd is None:
            self.cwd = None  # `cd` alone, `cd -`, `cd $DIR`: from here on the folder is unknown
            return
        target = normalize(value, self.cwd)
        if target is None:
            if any(part not in ("..", ".", "") for part in value.split("/")):
                position = self.locate(step.start)
                self.add(value, None, position, "outside", "cd")
                self.diag(OUTSIDE_REPO, f"`cd {value}` leaves the repository", position)
            self.cwd = None
            return
        if value.rstrip("/") in self.mentioned or self.is_produced(target):
            self.cwd = None
            return
        if self.repo.lookup(target).kind == "dir":
            self.ok(target)
            self.cwd = target
            return
        self.path(value, "cd", step.start)
        self.cwd = None

    def module(self, step: Step) -> None:
        module = step.value
        top = module.split(".", 1)[0]
        if top in sys.stdlib_module_names or top in WELL_KNOWN_MODULES:
            return
        python = self.repo.python()
        if top in python.dependencies or top.lower() in python.dependencies:
            return
        if self.repo.python_module(module, self.cwd or ""):
            return
        self.diag(
            MISSING_PYTHON_MODULE,
            f"`python -m {module}`: no module `{top}` in the repository, its dependencies or the standard library",
            self.locate(step.start + step.offset),
        )

    def runner(self, step: Step) -> None:
        value = step.value
        python = self.repo.python()
        if not python.has_pyproject:
            return
        norm = re.sub(r"[-_.]+", "_", value).lower()
        deps = python.dependencies
        known = (
            value in python.scripts
            or value in COMMAND_WORDS
            or norm in deps
            or value in deps
            or norm in WELL_KNOWN_MODULES
            or value in WELL_KNOWN_COMMANDS
            or any(norm.startswith(re.sub(r"[-_.]+", "_", d).lower()) for d in deps if len(d) >= 3)
        )
        if not known:
            self.diag(
                MISSING_PYTHON_MODULE,
                f"`{step.role} run {value}`: `{value}` is not a script in pyproject.toml nor a dependency",
                self.locate(step.start),
            )

    def commit(self, sha: str, offset: int) -> None:
        if self.repo.commit_exists(sha) is False:
            self.diag(
                UNKNOWN_COMMIT,
                f"Commit `{sha}` is not known to git{_COMMIT_FIX}",
                self.locate(offset),
            )

    def make(self, args: tuple[Arg, ...]) -> None:
        directory = self.cwd
        makefile: str | None = None
        targets: list[Arg] = []
        index = 0
        while index < len(args):
            start, value, opaque = args[index]
            nxt = args[index + 1] if index + 1 < len(args) else None
            if opaque:
                if value.startswith(("-C", "--directory")):
                    directory = None
                index += 1
                continue
            if value in ("-C", "--directory") and nxt is not None:
                directory = self.make_dir(directory, nxt[0], nxt[1], opaque=nxt[2])
                index += 2
            elif value.startswith("-C") and len(value) > 2:
                directory = self.make_dir(directory, start, value[2:], offset=2)
                index += 1
            elif value.startswith("--directory="):
                directory = self.make_dir(directory, start, value.split("=", 1)[1], offset=len("--directory="))
                index += 1
            elif value in ("-f", "--file", "--makefile") and nxt is not None:
                makefile = None if nxt[2] else nxt[1]
                if nxt[2]:
                    return
                index += 2
            elif value.startswith(("--file=", "--makefile=")):
                makefile = value.split("=", 1)[1]
                index += 1
            elif value in ("-j", "--jobs", "-l", "--load-average", "--max-load"):
                index += 2 if nxt is not None and nxt[1].replace(".", "").isdigit() else 1
            elif value in _MAKE_ARG_OPTIONS:
                index += 2
            elif value == "--":
                targets.extend(a for a in args[index + 1 :] if "=" not in a[1])
                break
            elif value.startswith("-") or "=" in value:
                index += 1
            else:
                targets.append(args[index])
                index += 1
        if directory is None:
            return
        if makefile is not None:
            if makefile.startswith(("/", "~")):
                return
            target_file = normalize(makefile, directory)
            if target_file is None or not self.repo.is_file(target_file):
                if targets:
                    self.diag(MISSING_FILE, f"Makefile `{makefile}` does not exist", self.locate(targets[0][0]))
                return
        info = self.repo.makefile(directory, makefile)
        if info is None:
            if ("make", directory) not in self.missing_tools:
                self.missing_tools.add(("make", directory))
                where = f"`{directory}/`" if directory else "the repository root"
                position = self.locate(targets[0][0] if targets else 0)
                self.diag(MISSING_MAKE_TARGET, f"`make` has no Makefile to read in {where}", position)
            return
        for start, target, opaque in targets:
            if opaque or info.has(target):
                continue
            as_file = normalize(target, directory)
            if as_file is not None and self.repo.exists(as_file):
                continue
            hint = did_you_mean(target, info.targets)
            message = f"`make {target}`: no target `{target}` in `{info.path}`{hint}"
            self.diag(MISSING_MAKE_TARGET, message, self.locate(start))

    def make_dir(
        self, current: str | None, start: int, value: str, offset: int = 0, *, opaque: bool = False
    ) -> str | None:
        if current is None or opaque or value.startswith(("/", "~")):
            return None
        target = normalize(value, current)
        if target is None:
            self.diag(OUTSIDE_REPO, f"`make -C {value}` leaves the repository", self.locate(start + offset))
            return None
        if not self.repo.is_dir(target):
            self.path(value, "cd", start + offset)
            return None
        return target

    def package(self, tool: str, args: tuple[Arg, ...]) -> None:
        directory = self.cwd
        index = 0
        words: list[Arg] = []
        while index < len(args):
            value = args[index][1]
            nxt = args[index + 1] if index + 1 < len(args) else None
            if value in ("--prefix", "-C", "--dir", "--cwd") and nxt is not None:
                directory = self.package_dir(directory, nxt[1], nxt[2])
                index += 2
                continue
            if value.startswith(("--prefix=", "--dir=", "--cwd=")):
                directory = self.package_dir(directory, value.split("=", 1)[1], args[index][2])
                index += 1
                continue
            if value in _WORKSPACE_OPTIONS or value.startswith(("--workspace=", "--filter=")):
                return
            if value in ("--loglevel", "--registry", "--userconfig") and nxt is not None:
                index += 2
                continue
            if not value.startswith("-"):
                words.append(args[index])
            index += 1
        if not words or directory is None:
            return
        first_start, first, first_opaque = words[0]
        if first_opaque:
            return
        if first in ("run", "run-script", "rum", "urn"):
            if len(words) < 2:
                return
            script = words[1]
            strict = tool in ("npm", "pnpm")
        elif (first in ("test", "t", "tst") and tool in ("npm", "pnpm")) or (first == "test" and tool == "yarn"):
            script = words[0]
            strict = True
        elif tool == "npm" or first in (PNPM_BUILTINS if tool == "pnpm" else YARN_BUILTINS):
            return
        else:
            script = words[0]
            strict = False
        start, name, opaque = script
        if opaque:
            return
        if name in ("t", "tst"):
            name = "test"
        info = self.repo.package(directory)
        if info is None:
            if (tool, directory) not in self.missing_tools:
                self.missing_tools.add((tool, directory))
                where = f"`{directory}/`" if directory else "the repository root"
                self.diag(
                    MISSING_PACKAGE_SCRIPT,
                    f"`{tool} {first}` has no package.json to read in {where}",
                    self.locate(first_start),
                )
            return
        if name in info.scripts:
            return
        if not strict:
            if name in info.dependencies or (name in NODE_BINS and NODE_BINS[name] in info.dependencies):
                return
            local_bin = normalize(f"node_modules/.bin/{name}", directory)
            if local_bin is not None and self.repo.exists(local_bin):
                return
        shown = f"{tool} run {name}" if first in ("run", "run-script") else f"{tool} {name}"
        hint = did_you_mean(name, info.scripts)
        self.diag(MISSING_PACKAGE_SCRIPT, f"`{shown}`: no script `{name}` in `{info.path}`{hint}", self.locate(start))

    def package_dir(self, current: str | None, value: str, opaque: bool) -> str | None:
        if current is None or opaque or value.startswith(("/", "~")):
            return None
        target = normalize(value, current)
        return target if target is not None and self.repo.is_dir(target) else None

    # -- spans and links -----------------------------------------------------------------------

    def inline_path(self, span: CodeSpan, item: Item | None) -> None:
        value = span.text.strip()
        body = value[2:] if value.startswith("./") else value
        first = body.split("/", 1)[0]
        if "/" in body and domain_like(first):
            return  # `ghcr.io/org/app`, `example.com/x`
        if _EXTENSION_MENTION.match(value) and value not in KNOWN_DOTFILES:
            return  # "files ending in `.jsonl`": an extension, not a file
        position = (span.line, span.col)
        target = normalize(value)
        if target is None:
            self.add(value, None, position, "outside", "inline")
            self.diag(
                OUTSIDE_REPO,
                f"`{value}` is outside the repository{_OUTSIDE_FIX}",
                position,
            )
            return
        entry = self.repo.lookup(target + ("/" if value.endswith("/") else ""))
        if entry.kind == "outside":
            self.add(value, target, position, "outside", "inline")
            self.diag(
                OUTSIDE_REPO,
                f"`{value}` resolves outside the repository (through a symbolic link){_OUTSIDE_FIX}",
                position,
            )
            return
        if entry.kind != "missing":
            self.ok(target)
            return
        # Relative to the checklist's own folder, as some writers mean it.
        folder = posixpath.dirname(self.checklist.path)
        sibling = normalize(value, folder) if folder else None
        if sibling is not None and self.repo.exists(sibling + ("/" if value.endswith("/") else "")):
            self.ok(sibling)
            return
        creating = item is not None and _CREATING_WORDS.search(item.text) is not None
        if creating or self.is_produced(target) or self.repo.generated(target) or local_env_file(target):
            self.add(value, target, position, "skipped", "inline")
            return
        if self.repo.is_ignored(target):
            self.add(value, target, position, "skipped", "inline")
            return
        self.add(value, target, position, "missing", "inline")
        what = "Folder" if value.endswith("/") else "Path"
        self.diag(MISSING_FILE, f"{what} `{value}` does not exist{self.near(value, target)}", position)

    def link(self, target: str, line: int, col: int, anchors: AnchorIndex, written: str = "") -> None:
        raw = target.strip()
        if not raw or raw.startswith(("//", "/")) or _SCHEME.match(raw) or "{{" in raw or "{%" in raw:
            return
        path_part, _, fragment = raw.partition("#")
        path_part = path_part.split("?", 1)[0]
        path_text = url_unquote(path_part)
        # The anchor's column: after the `#` of the target as written (`café.md#x`, `a.md?v=1#x`).
        shown = written.strip() or raw
        fragment_col = col + (shown.find("#") if "#" in shown else len(shown)) + 1
        if not path_text:
            if fragment:
                anchors.check_own(self, url_unquote(fragment), line, fragment_col)
            return
        if "\\" in path_text or "\n" in path_text:
            return
        folder = posixpath.dirname(self.checklist.path)
        if self.checklist.path.startswith("/"):
            return
        resolved = normalize(path_text, folder)
        position = (line, col)
        # A page next to the checklists (same top folder), as opposed to another repository file.
        top = self.checklist.path.split("/", 1)[0] + "/"
        is_doc = resolved is not None and resolved.endswith(".md") and resolved.startswith(top)
        self.kind = "link_doc" if is_doc else "link_repo"
        try:
            if resolved is None:
                self.add(path_text, None, position, "outside", "link")
                self.diag(
                    OUTSIDE_REPO,
                    f"Link target `{path_text}` is outside the repository{_OUTSIDE_FIX}",
                    position,
                )
                return
            entry = self.repo.lookup(resolved + ("/" if path_text.endswith("/") else ""))
            if entry.kind == "outside":
                self.add(path_text, resolved, position, "outside", "link")
                self.diag(
                    OUTSIDE_REPO,
                    f"Link target `{path_text}` resolves outside the repository "
                    f"(through a symbolic link){_OUTSIDE_FIX}",
                    position,
                )
                return
            if entry.kind == "missing":
                # MkDocs-style page links: `guide/` or `guide` for `guide.md` or `guide/index.md`.
                stem = resolved.rstrip("/")
                for page in (stem + ".md", stem + "/index.md"):
                    if self.repo.is_file(page):
                        self.ok(page)
                        return
                self.add(path_text, resolved, position, "missing", "link")
                shown = f" (`{resolved}`)" if resolved != path_text else ""
                hint = self.near(path_text, resolved)
                self.diag(MISSING_FILE, f"Link target `{path_text}` does not exist{shown}{hint}", position)
                return
            self.ok(resolved)
            if fragment and entry.kind == "file" and resolved.lower().endswith((".md", ".markdown")):
                anchors.check(self, resolved, url_unquote(fragment), line, fragment_col)
        finally:
            self.kind = "command_path"


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_MAKE_ARG_OPTIONS = frozenset(
    {"-o", "-W", "-I", "--old-file", "--assume-old", "--what-if", "--new-file", "--assume-new", "--include-dir"}
)
_WORKSPACE_OPTIONS = frozenset(
    """
    -w --workspace --workspaces -ws --filter -F -r --recursive --if-present workspace workspaces
    """.split()  # noqa: SIM905 - a word list reads better than a list of strings
)

PNPM_BUILTINS = frozenset(
    """
    add install i update up upgrade remove rm uninstall un link ln unlink import rebuild rb prune fetch
    install-test it patch patch-commit patch-remove audit list ls outdated why licenses run run-script
    start exec dlx create init publish pack recursive server store root bin setup env deploy doctor
    config c get set help dedupe cat-file cat-index find-hash approve-builds self-update ignored-builds
    node licenses sbom version login logout whoami
    """.split()  # noqa: SIM905 - a word list reads better than a list of strings
)
YARN_BUILTINS = frozenset(
    """
    add install remove upgrade upgrade-interactive init info why workspace workspaces global cache
    config create dlx exec node pack publish link unlink audit bin check import licenses list login
    logout outdated owner policies tag team version versions help generate-lock-entry autoclean plugin
    up set constraints npm explain dedupe patch patch-commit rebuild stage unplug search start
    """.split()  # noqa: SIM905 - a word list reads better than a list of strings
)
NODE_BINS = {
    "tsc": "typescript",
    "ng": "@angular/cli",
    "nest": "@nestjs/cli",
    "vue-cli-service": "@vue/cli-service",
    "next": "next",
    "vite": "vite",
    "eslint": "eslint",
    "jest": "jest",
    "vitest": "vitest",
    "prettier": "prettier",
    "playwright": "@playwright/test",
    "prisma": "prisma",
    "tsx": "tsx",
    "wrangler": "wrangler",
    "astro": "astro",
    "nuxt": "nuxt",
    "svelte-kit": "@sveltejs/kit",
    "turbo": "turbo",
    "nx": "nx",
    "cypress": "cypress",
    "storybook": "storybook",
    "knex": "knex",
    "sequelize": "sequelize-cli",
    "typeorm": "typeorm",
    "drizzle-kit": "drizzle-kit",
}
"""Binaries whose name differs from (or equals) the package that provides them."""
WELL_KNOWN_COMMANDS = frozenset(
    """
    python python3 pip pip3 pytest mypy ruff black isort flake8 pylint coverage alembic uvicorn gunicorn
    celery django-admin flask mkdocs sphinx-build sphinx-autobuild tox nox pre-commit jupyter jupyter-lab
    ipython streamlit locust bandit safety twine hypercorn daphne manage.py dbt ansible ansible-playbook
    """.split()  # noqa: SIM905 - a word list reads better than a list of strings
)


# -- anchors -----------------------------------------------------------------------------------

_HTML_ID = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""")


class AnchorIndex:
    """Anchors of Markdown files (heading slugs, explicit IDs, item and block IDs), cached."""

    def __init__(self, repo: RepoIndex, checklist: Checklist) -> None:
        self.repo = repo
        self.checklist = checklist
        cache = repo.scratch.setdefault("anchors", {})
        assert isinstance(cache, dict)
        self.cache: dict[str, set[str] | None] = cache

    @staticmethod
    def of(checklist: Checklist) -> set[str]:
        """Anchors the engine knows for a parsed checklist."""
        anchors = {s.slug.lower() for s in checklist.sections}
        anchors.update(i.id.lower() for i in checklist.items)
        anchors.update(b.id.lower() for b in checklist.blocks)
        for section in checklist.sections:
            anchors.add(_unicode_slug(section.title))
        return anchors

    def anchors(self, relpath: str) -> set[str] | None:
        if relpath not in self.cache:
            from ..engine import parse_file

            path = self.repo.real_path(relpath)
            found: set[str] | None = None
            if path is not None and path.is_file():
                parsed = parse_file(path, relpath)
                found = self.of(parsed)
                found.update(_html_ids(self.repo.read_text(relpath) or ""))
            self.cache[relpath] = found
        return self.cache[relpath]

    def check(self, walk: _Walk, relpath: str, fragment: str, line: int, col: int) -> None:
        if not fragment or fragment.lower() in ("top", "_top"):
            return
        anchors = self.anchors(relpath)
        if anchors is None or fragment.lower() in anchors or _LINE_ANCHOR.match(fragment):
            return
        hint = did_you_mean(fragment.lower(), anchors)
        walk.diag(BROKEN_ANCHOR, f"Anchor `#{fragment}` does not exist in `{relpath}`{hint}", (line, col))

    def check_own(self, walk: _Walk, fragment: str, line: int, col: int) -> None:
        if not fragment or fragment.lower() in ("top", "_top") or _LINE_ANCHOR.match(fragment):
            return
        own = self.cache.get(self.checklist.path)
        if own is None:
            own = self.of(self.checklist)
            # Always with the HTML ids: other checklists that link here reuse this set.
            own.update(_html_ids(self.repo.read_text(self.checklist.path) or ""))
            self.cache[self.checklist.path] = own
        if fragment.lower() not in own:
            hint = did_you_mean(fragment.lower(), own)
            walk.diag(BROKEN_ANCHOR, f"Anchor `#{fragment}` does not exist in this checklist{hint}", (line, col))


_COMMIT_FIX = ": check the hash (`git log --oneline`); a commit that was never pushed is only in one clone"
_OUTSIDE_FIX = ": other clones and CI do not have it; link to it by URL or copy it into the repository"
_LINE_ANCHOR = re.compile(r"^L\d+(?:-L?\d+)?$")


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """``; did you mean `x`?`` for the known name closest to a misspelt ``value``, else ``""``."""
    from difflib import get_close_matches  # only on a finding

    names = sorted(known)
    # A typo (`deploy-prod`, `rollbak`) or a shortened name (`build:prod` for `build`):
    # close enough that the hint helps, never a guess between unrelated names.
    close = get_close_matches(value, names, n=1, cutoff=0.78) or get_close_matches(
        value, [n for n in names if len(n) >= 3 and (value.startswith(n) or n.startswith(value))], n=1, cutoff=0.5
    )
    return f"; did you mean `{close[0]}`?" if close else ""


@lru_cache(maxsize=1024)
def _file_hint(name: str, folder: tuple[str, ...]) -> str:
    """:func:`did_you_mean` for a missing file among its folder's names, remembered: a
    renamed script is missing from many steps and checklists at once (on the benchmark
    corpus, 600 hints on 200 files name 21 distinct files)."""
    return did_you_mean(name, folder)


def _html_ids(text: str) -> set[str]:
    if "id" not in text and "name" not in text:
        return set()
    return {m.group(1).lower() for m in _HTML_ID.finditer(text)}


def _unicode_slug(title: str) -> str:
    # pymdownx.slugs-style slug (keeps non-ASCII letters), for sites that configure it.
    value = re.sub(r"[^\w\s-]", "", title.lower(), flags=re.UNICODE).strip()
    return re.sub(r"[-\s]+", "-", value)


# -- the walk over one checklist ------------------------------------------------------------------


# -- where options are written --------------------------------------------------------------


def source_lines(checklist: Checklist, ctx: RuleContext) -> list[str]:
    """The checklist's lines (empty when its file cannot be read), without a byte order mark.

    Columns count from the first character after the mark, as the engine's do.
    """
    data = ctx.source(checklist)
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff").splitlines() if data else []


def option_position(lines: list[str], block: Block, key: str) -> tuple[int, int]:
    """Where ``key`` is written: in the fence header, else the comment above it, else the fence."""
    pattern = re.compile(rf"(?<![\w-])(?:data-preflight-)?{re.escape(key)}\s*=")
    for line in (block.line, block.options_line or block.line - 1):
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        start = block.col - 1 if line == block.line else 0
        match = pattern.search(text, start)
        if match is not None:
            return line, match.start() + 1
    return block.line, block.col


def front_matter_position(lines: list[str], key: str, *, top: bool) -> tuple[int, int]:
    """Where ``key`` is written in the front matter (a key of ``run:`` unless ``top``), else 1:1."""
    import yaml  # only when a finding needs the place

    from ..config import SAFE_LOADER, mapping_entry

    if not lines or lines[0].strip() != "---":
        return 1, 1
    end = next((i for i, text in enumerate(lines[1:], 1) if text.strip() in ("---", "...")), len(lines))
    try:
        root = yaml.compose("\n".join(lines[1:end]), Loader=SAFE_LOADER)
    except yaml.YAMLError:
        return 1, 1
    if not top:
        run = mapping_entry(root, "run")
        root = run[1] if run else None
    entry = mapping_entry(root, key)
    if entry is None:
        return 1, 1
    mark = entry[0].start_mark
    return mark.line + 2, mark.column + 1  # the front matter starts on line 2


def analyse(checklist: Checklist, ctx: RuleContext) -> Analysis:
    """Find every repository reference of a checklist and what is wrong with it.

    The result is cached for the last checklist seen, so the PF2xx checks and
    :func:`references` share one walk.
    """
    repo = ctx.repo
    cached = repo.scratch.get("analysis")
    if isinstance(cached, tuple) and cached[0] is checklist:
        result: Analysis = cached[1]
        return result
    analysis = Analysis()
    walk = _Walk(checklist, repo, analysis)
    anchors = AnchorIndex(repo, checklist)
    owners = _span_owners(checklist)
    events: list[tuple[int, int, object]] = []
    for order, block in enumerate(checklist.blocks):
        if block.lang in SHELL_LANGS and block.commands:
            events.append((block.line, order, block))
    for order, span in enumerate(checklist.code_spans):
        if span.kind in ("command", "path"):
            events.append((span.line, len(checklist.blocks) + order, span))
    events.sort(key=lambda event: (event[0], event[1]))
    start_cwd = normalize(checklist.run.cwd, "") if checklist.run.cwd else ""
    lines: list[str] | None = None
    if start_cwd and not repo.is_dir(start_cwd):
        lines = source_lines(checklist, ctx)
        where = front_matter_position(lines, "cwd", top=False)
        walk.diag(MISSING_FILE, f"Folder `{checklist.run.cwd}` does not exist: the front matter's `run.cwd`", where)
    for _line, _order, thing in events:
        if isinstance(thing, Block):
            walk.step = thing.id
            walk.mentioned = set()
            walk.subshells = []
            cwd_option = thing.options.get("cwd")
            # Relative to the root, like `preflight run`: a block's cwd replaces run.cwd.
            walk.cwd = normalize(cwd_option, "") if cwd_option else start_cwd
            if cwd_option and walk.cwd and not repo.is_dir(walk.cwd) and not walk.excused(cwd_option, walk.cwd):
                lines = lines if lines is not None else source_lines(checklist, ctx)
                message = f"Folder `{cwd_option}` does not exist: block `{thing.id}` runs in it (`cwd`)"
                walk.diag(MISSING_FILE, message, option_position(lines, thing, "cwd"))
            lines = thing.code.split("\n")
            for command in thing.commands:
                walk.locate = block_locator(thing, command, lines)
                walk.command(command.text)
        else:
            assert isinstance(thing, CodeSpan)
            item = owners.get(id(thing))
            walk.step = item.id if item is not None else None
            walk.mentioned = set()
            if thing.kind == "command":
                text, skip = inline_command(thing)
                walk.cwd = start_cwd
                walk.subshells = []
                walk.locate = span_locator(thing, skip)
                walk.command(text)
            else:
                walk.kind = "inline_path"
                walk.inline_path(thing, item)
                walk.kind = "command_path"
    link_owners = _link_owners(checklist)
    for link in checklist.links:
        item = link_owners.get(id(link))
        walk.step = item.id if item is not None else None
        walk.link(link.target, link.line, link.col, anchors, link.written)
    repo.scratch["analysis"] = (checklist, analysis)
    return analysis


def _span_owners(checklist: Checklist) -> dict[int, Item]:
    return {id(span): item for item in checklist.items for span in item.code_spans}


def _link_owners(checklist: Checklist) -> dict[int, Item]:
    return {id(link): item for item in checklist.items for link in item.links}


def references(checklist: Checklist, ctx: RuleContext) -> Iterator[tuple[str, str]]:
    """(step ID, root-relative path) for every existing repository file a step references.

    Steps are items and blocks; a reference in a block belongs to the block, one in an
    item's text (inline code, links) to the item. Folders, missing files and references
    outside steps are left out. Each pair is given once, in document order.
    """
    seen: set[tuple[str, str]] = set()
    repo = ctx.repo
    for step, target in analyse(checklist, ctx).resolved:
        if step is None or not repo.is_file(target):
            continue
        pair = (step, target)
        if pair not in seen:
            seen.add(pair)
            yield pair


def check_references(checklist: Checklist, ctx: RuleContext) -> Iterable[Diagnostic]:
    """PF201, PF202, PF203, PF204, PF205, PF206, PF209 (and PF208 for git command arguments)."""
    if not any(ctx.wants(code) for code in REFERENCE_CODES):
        return []
    return list(analyse(checklist, ctx).diagnostics)


REFERENCE_CODES = ("PF201", "PF202", "PF203", "PF204", "PF205", "PF206", "PF208", "PF209")


# -- PF207: environment variables -----------------------------------------------------------------

SHELL_VARIABLES = frozenset(
    """
    HOME PATH PWD OLDPWD USER LOGNAME SHELL TERM LANG LANGUAGE TMPDIR TMP TEMP HOSTNAME HOSTTYPE UID
    EUID PPID RANDOM SECONDS LINENO IFS PS1 PS2 PS4 EDITOR VISUAL PAGER DISPLAY BASH BASHPID BASH_SOURCE
    BASH_VERSION FUNCNAME PIPESTATUS OPTARG OPTIND REPLY SHLVL COLUMNS LINES MAIL OSTYPE MACHTYPE GROUPS
    EPOCHSECONDS EPOCHREALTIME SRANDOM HISTFILE CI XDG_CONFIG_HOME XDG_DATA_HOME XDG_CACHE_HOME
    XDG_RUNTIME_DIR SSH_AUTH_SOCK TZ NO_COLOR
    """.split()  # noqa: SIM905 - a word list reads better than a list of strings
)
_VAR_USE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_]\w*)(?P<modifier>[^}]*)\}|(?P<plain>[A-Za-z_]\w*))")


@cache
def _var_set_pattern() -> re.Pattern[str]:
    """Assignments, ``read`` and loop variables; compiled on first use (0.4 ms of start-up)."""
    return re.compile(
        r"(?:^|[\s;&|(`])(?:export\s+|declare\s+(?:-\w+\s+)*|local\s+|readonly\s+|typeset\s+)?(?P<name>[A-Za-z_]\w*)\+?="
        r"|\bread\s+(?:-\w+\s+(?:\S+\s+)?)*(?P<read>[A-Za-z_]\w*(?:\s+[A-Za-z_]\w*)*)"
        r"|\b(?:for|select)\s+(?P<loop>[A-Za-z_]\w*)\s+in\b"
        r"|\bexport\s+(?P<exported>[A-Za-z_]\w*(?:\s+[A-Za-z_]\w*)*)\s*(?:$|[;&|])"
    )


_ENV_LINE = re.compile(r"^\s*(?:export\s+)?#?\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:=|$)", re.M)
_UPPER = re.compile(r"^[A-Z][A-Z0-9_]*$")
_SINGLE_QUOTED = re.compile(r"'[^']*'")


def _commands_in(checklist: Checklist) -> Iterator[tuple[str, Locator]]:
    for block in checklist.blocks:
        if block.lang in SHELL_LANGS:
            for command in block.commands:
                yield command.text, block_locator(block, command)
    for span in checklist.code_spans:
        if span.kind == "command":
            text, skip = inline_command(span)
            yield text, span_locator(span, skip)


def env_example_names(repo: RepoIndex, relpath: str) -> set[str] | None:
    """Variable names an env example file lists (``NAME=``, ``export NAME=``, ``# NAME=``)."""
    cache = repo.scratch.setdefault("env_example", {})
    assert isinstance(cache, dict)
    if relpath not in cache:
        text = repo.read_text(relpath)
        cache[relpath] = None if text is None else {m.group("name") for m in _ENV_LINE.finditer(text)}
    names: set[str] | None = cache[relpath]
    return names


def check_env_vars(checklist: Checklist, ctx: RuleContext) -> Iterable[Diagnostic]:
    """PF207: upper-case variables that commands read but the env example file does not list."""
    configured = ctx.settings.values.get("env_example")
    if not ctx.wants(ENV_NOT_IN_EXAMPLE.code) or not configured or not isinstance(configured, str):
        return []
    relpath = normalize(configured)
    if relpath is None:
        return []
    listed = env_example_names(ctx.repo, relpath)
    commands = list(_commands_in(checklist))
    if not commands:
        return []
    assigned = set(checklist.run.env)
    for text, _locate in commands:
        for m in _var_set_pattern().finditer(text):
            for group in ("name", "read", "loop", "exported"):
                if m.group(group):
                    assigned.update(m.group(group).split())
    found: list[Diagnostic] = []
    reported: set[str] = set()
    for text, locate in commands:
        if "$" not in text:
            continue
        scan = _SINGLE_QUOTED.sub(lambda m: " " * len(m.group(0)), text)
        for m in _VAR_USE.finditer(scan):
            name = m.group("braced") or m.group("plain")
            modifier = m.group("modifier") or ""
            if not _UPPER.match(name) or name in SHELL_VARIABLES or name in assigned or name in reported:
                continue
            if modifier[:2] in (":-", ":=", ":?", ":+") or modifier[:1] in ("-", "=", "+", "?"):
                continue
            if listed is not None and name in listed:
                continue
            reported.add(name)
            line, col = locate(m.start())
            why = (
                f"is not listed in `{configured}`: add `{name}=` there (with an example value or a comment)"
                if listed is not None
                else f"cannot be checked: `{configured}` does not exist"
            )
            found.append(
                Diagnostic(
                    ENV_NOT_IN_EXAMPLE.code, f"`${name}` {why}", checklist.path, line, col, ENV_NOT_IN_EXAMPLE.level
                )
            )
    return found


# -- PF208: commit hashes -----------------------------------------------------------------------

_COMMIT_CONTEXT = re.compile(
    r"\b(?:commits?|committed|sha1?|revisions?|rev|cherry-pick(?:ed)?|revert(?:ed)?|hash(?:es)?|merged?)\b", re.I
)


def check_commits(checklist: Checklist, ctx: RuleContext) -> Iterable[Diagnostic]:
    """PF208: hashes in inline code, next to a word such as "commit", that git does not know."""
    if not ctx.wants(UNKNOWN_COMMIT.code):
        return []
    spans = checklist.code_spans
    candidates = [s for s in spans if s.kind == "literal" and HEX.match(s.text.strip().lower())]
    candidates = [s for s in candidates if re.search(r"\d", s.text) and re.search(r"[a-fA-F]", s.text)]
    if not candidates:
        return []
    owners = _span_owners(checklist)
    found: list[Diagnostic] = []
    for span in candidates:
        item = owners.get(id(span))
        # The words around: the item's text, else the heading (or the paragraph's heading).
        context = item.text if item is not None else _section_at(checklist, span.line) or ""
        if not _COMMIT_CONTEXT.search(context):
            continue
        sha = span.text.strip()
        if ctx.repo.commit_exists(sha) is False:
            found.append(
                Diagnostic(
                    UNKNOWN_COMMIT.code,
                    f"Commit `{sha}` is not known to git{_COMMIT_FIX}",
                    checklist.path,
                    span.line,
                    span.col,
                    UNKNOWN_COMMIT.level,
                )
            )
    return found


def _section_at(checklist: Checklist, line: int) -> str | None:
    title: str | None = None
    for section in checklist.sections:
        if section.line > line:
            break
        title = section.title
    return title


# The pipeline reads the codes each check reports from the first line of its docstring.
FILE_CHECKS: list[FileCheck] = [check_references, check_env_vars, check_commits]
