"""SHA-256 without loading OpenSSL to hash a handful of small files.

``import hashlib`` loads OpenSSL's libcrypto: 2.7 ms, a twentieth of checking one file.
CPython's own SHA-256 (``_sha2``, ``_sha256`` before 3.12) loads nothing but hashes
about 3.5x slower (2.2 ms more per megabyte here). So the first megabyte a process
hashes goes through CPython's own; past it, OpenSSL's pays for its loading. Both
compute the same standard digest: which one ran never shows in a result.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # a Protocol class costs a third of a millisecond to create at import
    from typing import Protocol

    class Hash(Protocol):
        """What callers use of a hash object."""

        def update(self, data: bytes, /) -> None: ...

        def hexdigest(self) -> str: ...


_BUILTIN_BUDGET = 1 << 20
"""Bytes hashed by CPython's own SHA-256 before OpenSSL's is loaded."""

_budget = _BUILTIN_BUDGET


def _builtin_sha256() -> Callable[[bytes], Hash] | None:
    for module in ("_sha2", "_sha256"):  # CPython 3.12+, 3.10-3.11
        try:
            constructor: Callable[[bytes], Hash] = importlib.import_module(module).sha256
        except (ImportError, AttributeError):
            continue
        return constructor
    return None  # another interpreter: hashlib's is all there is


_builtin = _builtin_sha256()


def sha256(data: bytes = b"") -> Hash:
    """A SHA-256 hash object fed with ``data``, like :func:`hashlib.sha256`."""
    global _budget
    if _builtin is not None and _budget >= len(data):
        _budget -= len(data)
        return _builtin(data)
    _budget = -1  # OpenSSL's is loaded now: it is the faster one from here on
    import hashlib  # loads OpenSSL: only once it pays

    return hashlib.sha256(data)
