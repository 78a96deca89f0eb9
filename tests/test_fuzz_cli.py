"""Fuzzing the command line (issue 14): random queries from a grammar and random argument lists
for every command. Whatever comes in, the CLI answers with exit code 0, 1 (an error the user
caused, one line) or 2 (a usage error), and never with a traceback.

The bulk runs in-process through click's CliRunner; a sample runs the real console script in a
subprocess. Runs are seeded: a failure message names the seed and the arguments, and
``JDCORPUS_FUZZ_SEED`` / ``JDCORPUS_FUZZ_SCALE`` (a multiplier of the counts) replay or widen a
run, e.g. ``JDCORPUS_FUZZ_SCALE=10 pytest tests/test_fuzz_cli.py``.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jdcorpus.cli import main

SEED = int(os.environ.get("JDCORPUS_FUZZ_SEED", "14"))
SCALE = float(os.environ.get("JDCORPUS_FUZZ_SCALE", "1"))


def n(count: int) -> int:
    return max(1, int(count * SCALE))


# -- a grammar of queries ------------------------------------------------------------------------

CJK = [
    "网格",
    "社区",
    "街道办事处",
    "物业",
    "居民",
    "应急",
    "长春",
    "北京",
    "網格",
    "辦事處",
    "条例",
    "第八条",
]
LATIN = ["abc", "grid", "Beijing", "changchun", "x", "AND", "or", "not", "NEAR", "TO", "123", "3.5"]
FIELDS = [
    "city",
    "doc",
    "kind",
    "status",
    "chapter",
    "heading",
    "word",
    "text",
    "title",
    "nope",
    "",
]
OPERATORS = ["AND", "OR", "NOT", "and", "or", "not", "&&", "||", "-", "+", "!", "~", "^2", "|"]
CONTROL = ["\x00", "\x01", "\x07", "\x08", "\x1b", "\x1b[31m", "\t", "\n", "\r", "\x7f", "\x9b"]
ODD = [
    "\u200b",
    "\ufeff",
    "\u202e",
    "e\u0301",
    "🏙",
    "\udcff",
    "\u3000",
    "\uff08",
    "\uff09",
    "“",
    "”",
]
PUNCT = [
    "*",
    "?",
    "*网",
    "网*",
    "网?",
    ":",
    "::",
    "[",
    "]",
    "{",
    "}",
    "<",
    ">",
    "=",
    "/",
    "\\",
    "'",
]


def _word(rng: random.Random) -> str:
    pick = rng.random()
    if pick < 0.55:
        return rng.choice(CJK)
    if pick < 0.75:
        return rng.choice(LATIN)
    if pick < 0.85:
        return rng.choice(CJK) + rng.choice(PUNCT)
    if pick < 0.92:
        return "".join(rng.choice(CJK + LATIN + PUNCT) for _ in range(rng.randint(1, 4)))
    return rng.choice(ODD) + rng.choice(CJK)


def _clause(rng: random.Random, depth: int) -> str:
    pick = rng.random()
    if depth > 3 or pick < 0.4:
        return _word(rng)
    if pick < 0.55:
        return f'"{_query(rng, depth + 1)}"'
    if pick < 0.65:
        return f"({_query(rng, depth + 1)})"
    if pick < 0.8:
        field = rng.choice(FIELDS)
        value = rng.choice([_word(rng), f'"{_word(rng)} {_word(rng)}"', f"({_word(rng)})", ""])
        return f"{field}:{value}"
    if pick < 0.9:
        return f"{rng.choice(OPERATORS)} {_clause(rng, depth + 1)}"
    return f"{_clause(rng, depth + 1)} {rng.choice(OPERATORS)} {_clause(rng, depth + 1)}"


def _query(rng: random.Random, depth: int = 0) -> str:
    return rng.choice([" ", " ", " ", "\u3000", "  ", ""]).join(
        _clause(rng, depth) for _ in range(rng.randint(1, 4))
    )


def random_query(rng: random.Random) -> str:
    """A query from the grammar, then damaged at random: control characters, an unbalanced quote
    or bracket, a cut, deep nesting, great length."""
    q = _query(rng)
    for _ in range(rng.choice([0, 0, 0, 1, 2])):
        at = rng.randint(0, len(q))
        q = q[:at] + rng.choice(CONTROL + ODD + PUNCT + ['"', "(", ")", "（", "）"]) + q[at:]
    pick = rng.random()
    if pick < 0.03:
        depth = rng.choice([50, 200, 1000, 5000])
        q = "(" * depth + q + ")" * rng.choice([depth, depth - 1, 0])
    elif pick < 0.05:
        q = " ".join([q] * rng.randint(20, 200))
    elif pick < 0.08:
        q = q[: rng.randint(0, len(q))]
    elif pick < 0.10:
        q = rng.choice(["", " ", "\u3000", "\x00", '""', "()", "NOT", "OR", "*", ":", "city:"])
    return q


# -- random argument lists -----------------------------------------------------------------------

DOCS = ["长春", "changchun", "呼和浩特", "hohhot", "beijing-tiaoli", "北京", "上海", "苏州", "通化"]
BAD = ["", " ", "-", "--", "-x", "--nope", "\x00", "\x1b[2J", "../..", "9" * 30, "-1", "0", "🏙"]
ARTICLES = ["8", "第八条", "八", "第8条", "0", "-1", "999", "9" * 25, "1.5", "第条", "abc", "十万"]


def _doc(rng):
    return rng.choice(DOCS) if rng.random() < 0.8 else rng.choice(BAD)


def _article(rng):
    return rng.choice(ARTICLES) if rng.random() < 0.85 else rng.choice(BAD)


def _ref(rng):
    sep = rng.choice([":", ":", "：", "", "::"])
    return f"{_doc(rng)}{sep}{_article(rng)}"


def _int(rng):
    return rng.choice(["0", "1", "3", "-5", "100000", "x", "", "1e3", "2.5", "9" * 40])


def _path(rng, tmp: Path):
    return rng.choice(
        [
            str(tmp / "out.csv"),
            str(tmp / "out.json"),
            str(tmp / "out.parquet"),
            str(tmp / "out.xml"),
            str(tmp / "out.html"),
            str(tmp / "out.txt"),
            str(tmp / "missing" / "a.csv"),
            str(tmp),
            "-",
            "",
        ]
    )


def _fmt(rng):
    return ["--format", rng.choice(["table", "json", "csv", "xml", ""])]


#: each command: a generator of (mostly plausible) argument lists
COMMANDS = {
    "docs": lambda rng, tmp: _fmt(rng),
    "show": lambda rng, tmp: (
        [_doc(rng)]
        + ([_article(rng)] if rng.random() < 0.7 else [])
        + (["--original"] if rng.random() < 0.3 else [])
        + (_fmt(rng) if rng.random() < 0.5 else [])
    ),
    "parse": lambda rng, tmp: [rng.choice(PARSE_FILES)] + (_fmt(rng) if rng.random() < 0.5 else []),
    "search": lambda rng, tmp: (
        [random_query(rng)]
        + [
            x
            for opt in rng.sample(
                [
                    "--city",
                    "--doc",
                    "--kind",
                    "--status",
                    "--chapter",
                    "--part",
                    "--limit",
                    "--count",
                ],
                rng.randint(0, 3),
            )
            for x in (
                [opt]
                if opt == "--count"
                else [opt, _int(rng) if opt == "--limit" else rng.choice(DOCS + BAD + CJK)]
            )
        ]
        + (_fmt(rng) if rng.random() < 0.3 else [])
    ),
    "index status": lambda rng, tmp: _fmt(rng) if rng.random() < 0.5 else [],
    "align": lambda rng, tmp: [_doc(rng), _doc(rng)] + (_fmt(rng) if rng.random() < 0.3 else []),
    "families": lambda rng, tmp: _fmt(rng),
    "coverage": lambda rng, tmp: _fmt(rng),
    "reuse": lambda rng, tmp: _fmt(rng),
    "gaps": lambda rng, tmp: (
        [_doc(rng)]
        + (["--min-docs", _int(rng)] if rng.random() < 0.5 else [])
        + (_fmt(rng) if rng.random() < 0.3 else [])
    ),
    "diff": lambda rng, tmp: (
        [_ref(rng), _ref(rng)]
        + (["--width", _int(rng)] if rng.random() < 0.4 else [])
        + (["--html", _path(rng, tmp)] if rng.random() < 0.3 else [])
        + (_fmt(rng) if rng.random() < 0.3 else [])
    ),
    "export articles": lambda rng, tmp: (
        [_path(rng, tmp)]
        + (
            ["--to", rng.choice(["csv", "json", "parquet", "akn", ""])]
            if rng.random() < 0.6
            else []
        )
    ),
    "export document": lambda rng, tmp: (
        [_doc(rng), _path(rng, tmp)]
        + (["--to", rng.choice(["akn", "html", "json", "csv", ""])] if rng.random() < 0.6 else [])
    ),
}

#: commands that compute over the whole corpus: fewer runs (each success costs up to a second)
COSTLY = {"align", "families", "coverage", "reuse", "gaps", "export articles"}
#: commands not fuzzed: they rebuild or remove the session's index (tested on their own)
SKIP = {"index build", "index clear"}


def _leaves(group=main, prefix=()):
    for name, cmd in group.commands.items():
        if hasattr(cmd, "commands"):
            yield from _leaves(cmd, (*prefix, name))
        else:
            yield " ".join((*prefix, name)), cmd


LEAVES = dict(_leaves())


def _generic(command: str):
    """Arguments for a command without a hand-written generator, from its click parameters:
    every command added later is fuzzed too."""
    import click

    cmd = LEAVES[command]

    def value(param, rng, tmp):
        t = param.type
        if isinstance(t, click.Choice):
            return rng.choice([*t.choices, "", "nope"])
        if isinstance(t, click.types.IntParamType | click.types.FloatParamType):
            return _int(rng)
        if isinstance(t, click.Path):
            return rng.choice([_path(rng, tmp), *PARSE_FILES])
        return rng.choice(DOCS + ARTICLES + BAD + CJK)

    def gen(rng, tmp):
        args: list[str] = []
        for param in cmd.params:
            if isinstance(param, click.Argument):
                n = rng.randint(0, 3) if param.nargs == -1 else max(param.nargs, 1)
                args += [value(param, rng, tmp) for _ in range(n)]
            elif rng.random() < 0.4 and param.opts[0].startswith("-"):
                if param.is_flag:
                    args.append(param.opts[0])
                else:
                    args += [param.opts[0], value(param, rng, tmp)]
        return args

    return gen


PARSE_FILES: list[str] = []


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Inputs for ``parse``: a regulation, an empty file, binary bytes, GBK text, a directory,
    a missing file."""
    tmp = tmp_path_factory.mktemp("fuzz")
    (tmp / "ok.txt").write_text(
        "某市条例\n第一条 为了测试，制定本条例。\n第二条 本条例自公布之日起施行。\n"
    )
    (tmp / "empty.txt").write_bytes(b"")
    (tmp / "binary.bin").write_bytes(bytes(range(256)) * 8)
    (tmp / "gbk.txt").write_bytes("第一条 网格化管理。\n".encode("gbk"))
    (tmp / "nul.txt").write_bytes(b"\x00" * 100)
    PARSE_FILES[:] = [
        str(tmp / name) for name in ("ok.txt", "empty.txt", "binary.bin", "gbk.txt", "nul.txt")
    ] + [str(tmp), str(tmp / "missing.txt"), "-"]
    return tmp


def _check(result, args) -> str | None:
    """None when the run behaved; else what went wrong."""
    exc = result.exception
    if exc is not None and not isinstance(exc, SystemExit):
        import traceback

        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return f"{type(exc).__name__} at {where}: {str(exc)[:200]}"
    if result.exit_code not in (0, 1, 2):
        return f"exit code {result.exit_code}"
    if "Traceback" in result.output:
        return "a traceback in the output"
    if result.exit_code == 1 and result.stderr.count("Error:") > 1:
        return "more than one error line"
    return None


def _shown(args: list[str]) -> str:
    """Arguments for a message, each cut to 60 characters (a 5,000-bracket query is long)."""
    return repr([a if len(a) <= 60 else f"{a[:40]}…({len(a)} chars)…{a[-10:]}" for a in args])


def _summary(failures: list[tuple[str, str]]) -> str:
    """One example per kind of failure (the first line of its message), most frequent first."""
    kinds: dict[str, list[str]] = {}
    for args, why in failures:
        kinds.setdefault(why.split(":")[0], []).append(f"{args}: {why}")
    return f"{len(failures)} failures (seed {SEED}):\n" + "\n".join(
        f"  {len(v)} x {v[0][:600]}" for v in sorted(kinds.values(), key=len, reverse=True)
    )


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # click < 8.2
    except TypeError:
        return CliRunner()


def test_fuzz_search_queries(files, tmp_path, monkeypatch):
    """A few thousand random queries (operators, quotes, brackets, fields, CJK and Latin,
    control characters, deep nesting): exit 0, 1 or 2, never a traceback."""
    monkeypatch.setenv("JDCORPUS_HOME", str(tmp_path / "home"))
    rng = random.Random(SEED)
    runner = _runner()
    failures = []
    for i in range(n(2000)):
        query = random_query(rng)
        opts = rng.choice([["--count"], ["--limit", "1"], ["--limit", "3", "--format", "json"]])
        args = ["search", query, *opts]
        why = _check(runner.invoke(main, args), args)
        if why:
            failures.append((f"#{i} {_shown(args)}", why))
    assert not failures, _summary(failures)


@pytest.mark.parametrize("command", sorted(set(LEAVES) - SKIP))
def test_fuzz_command_arguments(command, files, tmp_path, monkeypatch):
    """Random argument lists for each command (documents, article labels, numbers, paths,
    formats, junk): exit 0, 1 or 2, never a traceback."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("JDCORPUS_HOME", str(tmp_path / "home"))  # add/remove stay in here
    rng = random.Random(f"{SEED}-{command}")
    runner = _runner()
    failures = []
    for i in range(n(6 if command in COSTLY else 100)):
        args = [*command.split(), *COMMANDS.get(command, _generic(command))(rng, tmp_path)]
        if rng.random() < 0.1:  # junk anywhere: an unknown option, a stray argument
            args.insert(rng.randint(1, len(args)), rng.choice(BAD))
        why = _check(runner.invoke(main, args), args)
        if why:
            failures.append((f"#{i} {_shown(args)}", why))
    assert not failures, _summary(failures)


def _console_script() -> list[str]:
    """The ``jdcorpus`` script installed beside this Python (so it imports the package under
    test, as PYTHONPATH allows), else ``python -m jdcorpus``."""
    exe = Path(sys.executable).with_name("jdcorpus")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jdcorpus"]


def test_fuzz_console_script_sample(files, tmp_path):
    """A sample of random queries and argument lists through the real console script in a
    subprocess (real argv decoding, real streams): exit 0, 1 or 2, no traceback on stderr."""
    rng = random.Random(f"{SEED}-process")
    cmd = _console_script()
    cheap = [c for c in sorted(COMMANDS) if c not in COSTLY]
    failures = []
    for i in range(n(12)):
        if i % 2:
            args = ["search", random_query(rng), "--limit", "2"]
        else:
            command = rng.choice(cheap)
            args = [*command.split(), *COMMANDS[command](rng, tmp_path)]
        args = [a.replace("\x00", "") for a in args]  # argv cannot hold NUL bytes
        args = [a.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for a in args]
        r = subprocess.run(
            [*cmd, *args],
            capture_output=True,
            timeout=120,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
            env={**os.environ, "JDCORPUS_HOME": str(tmp_path / "home")},
        )
        err = r.stderr.decode("utf-8", "replace")
        if r.returncode not in (0, 1, 2) or "Traceback" in err:
            failures.append(
                f"[seed {SEED} #{i}] {_shown(args)}: exit {r.returncode}\n{err[-1500:]}"
            )
    assert not failures, "\n".join(failures[:5])
