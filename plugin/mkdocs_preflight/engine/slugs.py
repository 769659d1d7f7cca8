"""Slugs and IDs.

Heading slugs match what MkDocs' ``toc`` extension gives (``markdown.extensions.toc``:
``slugify`` then ``unique``), so links the engine builds land on the anchors the site
has. Item and block IDs are derived from the item's own text and, on collision, its
section, so they survive unrelated edits.
"""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w\s-]")
_SPACES = re.compile(r"[-\s]+")
_IDCOUNT = re.compile(r"^(.*)_([0-9]+)$")
_TO_SPACE = str.maketrans({c: " " for c in range(128) if not (chr(c).isalnum() and not chr(c).isupper())})
_HTML_TAG = re.compile(r"<[^>]*>")
MAX_ID_LENGTH = 48


def toc_slugify(value: str, separator: str = "-") -> str:
    """The default slug of Python-Markdown's ``toc`` extension (what MkDocs uses)."""
    value = _HTML_TAG.sub("", value)
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode("ascii")
    value = _NON_WORD.sub("", value).strip().lower()
    return _SPACES.sub(separator, value)


def toc_unique(slug: str, used: set[str]) -> str:
    """Make a heading slug unique the way ``toc`` does (``x``, ``x_1``, ``x_2``)."""
    while slug in used or not slug:
        match = _IDCOUNT.match(slug)
        if match:
            slug = f"{match.group(1)}_{int(match.group(2)) + 1}"
        else:
            slug = f"{slug}_1"
    used.add(slug)
    return slug


def id_slug(text: str, fallback: str = "item") -> str:
    """A short, URL-friendly ID from free text: lower-case letters, digits and ``-``.

    Latin letters lose their accents (``Vérifier`` → ``verifier``); letters of other
    scripts are kept (``Проверить базу`` → ``проверить-базу``), so that such items get
    IDs of their own words instead of ``item``, ``item-2``..., which shift whenever an
    item is added. Cut at a word boundary so that at most :data:`MAX_ID_LENGTH`
    characters remain.
    """
    value = text if text.isascii() else _fold(text)
    # translate + split/join: what `re.sub("[^a-z0-9]+", "-", ...)` does, at a third of the cost.
    value = "-".join(value.lower().translate(_TO_SPACE).split())
    if len(value) > MAX_ID_LENGTH:
        cut = value.rfind("-", 0, MAX_ID_LENGTH + 1)
        value = value[: cut if cut > 0 else MAX_ID_LENGTH].strip("-")
    return value or fallback


def fold(text: str) -> str:
    """``text`` with Latin letters reduced to ASCII (``Ä`` → ``A``) and the letters of
    other scripts kept (``要件``, ``Треб``); any other non-ASCII character becomes a space."""
    return text if text.isascii() else _fold(text)


def id_words(text: str) -> list[str]:
    """Every word of ``text`` as :func:`id_slug` spells it (not cut)."""
    value = text if text.isascii() else _fold(text)
    return value.lower().translate(_TO_SPACE).split()


def _fold(text: str) -> str:
    """``text`` with Latin letters reduced to ASCII and other letters (and their marks) kept."""
    out: list[str] = []
    for char in unicodedata.normalize("NFC", text):
        if char.isascii():
            out.append(char)
            continue
        ascii_form = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
        if ascii_form:
            out.append(ascii_form)
        elif char.isalnum() or unicodedata.category(char) in ("Mn", "Mc"):
            out.append(char)  # a letter, or a vowel sign of an Indic script: part of the word
        else:
            out.append(" ")
    return "".join(out)


_EXPLICIT_ID = re.compile(r"^[^\W\d_][\w.:-]*$")
"""A letter of any script first, then letters, digits, ``_ . : -``."""


def valid_explicit_id(value: str) -> bool:
    """Whether a writer-chosen ID can be an HTML anchor and a CLI argument."""
    return bool(_EXPLICIT_ID.match(value))
