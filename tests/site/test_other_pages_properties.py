"""Adding the plugin to a site never changes the pages it does not own.

Hypothesis writes a site whose ``docs/`` holds ordinary pages and a ``docs/runbooks/``
folder of checklists, all from the same Markdown fragments (task lists, fences with
preflight's options, ID markers, links to repository files and to the checklists,
containers, junk). The site is built twice, in the process, with mkdocs-material or
MkDocs' own theme: without the plugin, and with it enhancing ``docs/runbooks`` in place.
Every page outside that folder must have the same content element, element for element
and attribute for attribute, and the same entries in the search index.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_html import Node
from site_samples import documents
from site_support import article, build_site, site_config, write, write_config

OTHER_PAGES = ["index.md", "guide.md", "ops/notes.md", "runbooks-overview.md"]
CHECKLISTS = ["runbooks/a.md", "runbooks/b/c.md"]


def _dump(node: Node) -> Any:
    """An element as nested tuples: tag, attributes, children (text kept as is)."""
    return (
        node.tag,
        sorted(node.attrs.items()),
        [child if isinstance(child, str) else _dump(child) for child in node.children],
    )


def _url(name: str) -> str:
    stem = name.removesuffix(".md")
    return "" if stem == "index" else f"{stem}/"


def _search(site: Path, names: list[str]) -> dict[str, Any]:
    """The search index entries of these pages (by location), if the theme writes one."""
    index = site / "search" / "search_index.json"
    if not index.is_file():
        return {}
    urls = tuple(_url(name) for name in names)
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    return {entry["location"]: entry for entry in docs if entry["location"].partition("#")[0] in urls}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.dictionaries(st.sampled_from(OTHER_PAGES), documents, min_size=1, max_size=3),
    st.dictionaries(st.sampled_from(CHECKLISTS), documents, min_size=1, max_size=2),
    st.sampled_from(["material", "mkdocs"]),
)
def test_pages_the_plugin_does_not_own_are_the_same_with_and_without_it(
    others: dict[str, str], checklists: dict[str, str], theme: str
) -> None:
    files: dict[str, str | bytes] = {"scripts/x.sh": "echo\n"}
    pages = {**others, **checklists}
    files.update({f"docs/{name}": text.encode("utf-8", "surrogatepass") for name, text in pages.items()})
    built = {}
    for plugin in (False, True):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            write(root, files)
            config = site_config(theme)
            preflight = {"preflight": {"checklists_dir": "docs/runbooks"}}
            config["plugins"] = ["search", preflight] if plugin else ["search"]
            write_config(root, config)
            site = build_site(root, strict=False)
            assert site.ok, site.messages
            contents = {name: _dump(article(site.page(_url(name)))) for name in others}
            built[plugin] = (contents, _search(site.site, list(others)))
    (plain, plain_search), (enhanced, enhanced_search) = built[False], built[True]
    for name in others:
        assert enhanced[name] == plain[name], name
    assert enhanced_search == plain_search
