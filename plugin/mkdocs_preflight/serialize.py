"""The model as JSON: the versioned public contract of ``preflight list --format json``.

Version 1. Fields are only ever added within a version; a removal or a change of
meaning bumps :data:`VERSION`. ``docs/json.md`` documents every field.
"""

from __future__ import annotations

from typing import Any

from .model import Block, Checklist, Diagnostic, Item, RequirementDef

VERSION = 1


def item_dict(checklist: Checklist, item: Item) -> dict[str, Any]:
    """One item: at least ``id, text, checked, line, section, parent, requirements``."""
    section = checklist.section_of(item.section)
    return {
        "id": item.id,
        "global_id": checklist.global_id(item.id),
        "text": item.text,
        "checked": item.checked,
        "line": item.line,
        "end_line": item.end_line,
        "col": item.col,
        "depth": item.depth,
        "section": section.title if section else None,
        "section_slug": section.slug if section else None,
        "parent": item.parent,
        "children": list(item.children),
        "requirements": list(item.requirements),
        "blocks": list(item.blocks),
        "code_spans": [{"text": s.text, "kind": s.kind, "line": s.line, "col": s.col} for s in item.code_spans],
        "explicit_id": item.explicit_id,
    }


def block_dict(checklist: Checklist, block: Block, *, with_path: bool = False) -> dict[str, Any]:
    """One block: at least ``id, lang, line, code, item, runnable`` (plus ``path`` for extract)."""
    section = checklist.section_of(block.section)
    data: dict[str, Any] = {}
    if with_path:
        data["path"] = checklist.path
    data.update(
        {
            "id": block.id,
            "global_id": checklist.global_id(block.id),
            "lang": block.lang,
            "line": block.line,
            "end_line": block.end_line,
            "code": block.code,
            "item": block.item,
            "section": section.title if section else None,
            "runnable": block.runnable,
            "manual": block.manual,
            "options": dict(block.options),
            "commands": [
                {"text": c.text, "line": c.line, **({"expected": c.expected} if c.expected is not None else {})}
                for c in block.commands
            ],
            "requirements": list(block.requirements),
            "closed": block.closed,
        }
    )
    return data


def diagnostic_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    """One diagnostic: ``code, level, path, line, col, message``."""
    return {
        "code": diagnostic.code,
        "level": diagnostic.level.value,
        "path": diagnostic.path,
        "line": diagnostic.line,
        "col": diagnostic.col,
        "message": diagnostic.message,
    }


def definition_dict(definition: RequirementDef) -> dict[str, Any]:
    """One requirement definition: ``id, title, source, path, line``."""
    return {
        "id": definition.id,
        "title": definition.title,
        "source": definition.source,
        "path": definition.path,
        "line": definition.line,
    }


def checklist_dict(checklist: Checklist) -> dict[str, Any]:
    """One checklist with its items, blocks, sections, requirements and diagnostics."""
    defined = [definition_dict(d) for d in checklist.requirement_defs]
    referenced = [{"id": r.id, "line": r.line, "col": r.col, "context": r.context} for r in checklist.requirement_refs]
    return {
        "path": checklist.path,
        "title": checklist.title,
        "sha256": checklist.sha256,
        "prefix": checklist.prefix,
        "owner": checklist.owner,
        "tags": list(checklist.tags),
        "progress": {"done": checklist.done, "total": len(checklist.items)},
        "sections": [
            {
                "title": s.title,
                "slug": s.slug,
                "level": s.level,
                "line": s.line,
                "parent": checklist.sections[s.parent].slug if s.parent is not None else None,
                "ordinal": s.ordinal,
                "requirements": [r.id for r in s.refs],
            }
            for s in checklist.sections
        ],
        "items": [item_dict(checklist, item) for item in checklist.items],
        "blocks": [block_dict(checklist, block) for block in checklist.blocks],
        "requirements": {"defined": defined, "referenced": referenced},
        "diagnostics": [diagnostic_dict(d) for d in checklist.diagnostics],
    }
