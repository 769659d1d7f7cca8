"""Any text in a run log: the site's run page shows every step, each field as written.

The run logs of the runner's report property test (hostile text in step IDs, item text,
operator and host names, the title) are put where the plugin reads them, and the site
is built with mkdocs-material or MkDocs' own theme. The run's page must hold one table
row per step, planned steps that never ran included (as ``preflight report`` lists
them), with every cell in place and the step's ID and text as written (on one line,
control characters as ``\\xNN``), and the Runs page must list the run.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_support import article, build_site, site_config, write, write_config

from runner.generated import run_logs, shown


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(log=run_logs(), theme=st.sampled_from(["material", "mkdocs"]))
def test_a_run_page_shows_every_step_of_any_log(log: tuple[list[dict[str, Any]], list[str]], theme: str) -> None:
    records, ids = log
    header = records[0]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        lines = "".join(json.dumps(record) + "\n" for record in records)
        files = {"docs/index.md": "# Home\n", "checklists/deploy.md": "# Deploy\n\n- [ ] Deploy\n"}
        write(root, {**files, f".preflight/runs/{header['run_id']}.jsonl": lines})
        options = {"run_logs": ".preflight/runs"}
        write_config(root, site_config(theme, plugins=["search", {"preflight": options}]))
        built = build_site(root, strict=False)
        assert built.ok, built.messages
        assert header["run_id"] in built.page("runs/").text()
        page = article(built.page(f"runs/{header['run_id']}/"))
        table = page.find("table")
        assert table is not None
        rows = [tr.find_all("td") for tr in table.find_all("tr")[1:]]
        assert len(rows) == len(ids), [[cell.text() for cell in row] for row in rows]
        steps = {step["id"]: step for step in header["steps"]}
        for cells, step_id in zip(rows, ids, strict=True):
            assert len(cells) == 6, [cell.text() for cell in cells]
            assert shown(cells[0].text()) == shown(step_id), (cells[0].text(), step_id)
            assert shown(cells[5].text()) == shown(steps[step_id]["text"]), (cells[5].text(), steps[step_id])
