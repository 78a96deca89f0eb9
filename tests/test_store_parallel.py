"""Parsing a folder on several cores gives the same documents as parsing it file by file."""

from __future__ import annotations

import concurrent.futures as cf
import threading
from pathlib import Path

import pytest

from jdcorpus import store

ROOT = Path(__file__).resolve().parent.parent


def _jobs() -> list[tuple]:
    files = sorted((ROOT / "tests" / "fixtures" / "parse").glob("*.txt"))[:16]
    files += sorted((ROOT / "corpus").glob("*.txt"))[:4]
    jobs = [(p.read_bytes(), p.name, {}) for p in files]
    # a titled decision without articles is a document of paragraphs; an untitled text is an error
    jobs.append(("某市关于某事的决定\n一、甲。\n二、乙。\n".encode(), "decision.txt", {}))
    jobs.append(("一、甲乙丙丁。\n二、戊己庚辛。\n".encode(), "no-articles.txt", {}))
    return jobs


def test_parallel_and_serial_folder_parsing_give_identical_documents(monkeypatch):
    """The same jobs parsed in worker processes and in this process give equal documents,
    source information and error messages, in the order of the jobs."""
    if "fork" not in store._mp_methods():
        pytest.skip("worker processes are forked only on Linux")
    jobs = _jobs()
    monkeypatch.setattr(store, "PARALLEL_FROM", 10**9)
    serial = store.parse_many(jobs, cache=False)

    pools = []

    class Recording(cf.ProcessPoolExecutor):
        def __init__(self, *a, **k):
            pools.append(a)
            super().__init__(*a, **k)

    monkeypatch.setattr(cf, "ProcessPoolExecutor", Recording)
    monkeypatch.setattr(store, "PARALLEL_FROM", 1)
    monkeypatch.setattr(store.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    # an earlier test of the session may have left a thread behind (parse_many then stays
    # serial, as it should in such a process); the workers below fork from this test only
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    parallel = store.parse_many(jobs, cache=False)
    assert pools, "the parallel path did not run"
    assert len(parallel) == len(serial) == len(jobs)
    for (d1, i1, e1), (d2, i2, e2) in zip(serial, parallel, strict=True):
        assert d1 == d2
        assert i1 == i2
        assert e1 == e2
    assert serial[-1][2] and "no articles" in serial[-1][2]
    assert [len(d.paragraphs) for d in serial[-2][0]] == [2]
    assert sum(1 for d, _, _ in serial if d) == len(jobs) - 1


def test_few_files_are_parsed_in_this_process(monkeypatch):
    """Below PARALLEL_FROM files no worker process is started (forking costs more)."""
    started = []
    monkeypatch.setattr(cf, "ProcessPoolExecutor", lambda *a, **k: started.append(a))
    out = store.parse_many(_jobs()[:3], cache=False)
    assert not started
    assert all(docs for docs, _, _ in out)


def test_files_parsed_by_workers_are_cached_as_parsed_here(monkeypatch, tmp_path):
    """What a worker writes as a file's cache is what this process then reads back: equal to
    parsing the file here."""
    if "fork" not in store._mp_methods():
        pytest.skip("worker processes are forked only on Linux")
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "cache"))
    jobs = _jobs()
    monkeypatch.setattr(store, "PARALLEL_FROM", 1)
    monkeypatch.setattr(store.os, "sched_getaffinity", lambda _pid: {0, 1}, raising=False)
    parallel = store.parse_many(jobs)
    assert len(list((tmp_path / "cache" / "parsed").glob("*.pickle"))) == len(jobs) - 1
    monkeypatch.setattr(store, "_parse_uncached", lambda *a: pytest.fail("parsed again"))
    cached = store.parse_many(jobs[:-1])
    assert [d for d, _, _ in cached] == [d for d, _, _ in parallel[:-1]]
