"""The sample project the site tests build: a realistic runbook repository."""

from __future__ import annotations

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
