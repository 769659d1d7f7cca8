"""The runner's own cost per step, measured against bare shell spawns in the same run.

Not a test (pytest does not collect it): a benchmark that prints numbers.

    python tests/runner/bench_overhead.py [--steps 200] [--repeat 3]

It writes a checklist of N items, each with a ```bash block holding `true`, and a
checklist of 1 such step; runs `python -m mkdocs_preflight run --yes` on both (best of
``--repeat``); and times N spawns of `bash -e -o pipefail -c true` with a pipe, the way
the runner spawns them. The runner's overhead per step is
``(T(N) - T(1)) / (N - 1) - spawn``: start-up costs cancel out, the command's own cost
is taken away, what remains is parsing, planning, streaming, printing and the two
fsynced log writes per step. Wall time suffers when other work shares the machine, so
CPU time (the runner and its shells, from ``RUSAGE_CHILDREN``) is printed too.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def checklist(steps: int) -> str:
    lines = ["# Overhead", ""]
    for number in range(steps):
        lines += [f"- [ ] Step {number}", "  ```bash", "  true", "  ```", ""]
    return "\n".join(lines)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(root: Path, name: str) -> tuple[float, float]:
    """Wall time and CPU time (the runner and its shells) of one run."""
    cpu = _children_cpu()
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs_preflight", "run", f"checklists/{name}", "--yes"],
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"run failed: {result.stderr.decode()}")
    return elapsed, _children_cpu() - cpu


def bare_spawns(count: int) -> tuple[float, float]:
    cpu = _children_cpu()
    start = time.perf_counter()
    for _ in range(count):
        process = subprocess.Popen(
            ["bash", "-e", "-o", "pipefail", "-c", "true"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        assert process.stdout is not None
        process.stdout.read()
        process.wait()
    return (time.perf_counter() - start) / count, (_children_cpu() - cpu) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "checklists").mkdir()
        (root / "checklists" / "many.md").write_text(checklist(args.steps), encoding="utf-8")
        (root / "checklists" / "one.md").write_text(checklist(1), encoding="utf-8")
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)
        env_note = f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
        many, one, spawn = [], [], []
        for _ in range(args.repeat):
            spawn.append(bare_spawns(args.steps))
            many.append(timed_run(root, "many.md"))
            one.append(timed_run(root, "one.md"))
        (t_many, c_many), (t_one, c_one), (t_spawn, c_spawn) = min(many), min(one), min(spawn)
        per_step = (t_many - t_one) / (args.steps - 1)
        cpu_per_step = (c_many - c_one) / (args.steps - 1)
        print(f"machine: {env_note}")
        print(f"run of {args.steps} steps: {t_many:.3f} s (best of {args.repeat}); run of 1 step: {t_one:.3f} s")
        spawn_ms = t_spawn * 1000
        print(f"wall per step: {per_step * 1000:.2f} ms; bare `bash -e -o pipefail -c true` spawn: {spawn_ms:.2f} ms")
        print(f"runner overhead per step (wall): {(per_step - t_spawn) * 1000:.2f} ms (budget 20 ms)")
        print(
            f"CPU per step (runner + shell): {cpu_per_step * 1000:.2f} ms; bare spawn: {c_spawn * 1000:.2f} ms; "
            f"runner overhead per step (CPU): {(cpu_per_step - c_spawn) * 1000:.2f} ms"
        )


if __name__ == "__main__":
    main()
