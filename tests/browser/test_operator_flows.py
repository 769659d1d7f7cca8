"""An operator during a deployment: deep links under Material's sticky header, ticks
kept across a changed checklist, on a site with sticky tabs and a light/dark toggle."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from ._support import BuiltSite, Page, served_site

pytestmark = pytest.mark.browser

CONFIG = """\
site_name: Operator flows
site_url: {site_url}
theme:
  name: material
  font: false
  features: [navigation.instant, navigation.tabs, navigation.tabs.sticky]
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: Switch to dark mode}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: Switch to light mode}
markdown_extensions:
  - attr_list
  - pymdownx.highlight
  - pymdownx.superfences
  - pymdownx.tasklist:
      custom_checkbox: true
plugins: [search, preflight]
"""

FILLER = "".join(f"Background paragraph {n}.\n\n" for n in range(40))

DEPLOY = f"""\
# Deploy

{FILLER}
## Before you start

- [ ] Announce the deployment
- [ ] Take a database backup {{ #db-backup }}

{FILLER}
## Roll out

- [ ] Deploy to production
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BuiltSite]:
    """A Material site whose header carries sticky navigation tabs."""
    files = {"docs/index.md": "# Home\n", "checklists/deploy.md": DEPLOY}
    with served_site(tmp_path_factory.mktemp("operator"), files, CONFIG) as built:
        yield built


def test_a_deep_link_shows_the_item_below_the_sticky_tabs(site: BuiltSite, page: Page) -> None:
    """The header with sticky tabs is twice as high: the linked item must clear it, not hide under it."""
    page.open(site.url("checklists/deploy/#db-backup"))
    top, header, target = page.js(
        "const li = document.getElementById('db-backup');"
        " return [li.getBoundingClientRect().top,"
        " document.querySelector('.md-header').getBoundingClientRect().bottom, li.matches(':target')];"
    )
    assert target
    assert header > 60, "the sticky tabs are not part of the header: the test does not test anything"
    assert top >= header, f"the item starts at {top}px, under the header that ends at {header}px"
