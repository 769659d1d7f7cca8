"""``may_define``: the quick search a partial ``check`` runs on the checklists it does not parse.

It must say yes to every definition the parser reads (else a partial run reports a
defined requirement as undefined, PF102), and no to plain references, so that a partial
run still reports the undefined ones.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mkdocs_preflight.engine import parse_text
from mkdocs_preflight.engine.requirements import may_define


@pytest.mark.parametrize(
    "text",
    [
        "---\nrequirements:\n  REQ-7: Rollback plan\n---\n",
        '---\nrequirements:\n  "29.1": Quoted key\n---\n',
        "---\nrequirements:\n  - id: REQ-7\n    title: List form\n---\n",
        "---\nrequirements: [{id: 'REQ-7', title: Flow}]\n---\n",
        "## Requirements\n\n- REQ-7: In a list\n",
        "**Requirements:**\n\n- **REQ-7**: Emphasised\n",
        "## Requirements\n\n### Requirement 29.1: A heading\n",
        "## Requirements\n\n### 29.1 \u2013 A heading with a dash\n",
        "## Requirements\n\n- _29.1_ - Underscored\n",
    ],
)
def test_every_definition_shape_is_found(text: str) -> None:
    req_id = "REQ-7" if "REQ-7" in text else "29.1"
    assert [d.id for d in parse_text(text).requirement_defs] == [req_id], "the parser reads it"
    assert may_define(text, {req_id, "REQ-8", "29.2"}) == {req_id}


@pytest.mark.parametrize(
    "text",
    [
        "- [ ] Roll back (Requirement 29.1)\n",
        "- [ ] Roll back (Req. 29.1) and REQ-7.\n",
        "_Requirements: 29.1, REQ-7_\n",
        "- [ ] REQ-71: another requirement, 129.1: and 29.1.2: others\n",
        "- [ ] see REQ-7, then 29.1\n",
    ],
)
def test_references_and_longer_ids_are_not_definitions(text: str) -> None:
    assert may_define(text, {"REQ-7", "29.1"}) == set()


IDS = ["1.1", "1.2", "29.1", "REQ-7", "REQ-12", "SEC-3.1"]
ids = st.sampled_from(IDS)


@st.composite
def definitions(draw: st.DrawFn) -> str:
    """A checklist that defines and references requirements in every form the engine reads."""
    lines: list[str] = []
    front = draw(st.lists(ids, max_size=2, unique=True))
    if front:
        key = draw(st.sampled_from(["{}", '"{}"', "'{}'"]))
        lines += ["---", "requirements:", *(f"  {key.format(i)}: From front matter" for i in front), "---"]
    lines += ["# Runbook", ""]
    for _ in range(draw(st.integers(1, 5))):
        req_id = draw(ids)
        form = draw(st.sampled_from(["list", "lead-in", "heading", "dash-heading", "reference", "item"]))
        if form == "list":
            lines += ["## Requirements", "", f"- {req_id}: Listed", ""]
        elif form == "lead-in":
            lines += ["**Requirements:**", "", f"- **{req_id}**: Emphasised", ""]
        elif form == "heading":
            lines += ["## Requirements", "", f"### Requirement {req_id}: A heading", ""]
        elif form == "dash-heading":
            lines += ["## Requirements", "", f"### {req_id} \u2014 A heading", ""]
        elif form == "reference":
            lines += [f"See (Requirement {req_id}) and _Requirements: {req_id}, {draw(ids)}_", ""]
        else:
            lines += [f"- [ ] Do it (Req {req_id})", ""]
    return "\n".join(lines)


@settings(max_examples=200)
@given(definitions())
def test_what_the_parser_defines_is_found(text: str) -> None:
    defined = {d.id for d in parse_text(text).requirement_defs}
    assert defined <= may_define(text, set(IDS)), text
