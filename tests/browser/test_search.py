"""Material's search finds pinned item IDs, step IDs and requirement IDs, and a result
opens the page at the item (real Chromium, the theme's own search worker and index)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By

from ._support import BuiltSite, Page, served_site

pytestmark = pytest.mark.browser

CONFIG = """\
site_name: Search
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
plugins: [search, {preflight: {registry: requirements.yml}}]
"""

FILLER = "".join(f"Background paragraph {n}.\n\n" for n in range(40))

DEPLOY = f"""\
# Deploy

## Before you start

{FILLER}
- [ ] Announce the deployment
- [ ] Take a database backup {{ #db-snapshot }}

    ```bash id=drain-nodes
    sh drain.sh
    ```

{FILLER}
- [ ] Deploy to production (REQ-12)
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    files = {
        "docs/index.md": "# Home\n",
        "checklists/deploy.md": DEPLOY,
        "drain.sh": "#!/bin/sh\n",
        "requirements.yml": "REQ-12: Deploys are reversible\n",
    }
    with served_site(tmp_path_factory.mktemp("search"), files, CONFIG) as built:
        yield built


def _search(page: Page, query: str) -> list[str]:
    """Type ``query`` into the theme's search box; the links of its results, best first."""
    box = page.driver.find_element(By.CSS_SELECTOR, "input.md-search__input")
    box.click()
    box.clear()
    box.send_keys(query)

    def results(driver: object) -> list[str] | None:
        found = page.js(
            "return [...document.querySelectorAll('.md-search-result__item a')].map(a => a.getAttribute('href'))"
        )
        return list(found) or None

    found: list[str] = page.wait(results, f"search results for {query!r}")
    return found


@pytest.mark.parametrize(
    ("query", "anchor"),
    [("db-snapshot", "checklists/deploy/#db-snapshot"), ("drain-nodes", "checklists/deploy/#drain-nodes")],
)
def test_a_pinned_item_or_step_id_is_found_and_opens_at_the_item(
    site: BuiltSite, page: Page, query: str, anchor: str
) -> None:
    page.open(site.url("checklists/deploy/"))
    links = _search(page, query)
    # Material shows the page first, then its matching parts, best first.
    assert links[:2] == [site.url("checklists/deploy/"), site.url(anchor)], links
    page.driver.find_elements(By.CSS_SELECTOR, ".md-search-result__item a")[1].click()
    page.wait(lambda d: d.current_url == site.url(anchor), "the result opens the item")
    target = anchor.split("#")[1]
    top = page.js(f"return document.getElementById('{target}').getBoundingClientRect().top")
    assert 0 <= top < 300, "the item is in view, not the section's top"


def test_a_requirement_id_is_found_on_the_requirements_page(site: BuiltSite, page: Page) -> None:
    page.open(site.url("checklists/deploy/"))
    links = _search(page, "REQ-12")
    assert site.url("requirements/#req-req-12") in links, links
