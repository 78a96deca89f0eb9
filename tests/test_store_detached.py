"""A large first load returns before its whole-load cache is written: a detached process writes
it, holding neither the caller's pipes nor its locks; the file it writes loads as the same
corpus."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jdcorpus import load_corpus, store

pytestmark = pytest.mark.skipif(
    "fork" not in store._mp_methods(), reason="the detached writer needs fork"
)


def _whole(cache: Path) -> list[Path]:
    return list((cache / "parsed").glob("all-*.pickle"))


def _wait_for(cache: Path, seconds: float = 60) -> list[Path]:
    end = time.monotonic() + seconds
    while not _whole(cache) and time.monotonic() < end:
        time.sleep(0.05)
    return _whole(cache)


SCRIPT = """
import sys, time
from jdcorpus import load_corpus, store
store.PARALLEL_FROM = 1          # this small folder counts as a large one
write = store.write_cache_file
def slow(path, data, **kw):      # the whole-load cache takes a while to write
    if path.name.startswith("all-"):
        time.sleep(float(sys.argv[2]))
    return write(path, data, **kw)
store.write_cache_file = slow
c = load_corpus(sys.argv[1], bundled=False)
print(len(c.documents), flush=True)
"""


def _load_in_a_process(folder: Path, cache: Path, writer_seconds: int):
    """Load ``folder`` in a new process whose whole-load cache takes ``writer_seconds`` to write."""
    return subprocess.run(
        [sys.executable, "-c", SCRIPT, str(folder), str(writer_seconds)],
        capture_output=True,
        text=True,
        env=dict(os.environ, JDCORPUS_CACHE_DIR=str(cache)),
        timeout=120,
    )


def test_the_caller_does_not_wait_for_the_whole_load_cache(laws_folder, tmp_path):
    """The caller's output pipe closes when the caller exits, while the writer still works;
    the file appears afterwards, written whole."""
    cache = tmp_path / "cache"
    t = time.monotonic()
    out = _load_in_a_process(laws_folder, cache, 8)
    took = time.monotonic() - t
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) >= 6
    assert took < 7, f"the caller waited {took:.1f} s for its writer"
    assert not _whole(cache)  # still being written (the writer sleeps 8 s)
    assert _wait_for(cache)
    assert not list((cache / "parsed").glob(".all-*"))  # no temporary file left


def test_a_detached_write_loads_as_the_same_corpus(laws_folder, tmp_path, monkeypatch):
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "PARALLEL_FROM", 1)
    folder = laws_folder
    first = load_corpus(folder, bundled=False)
    assert _wait_for(tmp_path / "cache")

    def no_parsing(*a, **k):
        raise AssertionError("parsed again")

    monkeypatch.setattr(store, "parse_many", no_parsing)
    again = load_corpus(folder, bundled=False)
    assert [(d, d.articles) for d in again.documents] == [(d, d.articles) for d in first.documents]


def test_written_in_process_when_forking_is_not_safe(laws_folder, tmp_path, monkeypatch):
    """With another thread running, the cache is written before the load returns."""
    import threading

    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(store, "PARALLEL_FROM", 1)
    stop = threading.Event()
    th = threading.Thread(target=stop.wait)
    th.start()
    try:
        load_corpus(laws_folder, bundled=False)
        assert _whole(tmp_path / "cache")
    finally:
        stop.set()
        th.join()


def test_gc_paused_freezes_what_a_large_load_made_and_nothing_after_a_small_one(monkeypatch):
    """After a large load the collector no longer walks the loaded objects (they are frozen);
    a small load leaves the collector as it was."""
    import gc

    gc.collect()
    base = gc.get_freeze_count()
    try:
        with store.gc_paused():
            small = [[i] for i in range(1000)]
        assert gc.get_freeze_count() == base
        monkeypatch.setattr(store, "FREEZE_FROM", 5000)
        with store.gc_paused():
            big = [[i] for i in range(20000)]
        assert gc.get_freeze_count() >= base + 20000
        assert gc.isenabled()
    finally:
        gc.unfreeze()
    assert small and big


def test_a_late_writer_does_not_bring_back_a_removed_cache(laws_folder, tmp_path):
    """The cache folder removed while the writer works: nothing is written, nothing made."""
    cache = tmp_path / "cache"
    out = _load_in_a_process(laws_folder, cache, 3)
    assert out.returncode == 0, out.stderr
    shutil.rmtree(cache)
    time.sleep(5)
    assert not cache.exists()
