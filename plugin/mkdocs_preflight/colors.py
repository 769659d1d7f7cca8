"""Whether to colour output, by the conventions users set in their environment."""

from __future__ import annotations

import os


def use_color(stream: object) -> bool:
    """Colour on a terminal, unless the environment says otherwise.

    In this order: ``NO_COLOR`` set and not empty turns colour off (https://no-color.org);
    ``FORCE_COLOR`` set and not empty (https://force-color.org), or ``CLICOLOR_FORCE``
    set and not ``0`` (https://bixense.com/clicolors), turns it on even through a pipe
    (CI logs that render ANSI colours); ``CLICOLOR=0`` and ``TERM=dumb`` turn it off;
    otherwise colour only when ``stream`` is a terminal.
    """
    environ = os.environ
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR") or environ.get("CLICOLOR_FORCE", "0") not in ("", "0"):
        return True
    if environ.get("CLICOLOR") == "0" or environ.get("TERM") == "dumb":
        return False
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if callable(isatty) else False
    except ValueError:  # a closed stream
        return False
