"""Random nested task lists: the page shows exactly the engine's items, each under its parent.

Lists mix `-`, `*`, `+`, `1.`, `2.` and `10.` markers, indents of 0 to 8 columns, tabs,
lazy lines, blank lines and block quotes; each sample is rendered by the plugin's
extension with the Python-Markdown configuration of a mkdocs-material site (the one the
other site tests build real sites with), and read back as HTML.
"""

from __future__ import annotations

import random
from typing import Any

import markdown
from site_html import Node, parse
from site_support import MATERIAL_EXTENSIONS

from mkdocs_preflight.engine import parse_text
from mkdocs_preflight.site.extension import PreflightExtension

SEED = 20261207
SAMPLES = 600

INDENTS = ["", " ", "  ", "   ", "    ", "     ", "      ", "       ", "        "]
INDENTS += ["\t", "\t\t", "  \t", "\t  "]
MARKERS = ["-", "*", "+", "1.", "2.", "10."]


def sample(rng: random.Random) -> str:
    """A short nested task list, in a block quote (or partly) three times in ten."""
    quoted = rng.random() < 0.3
    quote = rng.choice(["> ", ">", ">  "])
    lines: list[str] = []
    for number in range(rng.randint(2, 7)):
        roll = rng.random()
        if roll < 0.12 and number:
            line = rng.choice(["", "  ", "    ", "      "]) + "lazy text"
        elif roll < 0.18 and number:
            line = ""
        else:
            space = rng.choice([" ", " ", " ", "  "])
            line = f"{rng.choice(INDENTS)}{rng.choice(MARKERS)}{space}{rng.choice(['[ ]', '[x]'])} T{number}"
        if quoted and (number == 0 or rng.random() < 0.85):
            line = quote + line if line else ">"
        lines.append(line)
    return "\n".join(lines) + "\n"


def _markdown() -> markdown.Markdown:
    names: list[str] = []
    configs: dict[str, Any] = {}
    for entry in MATERIAL_EXTENSIONS:
        if isinstance(entry, dict):
            (name, config), *_ = entry.items()
            names.append(name)
            configs[name] = config
        else:
            names.append(entry)
    return markdown.Markdown(extensions=[*names, PreflightExtension()], extension_configs=configs)


def _own_li(node: Node) -> Node | None:
    return next((up for up in node.ancestors() if up.tag == "li"), None)


def differences(text: str) -> list[str]:
    """How the page of ``text`` differs from the engine's items (nothing when it shows them)."""
    items = parse_text(text, "checklists/random.md").items
    page = parse(_markdown().convert(text))
    found: list[str] = []
    anchored: dict[str | None, list[Node]] = {}
    for li in page.find_all("li", cls="preflight-item"):
        anchored.setdefault(li.get("id"), []).append(li)
    for item in items:
        hosts = anchored.get(item.id, [])
        if len(hosts) != 1:
            found.append(f"{item.id}: {len(hosts)} items on the page")
            continue
        outer = next((up for up in hosts[0].ancestors() if "preflight-item" in up.classes), None)
        if (outer.get("id") if outer is not None else None) != item.parent:
            found.append(f"{item.id}: under {outer.get('id') if outer else None}, not {item.parent}")
        boxes = [
            box for box in hosts[0].find_all("input") if _own_li(box) is hosts[0] and box.get("type") == "checkbox"
        ]
        if len(boxes) != 1:
            found.append(f"{item.id}: {len(boxes)} checkboxes")
    ids = {item.id for item in items}
    for box in page.find_all("input", where=lambda node: node.get("type") == "checkbox"):
        li = _own_li(box)
        if li is None or "preflight-item" not in li.classes or li.get("id") not in ids:
            found.append(f"a checkbox with no item ID: {' '.join((li or box).text().split())!r}")
    return found


def test_random_nested_task_lists_show_the_engines_items_under_their_parents() -> None:
    rng = random.Random(SEED)
    failures: list[tuple[str, list[str]]] = []
    for _ in range(SAMPLES):
        text = sample(rng)
        found = differences(text)
        if found:
            failures.append((text, found))
    assert not failures, f"{len(failures)} of {SAMPLES} samples differ, e.g. {failures[:3]}"
