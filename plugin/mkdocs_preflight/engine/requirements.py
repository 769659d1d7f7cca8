"""Requirement references and definitions.

References are found by configurable patterns (each with a group named ``id``) plus
the list form ``_Requirements: 2.1, 6.2_`` of spec-driven task files. Definitions come
from front matter, a registry file, or the document itself (see ``build.py``).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ..config import DEFAULT_REQUIREMENT_PATTERNS, SAFE_LOADER
from ..model import DefSource, Diagnostic, Level, RequirementDef
from .source import read_regular


class _RegistryLoader(SAFE_LOADER):  # type: ignore[misc]  # the C loader when PyYAML has one
    """Composes without resolving tags: the registry is read as raw scalars, never constructed.

    The composer calls these three methods once per node; as no-ops they save ~10% of
    reading a 2,000-entry registry, which is most of what a one-file check does after
    start-up.
    """

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        return "tag:yaml.org,2002:str"

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        return None

    def ascend_resolver(self) -> None:
        return None


ID_SHAPE = r"(?:[A-Z][A-Z0-9]*-\d+(?:\.\d+)*|\d+(?:\.\d+)+)"
"""What an ID looks like in a list or a definition: ``29.2``, ``REQ-12``, ``SEC-3.1``."""

_ONE_ID = re.compile(ID_SHAPE)

_EMPHASIS = r"(?:\*\*|__|\*|_)?"
"""Where emphasis may close in ``**Requirements:** 2.1`` and ``**Requirements**: 2.1``."""

LIST_LEAD = re.compile(r"(?<![A-Za-z])Requirements?\s*:?\s*$")
"""The text of an emphasis that a requirements list follows (``<strong>Requirements:</strong> 2.1``)."""

_LIST_SEPARATOR = r"\s*(?:,(?:\s*and\b)?|and\b)\s*"
"""Between the IDs of ``Requirements: 2.1, 2.2 and 2.3`` (also ``, and``)."""


# The two definition patterns are compiled on first use: most checklists define no
# requirement, and a one-file check's time is mostly start-up.
@cache
def definition_pattern() -> re.Pattern[str]:
    """``29.1: Deployment checklist``, ``Requirement 51.2: title``, ``REQ-3 - title``."""
    return re.compile(rf"^\s*(?:Requirement\s+)?(?P<id>{ID_SHAPE})\s*[:\u2013\u2014-]\s+(?P<title>\S.*?)\s*$")


@cache
def heading_definition_pattern() -> re.Pattern[str]:
    """A heading under a "Requirements" heading: ``Requirement 51.2: title``, and as in a
    definitions list, ``REQ-3: title`` or ``29.1 - title``."""
    return re.compile(rf"^\s*(?:Requirement\s+)?(?P<id>{ID_SHAPE})\s*(?::\s*|[\u2013\u2014-]\s+)(?P<title>\S.*?)\s*$")


def may_define(text: str, ids: Iterable[str]) -> set[str]:
    """Those of ``ids`` that ``text`` holds in the shape of a definition, without parsing it.

    Every definition the engine reads has its ID, as written, before a colon or a dash
    (``REQ-7: title``, ``### Requirement 51.2: title``, ``**29.1** - title``, ``"29.1":
    title`` in YAML) or after ``id:`` (``- {id: REQ-7, title: ...}``). A check of some
    files only asks this of the other checklists: an ID one of them may define is not
    reported as undefined (PF102). It may say yes where the parser would not (the shape
    in a code block); it says no to a definition only when its ID is marked up inside
    (``REQ-<em>7</em>``) or escaped (``REQ\\-7``).
    """
    found: set[str] = set()
    for req_id in ids:
        size = len(req_id)
        start = text.find(req_id)
        while start >= 0:
            end = start + size
            # Most occurrences are references: the shape is tested first, as it fails fast.
            shaped = _DEFINES_AFTER.match(text, end) is not None
            if not shaped:
                key = text.rfind("id", max(0, start - 32), start)
                shaped = key >= 0 and _ID_KEY_BEFORE.match(text, key, start) is not None
            # The whole ID: `REQ-7` is not in `REQ-71`, `29.1` not in `129.1` or `29.1.2`.
            if (
                shaped
                and (start == 0 or _NOT_BEFORE_ID.match(text, start - 1) is None)
                and _NOT_AFTER_ID.match(text, end) is None
            ):
                found.add(req_id)
                break
            start = text.find(req_id, start + 1)
    return found


_NOT_BEFORE_ID = re.compile(r"[^\W_]|\.")
_NOT_AFTER_ID = re.compile(r"[^\W_]|\.\d")
_DEFINES_AFTER = re.compile(r"[*_`\"'\]]*\s*(?::|[\u2013\u2014-])")
"""What follows an ID that a definition names: emphasis or quotes, then a colon or a dash."""
_ID_KEY_BEFORE = re.compile(r"(?<!\w)id\b\s*:\s*[\"']?$")
"""``id:`` right before an ID: a definition in the list form of YAML."""


LEAD_IN = re.compile(r"\brequirements?\b", re.IGNORECASE)

_URL = re.compile(r"(?:\b[A-Za-z][A-Za-z0-9+.-]*://|\bwww\.)[^\s<>]*")
"""A URL (``https://tracker.example/browse/REQ-42``): what looks like an ID inside one is
part of an address, not a reference."""


class Matcher:
    """Finds requirement references in text, with one regex scan per text."""

    def __init__(self, patterns: Sequence[re.Pattern[str]]) -> None:
        self.patterns = list(patterns)
        # One alternation of every pattern (each `id` group renamed), so that a text
        # with no reference costs a single scan.
        ids = rf"{ID_SHAPE}(?:{_LIST_SEPARATOR}{ID_SHAPE})*"
        # `_Requirements: 2.1_`, and `**Requirements:** 2.1` or `**Requirements**: 2.1`.
        parts = [rf"(?<![A-Za-z])Requirements?{_EMPHASIS}\s*:{_EMPHASIS}\s*(?P<ids>{ids})(?!\.?\d|[^\W\d_])"]
        for number, pattern in enumerate(self.patterns):
            parts.append(pattern.pattern.replace("(?P<id>", f"(?P<id{number}>"))
        combined = "|".join(f"(?:{part})" for part in parts)
        starts = [first_chars(part) for part in parts]
        known = [found for found in starts if found is not None]
        if len(known) == len(starts):
            # A lookahead of the characters a match can start with lets the regex engine
            # skip every other position at once: 4x faster on texts with references.
            chars = sorted(frozenset().union(*known))
            combined = "(?=[" + "".join(re.escape(c) for c in chars) + "])(?:" + combined + ")"
        self._combined = re.compile(combined)
        self._groups = [f"id{number}" for number in range(len(self.patterns))]
        self.default_patterns = all(p.pattern in DEFAULT_REQUIREMENT_PATTERNS for p in self.patterns)
        """Whether every pattern is a default one: each match then holds "eq" or "EQ" and a digit."""
        # Every default pattern (and the list form) matches "eq" or "EQ" ("Requirement",
        # "Req", "REQ-"): two substring scans rule out most texts before the regex runs. A
        # pattern of the project's own may merely contain them (`(?:REQ|SEC)-\d+` finds
        # `SEC-1`), so it gets no such shortcut.
        self._guarded = self.default_patterns

    def may_match(self, text: str) -> bool:
        """A cheap test: ``False`` means ``text`` surely holds no reference."""
        return bool(text) and (not self._guarded or "eq" in text or "EQ" in text)

    def find(self, text: str) -> Iterator[tuple[str, int]]:
        """Yield ``(id, offset)`` for every reference in ``text``, in order."""
        if not self.may_match(text):
            return
        urls = [match.span() for match in _URL.finditer(text)] if "://" in text or "www." in text else []
        for match in self._combined.finditer(text):
            ids = match.group("ids")
            if ids is not None:
                base = match.start("ids")
                for one in _ONE_ID.finditer(ids):
                    if not urls or not _inside(base + one.start(), urls):
                        yield one.group(0), base + one.start()
                continue
            for group in self._groups:
                value = match.group(group)
                if value is not None:
                    if not urls or not _inside(match.start(group), urls):
                        yield value, match.start(group)
                    break


_LITERAL = re.compile(r"(?<!\\)(?P<ticks>`+)(?!`).*?(?<!`)(?P=ticks)(?!`)|\]\(\s*(?:<[^>\n]*>|[^\s)]*)", re.DOTALL)
"""A code span (`` `REQ-12` ``) or a link's destination (``](../REQ-12.md)``) in Markdown source."""


def literal_spans(markdown: str) -> list[tuple[int, int]]:
    """Where ``markdown`` (inline source) holds code spans and link destinations: an ID
    there is code or an address, which the site prints as written, not a reference."""
    if "`" not in markdown and "](" not in markdown:
        return []
    return [match.span() for match in _LITERAL.finditer(markdown)]


def _inside(offset: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(start <= offset < end for start, end in spans)


def default_patterns_miss(matcher: Matcher, requirement_id: str) -> bool:
    """Whether ``matcher`` uses the default patterns and none of their forms can name
    ``requirement_id`` (``7``, ``auth_1``): the definition can never be referenced."""
    if [p.pattern for p in matcher.patterns] != list(DEFAULT_REQUIREMENT_PATTERNS):
        return False  # own patterns: their forms are unknown here
    forms = (requirement_id, f"Requirement {requirement_id}", f"Requirements: {requirement_id}")
    return not any((requirement_id, form.index(requirement_id)) in matcher.find(form) for form in forms)


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters every match of ``pattern`` starts with, or ``None`` if that is not plain.

    Reads the regex's parse tree: leading lookarounds and anchors are skipped; a literal,
    a small character class, a group or an alternation of those give the set; anything
    else (optional parts, case-insensitive flags, categories) gives ``None``.
    """
    try:
        if sys.version_info >= (3, 11):
            from re import _constants as codes
            from re import _parser as sre_parse
        else:  # pragma: no cover
            import sre_constants as codes
            import sre_parse
        tree = sre_parse.parse(pattern)
    except Exception:  # an unusual pattern or a changed private API: no shortcut
        return None
    if tree.state.flags & re.IGNORECASE:
        return None
    try:
        return _first(list(tree.data), codes)
    except Exception:
        return None


def _first(items: list[tuple[Any, Any]], codes: Any) -> frozenset[str] | None:
    for op, value in items:
        if op in (codes.ASSERT, codes.ASSERT_NOT, codes.AT):
            continue  # zero-width: the next element decides
        if op is codes.LITERAL:
            return frozenset(chr(value))
        if op is codes.IN:
            chars: set[str] = set()
            for kind, arg in value:
                if kind is codes.LITERAL:
                    chars.add(chr(arg))
                elif kind is codes.RANGE and arg[1] - arg[0] < 128:
                    chars.update(chr(c) for c in range(arg[0], arg[1] + 1))
                else:
                    return None
            return frozenset(chars)
        if op is codes.SUBPATTERN:
            _group, add_flags, _del_flags, sub = value
            return None if add_flags & re.IGNORECASE else _first(list(sub.data), codes)
        if op in (codes.MAX_REPEAT, codes.MIN_REPEAT):
            low, _high, sub = value
            return _first(list(sub.data), codes) if low >= 1 else None
        if op is codes.BRANCH:
            found: set[str] = set()
            for branch in value[1]:
                one = _first(list(branch.data), codes)
                if one is None:
                    return None
                found |= one
            return frozenset(found)
        return None
    return None


Problem = tuple[str, int, int]
"""``(message, line, col)``: an entry of a registry or of front matter that defines nothing."""


def load_registry(path: Path, display: str) -> tuple[list[RequirementDef], list[Diagnostic]]:
    """Read a ``requirements.yml`` registry, keeping the line of every entry.

    Accepts ``ID: title`` mappings and lists of ``{id, title}``, either at the top
    level or under a ``requirements:`` key. Keys defined twice are all kept (yaml
    would silently keep the last), so duplicate definitions can be reported. An entry
    that defines nothing (no ID, an empty one, a bare list item) is a PF108 finding.
    """
    try:
        data = read_regular(path)
    except OSError as exc:
        return [], [
            Diagnostic("PF108", f"Requirements registry cannot be read: {exc.strerror}", display, 1, 1, Level.ERROR)
        ]
    encoding: list[Diagnostic] = []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Read on with U+FFFD for the bad bytes (as for a checklist, PF402), but say where.
        text = data.decode("utf-8", errors="replace")
        line = data.count(b"\n", 0, exc.start) + 1
        col = len(data[data.rfind(b"\n", 0, exc.start) + 1 : exc.start].decode("utf-8", errors="replace")) + 1
        message = f"Requirements registry is not UTF-8: byte 0x{data[exc.start]:02x} replaced by U+FFFD"
        encoding.append(Diagnostic("PF108", message, display, line, col, Level.ERROR))
    try:
        # The C composer is ~18x faster on large registries and keeps the same line numbers.
        root = yaml.compose(text, Loader=_RegistryLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = getattr(exc, "problem", None) or "invalid YAML"
        return [], [
            *encoding,
            Diagnostic("PF108", f"Requirements registry is not valid YAML: {problem}", display, line, col, Level.ERROR),
        ]
    defs: list[RequirementDef] = []
    if root is None:
        return defs, encoding
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "requirements":
                if isinstance(value, yaml.ScalarNode):  # `requirements: "29.1 Title"`: not a requirement
                    message = "Requirements registry: `requirements` must be a mapping of IDs to titles or a list"
                    line, col = value.start_mark.line + 1, value.start_mark.column + 1
                    return defs, [*encoding, Diagnostic("PF108", message, display, line, col, Level.ERROR)]
                root = value
                break
    if not isinstance(root, (yaml.MappingNode, yaml.SequenceNode)):
        return defs, [
            *encoding,
            Diagnostic("PF108", "Requirements registry must be a mapping or a list", display, 1, 1, Level.ERROR),
        ]
    defs, problems = defs_from_node(root, "registry", display, 1)
    found = [
        Diagnostic("PF108", f"Requirements registry: {message}", display, line, col, Level.ERROR)
        for message, line, col in problems
    ]
    return defs, [*encoding, *found]


def defs_from_node(
    node: yaml.Node, source: DefSource, path: str, first_line: int
) -> tuple[list[RequirementDef], list[Problem]]:
    """The definitions of an ``ID: title`` mapping or a list of ``{id, title}`` (composed,
    so IDs stay as written and a key defined twice is kept twice), and the entries that
    define nothing; ``first_line`` is the file's line of the node text's first line."""
    defs: list[RequirementDef] = []
    problems: list[Problem] = []

    def problem(message: str, at: yaml.Node) -> None:
        problems.append((message, first_line + at.start_mark.line, at.start_mark.column + 1))

    def define(id_node: yaml.Node, title_node: yaml.Node | None, entry: yaml.Node) -> None:
        if not isinstance(id_node, yaml.ScalarNode):
            problem("a requirement ID must be text, not a list or a mapping: entry ignored", id_node)
            return
        requirement_id = str(id_node.value).strip()
        if not requirement_id:
            problem("a requirement ID is empty: entry ignored", id_node)
            return
        title = ""
        if title_node is not None:
            title, bad = _title(title_node)
            if bad is not None:
                problem(f"the title of `{requirement_id}` must be text: title ignored", bad)
        defs.append(RequirementDef(requirement_id, title, source, path, first_line + entry.start_mark.line))

    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            define(key, value, key)
    elif isinstance(node, yaml.SequenceNode):
        for entry in node.value:
            if not isinstance(entry, yaml.MappingNode):
                problem("a list entry must be `{id: ..., title: ...}` (or write `ID: title` pairs): ignored", entry)
                continue
            fields = {k.value: v for k, v in entry.value if isinstance(k, yaml.ScalarNode)}
            if "id" not in fields:
                problem("a list entry has no `id`: ignored", entry)
                continue
            title = fields.get("title")
            if title is not None and not isinstance(title, yaml.ScalarNode):
                problem(f"the title of `{_scalar(fields['id'])}` must be text: title ignored", title)
                title = None
            define(fields["id"], title, entry)
    return defs, problems


def _scalar(node: yaml.Node) -> str:
    return str(node.value).strip() if isinstance(node, yaml.ScalarNode) else "?"


def _title(node: yaml.Node) -> tuple[str, yaml.Node | None]:
    """The title a definition's value gives, and the node that should have been text (if any)."""
    if isinstance(node, yaml.ScalarNode):
        return str(node.value), None
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "title":
                return (str(value.value), None) if isinstance(value, yaml.ScalarNode) else ("", value)
        return "", None  # `{status: open}`: no title
    return "", node


def front_matter_defs(text: str, path: str, first_line: int) -> tuple[list[RequirementDef], list[Problem]]:
    """Definitions from the front matter's ``requirements:`` (``text``: the front matter,
    whose first line is ``first_line`` of the file), read like the registry, and the
    entries that define nothing."""
    try:
        root = yaml.compose(text, Loader=_RegistryLoader)
    except yaml.YAMLError:
        return [], []  # the front matter itself is reported (PF107)
    if not isinstance(root, yaml.MappingNode):
        return [], []
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "requirements":
            if isinstance(value, yaml.ScalarNode):
                if not value.value:
                    return [], []  # `requirements:` with nothing yet
                message = "`requirements` must be a mapping of IDs to titles or a list of `{id, title}`: ignored"
                return [], [(message, first_line + value.start_mark.line, value.start_mark.column + 1)]
            return defs_from_node(value, "front-matter", path, first_line)
    return [], []
