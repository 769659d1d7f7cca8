"""Fence info strings: the language and the preflight options of a code block.

Three spellings carry the same options:

* ``bash id=db-backup timeout=600 run=manual`` (short; pymdownx.superfences cannot
  read it, so the plugin rewrites such headers on the pages it owns);
* ``bash { #db-backup data-timeout="600" }`` (the brace form that Python-Markdown
  understands; ``.bash`` may stand inside the braces instead);
* an HTML comment on the line before the fence: ``<!-- preflight: id=db-backup -->``.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

PREFLIGHT_KEYS = ("id", "timeout", "cwd", "run", "destructive", "expect")
"""Option names preflight understands."""

SUPERFENCES_KEYS = frozenset({"hl_lines", "linenums", "title", "title_mode"})
"""Options pymdownx.superfences accepts in a non-brace header."""

_KV = re.compile(r"""([A-Za-z_][\w.-]*)(?:=("[^"]*"|'[^']*'|\S*))?""")
_COMMENT = re.compile(r"<!--\s*preflight\s*:\s*(?P<body>.*?)\s*-->", re.S)


@dataclass(slots=True, eq=False, repr=False)
class FenceInfo:
    """What an info string says."""

    lang: str
    options: dict[str, str] = field(default_factory=dict)
    form: str = "plain"
    """``plain`` (language only), ``kv`` (``key=value`` pairs) or ``brace``."""
    unknown: list[str] = field(default_factory=list)
    """Keys that neither preflight nor superfences understand."""
    id_source: str = "auto"
    classes: list[str] = field(default_factory=list)
    attrs: dict[str, str] = field(default_factory=dict)
    """Brace-form attributes other than ``#id`` and ``.class`` (``data-*``, ``title``)."""

    @property
    def superfences_safe(self) -> bool:
        """Whether pymdownx.superfences renders this header as a code block."""
        if self.form != "kv":
            return True
        return all(key in SUPERFENCES_KEYS for key in self.raw_keys)

    @property
    def raw_keys(self) -> list[str]:
        """Keys written in the header, in order."""
        return list(self.options) + self.unknown


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _pairs(text: str) -> list[tuple[str, str]]:
    return [(m.group(1), _unquote(m.group(2) or "")) for m in _KV.finditer(text)]


def _brace(inner: str, info: FenceInfo) -> None:
    try:
        words = shlex.split(inner, posix=True)
    except ValueError:
        words = inner.split()
    for word in words:
        if word.startswith("#") and len(word) > 1:
            info.options["id"] = word[1:]
            info.id_source = "brace"
        elif word.startswith(".") and len(word) > 1:
            info.classes.append(word[1:])
        elif "=" in word:
            key, _, value = word.partition("=")
            info.attrs[key] = value
            name = key.removeprefix("data-").removeprefix("preflight-")
            if key.startswith("data-") and name in PREFLIGHT_KEYS:
                info.options[name] = value
        elif word:
            info.attrs[word] = ""


def parse_info(raw: str) -> FenceInfo:
    """Parse a fence info string. Never raises."""
    text = raw.strip()
    if text.startswith("{"):
        info = FenceInfo(lang="", form="brace")
        _brace(text[1:].rstrip("}"), info)
        if info.classes:
            info.lang = info.classes.pop(0).lower()
        return info
    lang, _, rest = text.partition(" ")
    if "{" in lang:  # `bash{ #id }` without a space
        lang, _, tail = lang.partition("{")
        rest = "{" + tail + " " + rest
    info = FenceInfo(lang=lang.lower())
    rest = rest.strip()
    if not rest:
        return info
    if rest.startswith("{"):
        info.form = "brace"
        _brace(rest[1:].rstrip().rstrip("}"), info)
        return info
    info.form = "kv"
    for key, value in _pairs(rest):
        if key in PREFLIGHT_KEYS:
            info.options[key] = value
            if key == "id":
                info.id_source = "option"
        elif key not in SUPERFENCES_KEYS:
            info.unknown.append(key)
        else:
            info.attrs[key] = value
    return info


def parse_comment(html: str) -> tuple[str, dict[str, str]] | None:
    """Read a ``<!-- preflight: ... -->`` comment.

    Returns ``("ignore", {code: ""...})`` for a suppression, ``("options", {...})`` for
    fence options, or ``None`` when the HTML is not a preflight comment.
    """
    match = _COMMENT.search(html)
    if match is None:
        return None
    body = match.group("body").strip()
    if body == "ignore" or body.startswith(("ignore ", "ignore\t")):
        codes = body[len("ignore") :].replace(",", " ").split()
        return "ignore", {code.upper(): "" for code in codes}
    return "options", {k: v for k, v in _pairs(body) if k in PREFLIGHT_KEYS}


def render_brace_header(lang: str, info: FenceInfo) -> str:
    """The superfences-safe brace header for a block: ``bash { #id data-timeout="600" }``.

    Used by the site to rewrite ``bash key=value`` headers before Python-Markdown sees
    them. Options become ``data-preflight-*`` attributes; only ``#id``, ``.class`` and
    ``data-*`` survive Pygments. Values are written as they are: the brace syntax has no
    escape for ``"``, so callers drop such values first (the site) or keep the original
    header (PF110's fix, which also checks that the result parses back the same).
    """
    parts: list[str] = []
    block_id = info.options.get("id")
    if block_id:
        parts.append("#" + block_id)
    parts.extend("." + c for c in info.classes)
    for key, value in info.options.items():
        if key != "id":
            parts.append(f'data-preflight-{key}="{value}"')
    for key, value in info.attrs.items():
        if key in SUPERFENCES_KEYS:
            parts.append(f'{key}="{value}"')
    if not parts:
        return lang
    return f"{lang} {{ {' '.join(parts)} }}"


def add_brace_id(header: str, block_id: str) -> str:
    """A brace-form ``header`` with ``#block_id`` first inside its braces.

    ``{.bash}`` becomes ``{ #id .bash}``: the ID must be a word of its own, or the engine
    and superfences both read ``#id.bash`` as the ID, and the block loses its language.
    """
    brace = header.index("{")
    rest = header[brace + 1 :]
    gap = "" if rest[:1] in (" ", "\t") else " "
    return f"{header[: brace + 1]} #{block_id}{gap}{rest}"
