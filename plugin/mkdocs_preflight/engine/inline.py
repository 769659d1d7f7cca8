"""Classifying inline code spans: ``command``, ``path`` or ``literal``.

Precision matters more than recall here: a span called a ``path`` is checked against
the repository, so ``v1.2.3``, ``p95``, ``10%/50%``, URLs, ``owner/repo`` shapes, globs
and absolute or home paths must stay ``literal``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..model import SpanKind

COMMAND_WORDS = frozenset(
    [
        "ansible",
        "ansible-playbook",
        "apt",
        "apt-get",
        "aws",
        "az",
        "bandit",
        "bash",
        "black",
        "brew",
        "bundle",
        "cargo",
        "cat",
        "cd",
        "celery",
        "chmod",
        "chown",
        "composer",
        "cp",
        "createdb",
        "curl",
        "dig",
        "django-admin",
        "docker",
        "docker-compose",
        "dotnet",
        "dropdb",
        "echo",
        "env",
        "export",
        "flake8",
        "flask",
        "gcloud",
        "gh",
        "git",
        "go",
        "gradle",
        "grep",
        "gunicorn",
        "helm",
        "heroku",
        "http",
        "isort",
        "java",
        "journalctl",
        "jq",
        "kill",
        "kubectl",
        "ln",
        "ls",
        "make",
        "mkdir",
        "mv",
        "mvn",
        "mypy",
        "mysql",
        "nc",
        "nginx",
        "node",
        "npm",
        "npx",
        "openssl",
        "pg_dump",
        "pg_restore",
        "php",
        "pip",
        "pip3",
        "pipenv",
        "pnpm",
        "poetry",
        "psql",
        "pylint",
        "pytest",
        "python",
        "python3",
        "rails",
        "rake",
        "redis-cli",
        "rm",
        "rsync",
        "ruby",
        "ruff",
        "safety",
        "scp",
        "sed",
        "sh",
        "source",
        "ssh",
        "sudo",
        "systemctl",
        "tail",
        "tar",
        "terraform",
        "tox",
        "twine",
        "unzip",
        "uv",
        "uvicorn",
        "vault",
        "wget",
        "yarn",
        "zsh",
        "mkdocs",
        "preflight",
        "pre-commit",
        "nox",
        "kubectx",
        "kustomize",
        "skaffold",
        "supabase",
        "vercel",
        "netlify",
        "firebase",
        "sentry-cli",
        "stripe",
        "heroku",
        "serverless",
        "sam",
        "cdk",
        "pulumi",
    ]
)
PATH_EXTENSIONS = frozenset(
    [
        "md",
        "markdown",
        "sh",
        "bash",
        "zsh",
        "py",
        "pyi",
        "js",
        "mjs",
        "cjs",
        "ts",
        "tsx",
        "jsx",
        "json",
        "yml",
        "yaml",
        "toml",
        "ini",
        "cfg",
        "conf",
        "txt",
        "csv",
        "sql",
        "env",
        "lock",
        "tf",
        "tfvars",
        "hcl",
        "rb",
        "go",
        "rs",
        "java",
        "kt",
        "php",
        "pl",
        "ps1",
        "bat",
        "cmd",
        "html",
        "htm",
        "css",
        "scss",
        "xml",
        "plist",
        "properties",
        "gradle",
        "dockerfile",
        "j2",
        "jinja",
        "jinja2",
        "tpl",
        "service",
        "timer",
        "example",
        "sample",
        "template",
        "dist",
        "pem",
        "crt",
        "key",
        "pub",
        "gz",
        "zip",
        "tar",
        "tgz",
        "log",
        "rst",
        "adoc",
        "ipynb",
        "mk",
    ]
)
BARE_FILE_NAMES = frozenset(
    [
        "Makefile",
        "Dockerfile",
        "Procfile",
        "Gemfile",
        "Rakefile",
        "Vagrantfile",
        "Jenkinsfile",
        "Brewfile",
        "Containerfile",
        "Justfile",
        "Taskfile",
        "LICENSE",
        "CODEOWNERS",
    ]
)

_SEGMENT = re.compile(r"^[A-Za-z0-9_.@+-]+$")
_VERSION = re.compile(r"^v?\d+(\.\d+)*([-+.][\w.]+)?$")
_ENV_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")


def looks_like_path(text: str) -> bool:
    """Whether a word is most likely a repository-relative path."""
    if not text or any(c.isspace() for c in text) or len(text) > 200:
        return False
    if "://" in text or text.startswith(("/", "~", "$", "-", "@", "http")):
        return False
    if any(c in text for c in "*?[]{}<>|&;%=,:'\"`!#\\()"):
        return False
    body = text[2:] if text.startswith("./") else text
    trailing_slash = body.endswith("/")
    segments = body.rstrip("/").split("/")
    if not all(_SEGMENT.match(s) for s in segments):
        return False
    if all(s == ".." for s in segments):
        return False
    last = segments[-1]
    extension = last.rsplit(".", 1)[-1].lower() if "." in last.lstrip(".") else ""
    if len(segments) == 1:
        if text.startswith("./") and last:
            return True
        if last in BARE_FILE_NAMES:
            return True
        if last.startswith(".") and len(last) > 1 and "." not in last[1:]:
            return True  # dotfiles: `.env`, `.gitignore`
        if trailing_slash:
            return bool(re.match(r"^[a-z0-9_.-]+$", last))
        return bool(extension) and extension in PATH_EXTENSIONS and not _VERSION.match(last)
    # Several segments: a trailing slash, a known extension, a dotfile or a known name.
    if trailing_slash or text.startswith(("./", "../")):
        return True
    if extension in PATH_EXTENSIONS or last in BARE_FILE_NAMES:
        return True
    if last.startswith(".") and len(last) > 1:
        return True
    return len(segments) >= 3 and not any(_VERSION.match(s) for s in segments)


def looks_like_command(text: str) -> bool:
    """Whether a code span is most likely a shell command."""
    stripped = text.strip()
    if stripped.startswith("$ "):
        return True
    words = stripped.split()
    if not words:
        return False
    first = words[0]
    if first.startswith("./") and len(first) > 2 and len(words) >= 1 and "." in first[2:]:
        return True
    if first in ("sudo", "env") and len(words) > 1:
        first = words[1]
    if first not in COMMAND_WORDS:
        return False
    # A bare word such as `git` or `make` is a name, not a command.
    return len(words) > 1


@lru_cache(maxsize=8192)  # runbooks repeat the same commands and paths many times
def classify(text: str) -> SpanKind:
    """Classify an inline code span."""
    if looks_like_command(text):
        return "command"
    if not _ENV_ASSIGN.match(text) and looks_like_path(text):
        return "path"
    return "literal"
