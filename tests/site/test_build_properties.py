"""Whole MkDocs builds of arbitrary checklists: the plugin never breaks a build.

Hypothesis writes one to three checklists from Markdown fragments (task items at any
indent, fences with and without options, admonitions, tabs, front matter, ID markers,
requirement references, control characters, plain text) under names with folders,
spaces and non-ASCII letters, and a requirements registry of arbitrary text. Each site
is built in the process with mkdocs-material or MkDocs' own theme. The build must finish
(findings are warnings, never a crash), every checklist must have its page, every
item anchor on a page must be one of the engine's items, once, and no permalink may sit
in code.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_samples import documents
from site_support import build_site, engine_checklists, site_config, write, write_config

NAMES = ["a.md", "index.md", "b/c.md", "b/d e.md", "é/ü.md"]


def _url(name: str) -> str:
    stem = name.removesuffix(".md")
    if stem == "index":
        return "checklists/"
    return f"checklists/{stem.removesuffix('/index')}/"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    st.dictionaries(st.sampled_from(NAMES), documents, min_size=1, max_size=3),
    st.sampled_from(["material", "mkdocs"]),
    st.text(max_size=30),
)
def test_any_checklists_build_into_pages_with_the_engines_items(
    pages: dict[str, str], theme: str, registry: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        files: dict[str, str | bytes] = {"docs/index.md": "# Home\n", "requirements.yml": registry}
        files.update({f"checklists/{name}": text.encode("utf-8", "surrogatepass") for name, text in pages.items()})
        write(root, files)
        write_config(root, site_config(theme))
        built = build_site(root, strict=False)
        assert built.ok, built.messages
        checklists = engine_checklists(root)
        for name in pages:
            html = built.html(_url(name))
            assert "\x02pf:" not in html and "\x01pf:" not in html
            page = built.page(_url(name))
            anchored = [node.get("id") for node in page.find_all("li", cls="preflight-item")]
            assert len(anchored) == len(set(anchored)), anchored
            assert set(anchored) <= {item.id for item in checklists[f"checklists/{name}"].items}
            for permalink in page.find_all("a", cls="preflight-permalink"):  # never in code (the copy button copies it)
                assert not {node.tag for node in permalink.ancestors()} & {"code", "pre"}, html
