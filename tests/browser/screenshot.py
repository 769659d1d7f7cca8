"""Take docs/assets/screenshot-checklist.png: a demo checklist, rendered and ticked in Chromium.

Run from the repository root: ``python -m tests.browser.screenshot [--out PATH] [--scheme slate]``.
It builds a real mkdocs-material site with the plugin in a temporary folder, serves
it on loopback, ticks a few boxes with real clicks and saves a 1280x900 screenshot.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from selenium.webdriver.common.actions.action_builder import ActionBuilder

from ._support import Page, served_site, start_chromium

ROOT = Path(__file__).resolve().parents[2]

MKDOCS_THEME = """\
site_name: Acme runbooks
site_url: {site_url}
theme:
  name: mkdocs
  color_mode: {scheme}
markdown_extensions:
  - admonition
  - pymdownx.highlight
  - pymdownx.superfences
plugins: [search, preflight]
"""

CONFIG = """\
site_name: Acme runbooks
site_url: {site_url}
repo_url: https://github.com/acme/shop
theme:
  name: material
  font: false
  palette:
    scheme: {scheme}
    primary: indigo
    accent: indigo
  features:
    - navigation.instant
    - content.code.copy
markdown_extensions:
  - admonition
  - pymdownx.highlight
  - pymdownx.superfences
plugins: [search, preflight]
"""

DEMO = """\
---
title: Deploy the shop
owner: platform-team
---
# Deploy the shop

Release a new version of the shop to production. Tick each step as you go.

## Before you start

- [x] Announce the deployment in `#deployments`
- [x] Check that the error budget allows a release (Requirement 4.1)
- [ ] Take a database backup

    ```bash
    ./scripts/backup.sh --target s3://acme-backups/shop
    ```

## Roll out

### Staging

- [ ] Deploy the release candidate to staging
- [ ] Run the smoke tests against staging (Requirement 7.2)

### Production

- [ ] Switch 10% of the traffic to the new version
- [ ] Watch the error rate for 15 minutes
- [ ] Switch the remaining traffic
"""

TICK = ("take-a-database-backup", "deploy-the-release-candidate-to-staging")


def take(out: Path, scheme: str, theme: str = "material") -> None:
    """Build, serve, tick and save the screenshot."""
    files = {
        "docs/index.md": "# Acme runbooks\n",
        "checklists/deploy.md": DEMO,
        "checklists/rollback.md": "# Roll back\n\n- [ ] Switch the traffic back\n",
        "requirements.yml": "4.1: Releases respect the error budget\n7.2: Every release passes the smoke tests\n",
        "scripts/backup.sh": "#!/bin/sh\n",
    }
    with tempfile.TemporaryDirectory(prefix="preflight-shot-") as tmp:
        if theme == "material":
            config = CONFIG.replace("{scheme}", scheme)
        else:
            config = MKDOCS_THEME.replace("{scheme}", "dark" if scheme == "slate" else "light")
        with served_site(Path(tmp), files, config) as site:
            driver = start_chromium()
            try:
                driver.execute_cdp_cmd(
                    "Emulation.setDeviceMetricsOverride",
                    {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False},
                )
                page = Page(driver)
                page.open(site.url("checklists/deploy/"))
                for item_id in TICK:
                    if item_id in page.item_ids():
                        page.click_item(item_id)
                page.js("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
                mouse = ActionBuilder(driver)  # park the pointer where it hovers nothing
                mouse.pointer_action.move_to_location(1270, 890)  # type: ignore[no-untyped-call]
                mouse.perform()
                page.settle(0.3)
                out.parent.mkdir(parents=True, exist_ok=True)
                driver.save_screenshot(str(out))
            finally:
                driver.quit()
    print(out)


def main() -> None:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs/assets/screenshot-checklist.png")
    parser.add_argument("--scheme", default="default", choices=("default", "slate"))
    parser.add_argument("--theme", default="material", choices=("material", "mkdocs"))
    args = parser.parse_args()
    take(args.out, args.scheme, args.theme)


if __name__ == "__main__":
    main()
