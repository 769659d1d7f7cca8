"""The steps of a run: which items and blocks execute, in which order, and how.

Steps come from :meth:`Checklist.steps` in document order:

* a runnable block (``bash``, ``sh``, ``shell``, ``zsh``, ``console`` with commands,
  ``run`` not ``never``) is a step; with ``run=manual`` it is a manual step that shows
  its command instead of running it;
* an item with neither runnable blocks nor sub-items is a manual step; comment-only
  blocks under it are shown as its instructions;
* an item that owns runnable blocks or sub-items is *completed by them*: it is not a
  step itself, and its outcome is derived from theirs;
* a comment-only block outside any item (or under an item that is completed by
  others) is a manual step of its own.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from ..model import Block, Checklist, Item, Section

StepKind = Literal["item", "block"]


class SelectionError(Exception):
    """A selection option names nothing. The message is one line, ready to print."""


def did_you_mean(value: str, known: Iterable[str]) -> str:
    """``; did you mean `a`, `b`?`` for the known values closest to ``value``, else ``""``."""
    close = difflib.get_close_matches(value, sorted(set(known)), n=3)
    return f"; did you mean {', '.join(f'`{c}`' for c in close)}?" if close else ""


def section_key(name: str) -> str:
    """How a ``--section`` value is compared: with the slug, or the title in any case."""
    return name.strip().lower()


def section_indexes(checklist: Checklist, name: str) -> set[int]:
    """The sections of ``checklist`` whose slug or title (any case) is ``name``."""
    key = section_key(name)
    return {s.index for s in checklist.sections if s.slug == key or s.title.lower() == key}


@dataclass(slots=True)
class Step:
    """One step of a run."""

    id: str
    kind: StepKind
    number: int
    """1-based position among all steps of the checklist."""
    item: Item | None
    """The item itself (``kind == "item"``) or the item that owns the block."""
    block: Block | None
    section: Section | None
    section_path: str
    """Section titles, outermost first, joined by `` > ``."""
    manual: bool
    instructions: str = ""
    """For manual items: the text of their comment-only blocks."""
    ancestors: tuple[str, ...] = ()
    """Items completed by this step (and others), innermost first."""
    requirements: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """What the step is about: the item's text (for a block, its owner's), else ''."""
        return self.item.text if self.item is not None else ""

    @property
    def title(self) -> str:
        """A one-line title: the item text, else the section, else the ID."""
        return self.text or self.section_path or self.id


@dataclass(slots=True)
class Plan:
    """Every step of a checklist, and the items their outcomes complete."""

    checklist: Checklist
    steps: list[Step]
    composites: dict[str, list[str]]
    """Item ID → IDs of the steps that complete it (all descendants), in order."""

    def step(self, step_id: str) -> Step | None:
        """The step with this ID, if any."""
        for step in self.steps:
            if step.id == step_id:
                return step
        return None

    def _local(self, value: str) -> str:
        if "#" in value:
            stem, _, local = value.partition("#")
            if stem != self.checklist.stem:
                raise SelectionError(f"`{value}` belongs to another checklist than {self.checklist.path}")
            return local
        return value

    def steps_of(self, value: str) -> list[Step]:
        """The steps an item or block ID stands for (an item: its whole subtree)."""
        local = self._local(value)
        if local in self.composites:
            wanted = set(self.composites[local])
            return [s for s in self.steps if s.id in wanted]
        step = self.step(local)
        if step is not None:
            return [step]
        block = self.checklist.block(local)
        if block is not None:
            if block.item is not None:  # a comment-only block shown with its item
                owner = self.step(block.item)
                if owner is not None:
                    return [owner]
            raise SelectionError(f"`{local}` is a {block.lang or 'text'} block that never runs (not a step)")
        known = [s.id for s in self.steps] + list(self.composites)
        raise SelectionError(f"no item or block `{local}` in {self.checklist.path}{did_you_mean(local, known)}")

    def select(
        self,
        only: Sequence[str] = (),
        start: str | None = None,
        sections: Sequence[str] = (),
        requirements: Sequence[str] = (),
    ) -> list[Step]:
        """The steps that match every given filter, in document order (maybe none).

        Raises:
            SelectionError: a filter names nothing.
        """
        chosen = list(self.steps)
        if only:
            wanted: set[str] = set()
            for value in only:
                wanted.update(s.id for s in self.steps_of(value))
            chosen = [s for s in chosen if s.id in wanted]
        if start is not None:
            first = self.steps_of(start)[0]
            chosen = [s for s in chosen if s.number >= first.number]
        if sections:
            indexes = self._sections(sections)
            chosen = [
                s
                for s in chosen
                if any(p.index in indexes for p in self.checklist.section_path(s.section.index if s.section else None))
            ]
        if requirements:
            reqs = set(requirements)
            tied = {r for s in self.steps for r in s.requirements}
            missing = [r for r in requirements if r not in tied]
            if missing:
                hint = did_you_mean(missing[0], tied)
                raise SelectionError(f"no step of {self.checklist.path} is tied to requirement {missing[0]}{hint}")
            chosen = [s for s in chosen if reqs & set(s.requirements)]
        return chosen

    def _sections(self, names: Sequence[str]) -> set[int]:
        indexes: set[int] = set()
        for name in names:
            found = section_indexes(self.checklist, name)
            if not found:
                hint = did_you_mean(section_key(name), [s.slug for s in self.checklist.sections])
                raise SelectionError(f"no section `{name}` in {self.checklist.path}{hint}")
            indexes |= found
        return indexes


def build_plan(checklist: Checklist) -> Plan:
    """Turn a checklist into its steps (see the module docstring for the rules)."""
    items = {item.id: item for item in checklist.items}
    composite: set[str] = set()
    for item in checklist.items:
        if item.children:
            composite.add(item.id)
    for block in checklist.blocks:
        if block.runnable and block.item is not None:
            composite.add(block.item)
    instructions: dict[str, list[str]] = {}
    for block in checklist.blocks:
        if block.manual and not block.runnable and block.item is not None and block.item not in composite:
            instructions.setdefault(block.item, []).append(block.code.rstrip("\n"))

    def ancestors(item_id: str | None) -> tuple[str, ...]:
        chain: list[str] = []
        while item_id is not None:
            chain.append(item_id)
            owner = items.get(item_id)
            item_id = owner.parent if owner is not None else None
        return tuple(chain)

    def where(section_index: int | None) -> tuple[Section | None, str]:
        path = checklist.section_path(section_index)
        return (path[-1] if path else None), " > ".join(s.title for s in path)

    steps: list[Step] = []
    for element in checklist.steps():
        if isinstance(element, Item):
            if element.id in composite:
                continue
            section, label = where(element.section)
            steps.append(
                Step(
                    id=element.id,
                    kind="item",
                    number=len(steps) + 1,
                    item=element,
                    block=None,
                    section=section,
                    section_path=label,
                    manual=True,
                    instructions="\n".join(instructions.get(element.id, [])),
                    ancestors=ancestors(element.parent),
                    requirements=list(element.requirements),
                )
            )
            continue
        block = element
        if block.runnable:
            manual = block.run_mode == "manual"
        elif block.manual and (block.item is None or block.item in composite):
            manual = True
        else:
            continue
        section, label = where(block.section)
        steps.append(
            Step(
                id=block.id,
                kind="block",
                number=len(steps) + 1,
                item=items.get(block.item) if block.item else None,
                block=block,
                section=section,
                section_path=label,
                manual=manual,
                instructions=block.code.rstrip("\n") if manual else "",
                ancestors=ancestors(block.item),
                requirements=list(block.requirements),
            )
        )
    composites: dict[str, list[str]] = {item_id: [] for item_id in composite}
    for step in steps:
        for owner in step.ancestors:
            if owner in composites:
                composites[owner].append(step.id)
    # An item whose sub-items never produce a step (impossible today) completes with nothing.
    composites = {key: value for key, value in composites.items() if value}
    return Plan(checklist=checklist, steps=steps, composites=composites)
