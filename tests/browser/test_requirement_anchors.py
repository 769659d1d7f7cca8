"""Links from items to the requirements page land on the right entry, under Material's
instant navigation: IDs in other scripts (`Аб-1`), and IDs that differ only in case
(`ABC-1`, `abc-1`), whose anchors are `#req-аб-1`, `#req-abc-1` and `#req-abc-1-<hash>`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By

from ._support import BuiltSite, Page, served_site

pytestmark = pytest.mark.browser

CONFIG = """\
site_name: Anchors
site_url: {site_url}
theme:
  name: material
  font: false
  features: [navigation.instant]
markdown_extensions:
  - attr_list
  - pymdownx.superfences
  - pymdownx.tasklist:
      custom_checkbox: true
plugins:
  - search
  - preflight:
      registry: requirements.yml
      requirement_patterns: ['(?P<id>(?:要件|Аб|ABC|abc)-\\d+)']
"""

# Many entries after the targets, so that the page can scroll each one to the top.
REGISTRY = '"Аб-1": Кириллица\n"ABC-1": Upper\n"abc-1": Lower\n' + "".join(
    f'"要件-{n}": Filler {n}\n' for n in range(1, 40)
)
CHECKLIST = "# Deploy\n\n- [ ] One (Аб-1)\n- [ ] Two (ABC-1)\n- [ ] Three (abc-1)\n" + "".join(
    f"- [ ] Filler {n} (要件-{n})\n" for n in range(1, 40)
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    files = {"docs/index.md": "# Home\n", "requirements.yml": REGISTRY, "checklists/deploy.md": CHECKLIST}
    with served_site(tmp_path_factory.mktemp("anchors"), files, CONFIG) as built:
        yield built


@pytest.mark.parametrize(("ref_id", "title"), [("Аб-1", "Кириллица"), ("ABC-1", "Upper"), ("abc-1", "Lower")])
def test_a_requirement_link_opens_its_own_entry(site: BuiltSite, page: Page, ref_id: str, title: str) -> None:
    page.open(site.url("checklists/deploy/"))
    (link,) = [a for a in page.driver.find_elements(By.CSS_SELECTOR, "a.preflight-req") if a.text == ref_id]
    page.js("arguments[0].click()", link)
    page.wait(lambda d: "/requirements/" in d.current_url, "the requirements page")
    page.wait(lambda d: d.execute_script("return document.readyState") == "complete", "page load")
    page.settle(0.5)
    heading = page.js(
        "const id = decodeURIComponent(location.hash.slice(1)); const h = document.getElementById(id);"
        " return h ? [h.textContent, Math.round(h.getBoundingClientRect().top)] : null"
    )
    assert heading is not None, page.driver.current_url
    text, top = heading
    assert text.startswith(f"{ref_id}: {title}")
    assert 0 <= top < 200, "the entry is scrolled to the top, under the header"
