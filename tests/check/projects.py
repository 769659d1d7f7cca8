"""Drawn projects for property tests: checklists that ask the repository many questions.

Hypothesis writes a small project in a git repository: checklists made of lines that
ask the repository many kinds of questions (scripts, links and anchors, Makefile
targets, npm scripts, Python modules and console scripts, env variables, requirements,
commits, ignored files), and the files that answer them, each in one of a few states
(:data:`starts`). Then it can change the project step by step (:data:`changes`): a file
appears, disappears, changes, loses its executable bit or becomes a broken symbolic
link, a checklist is rewritten, the configuration changes, a commit becomes unknown,
the steps are locked, scripts are extracted.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

from click.testing import CliRunner
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from mkdocs_preflight.cli import main

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}

SCRIPT = "#!/bin/sh\necho ok\n"
EXECUTABLE = "executable"
"""The state of a script that exists with its executable bit set."""
LINK = "link"
"""The state of a script that is a symbolic link to ``x.sh`` (which may be missing)."""
SIDE_DATE = {"GIT_AUTHOR_DATE": "2001-01-01T00:00:00Z", "GIT_COMMITTER_DATE": "2001-01-01T00:00:00Z"}
"""Fixed dates: the side branch's commit gets the same hash each time it is made."""

# Each repository file and the states it can be in (``None``: absent).
FILES: dict[str, list[str | None]] = {
    "scripts/deploy.sh": [None, SCRIPT, EXECUTABLE, LINK],
    "scripts/x.sh": [None, SCRIPT, EXECUTABLE],
    "Makefile": [None, "build:\n\ttrue\n", "build:\n\ttrue\nrelease: build\n\ttrue\n", "include nothing.mk\n"],
    "package.json": [None, '{"scripts": {"lint": "true"}}\n', '{"scripts": {"lint": "true", "test": "true"}}\n', "{"],
    "pyproject.toml": [
        None,
        '[project]\nname = "app"\n[project.scripts]\napp = "pkg:main"\n',
        '[project]\nname = "app"\n',
        "[project\n",
    ],
    "src/app.py": [None, "print('app')\n"],
    "pkg/__init__.py": [None, "def main() -> None: ...\n"],
    "pkg/__main__.py": [None, "print('pkg')\n"],
    ".env.example": [None, "DEPLOY_URL=1\n", "DEPLOY_URL=1\nAPI_HOST=2\n"],
    "requirements.yml": [
        None,
        'requirements:\n  "1.1": Announce the window\n',
        'requirements:\n  "1.1": Announce the window\n  "1.2": Name an owner\n',
        "requirements: [\n",
    ],
    "docs/guide.md": [None, "# Guide\n\n## Install\n\nText.\n", "# Guide\n\n## Setup\n\nText.\n"],
    ".gitignore": [None, "build/\n", "scripts/x.sh\n", "scripts/\n!scripts/deploy.sh\n"],
    "build/out.txt": [None, "built\n"],
    "deploy/Makefile": [None, "up:\n\ttrue\n"],
    "deploy/run.sh": [None, EXECUTABLE],
    "web/package.json": [None, '{"scripts": {"build": "true"}}\n'],
    "scripts/env.sh": [None, "export DEPLOY_URL=1\n"],
    "docs/img.png": [None, "not really a picture\n"],
    "scripts/my deploy.sh": [None, EXECUTABLE],
}

CONFIGS = [
    "site_name: t\nplugins:\n  - preflight\n",
    "site_name: t\nplugins:\n  - preflight:\n      registry: requirements.yml\n      env_example: .env.example\n",
    "site_name: t\nplugins:\n  - preflight:\n      registry: requirements.yml\n      ignore: [PF304]\n",
    # The checklists are the site's own pages, enhanced in place.
    "site_name: t\ndocs_dir: checklists\nplugins:\n  - preflight:\n      checklists_dir: checklists\n",
]

CHECKLISTS = ("checklists/a.md", "checklists/b.md", "checklists/ops/c.md")

# Lines a checklist is made of: each asks the repository something. ``{commit}`` is the
# first commit's hash, ``{side}`` the hash of a commit that the steps can make unknown.
LINES = [
    "- [ ] Deploy with `./scripts/deploy.sh`",
    "- [ ] Run [the helper](../scripts/x.sh)",
    "- [ ] Read the [guide](../docs/guide.md#install)",
    "- [ ] Read the [setup](../docs/guide.md#setup)",
    "- [ ] See [B's preparation](b.md#prepare)",
    "- [ ] See [C](ops/c.md#setup)",
    "- [ ] See [B's second preparation](b.md#prepare_1) and [again](b.md#prepare-1)",
    "- [ ] See [B's deploy step](b.md#deploy-with-scripts-deploy-sh) and [A's title](a.md#checklist)",
    "- [ ] Back to [A's setup](../a.md#setup) from anywhere",
    "- [ ] Build\n\n    ```bash\n    make build\n    make release\n    ```",
    "- [ ] Lint\n\n    ```bash\n    npm run lint\n    npm run test\n    ```",
    "- [ ] Start\n\n    ```bash\n    python -m pkg\n    python src/app.py\n    app --help\n    ```",
    '- [ ] Call\n\n    ```bash\n    curl "$DEPLOY_URL/$API_HOST"\n    ```',
    "- [ ] Helper\n\n    ```bash\n    bash scripts/x.sh\n    ./scripts/deploy.sh --dry-run\n    ```",
    "- [ ] Announce the window (Requirement 1.1)",
    "- [ ] Name an owner (Requirement 1.2) and check (Requirement 1.3)",
    "- [ ] Compare commit `{commit}` with commit `deadbeef0123456789abcdef`",
    "- [ ] Cherry-pick commit `{side}` from the side branch",
    "- [ ] Look at `build/out.txt`",
    "- [ ] Wipe\n\n    ```bash\n    rm -rf /srv/data\n    ```",
    "- [ ] Go up\n\n    ```bash\n    cd deploy\n    ./run.sh\n    make up\n    ```",
    "- [ ] Go up in place\n\n    ```bash cwd=deploy\n    ./run.sh\n    make up\n    ```",
    "- [ ] Sub-projects\n\n    ```bash\n    make -C deploy up\n    npm --prefix web run build\n    ```",
    "- [ ] Environment\n\n    ```bash\n    source scripts/env.sh\n    . ./scripts/env.sh\n    ```",
    '- [ ] Spaces\n\n    ```bash\n    "./scripts/my deploy.sh"\n    ```',
    "- [ ] Picture ![shot](../docs/img.png) and folder `deploy/`",
    "- [ ] Plan the rollback (REQ-7)",
    "- [ ] Done âœ… with mojibake",
    "<!-- preflight: ignore PF201 -->\n- [ ] Silenced `./scripts/deploy.sh`",
    "## Prepare",
    "## Setup",
]


FRONT_MATTER = [
    "",
    "---\nrequirements:\n  REQ-7: Every deployment has a rollback plan\n---\n",
    "---\nrun:\n  cwd: deploy\n---\n",
    "---\ntitle: [unclosed\n---\n",
]


@st.composite
def checklists(draw: st.DrawFn) -> str:
    """A checklist: front matter (or none), a title, then lines from :data:`LINES`."""
    front = draw(st.sampled_from(FRONT_MATTER))
    lines = draw(st.lists(st.sampled_from(LINES), min_size=1, max_size=7))
    return front + "# Checklist\n\n" + "\n\n".join(lines) + "\n"


# A change to the project: ("file", path, state), ("checklist", path, text),
# ("config", index), ("lock",), ("extract",), ("side", made), ("commit",).
changes = st.one_of(
    st.sampled_from(sorted(FILES)).flatmap(
        lambda path: st.tuples(st.just("file"), st.just(path), st.sampled_from(FILES[path]))
    ),
    st.tuples(st.just("checklist"), st.sampled_from(CHECKLISTS), checklists()),
    st.tuples(st.just("config"), st.integers(0, len(CONFIGS) - 1)),
    st.just(("lock",)),
    st.just(("extract",)),
    st.tuples(st.just("side"), st.booleans()),
    st.just(("commit",)),
)


def git(root: Path, *args: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        ["git", *args],
        cwd=root,
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, **GIT_ENV, **(env or {})},
    )
    return done.stdout.strip()


def side_commit(root: Path, made: bool) -> str:
    """Make (or drop and prune) the side branch's commit; its hash either way."""
    first = git(root, "rev-list", "--max-parents=0", "HEAD")
    commit = git(root, "commit-tree", f"{first}^{{tree}}", "-p", first, "-m", "side", env=SIDE_DATE)
    if made:
        git(root, "branch", "-f", "side", commit)
    else:
        if git(root, "branch", "--list", "side"):
            git(root, "branch", "-D", "side")
        git(root, "reflog", "expire", "--expire=now", "--all")
        git(root, "gc", "-q", "--prune=now")
    return commit


def set_file(root: Path, name: str, state: str | None) -> None:
    """Put a file in one of its :data:`FILES` states (``None``: absent)."""
    path = root / name
    if state is None:
        path.unlink(missing_ok=True)  # a link itself, never its target
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.is_symlink() or state == LINK:
        path.unlink(missing_ok=True)
    if state == LINK:
        path.symlink_to("x.sh")
        return
    path.write_text(SCRIPT if state == EXECUTABLE else state, encoding="utf-8")
    path.chmod(0o755 if state == EXECUTABLE else 0o644)


@contextmanager
def _inside(root: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(root)
    try:
        yield
    finally:
        os.chdir(before)


def preflight(root: Path, *args: str) -> tuple[int, str]:
    """Run the ``preflight`` CLI in ``root``: its exit code and its output."""
    with _inside(root):
        result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout if result.exit_code != 2 else result.output


def check(root: Path, *extra: str) -> tuple[int, list[object]]:
    """``preflight check --format json``: the exit code and the findings (the error text on exit 2)."""
    scripts = ["--scripts-dir", "gen"] if (root / "gen").is_dir() else []
    code, out = preflight(root, "check", "--format", "json", "--jobs", "1", *scripts, *extra)
    assert code in (0, 1, 2), out
    return code, json.loads(out)["diagnostics"] if code != 2 else [out]


class Start(NamedTuple):
    """A drawn project: each file's state, the three checklists, the configuration."""

    files: dict[str, str | None]
    texts: tuple[str, str, str]
    config: int
    side: bool


starts = st.builds(
    Start,
    files=st.fixed_dictionaries({path: st.sampled_from(states) for path, states in FILES.items()}),
    texts=st.tuples(checklists(), checklists(), checklists()),
    config=st.integers(0, len(CONFIGS) - 1),
    side=st.booleans(),
)


class Project:
    """A drawn project written into a git repository at ``root``."""

    def __init__(self, root: Path, start: Start) -> None:
        self.root = root
        (root / "mkdocs.yml").write_text(CONFIGS[start.config], encoding="utf-8")
        (root / "README.md").write_text("# t\n", encoding="utf-8")
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "start")
        self.hashes = {"{commit}": git(root, "rev-parse", "HEAD")[:12], "{side}": side_commit(root, start.side)[:12]}
        for name, state in start.files.items():
            set_file(root, name, state)
        for name, text in zip(CHECKLISTS, start.texts, strict=True):
            self.write_checklist(name, text)

    def write_checklist(self, name: str, text: str) -> None:
        for placeholder, value in self.hashes.items():
            text = text.replace(placeholder, value)
        set_file(self.root, name, text)

    def change(self, step: tuple[object, ...]) -> None:
        """Apply one drawn change."""
        kind, root = step[0], self.root
        if kind == "file":
            set_file(root, str(step[1]), step[2] if isinstance(step[2], str) else None)
        elif kind == "checklist":
            self.write_checklist(str(step[1]), str(step[2]))
        elif kind == "config":
            (root / "mkdocs.yml").write_text(CONFIGS[int(str(step[1]))], encoding="utf-8")
        elif kind == "side":
            side_commit(root, bool(step[1]))
        elif kind == "commit":
            git(root, "add", "-A")
            git(root, "commit", "-q", "--allow-empty", "-m", "step")
        elif kind == "lock":
            assert preflight(root, "lock")[0] in (0, 1, 2)
        else:
            assert preflight(root, "extract", "--format", "sh", "--out", "gen")[0] in (0, 1, 2)


DRAWN = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
"""Hypothesis settings for tests on drawn projects (each example writes a git repository)."""


@contextmanager
def drawn(start: Start, *, site: bool = False) -> Iterator[Project]:
    """The drawn project in a temporary folder (with ``docs/index.md`` for a ``site``)."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Project(Path(tmp), start)
        if site:
            (project.root / "docs").mkdir(exist_ok=True)
            (project.root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
        yield project
