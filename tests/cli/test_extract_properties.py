"""Property tests: a script from ``preflight extract --format sh`` runs the checklist's steps
and nothing else, whatever its titles, item texts, file name, IDs and ``run.env`` say.

Hypothesis writes checklists whose text is full of what a shell would act on (quotes,
``$(...)``, backticks, ``;``, line and paragraph separators, here-document delimiters)
around steps that only append a line to ``ran.txt``. Every script must pass ``bash -n``;
run in an empty folder, it must run each step once and create nothing else.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mkdocs_preflight.engine import parse_text
from mkdocs_preflight.extract import Selection, render_sh, script_blocks

HOSTILE = ["'", '"', "`touch PWNED1`", "$(touch PWNED2)", "; touch PWNED3", "\\", "#", "$HOME"]
HOSTILE += ["\n", "\ntouch PWNED5", "\u2028", "\x0b", "\x1b", "PREFLIGHT_STEP", "<<EOF", "\t", " "]
text = st.lists(st.one_of(st.sampled_from(HOSTILE), st.text(alphabet="ab -_.", max_size=4)), min_size=1, max_size=6)
raw = text.map("".join)
line = raw.map(lambda s: s.replace("\n", " "))  # a Markdown line
STEP = "echo step >> ran.txt"
fence = st.sampled_from(["bash", "sh", "bash id=a-b timeout=5", 'bash cwd="." expect=0', "bash run=manual"])
# The second body has a line that is the scripts' first here-document delimiter.
body = st.sampled_from([STEP, f"cat > /dev/null <<'PREFLIGHT_STEP'\nx\nPREFLIGHT_STEP\n{STEP}"])
block = st.tuples(fence, body).map(lambda t: f"```{t[0]}\n{t[1]}\n```")
item = st.tuples(st.sampled_from(["- [ ] ", "1. [x] "]), line, st.booleans()).map(
    lambda t: t[0] + t[1] + (f"\n\n    ```bash\n    {STEP}\n    ```" if t[2] else "")
)

# A title or a run.env value, line breaks and all: JSON strings are YAML strings (as in test_extract_sh).
quoted = raw.map(json.dumps)
front = st.tuples(quoted, st.dictionaries(st.sampled_from(["A", "B_2", "NOT A NAME"]), quoted, max_size=2)).map(
    lambda t: (
        f"---\ntitle: {t[0]}\n"
        + ("run:\n  env:\n" + "".join(f'    "{key}": {value}\n' for key, value in t[1].items()) if t[1] else "")
        + "---\n"
    )
)
checklists = st.tuples(
    st.one_of(st.just(""), front),
    st.lists(st.one_of(item, line.map(lambda s: "## " + s), block, line), min_size=1, max_size=6),
).map(lambda t: t[0] + "\n\n".join(t[1]) + "\n")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(checklists, st.sampled_from(["mkdocs.yml", None]))
def test_a_script_runs_its_steps_and_nothing_its_text_says(source: str, config_name: str | None) -> None:
    checklist = parse_text(source, "checklists/$(touch PWNED4) 'x'.md")
    blocks = script_blocks(checklist, Selection())
    if not blocks:
        return
    script = render_sh(checklist, blocks, config_name=config_name)
    syntax = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True, check=False)
    assert syntax.returncode == 0 and not syntax.stderr, syntax.stderr
    with tempfile.TemporaryDirectory() as folder:
        if config_name:
            Path(folder, config_name).write_text("site_name: x\n")
        env = {"PATH": os.environ["PATH"], "HOME": folder}
        done = subprocess.run(["bash", "-c", script], cwd=folder, env=env, capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr[-1000:]
        assert "command not found" not in done.stderr, done.stderr[-1000:]  # text that became a command
        made = sorted(os.listdir(folder))
        assert not [name for name in made if name.startswith("PWNED")], made
        steps = [b for b in blocks if b.runnable and b.run_mode != "manual"]
        ran = Path(folder, "ran.txt").read_text().count("step") if "ran.txt" in made else 0
        assert ran == len(steps), (ran, len(steps), done.stderr[-1000:])
