"""``preflight rules``: every rule with its code, level and explanation."""

from __future__ import annotations

import json
import sys

import click

from ..rules.base import Rule
from ..rules.registry import FAMILIES, all_rules, load
from .common import UsageProblem


def rule_text(rule: Rule) -> str:
    """One rule in full, as Markdown (the docs page has the same text)."""
    fix = "Fix: `preflight check --fix` repairs it." if rule.fixable else "Fix: none (edit by hand)."
    return (
        f"# {rule.name} ({rule.code})\n\n"
        f"Family: {FAMILIES.get(rule.family, rule.family)}. Default level: {rule.level.value}. {fix}\n\n"
        f"{rule.summary}\n\n{rule.explanation}\n"
    )


@click.command("rules")
@click.argument("code", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def rules_command(code: str | None, fmt: str) -> None:
    """List every rule, or explain one.

    CODE is a rule code (PF201), a prefix (PF2: the whole family) or a rule name
    (missing-file). With one rule, its full explanation is printed with a bad and a
    good example.

    \b
    Examples:
      preflight rules
      preflight rules PF3
      preflight rules PF401
      preflight rules --format json | jq '.rules[] | select(.fixable) | .code'
    """
    registry = load()
    rules = all_rules()
    if code:
        named = registry.by_name(code)
        wanted = code.upper()
        rules = [named] if named else [r for r in rules if r.code.startswith(wanted)]
        if not rules:
            raise UsageProblem(f"unknown rule code or name '{code}' (see: preflight rules)")
    if fmt == "json":
        data = {
            "version": 1,
            "rules": [
                {
                    "code": r.code,
                    "name": r.name,
                    "level": r.level.value,
                    "fixable": r.fixable,
                    "summary": r.summary,
                    "explanation": r.explanation,
                }
                for r in rules
            ],
        }
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
        return
    if len(rules) == 1 and code:
        sys.stdout.write(rule_text(rules[0]))
        return
    width = max(len(r.name) for r in rules)
    for rule in rules:
        mark = "[*]" if rule.fixable else "   "
        click.echo(f"{rule.code}  {rule.level.value:<7}  {mark}  {rule.name:<{width}}  {rule.summary}")
