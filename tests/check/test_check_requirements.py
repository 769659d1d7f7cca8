"""PF102–PF104 and PF108: requirements across files and the registry."""

from __future__ import annotations

from .conftest import RunCheck, config, dedent, found

REGISTRY = dedent(
    """
    requirements:
      "29.1": "Deployment checklist with all steps"
      "29.2": "Code review approval from two engineers"
      "29.3": "All tests pass"
      "29.1": "Something else entirely"
    """
)


def test_undefined_conflicting_and_unreferenced(run_check: RunCheck) -> None:
    deploy = dedent(
        """
        # Deploy
        - [ ] Reviews done (Requirement 29.2)
        - [ ] Tests pass (Requirement 29.9)
        - [ ] Again (Requirement 29.9)

        ## Requirements defined in this checklist

        ### Requirement 29.3: All  TESTS pass
        ### Requirement 29.2: A different title
        ### Requirement 40.1: Rollback is rehearsed
        """
    )
    other = "# Other\n- [ ] Uses the checklist's own requirement (Requirement 40.1) and 29.1 (Requirement 29.1)\n"
    result = run_check(
        {"checklists/deploy.md": deploy, "checklists/other.md": other, "requirements.yml": REGISTRY},
        mkdocs=config(registry="requirements.yml"),
        select=["PF102", "PF103", "PF104"],
    )
    assert found(result) == [
        ("PF102", "checklists/deploy.md", 3),
        ("PF102", "checklists/deploy.md", 4),
        ("PF103", "checklists/deploy.md", 9),  # 29.2 retitled; 29.3 differs only in case and spaces
        ("PF104", "requirements.yml", 4),  # 29.3 is defined (twice) but never referenced
        ("PF103", "requirements.yml", 5),
    ]
    pf104 = [d for d in result.diagnostics if d.code == "PF104"]
    assert [(d.path, d.line) for d in pf104] == [("requirements.yml", 4)]
    assert pf104[0].level.value == "info"
    conflict = next(d for d in result.diagnostics if d.code == "PF103" and d.path == "requirements.yml")
    assert "requirements.yml:2" in conflict.message
    redundant = run_check(
        {"checklists/deploy.md": deploy, "checklists/other.md": other, "requirements.yml": REGISTRY},
        mkdocs=config(registry="requirements.yml"),
        select=["PF112"],
    )
    assert found(redundant) == [("PF112", "checklists/deploy.md", 8)]  # 29.3 restated with the same title
    assert redundant.diagnostics[0].level.value == "info"


def test_no_definitions_means_no_undefined_references(run_check: RunCheck) -> None:
    text = "# Deploy\n- [ ] Meets the outside spec (Requirement 12.4)\n"
    assert found(run_check({"checklists/a.md": text}, select=["PF1"])) == []


def test_front_matter_and_list_definitions_count(run_check: RunCheck) -> None:
    text = dedent(
        """
        ---
        requirements:
          REQ-1: Backups are verified
        ---
        # Deploy

        **Requirements:**

        - 29.1: Deployment checklist

        - [ ] Verify the backup (REQ-1)
        - [ ] Follow the checklist (Requirement 29.1)
        - [ ] Typo (REQ-2)
        """
    )
    result = run_check({"checklists/a.md": text}, select=["PF102", "PF103", "PF104"])
    assert found(result) == [("PF102", "checklists/a.md", 13)]


def test_partial_runs_do_not_report_unreferenced(run_check: RunCheck) -> None:
    files = {
        "checklists/a.md": "# A\n- [ ] x (Requirement 29.1)\n",
        "checklists/b.md": "# B\n- [ ] y\n",
        "requirements.yml": 'requirements:\n  "29.1": a\n  "29.2": b\n',
    }
    whole = run_check(files, mkdocs=config(registry="requirements.yml"), select=["PF104"])
    assert found(whole) == [("PF104", "requirements.yml", 3)]
    partial = run_check(files, mkdocs=config(registry="requirements.yml"), select=["PF104"], paths=["checklists/b.md"])
    assert found(partial) == []
    every = ["checklists/b.md", "checklists"]  # every file named, one twice: the whole project
    named = run_check(files, mkdocs=config(registry="requirements.yml"), select=["PF104"], paths=every)
    assert found(named) == [("PF104", "requirements.yml", 3)]


def test_partial_runs_report_only_what_no_other_checklist_may_define(run_check: RunCheck) -> None:
    files = {
        "checklists/a.md": "---\nrequirements:\n  REQ-7: Rollback plan\n---\n# A\n- [ ] x\n",
        "checklists/b.md": "# B\n\n## Requirements\n\n### Requirement 29.3: Backups\n",
        "checklists/c.md": "# C\n- [ ] Plan (REQ-7), back up (Requirement 29.3) and review (REQ-8, Requirement 29.4)\n",
        "checklists/d.md": "# D\n- [ ] Only cites REQ-8 and (Requirement 29.4): 29.4 is cited, not defined\n",
        "requirements.yml": 'requirements:\n  "29.1": a\n',
    }
    mkdocs = config(registry="requirements.yml")
    whole = run_check(files, mkdocs=mkdocs, select=["PF102"])
    assert (
        found(whole)
        == [("PF102", "checklists/c.md", 2), ("PF102", "checklists/c.md", 2)] + [("PF102", "checklists/d.md", 2)] * 2
    )
    # c.md alone: REQ-7 and 29.3 are defined in checklists it does not parse; REQ-8 and
    # 29.4 are defined nowhere, and still reported.
    partial = run_check(files, mkdocs=mkdocs, select=["PF102"], paths=["checklists/c.md"])
    assert [d.message.split("`")[1] for d in partial.diagnostics] == ["REQ-8", "29.4"]


def test_broken_registry(run_check: RunCheck) -> None:
    files = {"checklists/a.md": "# A\n- [ ] x\n", "requirements.yml": "requirements: [a\n"}
    result = run_check(files, mkdocs=config(registry="requirements.yml"), select=["PF108"])
    assert [code for code, _, _ in found(result)] == ["PF108"]
    missing = run_check({"checklists/a.md": "# A\n- [ ] x\n"}, mkdocs=config(registry="nope.yml"), select=["PF108"])
    assert found(missing) == [("PF108", "nope.yml", 1)]


def test_ids_in_code_spans_urls_and_link_targets_are_not_references(run_check: RunCheck) -> None:
    """What the site prints literally (code, addresses) is not a reference: no PF102 for it,
    while the real references around it still count."""
    text = dedent(
        """
        # Deploy `REQ-90`

        - [ ] Label the ticket ``x `REQ-91` y`` (REQ-7)
        - [ ] See https://tracker.example/browse/REQ-92 and <https://tracker.example/REQ-93>
        - [ ] Read [the spec](../specs/REQ-94.md) and www.example.com/REQ-95 (REQ-7)
        - [ ] Undefined for real: REQ-96, and \\`REQ-97\\` is escaped text
        """
    )
    files = {"checklists/a.md": text, "requirements.yml": "REQ-7: Rollback plan\n"}
    result = run_check(files, mkdocs=config(registry="requirements.yml"), select=["PF102"])
    assert [(d.line, d.message.split("`")[1]) for d in result.diagnostics] == [(6, "REQ-96"), (6, "REQ-97")]


def test_front_matter_entries_that_define_nothing_are_reported(run_check: RunCheck) -> None:
    text = dedent(
        """
        ---
        requirements:
          - REQ-1
          - id: REQ-2
            title: Backups are verified
          - title: no id
        ---
        # Deploy
        - [ ] Verify (REQ-2)
        """
    )
    result = run_check({"checklists/a.md": text}, select=["PF107", "PF102"])
    assert [(d.code, d.line, d.col) for d in result.diagnostics] == [("PF107", 3, 5), ("PF107", 6, 5)]
    assert "has no `id`" in result.diagnostics[1].message
    scalar = run_check({"checklists/a.md": '---\nrequirements: "REQ-1 Backups"\n---\n# A\n'}, select=["PF107"])
    assert found(scalar) == [("PF107", "checklists/a.md", 2)]
    empty = run_check({"checklists/a.md": "---\nrequirements:\n---\n# A\n"}, select=["PF107"])
    assert found(empty) == []


def test_a_registry_of_bare_ids_is_reported_not_silently_empty(run_check: RunCheck) -> None:
    files = {"checklists/a.md": "# A\n- [ ] x (REQ-1)\n", "requirements.yml": "- REQ-1\n- id: REQ-2\n"}
    result = run_check(files, mkdocs=config(registry="requirements.yml"), select=["PF1"])
    assert [(d.code, d.path, d.line) for d in result.diagnostics] == [
        ("PF102", "checklists/a.md", 2),
        ("PF108", "requirements.yml", 1),
        ("PF104", "requirements.yml", 2),
    ]


def test_a_list_with_a_serial_comma_keeps_its_last_id(run_check: RunCheck) -> None:
    text = "# A\n- [ ] Ship it\n  _Requirements: 2.1, 2.2, and 2.3_\n"
    files = {"checklists/a.md": text, "requirements.yml": '"2.1": a\n"2.2": b\n'}
    result = run_check(files, mkdocs=config(registry="requirements.yml"), select=["PF102", "PF104"])
    assert [(d.code, d.line, d.col) for d in result.diagnostics] == [("PF102", 3, 32)]


def test_an_id_followed_by_letters_is_another_token(run_check: RunCheck) -> None:
    """`REQ-12a` and `29.2b` are not REQ-12 and 29.2 (emphasis around an ID still works)."""
    text = "# A\n- [ ] Sub-requirements REQ-12a and Requirement 29.2b\n- [ ] *REQ-13* and _Requirements: 29.3_\n"
    files = {"checklists/a.md": text, "requirements.yml": "REQ-12: a\nREQ-13: b\n'29.2': c\n'29.3': d\n"}
    result = run_check(files, mkdocs=config(registry="requirements.yml"), select=["PF104"])
    assert [d.message.split("`")[1] for d in result.diagnostics] == ["REQ-12", "29.2"]


def test_a_list_after_bold_requirements_counts(run_check: RunCheck) -> None:
    """`**Requirements:** 2.1, 2.2` and `**Requirements**: 2.3` are lists like `_Requirements: 2.1_`."""
    text = "# A\n- [ ] Ship it\n  **Requirements:** 2.1, 2.9\n- [ ] More\n  **Requirements**: 2.2 and 2.8\n"
    files = {"checklists/a.md": text, "requirements.yml": '"2.1": a\n"2.2": b\n'}
    result = run_check(files, mkdocs=config(registry="requirements.yml"), select=["PF102", "PF104"])
    assert [(d.code, d.line, d.col) for d in result.diagnostics] == [("PF102", 3, 26), ("PF102", 5, 29)]


def test_headings_under_a_requirements_heading_define_in_the_list_forms(run_check: RunCheck) -> None:
    """`### REQ-1: title` and `### 1.10 - title` define, as `### Requirement 51.2: title` and
    the list items `- REQ-1: title` do; outside a "Requirements" heading they are references."""
    text = dedent(
        """
        # A

        - [ ] Verify REQ-1, REQ-2, Requirement 1.10 and Requirement 51.2
        - [ ] Typo REQ-3

        ## Requirements

        ### REQ-1: Backups are verified

        ### 1.10 - Numbered with a dash

        ### Requirement 51.2: The classic form

        ## Steps

        ### REQ-2: Not under "Requirements": a reference
        """
    )
    result = run_check({"checklists/a.md": text}, select=["PF102", "PF104"])
    assert [(d.code, d.line, d.message.split("`")[1]) for d in result.diagnostics] == [
        ("PF102", 3, "REQ-2"),
        ("PF102", 4, "REQ-3"),
        ("PF102", 16, "REQ-2"),
    ]


def test_unreferenced_says_when_no_default_pattern_can_name_the_id(run_check: RunCheck) -> None:
    files = {
        "checklists/a.md": "# A\n- [ ] x\n",
        "requirements.yml": "'7': bare number\nauth_1: lower case\nSEC-3: list form finds it\n'29.1': fine\n",
    }
    result = run_check(files, mkdocs=config(registry="requirements.yml"), select=["PF104"])
    hinted = {d.message.split("`")[1]: "requirement_patterns" in d.message for d in result.diagnostics}
    assert hinted == {"7": True, "auth_1": True, "SEC-3": False, "29.1": False}
    own = config(registry="requirements.yml", requirement_patterns='["(?P<id>auth_\\\\d+)"]')
    result = run_check(files, mkdocs=own, select=["PF104"])
    assert len(result.diagnostics) == 4
    assert not any("requirement_patterns" in d.message for d in result.diagnostics)


def test_ids_that_differ_only_in_case_or_punctuation(run_check: RunCheck) -> None:
    """`REQ-1`, `req-1` and `REQ.1` are three requirements: PF113 says so at each later
    spelling's definition, and PF102 names the defined spelling of a misspelled reference."""
    registry = 'REQ-1: Backups are verified\nreq-1: Backups are encrypted\n"29.2": Reviews\n'
    deploy = dedent(
        """
        ---
        requirements:
          REQ.1: Backups are restored
        ---
        # Deploy
        - [ ] Verify the backup (REQ-1, Requirement 29.2)
        - [ ] Restore the backup (REQ-1) and (Requirement 29-2)
        """
    )
    patterns = r"['(?P<id>REQ-\d+)', 'Requirement (?P<id>\d+[-.]\d+)']"
    result = run_check(
        {"checklists/deploy.md": deploy, "requirements.yml": registry},
        mkdocs=config(registry="requirements.yml", requirement_patterns=patterns),
        select=["PF102", "PF113"],
    )
    assert found(result) == [
        ("PF113", "checklists/deploy.md", 3),
        ("PF102", "checklists/deploy.md", 7),
        ("PF113", "requirements.yml", 2),
    ]
    similar = [d for d in result.diagnostics if d.code == "PF113"]
    assert "`REQ.1` differs from `REQ-1` (requirements.yml:1)" in similar[0].message
    assert "`req-1` differs from `REQ-1` (requirements.yml:1) only in case or punctuation" in similar[1].message
    assert all(d.level.value == "warning" for d in similar)
    (undefined,) = [d for d in result.diagnostics if d.code == "PF102"]
    assert undefined.message.endswith("(`29.2` is)")
    # One spelling each: nothing to say.
    clean = run_check(
        {"checklists/deploy.md": "# Deploy\n- [ ] Verify (REQ-1)\n", "requirements.yml": "REQ-1: a\nREQ-11: b\n"},
        mkdocs=config(registry="requirements.yml"),
        select=["PF113"],
    )
    assert found(clean) == []
