"""The README's examples run as shown (issue 14): its console sessions print what it says they
print, every command of its table exists, its Python example runs."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from jdcorpus.cli import main

README = Path(__file__).resolve().parents[1] / "README.md"
pytestmark = pytest.mark.skipif(not README.exists(), reason="not running from a source checkout")


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", README.read_text("utf-8"), re.S)


def _sessions() -> list[tuple[str, str]]:
    out = []
    for block in _blocks("console"):
        first, *rest = block.splitlines()
        out.append((first.removeprefix("$ "), "\n".join(rest) + "\n"))
    return out


@pytest.mark.parametrize("command, expected", _sessions(), ids=lambda x: x[:30])
def test_console_sessions_print_what_the_readme_shows(command, expected):
    """Each ``$ jdcorpus …`` session of the README, run in a process (output to a pipe, no
    $COLUMNS), prints exactly the lines the README shows."""
    args = shlex.split(command)
    assert args[0] == "jdcorpus"
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR")}
    r = subprocess.run(
        [sys.executable, "-m", "jdcorpus", *args[1:]],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert r.stdout == expected


def test_every_command_in_the_table_exists():
    """The command table names only commands the CLI has (``index build|status|clear`` too)."""
    text = README.read_text("utf-8")
    named = re.findall(r"^\| `jdcorpus ([^`]+)`(?: / `([^`]+)`)?", text, re.M)
    assert len(named) >= 10
    for first, second in named:
        for spec in filter(None, (first, second)):
            words = [w for w in spec.replace("\\|", "|").split() if not w.isupper()]
            group = main
            for w in words:
                names = w.split("|")
                assert all(n in group.commands for n in names), (spec, w)
                group = group.commands[names[0]]


def test_python_example_runs(capsys):
    """The Python API example runs and prints 第八条 in the words of the source."""
    (code,) = _blocks("python")
    with contextlib.redirect_stdout(io.StringIO()) as out:
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue().startswith("第八条")


def test_setup_shows_the_virtual_environment_commands():
    """The set-up section shows how to create and activate the virtual environment."""
    sh = "\n".join(_blocks("sh"))
    assert "python3 -m venv .venv" in sh and ". .venv/bin/activate" in sh
    assert "pip install . && jdcorpus search 网格" in sh
