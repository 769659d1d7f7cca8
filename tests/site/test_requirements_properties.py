"""Any mix of requirement definitions and references: the CLI and the requirements page agree.

Hypothesis writes a registry and one or two checklists that define requirements (the
registry, front matter, a "Requirements" list, ``### Requirement X: title`` headings)
and reference them in every spelling the default patterns know (``Requirement 1.2``,
``(Req 1.2)``, ``REQ-7``, ``_Requirements: 1.1, 2.1_``) in headings, items, paragraphs and
shell comments, some of them undefined. ``preflight list --format json`` and
``preflight check`` (PF102, PF104) give the defined, referenced, undefined and unused
IDs (PF102 only once something is defined); the site built from the same files must
print the same counts, one row per defined requirement with the same unused ones, and a
heading per undefined one, and every requirement link on a checklist page must hold an
ID the engine found there.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_support import article, build_site, site_config, write, write_config

from mkdocs_preflight.cli import main

IDS = ["1.1", "1.2", "2.1", "29.2", "REQ-7", "REQ-12"]
ids = st.sampled_from(IDS)


@st.composite
def reference(draw: st.DrawFn) -> str:
    first, second = draw(ids), draw(ids)
    return draw(
        st.sampled_from(
            [
                f"Requirement {first}",
                f"(Requirement {first})",
                f"(Req {first})",
                first if first.startswith("REQ-") else f"Requirement {first}",
                f"_Requirements: {first}, {second}_",
            ]
        )
    )


@st.composite
def checklist(draw: st.DrawFn) -> str:
    lines: list[str] = []
    defined = draw(st.lists(ids, max_size=2, unique=True))
    if defined:
        lines += ["---", "requirements:", *(f'  "{i}": Defined in front matter' for i in defined), "---", ""]
    lines += ["# Runbook", ""]
    for number in range(draw(st.integers(1, 6))):
        place = draw(st.sampled_from(["heading", "item", "under-item", "paragraph", "comment", "list", "def-heading"]))
        ref = draw(reference())
        if place == "heading":
            lines += [f"## Part {number} {ref}", ""]
        elif place == "item":
            lines += [f"- [ ] Do step {number} {ref}", ""]
        elif place == "under-item":
            lines += [f"- [ ] Do step {number}", f"  {ref}", ""]
        elif place == "paragraph":
            lines += [f"See {ref} first.", ""]
        elif place == "comment":
            lines += [f"- [ ] Run step {number}", "  ```bash", f"  # {ref}", "  echo ok", "  ```", ""]
        elif place == "list":
            entries = draw(st.lists(ids, min_size=1, max_size=2, unique=True))
            lines += ["## Requirements", "", *(f"- {i}: Listed here" for i in entries), ""]
        else:
            lines += [f"### Requirement {draw(ids)}: Defined by a heading", ""]
    lines += ["- [ ] Sign off", ""]
    return "\n".join(lines)


def _cli(root: Path, *args: str) -> Any:
    runner = CliRunner()
    done = runner.invoke(main, ["-f", str(root / "mkdocs.yml"), *args], catch_exceptions=False)
    return json.loads(done.stdout)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    registry=st.lists(ids, max_size=4, unique=True),
    documents=st.lists(checklist(), min_size=1, max_size=2),
    theme=st.sampled_from(["material", "mkdocs"]),
)
def test_the_cli_and_the_requirements_page_agree_on_any_traceability(
    registry: list[str], documents: list[str], theme: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        files: dict[str, str | bytes] = {"docs/index.md": "# Home\n"}
        files["requirements.yml"] = "".join(f'"{i}": From the registry\n' for i in registry) or "{}\n"
        files.update({f"checklists/c{n}.md": text for n, text in enumerate(documents)})
        write(root, files)
        write_config(root, site_config(theme))
        source = "\n=====\n".join(documents) + f"\nregistry: {registry}"

        listed = _cli(root, "list", "--format", "json")
        defined = {d["id"] for d in listed["registry"]["defined"]}
        referenced: set[str] = set()
        refs_by_page: dict[str, set[str]] = {}
        for entry in listed["checklists"]:
            defined |= {d["id"] for d in entry["requirements"]["defined"]}
            found = {r["id"] for r in entry["requirements"]["referenced"]}
            referenced |= found
            refs_by_page[entry["path"]] = found | {d["id"] for d in entry["requirements"]["defined"]}
        checked = _cli(root, "check", "--format", "json", "--select", "PF102,PF104")
        undefined = {d["message"].split("`")[1] for d in checked["diagnostics"] if d["code"] == "PF102"}
        unused = {d["message"].split("`")[1] for d in checked["diagnostics"] if d["code"] == "PF104"}
        # PF102 only once the project defines requirements (prose may cite an outside spec).
        assert undefined == (referenced - defined if defined else set()), source
        assert unused == defined - referenced, source

        built = build_site(root, strict=False)
        assert built.ok, built.messages
        for path, found in refs_by_page.items():
            page = built.page(f"checklists/{Path(path).stem}/")
            for link in page.find_all("a", cls="preflight-req"):  # an ID or a phrase that holds one
                assert any(i in link.text() for i in found), (source, path, link.text(), found)
        if not defined and not referenced:
            return
        page = article(built.page("requirements/"))
        missing = referenced - defined  # the page lists them whether or not anything is defined
        summary = f"{len(defined)} requirement{'' if len(defined) == 1 else 's'} defined, "
        summary += f"{len(defined & referenced)} referenced" + (
            f", {len(missing)} referenced but not defined." if missing else "."
        )
        assert summary in " ".join(page.text().split()), source
        table = page.find("table")
        rows = (
            {tr.find_all("td")[0].text(): tr.find_all("td")[2].text() for tr in table.find_all("tr")[1:]}
            if table
            else {}
        )
        assert set(rows) == defined, source
        assert {i for i, coverage in rows.items() if coverage == "not referenced"} == unused, source
        assert missing <= {h.text().strip() for h in page.find_all("h3")}, source
