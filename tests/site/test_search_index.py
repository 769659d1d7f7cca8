"""The search index of a real build: pinned item IDs and step IDs have entries that link
to their anchors; automatic IDs (the item's own words, already in the index) do not."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from site_support import build_site, site_config, write, write_config

from mkdocs_preflight.cli import main

CHECKLIST = textwrap.dedent(
    """\
    # Deploy

    ## Before you start

    - [ ] Announce the deployment
    - [ ] Take a database backup <b>first</b> { #db-snapshot }

        ```bash id=drain-nodes
        sh drain.sh
        ```

        ```bash
        echo an automatic step ID
        ```
    """
)


def _index(built_site: Path) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = json.loads((built_site / "search" / "search_index.json").read_text("utf-8"))["docs"]
    return docs


@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_pinned_item_and_step_ids_have_entries_at_their_anchors(tmp_path: Path, theme: str) -> None:
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/deploy.md": CHECKLIST,
            "checklists/hidden.md": "---\nsearch:\n  exclude: true\n---\n# Hidden\n\n- [ ] Secret { #hidden-step }\n",
            "drain.sh": "#!/bin/sh\n",
        },
    )
    write_config(tmp_path, site_config(theme, plugins=["search", "preflight"]))
    built = build_site(tmp_path)
    assert built.ok, built.logged()
    docs = _index(built.site)
    entries = {doc["location"]: doc for doc in docs if doc["location"].startswith("checklists/")}
    pinned = entries["checklists/deploy/#db-snapshot"]
    assert pinned["title"] == "db-snapshot"
    assert pinned["text"] == "Take a database backup first"
    step = entries["checklists/deploy/#drain-nodes"]
    assert step["title"] == "drain-nodes" and step["text"] == "Take a database backup first"
    # Automatic IDs get none: their words are in the section's entry already.
    assert not any(location.endswith("#announce-the-deployment") for location in entries)
    assert not any("hidden-step" in location for location in entries)
    page = built.page("checklists/deploy/")
    for location in ("checklists/deploy/#db-snapshot", "checklists/deploy/#drain-nodes"):
        assert page.by_id(location.split("#")[1]) is not None


def test_ids_pinned_from_their_own_words_get_no_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`preflight ids --write` pins every automatic ID (a team that requires pinned IDs
    runs it): those IDs are the items' own words, which the index has, and an entry for
    each would double the index of a large site. The ID a person chose still gets one."""
    write(
        tmp_path,
        {
            "docs/index.md": "# Home\n",
            "checklists/deploy.md": CHECKLIST
            + "\n## Verify\n\n- [ ] Check the health endpoint\n\n## Verify again\n\n- [ ] Check the health endpoint\n",
            "drain.sh": "#!/bin/sh\n",
        },
    )
    write_config(tmp_path, site_config("material", plugins=["search", "preflight"]))
    monkeypatch.chdir(tmp_path)
    pinned = CliRunner().invoke(main, ["ids", "--write"])
    assert pinned.exit_code == 0, pinned.output
    source = (tmp_path / "checklists/deploy.md").read_text("utf-8")
    assert "{ #announce-the-deployment }" in source and "{ #verify-again--check-the-health-endpoint }" in source
    built = build_site(tmp_path)
    assert built.ok, built.logged()
    added = sorted(doc["location"] for doc in _index(built.site) if doc["title"] == doc["location"].split("#")[-1])
    assert added == ["checklists/deploy/#db-snapshot", "checklists/deploy/#drain-nodes"]
