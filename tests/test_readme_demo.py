"""The README shows real output: its `make demo` report is what the demo's commands print.

The commands are read from the Makefile's ``demo`` target and run on the shipped sample
corpus into a fresh SQLite file; every line of the README's report (but the "..." that
stand for lines cut) must be a line they print.
"""
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def demo_commands(db: Path) -> list[list[str]]:
    recipe = re.search(r"^demo:.*\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M).group(1)
    cmds = []
    for line in recipe.splitlines():
        line = line.strip()
        if line.startswith("$(BIN)/newsdesk "):
            args = line.replace("$(DB)", str(db)).split()[1:]
            cmds.append([sys.executable, "-m", "newsdesk"] + args)
    return cmds


def readme_report() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    at = text.index("`make demo` ends with a report like this")
    block = re.search(r"```text\n(.*?)```", text[at:], re.S).group(1)
    return [line for line in block.splitlines() if line.strip() and line.strip() != "..."]


def test_readme_demo_report_is_what_the_demo_prints(tmp_path):
    cmds = demo_commands(tmp_path / "demo.db")
    assert len(cmds) >= 5 and cmds[0][3] == "ingest"
    printed = []
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    for cmd in cmds:
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=600)
        assert out.returncode == 0, (cmd, out.stderr[-2000:])
        printed += out.stdout.splitlines()
    missing = [line for line in readme_report() if line not in printed]
    assert not missing, "README's demo report lines not printed by `make demo`:\n" + "\n".join(missing)
