"""The entry point keeps the garbage collector off while the command starts, then on."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mkdocs_preflight import startup


@pytest.fixture
def collector() -> Iterator[None]:
    was = gc.isenabled()
    yield
    startup._paused = False
    gc.unfreeze()
    if was:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector")
def test_pause_then_resume_freezes_start_up_and_turns_the_collector_on() -> None:
    gc.enable()
    startup.pause()
    assert not gc.isenabled()
    kept = [object() for _ in range(1000)]
    startup.resume()
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(kept)
    startup.resume()  # once only
    assert gc.isenabled()


@pytest.mark.usefixtures("collector")
def test_resume_leaves_a_collector_the_caller_turned_off_alone() -> None:
    gc.disable()
    startup.pause()  # nothing to pause
    startup.resume()
    assert not gc.isenabled()


def test_commands_run_with_the_collector_on(tmp_path: Path) -> None:
    # `preflight list` through the real entry point: the command's own code sees the collector on.
    probe = (
        "import gc, sys\n"
        "from mkdocs_preflight import startup\n"
        "import mkdocs_preflight.cli.common as common\n"
        "real = common.Project\n"
        "def project(*args, **kwargs):\n"
        "    print('collector', gc.isenabled(), 'frozen', gc.get_freeze_count() > 0, file=sys.stderr)\n"
        "    return real(*args, **kwargs)\n"
        "common.Project = project\n"
        "sys.argv = ['preflight', 'list']\n"
        "startup.main()\n"
    )
    (tmp_path / "mkdocs.yml").write_text("site_name: t\nplugins:\n  - preflight\n")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.md").write_text("# A\n\n- [ ] one\n")
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert "collector True frozen True" in done.stderr, done.stderr


@pytest.mark.usefixtures("collector")
def test_the_entry_point_freezes_what_is_left_before_the_interpreter_exits(monkeypatch: pytest.MonkeyPatch) -> None:
    # CPython collects once more at exit; nothing a finished command leaves needs that walk.
    monkeypatch.setattr(sys, "argv", ["preflight", "--version"])
    with pytest.raises(SystemExit) as exited:
        startup.main()
    assert exited.value.code == 0
    # Everything the test session holds is frozen; only what was made since is not.
    assert gc.get_freeze_count() > 10 * len(gc.get_objects())
