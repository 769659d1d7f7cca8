"""The sample project the site tests build: a realistic runbook repository."""

from __future__ import annotations

from hypothesis import strategies as st

DEPLOY = """\
---
title: Deploy the app
id: DEPLOY
owner: ops
requirements:
  "51.1": Deploys are announced
---

# Deploy

Run [the deploy script](../scripts/deploy.sh) as the [ops guide](../docs/guide.md) says;
rotate keys with [the rotation checklist](ops/rotate.md).

## Prepare (Requirement 29.1)

- [ ] Announce the deploy (Requirement 51.1)
- [ ] Take a backup { #db-backup }
- [x] Run the test suite `make test` (Req 29.2)
    - [ ] Check coverage REQ-7
    - [x] Check lint
- [ ] Tag the release

    ```bash id=tag-release timeout=600
    git tag v1.2.3
    ```

## Roll out { #rollout }

1. [ ] Deploy to staging

    ```bash { #deploy-staging data-preflight-timeout="900" }
    ./scripts/deploy.sh staging
    ```

2. [ ] Smoke test staging

<!-- preflight: id=smoke -->
```console
$ curl -fsS https://staging.example.invalid/health
ok
```

!!! warning "Production"
    - [ ] Deploy to production
    - [x] Watch the dashboards

??? note "Rollback"
    - [ ] Roll back if errors rise

=== "Staging"

    - [ ] Staging sign-off

=== "Production"

    - [ ] Production sign-off

## Afterwards

- [ ] Write the release notes

- [ ] Close the ticket
"""

ROTATE = """\
# Rotate keys

- [ ] Rotate the API keys
<!-- preflight: ignore PF102 (REQ-99 stays undefined: the requirements page lists it) -->
- [ ] Verify the new keys REQ-99
"""

REGISTRY = """\
requirements:
  "29.1": Deploys are repeatable
  "29.2": Tests pass before a deploy
  REQ-7: Coverage is tracked
  REQ-8: Nobody references this one
"""

FILES: dict[str, str | bytes] = {
    "checklists/deploy.md": DEPLOY,
    "checklists/ops/rotate.md": ROTATE,
    "requirements.yml": REGISTRY,
    "scripts/deploy.sh": '#!/bin/sh\necho deploying "$1"\n',
    "Makefile": "test:\n\techo testing\n",
    "docs/index.md": "# Home\n\nWelcome to the *runbooks* (Requirement 29.1 is only text here).\n",
    "docs/runbooks.md": "# Runbooks\n\nThe [deploy checklist](checklists/deploy.md) is generated; "
    "its [smoke test](checklists/deploy.md#smoke) is a step of its own.\n",
    "docs/guide.md": "# Ops guide\n\n- [ ] A task list in a normal page stays as it is\n\n```bash\necho hi\n```\n",
}


# -- for property tests ----------------------------------------------------------------

FRAGMENTS = [
    # Markdown pieces that matter to the engine and the plugin, joined at random with text.
    "- [ ] ",
    "- [x] ",
    "    - [ ] ",
    "1. [ ] ",
    "* [X] ",
    "\n",
    "\n\n",
    "    ",
    "\t",
    "```",
    "```bash",
    "```bash id=step timeout=5\n",
    "```bash { #b .c }\n",
    "```console\n$ ",
    "~~~",
    "# ",
    "## ",
    "!!! note\n    ",
    '=== "Tab"\n    ',
    "> ",
    "---\ntitle: T\n---\n",
    "{ #pin }",
    "REQ-7",
    "(Requirement 1.2)",
    "`make test`",
    "`scripts/x.sh`",
    "[link](../b/c.md#a)",
    "[script](../scripts/x.sh)",
    "[page](runbooks/a.md)",
    "<b>",
    "&amp;",
    "<!-- preflight: ignore -->",
    "<!-- preflight: id=z -->\n",
    "\\",
    "\x02pf:0\x03",
    "\x00",
    "é",
]
documents = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=10)), max_size=30).map("".join)
"""Markdown pieces joined at random: task items, fences, containers, markers, links, junk."""
