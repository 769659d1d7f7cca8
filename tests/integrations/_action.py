"""Run the `run:` steps of a composite GitHub Action (`action.yml`) on this machine.

This is a small stand-in for the Actions runner: it evaluates the expressions the
action uses (`inputs.*`, `steps.*.outputs.*`, `steps.*.outcome`, `success()`,
`!cancelled()`, `==`, `&&`), runs each `run:` step with `bash --noprofile --norc -eo
pipefail` like `shell: bash` does, collects `$GITHUB_OUTPUT`, and records what the
`uses:` steps would have received instead of running them. An expression it does not
know is an error, so the action cannot drift into syntax this harness ignores.
"""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
_TOKEN = re.compile(
    r"\s*(?:(?P<str>'[^']*')|(?P<op>==|!=|&&|\|\||!|\(|\))|(?P<call>(?:success|failure|always|cancelled)\(\))"
    r"|(?P<ref>[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)*))"
)


@dataclass
class StepResult:
    """What happened to one step."""

    name: str
    id: str | None
    outcome: str
    """``success``, ``failure`` or ``skipped``."""
    stdout: str = ""
    stderr: str = ""
    exit_code: int | None = None
    uses: str | None = None
    with_: dict[str, str] = field(default_factory=dict)


@dataclass
class ActionRun:
    """All steps of one run of the action."""

    steps: list[StepResult]
    outputs: dict[str, str]

    def step(self, name_or_id: str) -> StepResult:
        """The step with this id or name."""
        for step in self.steps:
            if name_or_id in (step.id, step.name):
                return step
        raise KeyError(name_or_id)

    @property
    def failed(self) -> bool:
        """Whether the action as a whole failed."""
        return any(step.outcome == "failure" for step in self.steps)


class _Context:
    def __init__(self, inputs: dict[str, str], steps: dict[str, dict[str, Any]], action_path: Path) -> None:
        self.inputs = inputs
        self.steps = steps
        self.action_path = action_path
        self.failed = False

    def lookup(self, ref: str) -> str:
        parts = ref.split(".")
        if parts[0] == "inputs" and len(parts) == 2:
            return self.inputs[parts[1]]
        if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
            return str(self.steps.get(parts[1], {}).get("outputs", {}).get(parts[3], ""))
        if parts[0] == "steps" and len(parts) == 3 and parts[2] in ("outcome", "conclusion"):
            return str(self.steps.get(parts[1], {}).get("outcome", ""))
        if ref == "github.action_path":
            return str(self.action_path)
        raise ValueError(f"expression not supported by the test harness: {ref}")

    def evaluate(self, expression: str) -> Any:
        tokens = []
        position = 0
        while position < len(expression):
            match = _TOKEN.match(expression, position)
            if match is None or match.end() == position:
                raise ValueError(f"cannot read expression: {expression!r}")
            position = match.end()
            if match.group("str") is not None:
                tokens.append(repr(match.group("str")[1:-1]))
            elif match.group("op") is not None:
                tokens.append({"&&": " and ", "||": " or ", "!": " not "}.get(match.group("op"), match.group("op")))
            elif match.group("call") is not None:
                status = {"success": not self.failed, "failure": self.failed, "always": True}
                tokens.append(repr(status.get(match.group("call")[:-2], False)))
            elif match.group("ref") is not None:
                ref = match.group("ref")
                value: Any = {"true": True, "false": False}[ref] if ref in ("true", "false") else self.lookup(ref)
                tokens.append(repr(value))
        return eval("".join(tokens), {"__builtins__": {}}, {})  # only literals and operators built above

    def substitute(self, text: str) -> str:
        return _EXPRESSION.sub(lambda m: str(self.evaluate(m.group(1))), text)

    def condition(self, raw: Any) -> bool:
        if raw is None:
            return not self.failed
        text = str(raw).strip()
        match = _EXPRESSION.fullmatch(text)
        expression = match.group(1) if match else text
        uses_status = re.search(r"\b(success|failure|always|cancelled)\(\)", expression)
        result = bool(self.evaluate(expression))
        # Without a status function, GitHub adds `success() &&` in front.
        return result if uses_status else result and not self.failed


def run_action(
    action_file: Path, inputs: dict[str, str], *, workspace: Path, env: dict[str, str] | None = None
) -> ActionRun:
    """Run the action's steps in ``workspace`` with ``inputs`` (defaults filled in)."""
    action = yaml.safe_load(action_file.read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    declared = action.get("inputs", {})
    unknown = set(inputs) - set(declared)
    assert not unknown, f"inputs the action does not declare: {unknown}"
    values = {name: str(spec.get("default", "")) for name, spec in declared.items()}
    values.update(inputs)
    context = _Context(values, {}, action_file.parent)
    results: list[StepResult] = []
    base_env = {**os.environ, **(env or {}), "GITHUB_WORKSPACE": str(workspace), "CI": "true"}
    for number, step in enumerate(action["runs"]["steps"]):
        name = step.get("name", f"step {number + 1}")
        step_id = step.get("id")
        if not context.condition(step.get("if")):
            results.append(StepResult(name, step_id, "skipped"))
            if step_id:
                context.steps[step_id] = {"outcome": "skipped", "outputs": {}}
            continue
        if "uses" in step:
            with_ = {key: context.substitute(str(value)) for key, value in (step.get("with") or {}).items()}
            results.append(StepResult(name, step_id, "success", uses=step["uses"], with_=with_))
            continue
        assert step.get("shell") == "bash", f"{name}: every run step must say `shell: bash`"
        output_file = workspace.parent / f".github_output_{number}"
        output_file.write_text("", encoding="utf-8")
        step_env = {**base_env, "GITHUB_OUTPUT": str(output_file), "GITHUB_ACTION_PATH": str(action_file.parent)}
        step_env.update({key: context.substitute(str(value)) for key, value in (step.get("env") or {}).items()})
        cwd = workspace / context.substitute(str(step.get("working-directory", ".")))
        script = context.substitute(step["run"])
        process = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
            cwd=cwd,
            env=step_env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=600,
        )
        outcome = "success" if process.returncode == 0 else "failure"
        outputs = dict(
            line.split("=", 1) for line in output_file.read_text(encoding="utf-8").splitlines() if "=" in line
        )
        if step_id:
            context.steps[step_id] = {"outcome": outcome, "outputs": outputs}
        if outcome == "failure" and not step.get("continue-on-error"):
            context.failed = True
        results.append(StepResult(name, step_id, outcome, process.stdout, process.stderr, process.returncode))
    outputs = {name: context.substitute(str(spec["value"])) for name, spec in (action.get("outputs") or {}).items()}
    return ActionRun(results, outputs)


def run_scripts(action_file: Path) -> list[tuple[str, str]]:
    """Every ``run:`` script of the action, with its step name (for shellcheck)."""
    action = yaml.safe_load(action_file.read_text(encoding="utf-8"))
    return [(step.get("name", "?"), step["run"]) for step in action["runs"]["steps"] if "run" in step]
