"""PF3xx: the commands themselves — syntax, shellcheck, placeholders, danger, tagging.

``bash -n`` and shellcheck run at most once per checklist, whatever its number of
blocks, and ``bash`` not at all when every command is plainly well-formed (simple
words, quotes, ``$VAR``, pipes and ``&&``), which is most runbook commands.

:func:`placeholders` and :func:`is_destructive` are public: ``preflight run`` uses the
same definitions to ask for ``--var`` values and for confirmation.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

from ..engine.inline import COMMAND_WORDS
from ..engine.run_options import front_matter_timeout, option_problems, yaml_text
from ..model import Block, Checklist, Command, Diagnostic, Level
from .base import FileCheck, Rule
from .repository import block_locator, front_matter_position, option_position, source_lines
from .shell import (
    Placeholder,
    ScriptError,
    bash_path,
    find_destructive,
    find_placeholders,
    is_destructive,
    mask_placeholders,
    placeholder_name,
    placeholders,
    shellcheck,
    shellcheck_path,
    syntax_errors,
    trivially_valid,
    var_option,
)

if TYPE_CHECKING:
    from .context import RuleContext

__all__ = [
    "FILE_CHECKS",
    "RULES",
    "Placeholder",
    "find_placeholders",
    "is_destructive",
    "placeholder_name",
    "placeholders",
]

SYNTAX_ERROR = Rule(
    "PF301",
    "shell-syntax-error",
    Level.ERROR,
    "A shell block does not parse (`bash -n`)",
    """\
Every `bash`, `sh` and `shell` block, and the `$ ` commands of every `console` block,
is parsed with `bash -n` (which reads and never executes). A block that does not parse
fails at the worst moment: when an operator pastes it. Placeholders such as `<app-id>`
are set aside first (they are PF303, not syntax errors). All blocks of a checklist go
through one `bash` process; blocks made only of plain words, quotes, `$VAR`s, pipes
and `&&` cannot be wrong and are not sent at all. `zsh` blocks and blocks with
`run=never` are not checked.

Bad:

```bash
if [ -f /etc/app.conf ]; then
  systemctl restart app
```

Good:

```bash
if [ -f /etc/app.conf ]; then
  systemctl restart app
fi
```
""",
)

SHELLCHECK = Rule(
    "PF302",
    "shellcheck",
    Level.WARNING,
    "shellcheck reports a problem in a shell block",
    """\
When a `shellcheck` binary is on `PATH` (install the `shellcheck` package of your
system, or `pip install "mkdocs-preflight[shellcheck]"`), each shell block is checked
as a bash script and every finding is reported at its line in the checklist, with its
`SCxxxx` code. All blocks of a checklist go through one `shellcheck` process. Codes
that are noise for runbook snippets are left out: SC1090/SC1091 (sourced files),
SC2034 (variables set for later steps), SC2148 (no shebang), SC2154 (variables from
the operator's environment), SC2164 (`cd` without `|| exit`: steps run with `set -e`)
and SC2317 (unreachable code after an `exit`). Each finding keeps shellcheck's own
severity (`error`, `warning`, or `info` for its `info` and `style` findings) unless
`levels` sets one for PF302; the default level applies to findings without one.
Without shellcheck the rule does nothing. Shellcheck is slow next to everything else `preflight check` does (about 2 ms
per block, some 30 times the cost of all other rules together), so this rule is
**opt-in**: it runs only when selected by its exact code, `select: [PF302]` in
`mkdocs.yml` or `preflight check --select ALL` (a prefix such as `PF3` does not
turn it on).

Bad (SC2086: the unquoted variable splits on spaces):

```bash
rm -r $BUILD_DIR/cache
```

Good:

```bash
rm -r "$BUILD_DIR/cache"
```
""",
)

PLACEHOLDER = Rule(
    "PF303",
    "unfilled-placeholder",
    Level.INFO,
    "A runnable command has a placeholder to fill in (`<app-id>`, `[Name]`, `YYYYMMDD`)",
    """\
A command with `<app-id>` in it does not run as written: bash reads `<app-id>` as a
redirection from a file named `app-id`. `preflight run` fills placeholders from
`--var app-id=...` or asks for them, but an operator copying the command by hand
may not notice. The level is `info`: placeholders are a feature of `preflight run`,
and this is a reminder, not a defect. Recognised: `<name>`, `[Name]`/`[PROJECT_ID]`, `{{ name }}`,
date masks (`YYYYMMDD`, `YYYY-MM-DD`, `HHMMSS`) and `YOUR_...` words. Not
placeholders: redirections (`< in.sql`, `2>&1`), heredocs, `$VARS`, `date +%Y%m%d`,
Go templates (`{{.State}}`), HTML tags and glob classes. Blocks with `run=never` and
inline code are not checked.

Bad:

```bash
aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier app-YYYYMMDD
```

Good: compute the value, or make it a variable the operator sets:

```bash
aws rds restore-db-instance-from-db-snapshot --db-snapshot-identifier "app-$SNAPSHOT_DATE"
```
""",
)

DESTRUCTIVE = Rule(
    "PF304",
    "unmarked-destructive-command",
    Level.WARNING,
    "A destructive command is in a block not marked `destructive=true`",
    """\
`preflight run` asks for explicit confirmation before a step marked `destructive=true`,
even with `--yes`. Commands recognised as destructive: `rm -rf`, `git push --force`
(also `-f`, `--force-with-lease`, `+ref`, `--delete`), `git reset --hard`,
`git clean -f`, `git branch -D`, `DROP TABLE/DATABASE/...`, `TRUNCATE`,
`DELETE FROM` without `WHERE`, `dropdb`, `terraform destroy`, `kubectl delete`,
`helm uninstall`, `docker system prune` and other `prune`s, `docker compose down -v`,
`aws ... delete-*`, `aws s3 rb`, `gsutil rm -r`, `rails db:drop` (`db:reset`...),
`manage.py flush`, `redis-cli FLUSHALL`, `mkfs`, `dd of=/dev/...`; SQL statements
also in a here-document (`psql <<SQL`), not in an SQL `--` comment nor a `grep` pattern.
A block marked `destructive=false` is not reported, nor a command run with `--dry-run`
(`--dry-run=client`, `--dryrun`), which only shows what it would do, or with `--help`.

Bad:

```bash
git reset --hard origin/main
```

Good (the brace form: `bash destructive=true` is the short form, which only the
plugin's own pages read; see PF110):

````markdown
```bash { data-preflight-destructive="true" }
git reset --hard origin/main
```
````
""",
)

UNTAGGED_SHELL = Rule(
    "PF305",
    "untagged-shell-fence",
    Level.WARNING,
    "A code block without a language looks like shell commands",
    """\
A fence with no language is text: `preflight run` never runs it and the site shows it
without highlighting. When at least half of its lines start with a known command
(`git`, `kubectl`, `./scripts/x.sh`, ...) or a `$ ` prompt, it is almost certainly
meant to be commands.

Bad:

````markdown
```
kubectl rollout status deployment/api
```
````

Good (use `console` instead when the block shows `$ ` prompts and output):

````markdown
```bash
kubectl rollout status deployment/api
```
````
""",
)

CONSOLE_WITHOUT_PROMPT = Rule(
    "PF306",
    "console-without-prompt",
    Level.WARNING,
    "A `console` block has no `$ ` prompt line, so nothing in it runs",
    """\
In a `console` block only lines that start with `$ ` are commands; the rest is their
expected output. A `console` block without any `$ ` line is therefore all output: it
is probably meant to be `bash` (commands only) or `text` (output only).

Bad:

````markdown
```console
make deploy-staging
```
````

Good:

````markdown
```console
$ make deploy-staging
deployed api to staging
```
````
""",
)

INVALID_RUN_OPTION = Rule(
    "PF307",
    "invalid-run-option",
    Level.WARNING,
    "A run option has a value `preflight run` cannot use (`timeout=soon`, `run=sometimes`, `run:` front matter)",
    """\
`preflight run` reads a block's `timeout`, `run`, `destructive` and `expect` options
and the front matter's `run:` defaults (`shell`, `cwd`, `env`, `timeout`). A value it
cannot use does not stop the run: the block falls back to the default (the time
limit of `--timeout`, else `run.timeout`, else 600 s; `run=auto`; not marked
destructive; exit code 0), which is rarely what the writer meant and shows only when
the step misbehaves. A `cwd` that does not exist is
reported by PF201.

Bad:

````markdown
---
run:
  timeout: ten minutes
---

```bash { data-preflight-timeout="soon" data-preflight-run="sometimes" }
./scripts/migrate.sh
```
````

Good:

````markdown
---
run:
  timeout: 10m
---

```bash { data-preflight-timeout="10m" data-preflight-run="manual" }
./scripts/migrate.sh
```
````
""",
)

RULES: list[Rule] = [
    SYNTAX_ERROR,
    SHELLCHECK,
    PLACEHOLDER,
    DESTRUCTIVE,
    UNTAGGED_SHELL,
    CONSOLE_WITHOUT_PROMPT,
    INVALID_RUN_OPTION,
]

OPT_IN: list[str] = ["PF302"]
"""Rules too costly to run unless selected by code (for a registry that supports opt-in rules)."""

CHECKED_LANGS = frozenset({"bash", "sh", "shell", "console"})
"""Languages whose blocks ``bash -n`` and shellcheck check (``zsh`` is not bash)."""


def _indent(block: Block) -> int:
    return max(block.col - 1, 0)


def _checked_blocks(checklist: Checklist) -> list[Block]:
    return [
        b for b in checklist.blocks if b.lang in CHECKED_LANGS and b.commands and b.closed and b.run_mode != "never"
    ]


def _script(block: Block) -> str:
    """What bash and shellcheck see: the block's code (console: its commands), placeholders masked."""
    if block.lang == "console":
        return "\n".join(mask_placeholders(c.text) for c in block.commands)
    return mask_placeholders(block.code)


def _position(block: Block, line: int, col: int) -> tuple[int, int]:
    """The checklist position of (line, column) of the block's script."""
    if block.lang == "console":
        index = min(max(line - 1, 0), len(block.commands) - 1)
        locate = block_locator(block, block.commands[index])
        return locate(max(col - 1, 0))
    return block.line + line, _indent(block) + col


def _needs_bash(block: Block) -> bool:
    return not all(_plain(c.text) for c in block.commands)


@lru_cache(maxsize=4096)
def _plain(command: str) -> bool:
    return trivially_valid(mask_placeholders(command))


def _cache(ctx: RuleContext, checklist: Checklist) -> dict[str, object]:
    # bash -n results are shared by PF301 and PF302 (shellcheck skips broken blocks).
    scratch = ctx.repo.scratch
    cached = scratch.get("commands")
    if not (isinstance(cached, tuple) and cached[0] is checklist):
        cached = (checklist, {})
        scratch["commands"] = cached
    result: dict[str, object] = cached[1]
    return result


def _syntax(checklist: Checklist, ctx: RuleContext) -> dict[str, ScriptError]:
    cache = _cache(ctx, checklist)
    found = cache.get("syntax")
    if isinstance(found, dict):
        return found
    errors: dict[str, ScriptError] = {}
    candidates = [b for b in _checked_blocks(checklist) if _needs_bash(b)]
    if candidates:
        bash = bash_path()
        if bash is not None:
            for block, error in zip(candidates, syntax_errors([_script(b) for b in candidates], bash), strict=True):
                if error is not None:
                    errors[block.id] = error
    cache["syntax"] = errors
    return errors


_BASH_QUOTE = re.compile(r"`([^`']*)'")


def check_syntax(checklist: Checklist, ctx: RuleContext) -> Iterable[Diagnostic]:
    """PF301: ``bash -n`` on every shell block of the checklist, in one process."""
    if not ctx.wants(SYNTAX_ERROR.code):
        return []
    errors = _syntax(checklist, ctx)
    if not errors:
        return []
    found: list[Diagnostic] = []
    for block in checklist.blocks:
        error = errors.get(block.id)
        if error is None:
            continue
        line, col = _position(block, error.line, 1)
        message = _BASH_QUOTE.sub(r"`\1`", error.message)
        found.append(
            Diagnostic(
                SYNTAX_ERROR.code, f"Shell syntax error: {message}", checklist.path, line, col, SYNTAX_ERROR.level
            )
        )
    return found


_SC_LEVELS = {"error": Level.ERROR, "warning": Level.WARNING, "info": Level.INFO, "style": Level.INFO}


def check_shellcheck(checklist: Checklist, ctx: RuleContext) -> Iterable[Diagnostic]:
    """PF302: shellcheck findings of every shell block, from one shellcheck process per checklist."""
    if not ctx.wants(SHELLCHECK.code):
        return []
    blocks = _checked_blocks(checklist)
    if not blocks:
        return []
    binary = shellcheck_path()
    if binary is None:
        return []
    broken = _syntax(checklist, ctx)
    blocks = [b for b in blocks if b.id not in broken]
    found: list[Diagnostic] = []
    for block, findings in zip(blocks, shellcheck([_script(b) for b in blocks], binary), strict=True):
        for finding in findings:
            line, col = _position(block, finding.line, finding.col)
            found.append(
                Diagnostic(
                    SHELLCHECK.code,
                    f"{finding.code}: {finding.message}",
                    checklist.path,
                    line,
                    col,
                    _SC_LEVELS.get(finding.level, SHELLCHECK.level),
                )
            )
    return found


def check_placeholders(checklist: Checklist, ctx: RuleContext) -> Iterable[Diagnostic]:
    """PF303: placeholders left in commands that ``preflight run`` would run."""
    found: list[Diagnostic] = []
    for block in checklist.blocks:
        if not block.runnable:
            continue
        for command in block.commands:
            spans = find_placeholders(command.text)
            if not spans:
                continue
            locate = block_locator(block, command)
            for span in spans:
                line, col = locate(span.start)
                found.append(
                    Diagnostic(
                        PLACEHOLDER.code,
                        f"Placeholder `{span.text}` must be filled in before this runs "
                        f"(`preflight run {var_option(span.name, '...')}`)",
                        checklist.path,
                        line,
                        col,
                        PLACEHOLDER.level,
                    )
                )
    return found


_HEREDOC = re.compile(r"<<-?\s*(['\"]?)(?P<tag>[A-Za-z_]\w*)\1")


def _heredoc_body(block: Block, command: Command) -> tuple[str | None, int]:
    """The here-document a shell block's command feeds (``psql <<SQL``), and its first
    line in the block's script (1-based); ``(None, 0)`` without one."""
    if block.lang == "console" or "<<" not in command.text:
        return None, 0
    doc = _HEREDOC.search(command.text)
    if doc is None:
        return None, 0
    lines = block.code.split("\n")
    index = command.line - block.line - 1
    while 0 <= index < len(lines) and lines[index].rstrip().endswith("\\"):
        index += 1
    first = index + 1
    tag = doc.group("tag")
    end = first
    while end < len(lines) and lines[end].strip() != tag:
        end += 1
    return "\n".join(lines[first:end]), first + 1


def check_destructive(checklist: Checklist, ctx: RuleContext) -> Iterable[Diagnostic]:
    """PF304: destructive commands in runnable blocks without ``destructive=true``."""
    found: list[Diagnostic] = []
    for block in checklist.blocks:
        if not block.runnable or block.destructive is not None:
            continue
        for command in block.commands:
            text = command.text
            body, body_line = _heredoc_body(block, command)
            if body is not None:
                text = f"{text}\n{body}"
            destructive = find_destructive(text)
            if destructive is None:
                continue
            reason, offset = destructive
            if body is not None and offset > len(command.text):
                before = text[len(command.text) + 1 : offset]
                line_start = text.rfind("\n", 0, offset) + 1
                line, col = _position(block, body_line + before.count("\n"), offset - line_start + 1)
            else:
                line, col = block_locator(block, command)(offset)
            found.append(
                Diagnostic(
                    DESTRUCTIVE.code,
                    f"`{reason}` is destructive: mark the block `destructive=true` so that "
                    f"`preflight run` asks before running it",
                    checklist.path,
                    line,
                    col,
                    DESTRUCTIVE.level,
                )
            )
    return found


SHELL_WORDS = COMMAND_WORDS | frozenset(
    """
    cd ls pwd sudo export source chmod chown mkdir rm cp mv ln cat echo printf tail head grep less find
    xargs awk sed sort uniq wc diff patch touch kill ps top df du free which whereis systemctl service
    journalctl crontab nohup watch time timeout sleep tee ssh scp rsync curl wget apt apt-get yum dnf
    apk brew pip pip3 npm npx yarn pnpm make docker docker-compose podman kubectl helm terraform git gh
    aws az gcloud psql mysql redis-cli mongosh python python3 node go cargo java mvn gradle dotnet ruby
    bundle rails php composer pytest tox poetry uv ansible-playbook vault openssl base64 jq yq tar zip
    unzip gzip gunzip ping dig nslookup traceroute netstat ss lsof nc telnet set unset alias
    """.split()  # noqa: SIM905 - a word list reads better than a list of strings
)


def _looks_like_command(line: str) -> bool:
    text = line.strip()
    if text.startswith("$ "):
        return True
    words = text.split()
    if not words:
        return False
    first = words[0]
    if first in ("sudo", "env") and len(words) > 1:
        first = words[1]
    if first.startswith("./") and len(first) > 2:
        return True
    return first in SHELL_WORDS and (len(words) > 1 or first in ("ls", "pwd", "make", "env", "top", "df", "free"))


def check_fences(checklist: Checklist, ctx: RuleContext) -> Iterable[Diagnostic]:
    """PF305 (untagged fence that holds commands) and PF306 (``console`` block without prompts)."""
    found: list[Diagnostic] = []
    for block in checklist.blocks:
        if block.lang == "" and block.closed:
            lines = [t for t in block.code.split("\n") if t.strip() and not t.lstrip().startswith("#")]
            if lines:
                hits = sum(1 for t in lines if _looks_like_command(t))
                if hits and hits * 2 >= len(lines):
                    prompts = any(t.lstrip().startswith("$ ") for t in lines)
                    suggestion = "console" if prompts else "bash"
                    found.append(
                        Diagnostic(
                            UNTAGGED_SHELL.code,
                            "Code block has no language but looks like shell commands: "
                            f"tag it {block.fence}{suggestion}",
                            checklist.path,
                            block.line,
                            block.col,
                            UNTAGGED_SHELL.level,
                        )
                    )
        elif block.lang == "console" and not block.commands and block.code.strip():
            found.append(
                Diagnostic(
                    CONSOLE_WITHOUT_PROMPT.code,
                    "`console` block has no `$ ` prompt line, so nothing in it runs: prefix commands with `$ `, "
                    "or tag the block `bash` (commands) or `text` (output)",
                    checklist.path,
                    block.line,
                    block.col,
                    CONSOLE_WITHOUT_PROMPT.level,
                )
            )
    return found


_FRONT_RUN_KEYS: dict[str, type | tuple[type, ...]] = {
    "shell": str,
    "cwd": str,
    "env": dict,
    "timeout": (int, float, str),
}


def check_run_options(checklist: Checklist, ctx: RuleContext) -> Iterable[Diagnostic]:
    """PF307: block options and front matter ``run:`` values that a run cannot use."""
    if not ctx.wants("PF307"):
        return []
    found: list[Diagnostic] = []
    lines: list[str] | None = None
    for block in checklist.blocks:
        problems = option_problems(block)
        if not problems:
            continue
        if lines is None:
            lines = source_lines(checklist, ctx)
        for key, problem in problems:
            line, col = option_position(lines, block, key)
            message = f"Run option `{key}={block.options[key]}` of block `{block.id}` {problem}"
            found.append(
                Diagnostic(INVALID_RUN_OPTION.code, message, checklist.path, line, col, INVALID_RUN_OPTION.level)
            )
    run = checklist.front_matter.get("run")
    if "run" in checklist.front_matter and not isinstance(run, dict):
        lines = lines if lines is not None else source_lines(checklist, ctx)
        line, col = front_matter_position(lines, "run", top=True)
        message = "Front matter `run` must be a mapping (`shell`, `cwd`, `env`, `timeout`): ignored"
        found.append(Diagnostic(INVALID_RUN_OPTION.code, message, checklist.path, line, col, INVALID_RUN_OPTION.level))
    elif isinstance(run, dict):
        for key, value in run.items():
            issue = _front_run_problem(str(key), value)
            if issue is None:
                continue
            lines = lines if lines is not None else source_lines(checklist, ctx)
            line, col = front_matter_position(lines, str(key), top=False)
            message = f"Front matter `run.{key}: {yaml_text(value)}` {issue}"
            found.append(
                Diagnostic(INVALID_RUN_OPTION.code, message, checklist.path, line, col, INVALID_RUN_OPTION.level)
            )
    return found


def _front_run_problem(key: str, value: object) -> str | None:
    """Why front matter ``run.<key>: value`` is ignored, or ``None`` when it is used."""
    expected = _FRONT_RUN_KEYS.get(key)
    if expected is None:
        return f"is not a run default (`{'`, `'.join(_FRONT_RUN_KEYS)}`): ignored"
    if key == "timeout":
        # As the engine reads it: a block's `timeout=10m` and `run.timeout: 10m` mean the same.
        if front_matter_timeout(value) is not None:
            return None
        return "must be a number of seconds or a duration (90s, 10m, 1h): ignored"
    if isinstance(value, expected):
        return None
    kind = "a mapping of names to values" if key == "env" else "text"
    return f"must be {kind}: ignored"


# The pipeline reads the codes each check reports from the first line of its docstring.
FILE_CHECKS: list[FileCheck] = [
    check_syntax,
    check_shellcheck,
    check_placeholders,
    check_destructive,
    check_fences,
    check_run_options,
]
