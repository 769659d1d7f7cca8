"""The command a step's label shows on the site runs that step, and only it.

Hypothesis writes checklists whose shell blocks append their own number to a trace file
(the runner's property tests use the same generator): blocks in items at any depth, in
quotes, admonitions and tabs, in every fence and option spelling. Each is built with
mkdocs-material and the plugin. Every runnable block the page shows as a code block must
have a label, and running the label's own ``preflight run ... --only ID`` command in
the repository must run that block alone; a manual block's command runs nothing.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from site_support import ENV, build_site, site_config, write, write_config

from runner.generated import TRACE, Written, checklists, traced

_NUMBER = re.compile(rf"echo (\d+) >> {TRACE}")


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(written=checklists())
def test_each_step_label_shows_the_command_that_runs_that_step(written: Written) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        source = written.text()
        write(root, {"docs/index.md": "# Home\n", "checklists/run.md": source})
        write_config(root, site_config("material", plugins=["search", "preflight"]))
        built = build_site(root, strict=False)
        assert built.ok, built.messages
        page = built.page("checklists/run/")
        labelled: list[int] = []
        for label in page.find_all("div", cls="preflight-step"):
            block = page.by_id(str(label.get("data-preflight-block")))
            assert block is not None, source
            (number,) = map(int, _NUMBER.findall(block.text()))
            command = label.find("code", cls="preflight-step-command")
            assert command is not None, source
            argv = shlex.split(command.text())
            assert argv[:2] == ["preflight", "run"], command.text()
            for n in written.runnable:
                (root / f"pass-{n}").touch()
            (root / TRACE).unlink(missing_ok=True)
            done = subprocess.run(
                [sys.executable, "-m", "mkdocs_preflight", *argv[1:], "--yes"],
                cwd=root,
                env=ENV,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
            assert done.returncode == 0, source + command.text() + done.stdout + done.stderr
            assert traced(root) == ([number] if number in written.runnable else []), source + command.text()
            labelled.append(number)
        # Every block the page shows as a block has its label. Python-Markdown reads some
        # lines otherwise than CommonMark (no `1)` lists): a fence it reads as text or as
        # indented code, fence included, is not a step on the page (docs/plugin.md).
        shown = {
            int(n)
            for code in page.find_all("code")
            if "```" not in code.text() and "~~~" not in code.text()
            for n in _NUMBER.findall(code.text())
        }
        assert sorted(shown & set(written.runnable)) == sorted(set(labelled) & set(written.runnable)), source
