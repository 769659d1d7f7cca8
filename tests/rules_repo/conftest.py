"""A real repository to check checklists against: files, modes, a Makefile, package.json, git."""

from __future__ import annotations

import os
import subprocess
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from mkdocs_preflight.config import Settings, validate
from mkdocs_preflight.engine import Project, parse_text
from mkdocs_preflight.model import Checklist, Diagnostic
from mkdocs_preflight.rules import commands, repository
from mkdocs_preflight.rules.context import RuleContext

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}

MAKEFILE = """\
BIN := .venv/bin
ENV ?= staging
.PHONY: build test deploy-staging phony-only

build:
\t@echo build

test: build
\tpytest -q

deploy-staging deploy-canary: build
\t./scripts/deploy.sh --env $(ENV)

$(BIN)/python:
\tpython3 -m venv .venv

release-%:
\t@echo $*

include extra.mk
"""

PACKAGE_JSON = """\
{
  "name": "web",
  "scripts": {"build": "vite build", "test": "vitest", "lint:css": "stylelint ."},
  "devDependencies": {"vite": "^5", "typescript": "^5", "eslint": "^9"}
}
"""

PYPROJECT = """\
[project]
name = "acme-app"
dependencies = ["click>=8", "PyYAML"]

[project.optional-dependencies]
dev = ["pytest", "alembic"]

[project.scripts]
acme = "acme.cli:main"

[tool.setuptools.packages.find]
where = ["src"]
"""

FILES: dict[str, str] = {
    "Makefile": MAKEFILE,
    "extra.mk": "extra-target:\n\t@echo extra\n",
    "package.json": PACKAGE_JSON,
    "pyproject.toml": PYPROJECT,
    "src/acme/__init__.py": "",
    "src/acme/cli.py": "def main() -> None: ...\n",
    "tools/report.py": "print('report')\n",
    "manage.py": "print('manage')\n",
    "scripts/deploy.sh": "#!/bin/sh\necho deploy\n",
    "scripts/noexec.sh": "#!/bin/sh\necho noexec\n",
    "scripts/env.sh": "export A=1\n",
    "config/prod.yml": "replicas: 3\n",
    "config/staging.yml": "replicas: 1\n",
    "migrations/0001_init.sql": "select 1;\n",
    "k8s/app.yaml": "kind: Deployment\n",
    "apps/backend/tests/test_x.py": "def test_x(): pass\n",
    "apps/web/package.json": '{"scripts": {"dev": "vite"}}\n',
    "services/api/Makefile": "serve:\n\t@echo serve\n",
    "docs/guide.md": '# Guide\n\n## Rollback plan\n\n<a id="custom-anchor"></a>\n',
    "checklists/other.md": "# Other\n\n## Step 2: Verify\n\n- [ ] Check it { #check-it }\n",
    ".env.example": "DATABASE_URL=postgres://x\nexport API_TOKEN=\n# OPTIONAL_FLAG=1\n",
    ".gitignore": "generated/\n*.log\n",
    "README.md": "# Project\n",
}


def git(root: Path, *args: str) -> str:
    """Run git in ``root`` with a fixed identity; return its output."""
    return subprocess.run(
        ["git", *args], cwd=root, check=True, capture_output=True, text=True, env={**os.environ, **GIT_ENV}
    ).stdout


def make_repo(root: Path, files: dict[str, str] | None = None, *, use_git: bool = True) -> Path:
    """Write a repository: the standard files (or ``files``), modes, and one git commit."""
    root.mkdir(parents=True, exist_ok=True)
    for name, content in (FILES if files is None else files).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    for name in ("scripts/deploy.sh", "scripts/env.sh"):
        if (root / name).exists():
            (root / name).chmod(0o755)
    if (root / "scripts/noexec.sh").exists():
        (root / "scripts/noexec.sh").chmod(0o644)
    if use_git:
        git(root, "init", "-q", "-b", "main")
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "init")
    return root


@pytest.fixture(scope="session")
def shared_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One standard repository for the whole session (tests must not change it)."""
    return make_repo(tmp_path_factory.mktemp("repo") / "repo")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A fresh standard repository that a test may change."""
    return make_repo(tmp_path / "repo")


def context(root: Path, **options: object) -> RuleContext:
    """The real rule context for a project rooted at ``root``."""
    values, _ = validate(dict(options))
    return RuleContext(Project(Settings(root=root.resolve(), config_file=None, values=values)))


Check = Callable[..., list[Diagnostic]]


def run_checks(root: Path, text: str, path: str = "checklists/test.md", **options: object) -> list[Diagnostic]:
    """Write a checklist into the repository, parse it and run every PF2xx and PF3xx check."""
    text = textwrap.dedent(text)
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    checklist = parse_text(text, path)
    ctx = context(root, **options)
    ctx.set_source(path, text.encode("utf-8"))
    try:
        found: list[Diagnostic] = []
        for check in [*repository.FILE_CHECKS, *commands.FILE_CHECKS]:
            found.extend(check(checklist, ctx))
        return sorted(found, key=Diagnostic.sort_key)
    finally:
        ctx.close()


def parsed(text: str, path: str = "checklists/test.md") -> Checklist:
    """Parse a checklist (dedented)."""
    return parse_text(textwrap.dedent(text), path)


@pytest.fixture
def check(shared_repo: Path) -> Iterator[Check]:
    """``check(markdown, code=None, **options)``: findings in the shared repository (only ``code``)."""

    def run(
        text: str, code: str | None = None, path: str = "checklists/test.md", **options: object
    ) -> list[Diagnostic]:
        found = run_checks(shared_repo, text, path, **options)
        return [d for d in found if code is None or d.code.startswith(code)]

    yield run
    (shared_repo / "checklists/test.md").unlink(missing_ok=True)


def codes(diagnostics: list[Diagnostic]) -> list[tuple[str, int]]:
    """(code, line) of each finding."""
    return [(d.code, d.line) for d in diagnostics]
