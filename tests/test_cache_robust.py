"""The cache recovers by itself (issue 14): a damaged index is found and rebuilt with a one-line
notice, ``index status`` verifies, an unwritable cache directory falls back to a temporary one,
``index clear`` removes every cache jdcorpus made and nothing else."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jdcorpus import _cache
from jdcorpus.cli import main
from jdcorpus.index import count, index_status, search, store

HERE = Path(__file__).parent


def _handmade():
    spec = importlib.util.spec_from_file_location("handmade", HERE / "fixtures" / "handmade.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.corpus()


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A cache directory of this test's own."""
    d = tmp_path / "cache"
    monkeypatch.setenv(_cache.CACHE_ENV, str(d))
    return d


@pytest.fixture(scope="module")
def small():
    """A two-document corpus: its index builds in a moment."""
    return _handmade()


def keys(hits) -> set[str]:
    return {h.key for h in hits}


def _segment(path: Path) -> Path:
    return next(path.glob("*.seg"))


def _flip(p: Path, start: float = 0.0, end: float = 1.0) -> None:
    b = bytearray(p.read_bytes())
    for i in range(int(len(b) * start), int(len(b) * end)):
        b[i] ^= 0x5A
    p.write_bytes(bytes(b))


DAMAGE = {
    "emptied segment": lambda d: _segment(d).write_bytes(b""),
    "half-truncated segment": lambda d: os.truncate(_segment(d), _segment(d).stat().st_size // 2),
    "garbled toc": lambda d: _flip(next(d.glob("*.toc"))),
    "segment bytes changed, same size": lambda d: _flip(_segment(d), 0.25, 0.75),
    "segment missing": lambda d: _segment(d).unlink(),
    "description garbled": lambda d: (d / "jdcorpus.json").write_text("{garbage", "utf-8"),
    # valid JSON of another shape (hand-edited, or another program's): tracebacks or hits
    # without their city and title until the adversarial tester found them
    "documents a string": lambda d: _edit_meta(d, documents="x"),
    "documents not records": lambda d: _edit_meta(d, documents=[1, 2]),
    "documents emptied": lambda d: _edit_meta(d, documents=[]),
    "files a string": lambda d: _edit_meta(d, files="zzz"),
    "format null": lambda d: _edit_meta(d, format=None),
    "fingerprint null": lambda d: _edit_meta(d, fingerprint=None),
}


def _edit_meta(d: Path, **changes) -> None:
    meta = json.loads((d / "jdcorpus.json").read_text("utf-8"))
    (d / "jdcorpus.json").write_text(json.dumps({**meta, **changes}), "utf-8")


@pytest.mark.parametrize("how", DAMAGE)
def test_damaged_index_is_rebuilt_with_a_one_line_notice(small, cache, how, capsys):
    """Whatever the damage (once a struct.error traceback, a bare "Aborted!" or "created on
    different architecture"), the next search rebuilds the index, says so on one line of stderr,
    and returns the right hits; index status saw the damage first."""
    expected = keys(search(small, "街道", limit=None))
    path = Path(index_status(small).path)
    DAMAGE[how](path)
    store._OPEN.clear()  # as a new process would
    st = index_status(small, verify=True)
    assert st.damaged and st.built is False
    capsys.readouterr()
    assert keys(search(small, "街道", limit=None)) == expected
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith("jdcorpus: the search index") and "rebuilding it" in err
    assert index_status(small, verify=True).damaged is None
    assert count(small, "职责") > 0 and capsys.readouterr().err == ""


def test_a_sound_index_is_not_rebuilt_on_a_failure_of_another_kind(small, cache, monkeypatch):
    """An error that is not damage (a bug) propagates: the index is checked, not rebuilt."""
    search(small, "街道")
    built_at = json.loads((Path(index_status(small).path) / "jdcorpus.json").read_text())

    def broken(*a, **k):
        raise RuntimeError("a bug")

    monkeypatch.setattr("jdcorpus.index.query._filters", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        search(small, "街道")
    after = json.loads((Path(index_status(small).path) / "jdcorpus.json").read_text())
    assert after["built_at"] == built_at["built_at"] and after["files"] == built_at["files"]


def test_verify_passes_on_a_fresh_index(small, cache):
    """A fresh index verifies; its description records each file's size, SHA-256 digest and
    CRC-32 (the quick check of every first open)."""
    search(small, "街道")
    st = index_status(small, verify=True)
    assert st.built and st.damaged is None
    meta = json.loads((Path(st.path) / "jdcorpus.json").read_text())
    assert meta["files"] and all(len(v) == 3 for v in meta["files"].values())


def _bundled_index_in(cache: Path) -> Path:
    """The bundled corpus's index copied into ``cache`` from the session's cache (built there
    once), so a test can damage its own copy without another build."""
    session = Path(index_status().path)  # under the session cache, before the switch
    if not session.is_dir():
        from jdcorpus.index import build_index

        build_index()
    cache.mkdir(parents=True, exist_ok=True)
    dest = cache / session.name
    shutil.copytree(session, dest)
    return dest


def test_damaged_index_on_the_command_line(tmp_path):
    """``jdcorpus search`` over an emptied segment (a struct.error traceback once): the right
    count, exit 0, one notice line on stderr; ``index status`` said not built, damaged."""
    cache = tmp_path / "cache"
    path = _bundled_index_in(cache)
    expected = count(None, "网格")
    _segment(path).write_bytes(b"")
    env = {**os.environ, _cache.CACHE_ENV: str(cache)}
    status = subprocess.run(
        [sys.executable, "-m", "jdcorpus", "index", "status", "--format", "json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    st = json.loads(status.stdout)[0]
    assert st["built"] is False and "0 bytes" in st["damaged"]
    r = subprocess.run(
        [sys.executable, "-m", "jdcorpus", "search", "网格", "--count"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert (r.returncode, r.stdout) == (0, f"{expected}\n")
    assert r.stderr.count("\n") == 1 and "is damaged" in r.stderr and "Traceback" not in r.stderr


# -- an unwritable cache directory ----------------------------------------------------------------


def test_unwritable_cache_falls_back_to_a_temporary_directory(small, tmp_path, monkeypatch, capsys):
    """A cache directory that cannot be made (its parent is a file; as root, permissions cannot
    stop a write): searches work from a temporary directory, after one notice naming the
    variable to set; a second search says nothing more."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv(_cache.CACHE_ENV, str(blocker / "cache"))
    assert search(small, "街道").total == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "cannot write the cache directory" in err
    assert str(blocker / "cache") in err and _cache.CACHE_ENV in err
    assert Path(index_status(small).path).is_relative_to(Path(_cache.cache_dir()))
    assert not str(_cache.cache_dir()).startswith(str(blocker))
    assert count(small, "职责") > 0 and capsys.readouterr().err == ""


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only folders"
)
def test_read_only_cache_with_a_built_index_is_used_as_is(small, cache, capsys):
    """A read-only cache that holds the index: searched in place, no notice, no fallback."""
    search(small, "街道")
    store._OPEN.clear()
    capsys.readouterr()
    os.chmod(cache, 0o555)
    try:
        assert search(small, "街道").total == 3
    finally:
        os.chmod(cache, 0o755)
    assert capsys.readouterr().err == ""


def test_unwritable_cache_on_the_command_line(tmp_path):
    """``jdcorpus search`` with $JDCORPUS_CACHE_DIR under a file: hits, exit 0, one stderr line
    (once "Permission denied: …/index.lock")."""
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    env = {**os.environ, _cache.CACHE_ENV: str(blocker / "cache")}
    r = subprocess.run(
        [sys.executable, "-m", "jdcorpus", "search", "网格", "--limit", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert r.returncode == 0 and r.stdout.startswith("1 of 19 articles match")
    assert r.stderr.count("\n") == 1 and _cache.CACHE_ENV in r.stderr


# -- index clear --------------------------------------------------------------------------------


def test_index_clear_removes_every_cache_and_nothing_else(cache):
    """After a corpus load, a word: search (jieba's dictionary cache) and a build, ``index clear``
    leaves nothing jdcorpus made (the parsed-corpus pickle included, left behind once) and every
    file of the user's: what is left is exactly the user's files and the lock file."""
    from jdcorpus import load_corpus

    load_corpus()
    search(None, "word:网格")
    folder = cache.parent / "folder"  # a plain folder of regulations: its parsed/all-… pickle
    folder.mkdir()
    for p in load_corpus().documents[:2]:
        (folder / f"{p.id}.txt").write_text(p.source_text, "utf-8")
    from jdcorpus.corpus import _load_folder

    _load_folder(folder)
    assert list(cache.glob("parsed/all-*.pickle"))
    cache.joinpath("corpus").mkdir(exist_ok=True)
    mine = [
        cache / "notes.txt",
        cache / "corpus" / "notes.txt",
        cache / "bundled-notes",
        cache / "jieba-mine.txt",
        cache / "jieba-mine.pickle",  # named like the dictionary cache, not its name: kept
        cache / ".hidden.tmp",
    ]
    for p in mine:
        p.write_text("mine")
    made = {p.name for p in cache.iterdir()} | {p.name for p in (cache / "corpus").iterdir()}
    assert any(n.startswith("bundled-") and n != "bundled-notes" for n in made)
    assert any(n.endswith(".pickle") for n in made)
    r = CliRunner().invoke(main, ["index", "clear"])
    assert r.exit_code == 0 and r.output.startswith("removed ")
    left = sorted(p.relative_to(cache).as_posix() for p in cache.rglob("*") if p.is_file())
    assert left == sorted([p.relative_to(cache).as_posix() for p in mine] + ["index.lock"])
    assert index_status().built is False


def test_clear_with_nothing_to_clear(cache):
    """A missing cache directory: nothing removed, no error."""
    r = CliRunner().invoke(main, ["index", "clear"])
    assert r.exit_code == 0 and r.output.startswith("removed 0 items")


def test_user_dirs_are_platformdirs_answers(monkeypatch):
    """The per-user cache and data directories computed without platformdirs (Linux) are the
    ones platformdirs gives, with and without the XDG variables."""
    import platformdirs

    for value in (None, "/tmp/xdg-somewhere", "  "):
        for var in ("XDG_CACHE_HOME", "XDG_DATA_HOME"):
            if value is None:
                monkeypatch.delenv(var, raising=False)
            else:
                monkeypatch.setenv(var, value)
        assert _cache.user_dir("cache") == Path(
            platformdirs.user_cache_dir("jdcorpus", appauthor=False)
        )
        assert _cache.user_dir("data") == Path(
            platformdirs.user_data_dir("jdcorpus", appauthor=False)
        )


def test_fingerprints_remembered_by_stats_follow_the_bytes(tmp_path, monkeypatch):
    """A folder's fingerprint is the hash of its files' bytes whether or not it was remembered;
    a file changed (size or times) is hashed again, and ``index clear``'s cache cleaning removes
    the remembered stamps."""
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "cache"))
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a.txt").write_text("第一条 甲。", "utf-8")
    first = _cache.source_fingerprint(folder)
    assert list((tmp_path / "cache" / "stamps").iterdir())  # remembered
    assert _cache.source_fingerprint(folder) == first
    (folder / "a.txt").write_text("第一条 乙。", "utf-8")  # same size: the times tell
    second = _cache.source_fingerprint(folder)
    assert second != first
    shutil.rmtree(tmp_path / "cache")
    assert _cache.source_fingerprint(folder) == second  # not remembered: the same hash
    assert _cache.clear_caches()
    assert not (tmp_path / "cache" / "stamps").exists()
