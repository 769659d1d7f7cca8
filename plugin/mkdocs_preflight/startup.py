"""The ``preflight`` command's entry point: the garbage collector waits while it starts.

Starting a command imports click, PyYAML, markdown-it-py and the rules: some 100,000
objects that live as long as the process, none of them garbage. Each automatic
collection during those imports walks all of them again (~10 ms of a 0.16 s
single-file check). So the collector is off until the command itself starts; then what
start-up made is frozen (never scanned again) and the collector is back on. When the
command ends, everything is frozen again: CPython's last collection at exit would walk
it all once more.

Not in :mod:`.engine.gc_pause` with the other pauses: importing anything from the
engine package runs its ``__init__`` (the model, PyYAML), which is what must happen
with the collector already off. A run's :func:`~.engine.gc_pause.paused_gc` unfreezes
everything when it ends, start-up's objects included; by then they have done their job.
"""

from __future__ import annotations

import gc

_paused = False


def pause() -> None:
    """Turn the collector off until :func:`resume` (if it is on)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume() -> None:
    """Freeze what start-up created and turn the collector back on (if :func:`pause` turned it off)."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def main() -> None:
    """Run the ``preflight`` CLI (its commands call :func:`resume` once their options are read)."""
    pause()
    try:
        from .cli import interrupted
        from .cli import main as cli
    except KeyboardInterrupt:  # Ctrl-C while starting up: no traceback either
        raise SystemExit(130) from None
    try:
        cli()
    except KeyboardInterrupt:  # between click's own handling and the command
        interrupted()
    finally:
        # On exit CPython collects once more, walking every object the collector tracks
        # (4-5 ms of a 0.1 s single-file check); whatever is left is freed with the process.
        gc.freeze()
