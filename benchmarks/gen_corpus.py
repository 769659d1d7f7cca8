#!/usr/bin/env python3
"""Generate a deterministic synthetic corpus of deployment-runbook checklists.

Adapted from the team's shared generator ``shared/bench/gen_corpus.py``
(generator version 1, project-owned; see ``shared/bench/README.md`` for the syntax
rules behind every count). Changes here: formatting and type annotations only, so
that a given seed still gives byte-identical output to the shared copy.

Usage:
    python gen_corpus.py OUT_DIR --files N --items M [--seed S]

Writes OUT_DIR/checklists/**.md (N files, exactly M task items each) plus a
small fake repository around them (scripts/, config/, migrations/, tests/,
ops/, Makefile, requirements.yml, mkdocs.yml) and OUT_DIR/ground_truth.json
(every deliberate defect with file and line).  A JSON summary is printed on
stdout.  Standard library only; the same arguments always give byte-identical
output.  See README.md beside this file for the syntax rules that define what
counts as a reference.
"""

from __future__ import annotations

import argparse
import json
import os
import posixpath
import random
import re
import shutil
import sys
from collections import Counter
from collections.abc import Iterable
from typing import Any

Record = tuple[str, dict[str, Any]]
"""A ground-truth record: (defect kind, details)."""
CmdLine = tuple[str, list[Record]]
"""One emitted command line and the records that belong to it."""
Inject = tuple[str, str]
"""A planted defect: (kind, value)."""

GENERATOR_VERSION = 1

# --------------------------------------------------------------------------
# Vocabulary (original wording, invented names)
# --------------------------------------------------------------------------

SERVICES = [
    "billing-api",
    "auth-gateway",
    "ledger-worker",
    "search-indexer",
    "notify-svc",
    "media-transcoder",
    "quota-service",
    "audit-log",
    "session-cache",
    "report-builder",
    "geo-router",
    "feature-flags",
]
ENVS = ["staging", "canary", "production", "dr-site"]
REGIONS = ["eu-west-1", "us-east-2", "ap-south-1", "sa-east-1"]
DATABASES = ["orders", "accounts", "events", "inventory", "payouts"]
TEAMS = ["platform", "payments", "identity", "data-infra", "edge", "sre"]
HANDLES = ["@mira.k", "@tobias", "@ines-o", "@kwame", "@li.wei", "@sasha", "@noor", "@pedro.a", "@yuki", "@dara"]
CHANNELS = ["#deploys", "#ops-bridge", "#release-train", "#change-window"]
SECRETS = ["signing key", "database password", "webhook token", "object-store access key", "SMTP relay password"]
FLAGS = ["new_checkout_flow", "async_invoicing", "bulk_export_v2", "regional_failover", "strict_rate_limits"]

AREAS = ["releases", "incidents", "migrations", "maintenance", ""]
AREA_VERBS = {
    "releases": ["release", "hotfix", "promote"],
    "incidents": ["failover", "recover", "mitigate"],
    "migrations": ["migrate", "backfill", "reindex"],
    "maintenance": ["patch", "rotate", "resize"],
    "": ["deploy", "launch", "upgrade"],
}

ITEM_TEMPLATES = [
    "Confirm that {svc} reports healthy in {env} before moving on",
    "Freeze merges on the release branch of {svc}",
    "Take a snapshot of the {db} database and paste its identifier into the ticket",
    "Scale {svc} to {n} replicas in {region}",
    "Post the start of the change window in {chan}",
    "Compare the error budget of {svc} with the last release",
    "Apply the pending schema changes for {db}",
    "Roll {svc} back if p99 latency stays above {ms} ms for five minutes",
    "Hand the pager for {svc} to the owning team",
    "Write the build number of the {svc} artifact into the change record",
    "Purge cached static assets for {svc}",
    "Rotate the {secret} used by {svc}",
    "Check that {svc} dashboards show no gaps in the last hour",
    "Run the smoke suite against {env}",
    "Pause background jobs owned by {svc}",
    "Prime the {svc} cache with the busiest tenants",
    "Close the change record and attach the final notes",
    "Shift {pct}% of traffic in {region} to the new {svc} pods",
    "Verify that replication lag on {db} is under {sec} seconds",
    "Ask {handle} to approve the {env} promotion",
    "Disable the {flag} flag for external tenants",
    "Record the current {svc} image digest for a possible rollback",
    "Drain connections from the old {svc} nodes in {region}",
    "Make sure alert silences for {svc} expire after the window",
    "Re-run failed jobs for {db} once the migration has finished",
]

SECTION_TITLES = [
    "Preparation",
    "Pre-flight checks",
    "Database work",
    "Rollout to {env}",
    "Verification",
    "Rollback plan",
    "Communication",
    "Post-deploy cleanup",
    "Sign-off",
    "Traffic shift in {region}",
    "Capacity review",
    "Observability",
    "Access and credentials",
    "Feature flags",
    "Data integrity",
    "Handover",
]
SECTION_PARAGRAPHS = [
    "Work through this part in order and tick each box as soon as it is done.",
    "Nothing in this part should change customer-visible behaviour.",
    "If any step here fails, stop and follow the rollback plan further down.",
    "These steps assume you have an active session on the {env} bastion.",
    "Pair with a second operator for everything that touches {db}.",
    "Expect this part to take about {mins} minutes during a normal window.",
]
TITLE_FORMS = [
    "{Verb} checklist for {svc}",
    "{Verb} runbook: {svc} in {env}",
    "{svc} {verb} procedure",
    "Operator checklist: {verb} {svc}",
]
REQ_SUBJECTS = [
    "The operator",
    "The release tooling",
    "The on-call engineer",
    "Every rollout",
    "The deployment pipeline",
    "Each database change",
    "Each service owner",
    "The change record",
    "Every traffic shift",
    "The rollback procedure",
]
REQ_PREDICATES = [
    "can pause a rollout without losing progress",
    "keeps an audit trail of every manual step",
    "must verify health before widening exposure",
    "records the artifact digest that was shipped",
    "can restore the previous version within fifteen minutes",
    "announces the window before it starts",
    "must have a tested backup taken the same day",
    "is limited to the approved change window",
    "shall not skip the smoke suite",
    "names a single accountable owner",
    "leaves dashboards free of gaps",
    "must expire alert silences automatically",
]
CONSOLE_OUTPUT = [
    'deployment "{svc}" successfully rolled out',
    "ok",
    "HTTP/1.1 200 OK",
    "{n} passed in {sec}.{n}s",
    "Tagged v{ver}",
    "snapshot id: snap-{hexid}",
    "replication lag: 0.{n}s",
    "all {n} targets healthy",
]
COMMENTS = [
    "# run from the repository root",
    "# safe to repeat if it times out",
    "# expect this to take a few minutes",
    "# double-check the environment first",
]
YAML_SNIPPETS = [
    ["replicas: {n}", "maxUnavailable: 1", "maxSurge: 2"],
    ["service: {svc}", "window:", '  start: "22:00"', '  end: "23:30"'],
    ["flags:", "  {flag}: false"],
]
JSON_SNIPPETS = [
    ['{{"service": "{svc}", "enabled": false}}'],
    ["{{", '  "region": "{region}",', '  "weight": {pct}', "}}"],
]
TEXT_SNIPPETS = [
    ["WARN pool exhausted, retrying in 5s", "INFO pool recovered"],
    ["checksum mismatch on shard {n}", "rebuild scheduled"],
]
INLINE_OTHER = [
    "maxUnavailable",
    "ENV={env}",
    "HTTP 503",
    "v{ver}",
    "{flag}",
    "replicas={n}",
    "READ ONLY",
]
EXTERNAL_LINKS = [
    ("change policy", "https://wiki.example.internal/ops/change-policy"),
    ("status page", "https://status.example.com"),
    ("escalation matrix", "https://wiki.example.internal/ops/escalation"),
]

# --------------------------------------------------------------------------
# The fake repository
# --------------------------------------------------------------------------

SCRIPTS_EXEC = [
    "scripts/deploy.sh",
    "scripts/rollback.sh",
    "scripts/healthcheck.sh",
    "scripts/smoke_test.sh",
    "scripts/db_backup.sh",
    "scripts/db_restore.sh",
    "scripts/freeze_merges.sh",
    "scripts/flip_traffic.sh",
    "scripts/rotate_secret.sh",
    "scripts/purge_cdn.sh",
    "scripts/collect_logs.sh",
    "scripts/tag_release.sh",
]
# Present but without the executable bit (chmod 0644).
SCRIPTS_NOEXEC = ["scripts/drain_node.sh", "scripts/warm_cache.sh"]
PY_SCRIPTS = ["scripts/verify_rollout.py", "scripts/compare_metrics.py"]
CONFIGS = {env: f"config/{env}.yml" for env in ENVS}
OTHER_CONFIGS = ["config/feature_flags.json"]
MIGRATIONS = [
    "migrations/0001_create_accounts.sql",
    "migrations/0002_orders_index.sql",
    "migrations/0003_add_payout_state.sql",
    "migrations/0004_events_partition.sql",
    "migrations/0005_inventory_sku_unique.sql",
    "migrations/0006_drop_tmp_tables.sql",
]
TESTS = ["tests/test_smoke.py", "tests/test_rollout.py", "tests/test_migrations.py", "tests/conftest.py"]
OPS = ["ops/alerts.yml", "ops/dashboards/latency.json", "ops/oncall.md"]

# Plausible paths that never exist (used for the missing-file defect).
MISSING = {
    "script": ["scripts/deploy_v2.sh", "scripts/rollback-all.sh", "scripts/healthcheck_old.sh", "scripts/prewarm.sh"],
    "py": ["scripts/verify.py", "scripts/compare_metrics_v1.py"],
    "config": ["config/prod.yml", "config/stage.yaml", "config/secrets.yml"],
    "migration": ["migrations/0042_drop_legacy.sql", "migrations/0099_backfill_totals.sql"],
    "test": ["tests/test_canary.py", "tests/e2e/test_checkout.py"],
    "ops": ["ops/runbook_index.md", "ops/dashboards/errors.json"],
}

MAKE_TARGETS = [
    "build",
    "test",
    "lint",
    "smoke",
    "deploy-staging",
    "deploy-canary",
    "deploy-production",
    "rollback",
    "migrate",
    "backup-db",
    "freeze",
    "unfreeze",
    "verify",
    "release-notes",
]
MAKE_TARGETS_MISSING = ["deploy-prod", "migrate-all", "smoke-full", "cache-warm", "verify-all"]

MISSING_RATE = 1 / 20  # share of file references that point at nothing

# The rule a checker should use to spot repo paths in commands (see README.md);
# every token the generator emits that matches it is counted as a reference.
PATH_RE = re.compile(r"^(?:\./)?(?:scripts|config|migrations|tests|ops)/[A-Za-z0-9_./-]*\.[A-Za-z0-9]+$")


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


class Stats:
    def __init__(self) -> None:
        self.c: Counter[str] = Counter()
        self.items_by_depth: Counter[int] = Counter()
        self.headings_by_level: Counter[int] = Counter()
        self.blocks_by_lang: Counter[str] = Counter()
        self.refs_by_kind: Counter[str] = Counter()
        self.missing_by_kind: Counter[str] = Counter()
        self.truth: dict[str, list[dict[str, Any]]] = {
            "missing_file_refs": [],
            "undefined_requirement_refs": [],
            "duplicate_requirement_ids": [],
            "missing_make_targets": [],
            "non_executable_script_calls": [],
        }


class Ctx:
    """Fill-in values for templates; one fresh draw per call."""

    def __init__(self, rng: random.Random, svc: str, env: str) -> None:
        self.rng = rng
        self.svc = svc
        self.env = env

    def fill(self, template: str) -> str:
        r = self.rng
        return template.format(
            svc=self.svc if r.random() < 0.7 else r.choice(SERVICES),
            env=self.env if r.random() < 0.6 else r.choice(ENVS),
            db=r.choice(DATABASES),
            region=r.choice(REGIONS),
            n=r.randint(2, 48),
            ms=r.choice([250, 400, 800, 1200]),
            chan=r.choice(CHANNELS),
            secret=r.choice(SECRETS),
            pct=r.choice([5, 10, 25, 50, 100]),
            sec=r.randint(2, 30),
            handle=r.choice(HANDLES),
            flag=r.choice(FLAGS),
            mins=r.choice([10, 15, 20, 30, 45]),
            ver=f"{r.randint(1, 9)}.{r.randint(0, 40)}.{r.randint(0, 9)}",
            hexid=f"{r.getrandbits(32):08x}",
            Verb="",
            verb="",
        )


class Doc:
    """Accumulates the lines of one checklist file and its ground truth."""

    def __init__(self, relpath: str, stats: Stats) -> None:
        self.relpath = relpath  # e.g. checklists/releases/x.md
        self.dir = posixpath.dirname(relpath)
        self.lines: list[str] = []
        self.stats = stats

    def emit(self, line: str, records: Iterable[Record] = ()) -> None:
        self.lines.append(line)
        lineno = len(self.lines)
        for key, details in records:
            rec = dict(details)
            rec["file"] = self.relpath
            rec["line"] = lineno
            self.stats.truth[key].append(rec)

    def blank(self) -> None:
        if self.lines and self.lines[-1] != "":
            self.lines.append("")


class Gen:
    def __init__(self, out: str, files: int, items: int, seed: int) -> None:
        self.out = out
        self.n_files = files
        self.n_items = items
        self.seed = seed
        self.rng = random.Random(f"plan:{seed}")
        self.stats = Stats()
        self.plan()

    # ---------------------------------------------------------------- plan
    def plan(self) -> None:
        r = self.rng
        n = self.n_files
        self.paths: list[str] = []
        for i in range(n):
            area = r.choice(AREAS)
            verb = r.choice(AREA_VERBS[area])
            svc = r.choice(SERVICES)
            name = f"{verb}-{svc}-{i:04d}.md"
            self.paths.append(posixpath.join("checklists", area, name) if area else posixpath.join("checklists", name))
        self.missing_docs = [
            "checklists/releases/archived-release-notes.md",
            "checklists/incidents/archived-failover-drill.md",
            "checklists/retired/legacy-cutover.md",
        ]

        # Requirement registry: sections 1..S, 2..6 sub-ids each.
        s_count = max(20, n // 4)
        self.registry: list[tuple[str, str]] = []
        for s in range(1, s_count + 1):
            for j in range(1, r.randint(2, 6) + 1):
                self.registry.append((f"{s}.{j}", self.req_title(r)))
        registry_ids = [rid for rid, _ in self.registry]
        subs_per_section = Counter(int(rid.split(".")[0]) for rid in registry_ids)

        # Requirements defined inside checklist files (sections after S).
        self.local_defs: dict[int, list[tuple[str, str]]] = {}
        local_files = sorted(r.sample(range(n), max(1, round(n * 0.08))))
        sec = s_count
        for fi in local_files:
            sec += 1
            self.local_defs[fi] = [(f"{sec}.{j}", self.req_title(r)) for j in range(1, r.randint(2, 4) + 1)]
        self.defined_ids = registry_ids + [rid for defs in self.local_defs.values() for rid, _ in defs]
        max_section = sec

        # Duplicates: half repeated inside requirements.yml, half redefined in
        # a checklist heading.  Each duplicated id is defined exactly twice.
        n_dup = max(3, n // 40)
        dup_ids = r.sample(registry_ids, n_dup)
        n_dup_registry = (n_dup + 1) // 2
        self.dup_registry = dup_ids[:n_dup_registry]
        self.dup_cross: dict[int, list[str]] = {}
        for rid in dup_ids[n_dup_registry:]:
            self.dup_cross.setdefault(r.randrange(n), []).append(rid)
        for rid in dup_ids:
            self.stats.truth["duplicate_requirement_ids"].append(
                {"id": rid, "where": "registry" if rid in self.dup_registry else "registry+checklist"}
            )

        # Undefined ids: beyond every section, or a sub-id past the last one.
        n_undef = max(3, n // 40)
        undef: list[str] = []
        while len(undef) < n_undef:
            if r.random() < 0.5:
                rid = f"{max_section + r.randint(50, 400)}.{r.randint(1, 5)}"
            else:
                s = r.randint(1, s_count)
                rid = f"{s}.{r.randint(subs_per_section[s] + 1, 9)}" if subs_per_section[s] < 9 else ""
            if rid and rid not in undef and rid not in self.defined_ids:
                undef.append(rid)
        self.undef_ids = undef
        # Placement of defects: file -> list of (kind, value, item index)
        self.inject: dict[int, list[tuple[str, str, int]]] = {}
        for rid in undef:
            for _ in range(r.randint(1, 3)):
                self._place("undef_req", rid)
        for _ in range(max(2, n // 50)):
            self._place("missing_make", r.choice(MAKE_TARGETS_MISSING))
        for _ in range(max(2, n // 50)):
            self._place("noexec_call", r.choice(SCRIPTS_NOEXEC))

    def _place(self, kind: str, value: str) -> None:
        fi = self.rng.randrange(self.n_files)
        item = self.rng.randrange(self.n_items) if self.n_items else 0
        self.inject.setdefault(fi, []).append((kind, value, item))

    @staticmethod
    def req_title(r: random.Random) -> str:
        return f"{r.choice(REQ_SUBJECTS)} {r.choice(REQ_PREDICATES)}"

    # ---------------------------------------------------------- references
    def rel(self, doc: Doc, target: str) -> str:
        return posixpath.relpath(target, doc.dir)

    def pick_path(self, r: random.Random, category: str) -> tuple[str, bool]:
        """Return (repo-relative path, exists)."""
        if r.random() < MISSING_RATE:
            return r.choice(MISSING[category]), False
        if category == "script":
            return r.choice(SCRIPTS_EXEC + SCRIPTS_NOEXEC), True
        if category == "py":
            return r.choice(PY_SCRIPTS), True
        if category == "config":
            return r.choice(list(CONFIGS.values()) + OTHER_CONFIGS), True
        if category == "migration":
            return r.choice(MIGRATIONS), True
        if category == "test":
            return r.choice(TESTS), True
        return r.choice(OPS), True

    def ref(self, doc: Doc, kind: str, target: str, exists: bool, recs: list[Record]) -> None:
        st = self.stats
        st.refs_by_kind[kind] += 1
        if not exists:
            st.missing_by_kind[kind] += 1
            recs.append(("missing_file_refs", {"kind": kind, "target": target}))

    # ------------------------------------------------------------ commands
    def command(
        self,
        r: random.Random,
        ctx: Ctx,
        doc: Doc,
        *,
        inline: bool = False,
        allow_multi: bool = True,
        inject: Inject | None = None,
    ) -> list[CmdLine]:
        """Return a list of (line, records) forming one shell command."""
        recs: list[Record] = []
        env = ctx.env if r.random() < 0.7 else r.choice(ENVS)
        svc = ctx.svc if r.random() < 0.7 else r.choice(SERVICES)
        ver = f"{r.randint(1, 9)}.{r.randint(0, 40)}.{r.randint(0, 9)}"
        st = self.stats

        if inject is not None:
            kind, value = inject
            if kind == "missing_make":
                st.c["make_refs"] += 1
                recs.append(("missing_make_targets", {"target": value}))
                return [(f"make {value} ENV={env}", recs)]
            if kind == "noexec_call":
                self.ref(doc, "command_path", value, True, recs)
                recs.append(("non_executable_script_calls", {"script": value}))
                return [(f"./{value} --env {env}", recs)]

        choice = r.randrange(14)
        tokens: list[str]
        if choice in (0, 1):
            path, ok = self.pick_path(r, "script")
            if ok and path in SCRIPTS_NOEXEC:
                path = r.choice(SCRIPTS_EXEC)  # direct calls only hit +x scripts
            self.ref(doc, "command_path", path, ok, recs)
            tokens = [f"./{path}", "--env", env, "--service", svc]
        elif choice == 2:
            path, ok = self.pick_path(r, "script")
            self.ref(doc, "command_path", path, ok, recs)
            tokens = ["bash", path, svc]
        elif choice == 3:
            path, ok = self.pick_path(r, "py")
            self.ref(doc, "command_path", path, ok, recs)
            tokens = ["python", path, "--service", svc, "--env", env]
        elif choice in (4, 5):
            st.c["make_refs"] += 1
            tokens = ["make", r.choice(MAKE_TARGETS)]
            if r.random() < 0.5:
                tokens.append(f"ENV={env}")
        elif choice == 6:
            if r.random() < 0.5:
                tokens = ["pytest", "tests/", "-v"]
            else:
                path, ok = self.pick_path(r, "test")
                self.ref(doc, "command_path", path, ok, recs)
                tokens = ["pytest", path, "-v", "-k", svc.replace("-", "_")]
        elif choice == 7:
            tokens = ["kubectl", "rollout", "status", f"deployment/{svc}", "-n", env, "--timeout=300s"]
        elif choice == 8:
            path, ok = self.pick_path(r, "config")
            self.ref(doc, "command_path", path, ok, recs)
            tokens = ["kubectl", "apply", "-f", path, "--dry-run=server"]
        elif choice == 9:
            path, ok = self.pick_path(r, "migration")
            self.ref(doc, "command_path", path, ok, recs)
            tokens = ["psql", '"$DATABASE_URL"', "-v", "ON_ERROR_STOP=1", "-f", path]
        elif choice == 10:
            tokens = ["curl", "-fsS", "-H", '"X-Probe: preflight"', f"https://{svc}.{env}.example.internal/healthz"]
        elif choice == 11:
            tokens = ["git", "tag", "-a", f"v{ver}", "-m", f'"Release {ver}"']
        elif choice == 12:
            path, ok = self.pick_path(r, "config")
            self.ref(doc, "command_path", path, ok, recs)
            tokens = [
                "helm",
                "upgrade",
                "--install",
                svc,
                f"oci://charts.example.internal/{svc}",
                "--version",
                ver,
                "-f",
                path,
            ]
        else:
            tokens = r.choice(
                [
                    ["sleep", str(r.choice([30, 60, 120]))],
                    ["export", f"RELEASE_VERSION={ver}"],
                    ["redis-cli", "-h", f"cache.{env}.internal", "INFO", "keyspace"],
                    ["aws", "s3", "cp", f"s3://backups-{env}/{r.choice(DATABASES)}/latest.dump", "/tmp/restore.dump"],
                ]
            )
        if not inline and choice == 7 and r.random() < 0.3:
            tokens += ["&&", "kubectl", "get", "pods", "-n", env, "-l", f"app={svc}", "-o", "name", "|", "wc", "-l"]

        if allow_multi and not inline and len(tokens) >= 5 and r.random() < 0.3:
            # Split with backslash continuations before option flags.
            lines: list[list[str]] = [[]]
            for tok in tokens:
                if tok.startswith("-") and lines[-1] and len(lines[-1]) >= 1 and lines[-1][0] != "|":
                    lines.append([])
                lines[-1].append(tok)
            if len(lines) > 1:
                self.stats.c["commands_with_continuations"] += 1
                out: list[CmdLine] = []
                for k, part in enumerate(lines):
                    text = ("    " if k else "") + " ".join(part)
                    if k < len(lines) - 1:
                        text += " \\"
                    # attach each ref record to the line holding its token
                    out.append((text, [rc for rc in recs if self._rec_on(rc, part)]))
                return out
        return [(" ".join(tokens), recs)]

    @staticmethod
    def _rec_on(rec: Record, part_tokens: list[str]) -> bool:
        key, data = rec
        target = data.get("target") or data.get("script")
        if key == "missing_make_targets":
            return "make" in part_tokens
        return any(t.lstrip("./") == target or t == target or t == f"./{target}" for t in part_tokens)

    def fence(
        self, r: random.Random, ctx: Ctx, doc: Doc, indent: str, *, where: str, inject: Inject | None = None
    ) -> None:
        """Emit one fenced command block."""
        st = self.stats
        lang = r.choices(["bash", "console", "sh", "shell"], [55, 25, 10, 10])[0]
        fence_chars = r.choices(["```", "~~~", "````"], [90, 6, 4])[0]
        st.c["command_blocks"] += 1
        st.c[f"command_blocks_{where}"] += 1
        st.blocks_by_lang[lang] += 1
        doc.emit(f"{indent}{fence_chars}{lang}")
        n_cmds = r.choices([1, 2, 3, 4], [45, 30, 15, 10])[0]
        had_cont = False
        for k in range(n_cmds):
            inj = inject if k == 0 else None
            if lang == "console":
                cmd = self.command(r, ctx, doc, allow_multi=False, inject=inj)
                ((text, recs),) = cmd
                doc.emit(f"{indent}$ {text}", recs)
                for _ in range(r.choice([0, 1, 1, 2])):
                    doc.emit(indent + ctx.fill(r.choice(CONSOLE_OUTPUT)))
            else:
                if r.random() < 0.15:
                    doc.emit(indent + r.choice(COMMENTS))
                cmd = self.command(r, ctx, doc, inject=inj)
                had_cont |= len(cmd) > 1
                for text, recs in cmd:
                    doc.emit(indent + text, recs)
            st.c["commands_in_blocks"] += 1
        if had_cont:
            st.c["command_blocks_with_continuations"] += 1
        doc.emit(f"{indent}{fence_chars}")

    def other_block(self, r: random.Random, ctx: Ctx, doc: Doc, indent: str) -> None:
        lang, snippets = r.choice([("yaml", YAML_SNIPPETS), ("json", JSON_SNIPPETS), ("text", TEXT_SNIPPETS)])
        self.stats.c["other_code_blocks"] += 1
        doc.emit(f"{indent}```{lang}")
        for line in r.choice(snippets):
            doc.emit(indent + ctx.fill(line))
        doc.emit(f"{indent}```")

    def inline_command(
        self, r: random.Random, ctx: Ctx, doc: Doc, inject: Inject | None = None
    ) -> tuple[str, list[Record]]:
        text, recs = self.command(r, ctx, doc, inline=True, allow_multi=False, inject=inject)[0]
        self.stats.c["inline_commands"] += 1
        return f"`{text}`", recs

    def req_ref_text(self, r: random.Random, ids: list[str]) -> str:
        self.stats.c["requirement_refs"] += len(ids)
        if len(ids) == 1 and r.random() < 0.7:
            return f"(Requirement {ids[0]})"
        return f"_Requirements: {', '.join(ids)}_"

    # --------------------------------------------------------------- items
    def item(
        self,
        r: random.Random,
        ctx: Ctx,
        doc: Doc,
        depth: int,
        indent_unit: int,
        marker: str,
        injects: list[Inject],
        local_ids: list[str],
    ) -> None:
        st = self.stats
        pad = " " * ((depth - 1) * indent_unit)
        body_pad = " " * (depth * indent_unit)
        box = r.choices(["[ ]", "[x]", "[X]"], [55, 40, 5])[0]
        st.c["items_checked" if box != "[ ]" else "items_unchecked"] += 1
        st.items_by_depth[depth] += 1

        recs: list[Record] = []
        text = ctx.fill(r.choice(ITEM_TEMPLATES))
        inj_fence: Inject | None = None
        undef = [v for k, v in injects if k == "undef_req"]
        for kind, value in injects:
            if kind in ("missing_make", "noexec_call"):
                if inj_fence is not None or r.random() < 0.5:
                    code, crecs = self.inline_command(r, ctx, doc, inject=(kind, value))
                    text += f": {code}"
                    recs += crecs
                else:
                    inj_fence = (kind, value)
        if r.random() < 0.22:
            code, crecs = self.inline_command(r, ctx, doc)
            text += f" with {code}"
            recs += crecs
        if r.random() < 0.10:
            if r.random() < 0.6:
                cat = r.choice(["script", "config", "migration", "test", "ops", "py"])
                path, ok = self.pick_path(r, cat)
                self.ref(doc, "link_repo", path, ok, recs)
            else:
                if r.random() < MISSING_RATE:
                    path, ok = r.choice(self.missing_docs), False
                else:
                    path, ok = r.choice(self.paths), True
                self.ref(doc, "link_doc", path, ok, recs)
            label = posixpath.basename(path) if r.random() < 0.5 else "details"
            text += f" (see [{label}]({self.rel(doc, path)}))"
        if r.random() < 0.07:
            cat = r.choice(["config", "migration", "ops"])
            path, ok = self.pick_path(r, cat)
            self.ref(doc, "inline_path", path, ok, recs)
            text += f" using `{path}`"
        if r.random() < 0.05:
            st.c["inline_code_other"] += 1
            text += f"; keep `{ctx.fill(r.choice(INLINE_OTHER))}` in mind"
        if r.random() < 0.02:
            st.c["external_links"] += 1
            label, url = r.choice(EXTERNAL_LINKS)
            text += f" per the [{label}]({url})"
        trailing = None
        ids: list[str] = []
        if r.random() < 0.3:
            pool = local_ids if local_ids and r.random() < 0.4 else self.defined_ids
            ids = sorted(
                set(r.sample(pool, min(len(pool), r.choice([1, 1, 1, 2, 3])))),
                key=lambda s: tuple(map(int, s.split("."))),
            )
        for rid in undef:
            ids.append(rid)
            recs.append(("undefined_requirement_refs", {"id": rid}))
        if ids:
            ref = self.req_ref_text(r, ids)
            if ref.startswith("_"):
                trailing = ref
            else:
                text += f" {ref}"

        line = f"{pad}{marker} {box} {text}"
        if trailing:
            # Requirement refs live on the continuation line.
            req_recs = [x for x in recs if x[0] == "undefined_requirement_refs"]
            doc.emit(line, [x for x in recs if x[0] != "undefined_requirement_refs"])
            doc.emit(body_pad + trailing, req_recs)
        else:
            doc.emit(line, recs)

        if inj_fence or r.random() < 0.28:
            if r.random() < 0.7:
                doc.emit("")
            self.fence(r, ctx, doc, body_pad, where="in_items", inject=inj_fence)
            doc.emit("")
        if r.random() < 0.03:
            doc.blank()
            self.other_block(r, ctx, doc, body_pad)
            doc.emit("")
        if r.random() < 0.04:
            st.c["plain_bullets"] += 1
            doc.emit(f"{body_pad}- Note: {ctx.fill(r.choice(SECTION_PARAGRAPHS))}")

    def item_list(
        self,
        r: random.Random,
        ctx: Ctx,
        doc: Doc,
        count: int,
        indent_unit: int,
        bullet: str,
        item_offset: int,
        injects_by_item: dict[int, list[Inject]],
        local_ids: list[str],
    ) -> None:
        ordered = indent_unit == 4 and r.random() < 0.12
        if ordered:
            self.stats.c["ordered_lists"] += 1
        depth = 1
        number = 0
        for k in range(count):
            if k:
                roll = r.random()
                if roll < 0.3 and depth < 3:
                    depth += 1
                elif roll < 0.55 and depth > 1:
                    depth -= r.randint(1, depth - 1)
            if depth == 1 and ordered:
                number += 1
                marker = f"{number}."
            else:
                marker = bullet
            self.item(r, ctx, doc, depth, indent_unit, marker, injects_by_item.get(item_offset + k, []), local_ids)

    # ---------------------------------------------------------------- files
    def heading(self, doc: Doc, level: int, text: str, records: Iterable[Record] = ()) -> None:
        self.stats.c["headings"] += 1
        self.stats.headings_by_level[level] += 1
        doc.blank()
        doc.emit("#" * level + " " + text, records)
        doc.emit("")

    def table(self, r: random.Random, ctx: Ctx, doc: Doc) -> None:
        st = self.stats
        st.c["tables"] += 1
        kind = r.randrange(3)
        doc.blank()
        if kind == 0:
            doc.emit("| Step | Owner | Command | Expected |")
            doc.emit("| --- | --- | --- | --- |")
            for _ in range(r.randint(3, 6)):
                code, recs = self.inline_command(r, ctx, doc)
                doc.emit(f"| {ctx.fill(r.choice(SECTION_TITLES))} | {r.choice(HANDLES)} | {code} | exit code 0 |", recs)
        elif kind == 1:
            doc.emit("| Role | Name | Signed off |")
            doc.emit("| --- | --- | :---: |")
            for role in ["Release manager", "Service owner", "On-call", "Reviewer"]:
                doc.emit(f"| {role} | {r.choice(HANDLES)} | {r.choice(['yes', 'pending'])} |")
        else:
            doc.emit("| Artifact | Location |")
            doc.emit("| --- | --- |")
            for _ in range(r.randint(2, 4)):
                artifact_recs: list[Record] = []
                cat = r.choice(["config", "migration", "ops", "script"])
                path, ok = self.pick_path(r, cat)
                self.ref(doc, "link_repo", path, ok, artifact_recs)
                doc.emit(f"| {posixpath.basename(path)} | [{path}]({self.rel(doc, path)}) |", artifact_recs)
        doc.emit("")

    def gen_file(self, fi: int) -> str:
        r = random.Random(f"file:{self.seed}:{fi}")
        st = self.stats
        relpath = self.paths[fi]
        doc = Doc(relpath, st)
        svc = next(s for s in SERVICES if f"-{s}-" in posixpath.basename(relpath))
        ctx = Ctx(r, svc, r.choice(ENVS))
        indent_unit = 2 if r.random() < 0.15 else 4
        if indent_unit == 2:
            st.c["two_space_indent_files"] += 1
        bullet = "*" if r.random() < 0.1 else "-"
        verb = posixpath.basename(relpath).split("-")[0]
        title = r.choice(TITLE_FORMS).format(Verb=verb.capitalize(), verb=verb, svc=svc, env=ctx.env)

        if r.random() < 0.3:
            st.c["front_matter_files"] += 1
            doc.emit("---")
            doc.emit(f"title: {title.replace(':', ' -')}")
            doc.emit(f"owner: {r.choice(TEAMS)}")
            doc.emit(f"service: {svc}")
            doc.emit(f"review_by: 20{r.randint(25, 27)}-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}")
            doc.emit(f"tags: [{verb}, {svc}]")
            doc.emit("---")
            doc.emit("")
        if r.random() < 0.05:
            st.c["setext_titles"] += 1
            st.c["headings"] += 1
            st.headings_by_level[1] += 1
            doc.emit(title)
            doc.emit("=" * len(title))
            doc.emit("")
        else:
            self.heading(doc, 1, title)
        intro = ctx.fill(r.choice(SECTION_PARAGRAPHS))
        if r.random() < 0.3:
            st.c["external_links"] += 1
            label, url = r.choice(EXTERNAL_LINKS)
            intro += f" Read the [{label}]({url}) first."
        doc.emit(intro)

        # Defects placed in this file, keyed by item index.
        injects_by_item: dict[int, list[tuple[str, str]]] = {}
        for kind, value, item in self.inject.get(fi, []):
            injects_by_item.setdefault(item, []).append((kind, value))

        local = self.local_defs.get(fi, [])
        local_ids = [rid for rid, _ in local]

        m = self.n_items
        n_sections = max(1, min(m, m // 12 + r.randint(-1, 2))) if m else 1
        cuts = sorted(r.sample(range(1, m), n_sections - 1)) if m > 1 and n_sections > 1 else []
        bounds = [0, *cuts, m]
        table_section = r.randrange(n_sections) if r.random() < 0.25 else -1
        level = 1
        for si in range(n_sections):
            level = r.choices(range(2, min(4, level + 1) + 1), [5, 3, 1][: min(4, level + 1) - 1])[0] if si else 2
            self.heading(doc, level, ctx.fill(r.choice(SECTION_TITLES)))
            para_ids: list[str] = []
            if r.random() < 0.5:
                para = ctx.fill(r.choice(SECTION_PARAGRAPHS))
                if r.random() < 0.15:
                    para_ids = [r.choice(self.defined_ids)]
                    para += " " + self.req_ref_text(r, para_ids)
                doc.emit(para)
                doc.emit("")
            if r.random() < 0.2:
                self.fence(r, ctx, doc, "", where="under_headings")
                doc.emit("")
            if r.random() < 0.05:
                self.other_block(r, ctx, doc, "")
                doc.emit("")
            if si == table_section:
                self.table(r, ctx, doc)
            self.item_list(
                r, ctx, doc, bounds[si + 1] - bounds[si], indent_unit, bullet, bounds[si], injects_by_item, local_ids
            )

        dup_here = self.dup_cross.get(fi, [])
        if local or dup_here:
            self.heading(doc, 2, "Requirements defined in this checklist")
            defs = list(local)
            for rid in dup_here:
                defs.append((rid, self.req_title(r)))
            for rid, title_ in defs:
                st.c["requirement_defs_inline"] += 1
                self.heading(doc, 3, f"Requirement {rid}: {title_}")
                doc.emit(ctx.fill(r.choice(SECTION_PARAGRAPHS)))
        doc.blank()
        return "\n".join(doc.lines).rstrip("\n") + "\n"

    # ------------------------------------------------------------ the repo
    def write_repo(self) -> None:
        out = self.out
        for path in SCRIPTS_EXEC + SCRIPTS_NOEXEC:
            full = os.path.join(out, path)
            os.makedirs(os.path.dirname(full), exist_ok=True)
            name = posixpath.basename(path)[:-3]
            with open(full, "w", encoding="utf-8") as fh:
                fh.write(
                    "#!/usr/bin/env bash\n# Synthetic helper for the benchmark corpus.\n"
                    "set -euo pipefail\n"
                    f'echo "{name}: $*"\n'
                )
            os.chmod(full, 0o755 if path in SCRIPTS_EXEC else 0o644)
        for path in PY_SCRIPTS:
            self._write(path, "#!/usr/bin/env python3\nimport sys\nprint(' '.join(sys.argv[1:]))\n")
        for env, path in CONFIGS.items():
            self._write(path, f"environment: {env}\nreplicas: 4\nregion: {REGIONS[0]}\n")
        self._write(OTHER_CONFIGS[0], json.dumps(dict.fromkeys(FLAGS, False), indent=2) + "\n")
        for path in MIGRATIONS:
            self._write(path, f"-- {posixpath.basename(path)}\nSELECT 1;\n")
        for path in TESTS:
            self._write(path, "def test_placeholder():\n    assert True\n")
        self._write(OPS[0], "groups: []\n")
        self._write(OPS[1], '{"panels": []}\n')
        self._write(OPS[2], "# On-call\n\nSee the pager rota.\n")

        mk = [".PHONY: " + " ".join(MAKE_TARGETS), ""]
        recipe = {
            "deploy-staging": "./scripts/deploy.sh --env staging",
            "deploy-canary": "./scripts/deploy.sh --env canary",
            "deploy-production": "./scripts/deploy.sh --env production",
            "rollback": "./scripts/rollback.sh --env $(ENV)",
            "smoke": "./scripts/smoke_test.sh --env $(ENV)",
            "backup-db": "./scripts/db_backup.sh",
            "freeze": "./scripts/freeze_merges.sh on",
            "unfreeze": "./scripts/freeze_merges.sh off",
            "test": "pytest tests/ -q",
        }
        mk.insert(1, "ENV ?= staging")
        for t in MAKE_TARGETS:
            mk.append(f"{t}:")
            mk.append("\t" + recipe.get(t, f'@echo "{t}"'))
            mk.append("")
        self._write("Makefile", "\n".join(mk))

        reg = [
            f"# Requirement registry for the synthetic corpus (seed {self.seed}).",
            "# Keys are quoted so that YAML keeps them as strings.",
            "requirements:",
        ]
        # registry duplicates are written a second time near the end
        r = self.rng
        tail = []
        for rid, title in self.registry:
            reg.append(f'  "{rid}": "{title}"')
            self.stats.c["requirement_defs_registry"] += 1
            if rid in self.dup_registry:
                tail.append(f'  "{rid}": "{self.req_title(r)}"')
        for line in tail:
            reg.append(line)
            self.stats.c["requirement_defs_registry"] += 1
        self._write("requirements.yml", "\n".join(reg) + "\n")

        self._write(
            "mkdocs.yml",
            "\n".join(
                [
                    "site_name: Preflight benchmark corpus",
                    "docs_dir: checklists",
                    "site_dir: site",
                    "theme:",
                    "  name: material",
                    "plugins:",
                    "  - search",
                    "markdown_extensions:",
                    "  - attr_list",
                    "  - tables",
                    "  - pymdownx.superfences",
                    "  - pymdownx.tasklist:",
                    "      custom_checkbox: true",
                    "",
                ]
            ),
        )

    def _write(self, path: str, text: str) -> None:
        full = os.path.join(self.out, path)
        os.makedirs(os.path.dirname(full) or ".", exist_ok=True)
        with open(full, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)

    # ----------------------------------------------------------------- run
    def run(self) -> dict[str, Any]:
        out = self.out
        if os.path.isdir(os.path.join(out, "checklists")):
            shutil.rmtree(os.path.join(out, "checklists"))
        total_bytes = total_lines = 0
        for fi in range(self.n_files):
            text = self.gen_file(fi)
            self._write(self.paths[fi], text)
            data = text.encode("utf-8")
            total_bytes += len(data)
            total_lines += text.count("\n")
        self.write_repo()
        st = self.stats
        truth = st.truth
        for key in truth:
            truth[key].sort(key=lambda d: (d.get("file", ""), d.get("line", 0), json.dumps(d, sort_keys=True)))
        # Duplicate ids: add their definition sites.
        for d in truth["duplicate_requirement_ids"]:
            d["definitions"] = 2
        undef_occ = len(truth["undefined_requirement_refs"])
        refs_total = sum(st.refs_by_kind.values())
        summary = {
            "generator": "gen_corpus.py",
            "generator_version": GENERATOR_VERSION,
            "seed": self.seed,
            "files": self.n_files,
            "items_per_file": self.n_items,
            "items": st.c["items_checked"] + st.c["items_unchecked"],
            "items_checked": st.c["items_checked"],
            "items_unchecked": st.c["items_unchecked"],
            "items_by_depth": {str(k): st.items_by_depth[k] for k in sorted(st.items_by_depth)},
            "plain_bullets": st.c["plain_bullets"],
            "ordered_lists": st.c["ordered_lists"],
            "headings": st.c["headings"],
            "headings_by_level": {str(k): st.headings_by_level[k] for k in sorted(st.headings_by_level)},
            "setext_titles": st.c["setext_titles"],
            "front_matter_files": st.c["front_matter_files"],
            "two_space_indent_files": st.c["two_space_indent_files"],
            "tables": st.c["tables"],
            "command_blocks": st.c["command_blocks"],
            "command_blocks_in_items": st.c["command_blocks_in_items"],
            "command_blocks_under_headings": st.c["command_blocks_under_headings"],
            "command_blocks_by_lang": dict(sorted(st.blocks_by_lang.items())),
            "command_blocks_with_continuations": st.c["command_blocks_with_continuations"],
            "commands_in_blocks": st.c["commands_in_blocks"],
            "commands_with_continuations": st.c["commands_with_continuations"],
            "inline_commands": st.c["inline_commands"],
            "inline_code_other": st.c["inline_code_other"],
            "other_code_blocks": st.c["other_code_blocks"],
            "external_links": st.c["external_links"],
            "file_refs": refs_total,
            "file_refs_by_kind": dict(sorted(st.refs_by_kind.items())),
            "make_refs": st.c["make_refs"],
            "requirement_refs": st.c["requirement_refs"],
            "requirement_defs_registry": st.c["requirement_defs_registry"],
            "requirement_defs_inline": st.c["requirement_defs_inline"],
            "bytes": total_bytes,
            "lines": total_lines,
            "defects": {
                "missing_file_refs": sum(st.missing_by_kind.values()),
                "missing_file_refs_by_kind": dict(sorted(st.missing_by_kind.items())),
                "undefined_requirement_refs": undef_occ,
                "undefined_requirement_ids": len({d["id"] for d in truth["undefined_requirement_refs"]}),
                "duplicate_requirement_ids": len(truth["duplicate_requirement_ids"]),
                "duplicate_requirement_ids_in_registry": len(self.dup_registry),
                "duplicate_requirement_ids_registry_and_checklist": len(truth["duplicate_requirement_ids"])
                - len(self.dup_registry),
                "missing_make_targets": len(truth["missing_make_targets"]),
                "non_executable_script_calls": len(truth["non_executable_script_calls"]),
            },
            "ground_truth": "ground_truth.json",
        }
        self._write(
            "ground_truth.json", json.dumps({"summary": summary, "defects": truth}, indent=1, sort_keys=True) + "\n"
        )
        return summary


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, write the corpus, print the summary."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out_dir")
    ap.add_argument("--files", type=int, required=True, help="number of checklist files")
    ap.add_argument("--items", type=int, required=True, help="task items per file")
    ap.add_argument("--seed", type=int, default=20240601)
    args = ap.parse_args(argv)
    if args.files < 1 or args.items < 0:
        ap.error("--files must be >= 1 and --items >= 0")
    os.makedirs(args.out_dir, exist_ok=True)
    summary = Gen(args.out_dir, args.files, args.items, args.seed).run()
    json.dump(summary, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
