"""The package's shape (issue 8): no import cycles, the bottom layers import nothing of jdcorpus,
one error base caught by the CLI, one code stamp that sees every module, ``python -m jdcorpus``."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

import jdcorpus
from jdcorpus import _cache, cli, errors

PACKAGE = Path(jdcorpus.__file__).parent


def _module_name(p: Path) -> str:
    parts = list(p.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    """Every import of a jdcorpus module by another, module-level and inside functions alike (a
    lazy import is still a dependency: it only moves the cost, not the coupling)."""
    mods = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        pkg = name if path.name == "__init__.py" else name.rpartition(".")[0]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = pkg.split(".")[: len(pkg.split(".")) - (node.level - 1)]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                names = [target] + [f"{target}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            deps.update(n for n in names if n in mods and n != name)
        graph[name] = deps
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle():
    """The cycle finder itself works: a two-module loop and a three-module loop are reported."""
    g = {"a": {"b"}, "b": {"a"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": set()}
    assert sorted(cycles(g)) == [["a", "b"], ["c", "d", "e"]]


def test_the_graph_sees_lazy_imports():
    """Imports inside functions count (cli imports the corpus only inside its commands)."""
    assert "jdcorpus.corpus" in import_graph()["jdcorpus.cli"]


def test_no_import_cycles():
    """No module of jdcorpus depends, directly or through others, on itself."""
    assert cycles(import_graph()) == []


@pytest.mark.parametrize("bottom", ["jdcorpus.model", "jdcorpus.errors"])
def test_bottom_layers_import_nothing_of_jdcorpus(bottom):
    """model and errors sit at the bottom: every other module may import them."""
    assert import_graph()[bottom] == set()


def test_user_errors_share_one_base():
    """Every error a user can cause is a JdcorpusError, and keeps its built-in meaning."""
    for name in errors.__all__:
        cls = getattr(errors, name)
        assert issubclass(cls, errors.JdcorpusError), name
    assert issubclass(errors.ParseError, ValueError)
    assert issubclass(errors.QueryError, ValueError)
    assert issubclass(errors.UnknownDocument, LookupError)
    assert issubclass(errors.OutputError, OSError)


def test_cli_turns_library_errors_into_one_line(monkeypatch):
    """A JdcorpusError becomes "Error: message" and exit 1."""

    @click.command()
    @cli.library_errors
    def boom():
        raise errors.UnknownDocument("no document 'x' in the corpus")

    r = CliRunner().invoke(boom)
    assert r.exit_code == 1
    assert r.output == "Error: no document 'x' in the corpus\n"


def test_cli_does_not_hide_bugs():
    """Any other exception is a bug: it is not dressed up as a user error."""

    @click.command()
    @cli.library_errors
    def boom():
        raise ZeroDivisionError("a bug")

    r = CliRunner().invoke(boom)
    assert isinstance(r.exception, ZeroDivisionError)
    assert "Error: a bug" not in r.output


def _copy_package(tmp_path: Path) -> Path:
    import shutil

    dest = tmp_path / "jdcorpus"
    shutil.copytree(PACKAGE, dest, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def test_code_stamp_sees_modules_in_subpackages(tmp_path, monkeypatch):
    """A change to a module inside a subpackage changes the stamps that name the subpackage and
    the whole-package stamp, and leaves a stamp that does not name it alone."""
    pkg = _copy_package(tmp_path)
    monkeypatch.setattr(_cache, "PACKAGE", pkg)
    _cache.code_stamp.cache_clear()
    sub = next(p for p in sorted(pkg.rglob("*.py")) if p.parent != pkg and p.parent.name != "data")
    part = sub.parent.name
    before = (_cache.code_stamp(), _cache.code_stamp(part), _cache.code_stamp("model"))
    sub.write_text(sub.read_text("utf-8") + "\n# changed\n", "utf-8")
    _cache.code_stamp.cache_clear()
    after = (_cache.code_stamp(), _cache.code_stamp(part), _cache.code_stamp("model"))
    _cache.code_stamp.cache_clear()
    assert after[0] != before[0]
    assert after[1] != before[1]
    assert after[2] == before[2]


def test_code_stamp_sees_data_files(tmp_path, monkeypatch):
    """Every stamp covers the data tables: editing one re-keys every cache."""
    pkg = _copy_package(tmp_path)
    monkeypatch.setattr(_cache, "PACKAGE", pkg)
    _cache.code_stamp.cache_clear()
    before = _cache.code_stamp("model")
    table = next((pkg / "data").glob("*.tsv"))
    table.write_text(table.read_text("utf-8") + "\n", "utf-8")
    _cache.code_stamp.cache_clear()
    after = _cache.code_stamp("model")
    _cache.code_stamp.cache_clear()
    assert after != before


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )


def test_python_m_jdcorpus():
    """``python -m jdcorpus --help`` is the same command as the console script."""
    r = _run("-m", "jdcorpus", "--help")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("Usage: jdcorpus ")
    assert "search" in r.stdout


def test_import_raises_no_warnings():
    """Importing every module of the package (walked, so a new module is covered too) is clean
    under ``python -W error``, and so are a search and a comparison run from the CLI."""
    code = (
        "import importlib, pkgutil, jdcorpus\n"
        "mods = [m.name for m in pkgutil.walk_packages(jdcorpus.__path__, 'jdcorpus.')]\n"
        "for m in mods: importlib.import_module(m)\n"
        "jdcorpus.load_corpus(); print(len(mods))"
    )
    r = _run("-W", "error", "-c", code)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) >= 15, "the walk found too few modules"
    for args in (["search", "网格"], ["align", "长春", "呼和浩特"]):
        r = _run("-W", "error", "-m", "jdcorpus", *args)
        assert r.returncode == 0 and not r.stderr, (args, r.stderr[-2000:])


_STATUS = (
    "import json; from jdcorpus import index; hits = index.search(None, '网格', limit=None);"
    "st = index.index_status(); print(json.dumps([str(st.path), st.built, hits.total, index.__file__]))"
)


def test_editing_stamped_code_rebuilds_the_index_and_other_code_does_not(tmp_path):
    """The README's claim, end to end in fresh processes on a copy of the package: after an edit
    to code that shapes the index (normalize.py) the next search builds a new index under a new
    key and sweeps the old one; after an edit to the CLI the same index is used."""
    import json
    import shutil

    src = tmp_path / "src"
    shutil.copytree(PACKAGE, src / "jdcorpus", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(PACKAGE.parent / "corpus", src / "corpus")
    env = dict(os.environ, PYTHONPATH=str(src), JDCORPUS_CACHE_DIR=str(tmp_path / "cache"))

    def status() -> tuple[Path, bool, int]:
        r = subprocess.run(
            [sys.executable, "-c", _STATUS],
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
            cwd=tmp_path,  # python -c puts the working directory first on sys.path
        )
        assert r.returncode == 0, r.stderr[-2000:]
        path, built, total, module = json.loads(r.stdout)
        assert Path(module).is_relative_to(src), "the copy is not the package imported"
        assert Path(path).is_relative_to(tmp_path / "cache")
        return Path(path), built, total

    def edit(name: str) -> None:
        f = src / "jdcorpus" / name
        f.write_text(f.read_text("utf-8") + "\n# edited\n", "utf-8")

    first, built, total = status()
    assert built and total > 0
    edit("cli.py")  # not code that shapes the index
    same, _, _ = status()
    assert same == first
    edit("normalize.py")  # shapes the index: a new key, a new build
    second, built, total2 = status()
    assert built and second != first and total2 == total
    assert second.is_dir() and not first.exists(), "the old index is swept by the new build"
