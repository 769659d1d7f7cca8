"""PF1xx: the structure of a checklist (IDs, fences, checkboxes, front matter, requirements).

Most PF1xx findings come from the engine while it parses (duplicate and invalid IDs,
hidden content, malformed checkboxes, front matter, the registry); this module
documents them and adds the checks that need more than one file (requirements, see
:mod:`.requirements`) or a second look at the model (fence headers).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..engine.fences import SUPERFENCES_KEYS, parse_info, render_brace_header
from ..model import Checklist, Diagnostic, Level
from .base import FileCheck, Rule, doc
from .context import RuleContext

RULES: list[Rule] = [
    Rule(
        "PF101",
        "duplicate-id",
        Level.ERROR,
        "Two items or blocks of one checklist pin the same explicit ID",
        doc(
            """
            IDs are the permalinks of the site, the keys of saved browser progress and the
            names that `preflight run --only` and run logs use. Two steps with the same ID
            would share a permalink and a checkbox state, so the second explicit ID is
            ignored (it gets an automatic ID) and reported.

            **Example**

            ```markdown
            - [ ] Take a backup { #backup }
            - [ ] Verify the backup { #backup }
            ```

            **Use instead**

            ```markdown
            - [ ] Take a backup { #backup }
            - [ ] Verify the backup { #backup-verified }
            ```
            """
        ),
    ),
    Rule(
        "PF102",
        "undefined-requirement",
        Level.ERROR,
        "A requirement is referenced but defined nowhere (only checked when any definitions exist)",
        doc(
            """
            Once a project defines requirements (in the `registry` file, in front matter or
            in a "Requirements" list of a checklist), every reference should name one of
            them: a reference to an undefined ID is usually a typo, and it breaks the
            traceability page. Projects that define no requirements at all are not checked,
            so prose that mentions an outside spec's numbers stays silent. When a defined ID
            differs from the reference only in case or punctuation (`REQ.1` for `REQ-1`),
            the message names it.

            When you check only some files (`preflight check checklists/deploy.md`), the
            other checklists are not parsed: an ID is reported only when none of them has
            it in a definition's shape (`REQ-7: title`, `### Requirement 29.3: title`,
            `id: REQ-7`), so a partial run never reports a requirement that another
            checklist defines.

            **Example** (`requirements.yml` defines `29.1` and `29.2`)

            ```markdown
            - [ ] Two engineers approved the pull request (Requirement 29.12)
            ```

            **Use instead**

            ```markdown
            - [ ] Two engineers approved the pull request (Requirement 29.2)
            ```
            """
        ),
    ),
    Rule(
        "PF103",
        "conflicting-requirement",
        Level.ERROR,
        "A requirement ID is defined twice with different titles",
        doc(
            """
            A requirement ID must mean one thing. When the registry lists an ID twice, or a
            checklist defines an ID that the registry (or another checklist) already defines,
            with a different title, the traceability page cannot tell which one a reference
            means. The finding points at every definition after the first and names the first.

            Titles are compared ignoring case and runs of spaces; an empty title (`29.1:` in
            front matter) conflicts with nothing. Defining an ID again with the *same* title
            is [PF112](PF112.md), an informational finding: a checklist may restate the
            registry entries it implements.

            **Example**

            ```yaml
            requirements:
              "29.1": "Deployment checklist with all steps"
              "29.1": "Code review approval from two engineers"
            ```

            **Use instead**

            ```yaml
            requirements:
              "29.1": "Deployment checklist with all steps"
              "29.2": "Code review approval from two engineers"
            ```
            """
        ),
    ),
    Rule(
        "PF104",
        "unreferenced-requirement",
        Level.INFO,
        "A requirement is defined but no checklist references it",
        doc(
            """
            A defined requirement that no item, heading or block comment references is not
            covered by any checklist: either a step is missing or the definition is obsolete.
            Reported once per ID, at its first definition, and only when every checklist of
            the project is checked (a partial run cannot know). When no form of the default
            patterns can name the ID at all (`7`, `auth_1`), the message says so: add a
            pattern for such IDs to `requirement_patterns`.

            **Example**

            ```markdown
            **Requirements:**

            - 29.1: Deployment checklist with all steps
            - 29.14: Rollback procedures
            ```

            and no step mentions `Requirement 29.14`.

            **Use instead**

            ```markdown
            - [ ] Rehearse the rollback in staging (Requirement 29.14)
            ```
            """
        ),
    ),
    Rule(
        "PF105",
        "fence-hides-content",
        Level.ERROR,
        "A code fence never closes, or closes early because of a nested fence, and hides task items",
        doc(
            """
            A fence runs until a closing fence of the same character that is at least as
            long. A fence that is never closed turns the rest of the list item or file into
            code; a nested fence of the same length inside a block (a Markdown example in a
            Markdown block) closes the outer block early, and its own closing line then opens
            a new block that swallows what follows. Task items inside the swallowed text
            disappear from the checklist without a trace. The finding counts the hidden
            items; it is an error when it hides any, else a warning.

            **Example**

            ````markdown
            ```markdown
            ```bash
            make deploy
            ```
            ```

            - [ ] Verify the deployment
            ````

            **Use instead**: make the outer fence longer than any fence inside it.

            `````markdown
            ````markdown
            ```bash
            make deploy
            ```
            ````

            - [ ] Verify the deployment
            `````
            """
        ),
    ),
    Rule(
        "PF106",
        "malformed-checkbox",
        Level.WARNING,
        "A list item looks like a task item but its checkbox is not `[ ]`, `[x]` or `[X]`",
        doc(
            """
            Only `[ ]`, `[x]` and `[X]` followed by a space make a task item. `[]`, `[ x]`,
            `[x ]`, a missing space after the box, or `-[ ]` without a space after the bullet
            are plain text: the step has no checkbox, no ID and no progress, and nobody
            notices.

            **Example**

            ```markdown
            - [] Announce the window
            - [ x] Freeze merges
            -[ ] Tag the release
            ```

            **Use instead**

            ```markdown
            - [ ] Announce the window
            - [x] Freeze merges
            - [ ] Tag the release
            ```
            """
        ),
    ),
    Rule(
        "PF107",
        "invalid-front-matter",
        Level.ERROR,
        "The YAML front matter cannot be parsed, is never closed, is not a mapping, or has a list where text goes",
        doc(
            """
            Front matter sets the title, the ID prefix, the owner, requirement definitions
            and run defaults. When it is not valid YAML, not a mapping, or so large that
            its YAML aliases expand to more than 100,000 values (an "alias bomb" that would
            exhaust memory), all of it is ignored (an error); so is front matter whose
            closing `---` line is missing, which Markdown then shows as text. `title`, `id`
            and `owner` are text (a number or a date is
            taken as written: `id: 7` is `"7"`), `tags` is text or a list of text; a list
            or a mapping there is ignored, with a warning at its key. A `requirements:`
            entry that defines nothing (as for the registry, [PF108](PF108.md)) is ignored
            with a warning at its place. `run:` values are checked by PF307.

            **Example**

            ```markdown
            ---
            title: Deploy: production
            owner: [platform, sre]
            ---
            ```

            **Use instead**

            ```markdown
            ---
            title: "Deploy: production"
            owner: platform, sre
            ---
            ```
            """
        ),
    ),
    Rule(
        "PF108",
        "invalid-registry",
        Level.ERROR,
        "The requirements registry cannot be read, is not valid YAML, or has the wrong shape",
        doc(
            """
            The `registry` option names a YAML file of requirement definitions: a mapping of
            ID to title, or a list of `{id, title}`, either at the top level or under a
            `requirements:` key. When it cannot be read, no requirement is defined by it and
            every reference to one of its IDs is reported as undefined. An entry that
            defines nothing (a bare `- 29.1` list item, a list entry without `id`, an empty
            ID, a list or mapping where an ID or a title goes) is reported at its place and
            ignored; the other entries still count. Bytes that are not UTF-8 are reported at
            the first one and read as U+FFFD.

            **Example**

            ```yaml
            requirements: "29.1 Deployment checklist"
            ```

            **Use instead** (quote the keys so that YAML keeps `29.10` as text)

            ```yaml
            requirements:
              "29.1": Deployment checklist with all steps
              "29.10": Smoke tests after the switch
            ```
            """
        ),
    ),
    Rule(
        "PF109",
        "invalid-id",
        Level.ERROR,
        "An explicit item or block ID has characters that cannot form a permalink",
        doc(
            """
            An explicit ID becomes an HTML anchor, a key in saved progress and a word on the
            `preflight run --only` command line. It must start with a letter (of any script)
            and contain only letters, digits, `-`, `_`, `.` and `:`. An invalid ID is ignored and the step gets
            an automatic one.

            **Example**

            ```markdown
            - [ ] Take a backup { #1-backup! }
            ```

            **Use instead**

            ```markdown
            - [ ] Take a backup { #db-backup }
            ```
            """
        ),
    ),
    Rule(
        "PF110",
        "unreadable-fence-header",
        Level.WARNING,
        "A fence header that pymdownx.superfences cannot read (such as `bash id=x timeout=60`)",
        doc(
            """
            pymdownx.superfences (what mkdocs-material sites use) reads only `lang`,
            `lang { #id .class data-x="..." }` and the options `hl_lines`, `linenums`,
            `title` and `title_mode` with quoted values. Any other header, such as
            preflight's short form `bash id=db-backup timeout=600`, is not recognised at
            all: the block is shown as paragraph text, and its closing fence opens a new
            block that swallows the next real code block, with no warning even under
            `mkdocs build --strict`.

            The preflight plugin rewrites these headers on the checklist pages it renders,
            so the MkDocs build does not report them; `preflight check` always does, because
            the same file may also be rendered without the plugin (another site, a page in
            `docs_dir` that the plugin does not own, or a future theme).
            `preflight check --fix` rewrites the header into the brace form, which every
            renderer reads and preflight understands the same way (only when nothing is
            lost). An HTML comment on the line before the fence works too.

            **Example**

            ````markdown
            ```bash id=db-backup timeout=600
            ./scripts/backup.sh
            ```
            ````

            **Use instead**

            ````markdown
            ```bash { #db-backup data-preflight-timeout="600" }
            ./scripts/backup.sh
            ```
            ````

            or

            ````markdown
            <!-- preflight: id=db-backup timeout=600 -->
            ```bash
            ./scripts/backup.sh
            ```
            ````
            """
        ),
        fixable=True,
    ),
    Rule(
        "PF111",
        "unused-suppression",
        Level.WARNING,
        "A `<!-- preflight: ignore ... -->` comment suppresses nothing",
        doc(
            """
            A suppression comment silences findings on its own line and the next one (or,
            right before a fence, in the whole block). When the finding it was written for
            is gone, the comment only hides the next real problem that lands there. Also
            reported: codes in the comment that are not rule codes. A comment whose codes
            are all turned off for the file (`select`, `ignore`, `per_path_ignores`) is not
            reported: the run cannot tell whether it still silences something. Nor is one,
            in a run that `--select` or `--ignore` narrows, that may silence a rule left
            out of the run (a comment without codes, or `ignore PF2` under `--select PF201`),
            or that names a rule which cannot look at anything in this run: PF208 outside
            git or in a shallow clone (a CI checkout), PF501 without `--scripts-dir`, PF301
            and PF302 without `bash` or `shellcheck`.

            **Example** (the script exists again)

            ```markdown
            <!-- preflight: ignore PF201 -->
            - [ ] Run `scripts/backup.sh`
            ```

            **Use instead**

            ```markdown
            - [ ] Run `scripts/backup.sh`
            ```
            """
        ),
    ),
    Rule(
        "PF112",
        "redundant-requirement",
        Level.INFO,
        "A requirement ID is defined again with the same title",
        doc(
            """
            A second definition with the same title changes nothing today, but the two copies
            will drift apart, and then the traceability page cannot tell which one a
            reference means ([PF103](PF103.md)). Informational by default: some teams
            restate, in a checklist, the registry entries it implements. Keep one definition
            (usually the registry's), or turn the rule off with `ignore: [PF112]`.

            **Example** (`requirements.yml` defines `29.1` with the same title)

            ```markdown
            ## Requirements defined in this checklist

            ### Requirement 29.1: Deployment checklist with all steps
            ```

            **Use instead**: reference it.

            ```markdown
            - [ ] Follow every step of this checklist (Requirement 29.1)
            ```
            """
        ),
    ),
    Rule(
        "PF113",
        "similar-requirement-id",
        Level.WARNING,
        "Two requirement IDs differ only in case or punctuation (`REQ-1`, `req-1`, `REQ.1`)",
        doc(
            """
            IDs are compared exactly: `REQ-1` and `req-1` are two requirements, each with its
            own entry on the traceability page, and a reference to one never counts for the
            other. Defining both is almost always a typo or two spellings of one ID (a
            registry exported from a tracker in lower case, a checklist that writes
            `REQ.1`). The finding points at the first definition of each later spelling and
            names the first one. (A reference to an undefined spelling is
            [PF102](PF102.md), which names the defined one.)

            The site keeps them apart: the usual spelling keeps its anchor
            (`#req-req-1`), each other one gets its own (`#req-req-1-9456bd`).

            **Example**

            ```yaml
            requirements:
              REQ-1: Backups are verified
              req-1: Backups are encrypted
            ```

            **Use instead**

            ```yaml
            requirements:
              REQ-1: Backups are verified
              REQ-2: Backups are encrypted
            ```
            """
        ),
    ),
]

_LANG = re.compile(r"\.?[\w#.+-]+(?=[ \t]|$)")
_OPTION = re.compile(r"[ \t]+([a-zA-Z][a-zA-Z0-9_]*)(?:=\"[^\"]*\"|='[^']*')?(?=[ \t]|$)")
_BRACES = re.compile(r"[ \t]*\{[^\n]*\}[ \t]*$")


def superfences_reads(info: str) -> bool:
    """Whether pymdownx.superfences recognises this fence info string as a code block.

    Mirrors its ``RE_NESTED_FENCE_START`` and option validation: an optional language,
    then either a brace group or options whose keys superfences knows, with quoted values.
    """
    text = info.strip()
    lang = _LANG.match(text)
    pos = lang.end() if lang else 0
    if pos == len(text) or _BRACES.match(text, pos):
        return True
    rest = " " + text[pos:].lstrip(" \t") if pos else " " + text
    index = 0
    while index < len(rest):
        option = _OPTION.match(rest, index)
        if option is None or option.group(1) not in SUPERFENCES_KEYS:
            return False
        index = option.end()
    return True


def brace_fix(info: str) -> str | None:
    """The brace-form header for a short-form header, if rewriting it loses nothing."""
    parsed = parse_info(info)
    if parsed.form != "kv" or parsed.unknown or not parsed.lang:
        return None
    if any('"' in value for value in parsed.options.values()):
        return None
    header = render_brace_header(parsed.lang, parsed)
    again = parse_info(header)
    if again.lang != parsed.lang or again.options != parsed.options or not superfences_reads(header):
        return None
    return header


def fence_headers(checklist: Checklist, ctx: RuleContext) -> Iterator[Diagnostic]:
    """PF110: fence headers that pymdownx.superfences cannot read."""
    if not ctx.wants("PF110"):
        return
    for block in checklist.blocks:
        info = block.info.strip()
        if not info or superfences_reads(info):
            continue
        fixed = brace_fix(info)
        if fixed is not None:
            message = (
                f"Fence header `{info}` is not read by pymdownx.superfences (the block renders as text "
                f"and swallows the next one outside preflight's pages): write `{fixed}`"
            )
        else:
            message = (
                f"Fence header `{info}` is not read by pymdownx.superfences (the block renders as text "
                'and swallows the next one): use `lang { #id .class data-x="..." }` or quoted '
                "`title`/`hl_lines`/`linenums` options"
            )
        yield Diagnostic("PF110", message, checklist.path, block.line, block.col, Level.WARNING, fixed is not None)


_FENCE_OPENER = re.compile(r"(?:`{3,}|~{3,})[ \t]*(?P<info>.*?)(?P<trail>[ \t]*)$")
_LINE_BREAK = re.compile(rb"(\r\n|\r|\n)")
"""A line break as the engine counts lines: CRLF, LF, or a lone CR (old Mac files)."""


def fix_fence_headers(data: bytes, diagnostics: list[Diagnostic]) -> bytes:
    """Rewrite the headers PF110 flagged as fixable into the brace form, byte for byte otherwise."""
    parts = _LINE_BREAK.split(data)  # lines at even indexes, their line breaks after them
    for diagnostic in diagnostics:
        index = 2 * (diagnostic.line - 1)
        if not diagnostic.fixable or not 0 <= index < len(parts):
            continue
        raw = parts[index]
        bom = b"\xef\xbb\xbf" if index == 0 and raw.startswith(b"\xef\xbb\xbf") else b""
        text = raw[len(bom) :].decode("utf-8", errors="surrogateescape")
        # The fence where the finding says it starts: after a list marker and a checkbox too
        # (`- [ ] ```bash id=x`); else after the line's indent and block quote markers.
        start = diagnostic.col - 1
        opener = _FENCE_OPENER.match(text, start) if 0 <= start < len(text) else None
        if opener is None:
            opener = _FENCE_OPENER.match(text, len(text) - len(text.lstrip(" \t>")))
        if opener is None:
            continue
        fixed = brace_fix(opener.group("info"))
        if fixed is None:
            continue
        new = text[: opener.start("info")] + fixed + opener.group("trail")
        parts[index] = bom + new.encode("utf-8", errors="surrogateescape")
    return b"".join(parts)


FILE_CHECKS: list[FileCheck] = [fence_headers]
FIXERS = {"PF110": fix_fence_headers}
