"""The site shows every task item the engine lists, where Python-Markdown and CommonMark differ."""

from __future__ import annotations

from pathlib import Path

from site_support import build_site, site_config, write, write_config

from mkdocs_preflight.engine import parse_text

CHECKLIST = """\
# Parity

Before the list, no blank line:
- [ ] Interrupting item
- [x] Second of that list
  continued text

!!! note "Inside an admonition"
    Text, then a list:
    - [ ] Admonition item

- [ ] Parent
  - [ ] Two-space child
"""


def test_a_list_that_interrupts_a_paragraph_still_gets_checkboxes_and_anchors(tmp_path: Path) -> None:
    write(tmp_path, {"docs/index.md": "# Home\n", "checklists/p.md": CHECKLIST})
    config = site_config("material", plugins=["search", "preflight"])
    config["markdown_extensions"] = [*config.get("markdown_extensions", []), "admonition"]
    write_config(tmp_path, config)
    built = build_site(tmp_path)
    assert built.ok, built.messages
    page = built.page("checklists/p/")
    anchored = [li.get("id") for li in page.find_all("li") if "preflight-item" in li.classes]
    assert anchored == [item.id for item in parse_text(CHECKLIST, "checklists/p.md").items]
    assert len(anchored) == 5
    assert "- [ ]" not in page.visible_text()
    boxes = page.find_all(
        "input", where=lambda node: node.parent is not None and "task-list-control" in node.parent.classes
    )
    assert len(boxes) == 5
