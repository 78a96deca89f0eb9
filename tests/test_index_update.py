"""Index at scale (issue 10): the fast segment writer equals Whoosh's own, parallel segments and
incremental updates give the hits of a full rebuild, progress is reported only for long builds."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from jdcorpus.corpus import Corpus
from jdcorpus.index import build_index, index_status, search, store, update_index
from jdcorpus.index.segments import Codec, write_segment, write_segments

QUERIES = ["网格", "物业", "志愿服务", "社区 工作者", '"居民 委员会"', "word:网格", "网", "职责"]


def _postings(ix) -> dict:
    """Every posting of an index: (field, term) → [(doc, weight, positions or value)], after
    the statistics of the term table (weight, df, shortest and longest field, top weight, ids)."""
    out = {}
    with ix.reader() as r:
        for fieldname, term in r.all_terms():
            fmt = ix.schema[fieldname].format
            ti = r.term_info(fieldname, term)
            stats = (ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length())
            m = r.postings(fieldname, term)
            rows = [(*stats, ti.max_weight(), ti.min_id(), ti.max_id())]
            while m.is_active():
                v = m.value()
                if fmt.supports("positions"):
                    v = tuple(fmt.decode_positions(v))
                rows.append((m.id(), float(m.weight()), v))
                m.next()
            out[(fieldname, term)] = rows
    return out


def _per_doc(ix) -> list:
    with ix.reader() as r:
        names = [n for n in ix.schema.names() if ix.schema[n].scorable]
        return [
            (r.stored_fields(d), [r.doc_field_length(d, n) for n in names])
            for d in range(r.doc_count_all())
        ] + [[r.field_length(n) for n in names]]


def test_fast_segment_writer_equals_whoosh_segment_writer(bundled, tmp_path):
    """write_segment writes the terms, postings, weights, positions, stored fields and field
    lengths that Whoosh's SegmentWriter.add_document writes for the same articles."""
    from whoosh import index as windex

    names = store._field_sources()
    rows = [store._values(d, a, names) for d in bundled.documents for a in d.articles]
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "fast").mkdir()
    slow = windex.create_in(str(tmp_path / "whoosh"), store.schema())
    w = slow.writer(codec=Codec())
    for row in rows:
        w.add_document(**row)
    w.commit()
    fast = windex.create_in(str(tmp_path / "fast"), store.schema())
    store._commit(fast, [write_segment(fast, rows)])
    slow, fast = windex.open_dir(str(tmp_path / "whoosh")), windex.open_dir(str(tmp_path / "fast"))
    assert _postings(fast) == _postings(slow)
    assert _per_doc(fast) == _per_doc(slow)


def test_parallel_segments_equal_one_segment(bundled, tmp_path):
    """Articles written by two processes (two segments), or in segments capped in size (by one
    process or two), give the hits of one segment."""
    from whoosh import index as windex
    from whoosh.qparser import QueryParser

    names = store._field_sources()
    rows = store._Rows([(d, a) for d in bundled.documents for a in d.articles], names)
    n = len(rows)
    ways = {
        "one": ({"procs": 1}, 1),
        "two": ({"procs": 2, "min_rows": 10}, 2),
        "one-capped": ({"procs": 1, "max_rows": 100}, -(-n // 100)),
        "two-capped": ({"procs": 2, "min_rows": 10, "max_rows": 50}, 2 * -(-n // 100)),
    }
    for name, (kw, segments) in ways.items():
        (tmp_path / name).mkdir()
        ix = windex.create_in(str(tmp_path / name), store.schema())
        segs = write_segments(ix, rows, **kw)
        assert len(segs) == segments
        assert all(seg.doc_count() <= kw.get("max_rows", n) for seg in segs)
        assert sum(seg.doc_count() for seg in segs) == n
        store._commit(ix, segs)
    one = windex.open_dir(str(tmp_path / "one"))
    p = QueryParser("text", one.schema)
    for name in ways:
        other = windex.open_dir(str(tmp_path / name))
        for q in ("网格", "居民委员会", "职责"):
            with one.searcher() as s1, other.searcher() as s2:
                r1 = s1.search(p.parse(q), limit=None)
                r2 = s2.search(p.parse(q), limit=None)
                assert [(h["doc_id"], h["no"]) for h in r1] == [(h["doc_id"], h["no"]) for h in r2]
                assert [round(h.score, 6) for h in r1] == [round(h.score, 6) for h in r2]


def _changed(doc):
    """``doc`` with its first article rewritten (a new version of the regulation)."""
    a = doc.articles[0]
    first = dataclasses.replace(a, text=a.text + "\n推进网格化服务管理，志愿服务站点全覆盖。")
    return dataclasses.replace(doc, articles=(first, *doc.articles[1:]))


def _hits(corpus) -> dict:
    out = {}
    for q in QUERIES:
        res = search(corpus, q, limit=None)
        out[q] = (res.total, sorted(h.key for h in res))
    return out


@pytest.mark.parametrize("explicit", [False, True])
def test_incremental_updates_give_the_hits_of_a_rebuild(bundled, tmp_path, monkeypatch, explicit):
    """Adding, changing and removing documents by update_index gives the same hits (and totals)
    as building the index of the resulting corpus from scratch; the update rebuilds nothing."""
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "cache"))
    docs = list(bundled.documents)
    start = Corpus(docs[:-2], name="update-test")
    build_index(start)
    base = index_status(start)

    calls = []
    real = store._add_segments
    monkeypatch.setattr(
        store,
        "_add_segments",
        lambda ix, ds, p: calls.append([d.id for d in ds]) or real(ix, ds, p),
    )
    # two documents added, one changed, one removed
    now = Corpus([_changed(docs[0]), *docs[2:]], name="update-test")
    if explicit:
        st = update_index(now, added=[now.documents[0], *docs[-2:]], removed=[docs[1].id])
    else:
        st = update_index(now)
    assert calls == [[docs[0].id, docs[-2].id, docs[-1].id]]  # only what changed was indexed
    assert st.built and st.path != base.path and st.articles == sum(len(d.articles) for d in now)
    assert not (tmp_path / "cache" / base.path.rsplit("/", 1)[1]).exists()  # the old key is gone
    updated = _hits(now)

    monkeypatch.setattr(store, "_add_segments", real)
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "fresh"))
    assert _hits(Corpus(list(now.documents), name="update-test")) == updated
    assert updated["志愿服务"][0] > 0


def test_update_without_an_index_builds_and_an_unchanged_corpus_is_left_alone(
    tmp_path, monkeypatch
):
    """update_index builds when there is no earlier index, and does nothing when nothing changed."""
    from jdcorpus import load_corpus

    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path))
    corpus = Corpus(list(load_corpus().documents[:2]), name="update-test-2")
    st = update_index(corpus)
    assert st.built
    again = update_index(corpus)
    assert again.path == st.path and again.built_at == st.built_at


def test_progress_is_shown_only_for_builds_longer_than_two_seconds(monkeypatch):
    """The progress wrapper is entered only once the work has taken two seconds, then counts all."""
    import contextlib

    seen, done = [], []

    @contextlib.contextmanager
    def progress(items):
        seen.append(len(items))

        class Bar:
            def update(self, k):
                done.append(k)

        yield Bar()

    clock = iter([0.0, 0.5, 1.0, 2.5, 3.0])
    monkeypatch.setattr(store.time, "monotonic", lambda: next(clock))
    p = store._Progress(progress, 100)  # t0 = 0.0
    p(10)  # 0.5 s: quiet
    p(10)  # 1.0 s: quiet
    assert seen == []
    p(30)  # 2.5 s: the bar appears with everything done so far
    p(50)
    p.close()
    assert seen == [100] and done == [50, 50]
    quiet = store._Progress(None, 100)
    quiet(50)  # no wrapper: nothing happens


def test_chained_updates_give_the_hits_of_a_rebuild(bundled, tmp_path, monkeypatch):
    """Updates on top of updates (segments with deleted articles, merged as Whoosh merges them)
    still give a rebuild's hits: a document removed is found by nothing, not even by its id, and
    one added back is found again."""
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "cache"))
    docs = list(bundled.documents)
    gone = docs[3]
    steps = [
        Corpus(docs, name="chain"),
        Corpus([d for d in docs if d is not gone], name="chain"),
        Corpus([_changed(docs[0]), *[d for d in docs[1:] if d is not gone]], name="chain"),
        Corpus([_changed(docs[0]), *docs[1:]], name="chain"),
    ]
    build_index(steps[0])
    for i, corpus in enumerate(steps[1:], 1):
        update_index(corpus)
        updated = _hits(corpus)
        present = gone in corpus.documents
        n = search(corpus, f"doc:{gone.id}", limit=None).total
        assert n == (len(gone.articles) if present else 0)
        monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / f"fresh-{i}"))
        assert _hits(Corpus(list(corpus.documents), name="chain")) == updated, i
        monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "cache"))


def test_segments_kept_as_separate_files_give_the_same_hits(bundled, tmp_path, monkeypatch):
    """A segment too large to assemble into a compound file (here: any) is read from its
    separate files with the same hits, and can be updated incrementally."""
    from jdcorpus.index import segments

    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "compound"))
    docs = list(bundled.documents)
    corpus = Corpus(docs[:-1], name="files-test")
    expected = _hits(corpus)
    monkeypatch.setattr(segments, "COMPOUND_BYTES", 0)
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "files"))
    build_index(corpus)
    path = Path(index_status(corpus).path)
    assert not list(path.glob("*.seg")) and len(list(path.iterdir())) > 3
    assert _hits(corpus) == expected
    now = Corpus(docs, name="files-test")
    update_index(now, added=[docs[-1]])
    updated = _hits(now)
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "rebuilt"))
    assert _hits(Corpus(docs, name="files-test")) == updated


def test_many_small_updates_merge_and_give_the_hits_of_a_rebuild(bundled, tmp_path, monkeypatch):
    """``jdcorpus add`` one small file at a time: from the seventh update on, Whoosh merges the
    small segments, and its merge failed on an assertion (``vbytes=''``: the empty value of an
    inlined posting read back as a str) — every later add exited with a traceback. Ten updates in
    a row now succeed and give the hits of a rebuild."""
    from jdcorpus.parse import parse_text

    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "cache"))
    docs = list(bundled.documents)
    build_index(Corpus(docs, name="small-steps"))
    for k in range(1, 11):
        (doc,) = parse_text(
            f"长春市第{k}号网格管理条例\n第一条 为了规范网格管理第{k}项工作，制定本条例。\n",
            doc_id=f"step-{k}",
        )
        docs.append(doc)
        corpus = Corpus(list(docs), name="small-steps")
        update_index(corpus, added=[doc])
    assert search(corpus, "doc:step-7", limit=None).total == 1
    updated = _hits(corpus)
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "fresh"))
    assert _hits(Corpus(list(docs), name="small-steps")) == updated


def test_an_update_finds_documents_another_process_added_meanwhile(bundled, tmp_path, monkeypatch):
    """Two ``jdcorpus add`` at once: each tells the index of its own file, but the corpus it
    loads holds the other's too, which the index has not seen — a KeyError traceback (3 of 8
    parallel adds reported a failure although their files were stored). The update indexes
    every document the corpus holds that the index lacks."""
    from jdcorpus.parse import parse_text

    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path / "cache"))
    docs = list(bundled.documents)
    build_index(Corpus(docs, name="together"))
    mine, theirs = (
        parse_text(f"长春市{w}管理条例\n第一条 为了规范{w}网格管理，制定本条例。\n", doc_id=i)[0]
        for w, i in (("甲", "mine"), ("乙", "theirs"))
    )
    corpus = Corpus([*docs, theirs, mine], name="together")
    update_index(corpus, added=[mine])
    assert search(corpus, "doc:theirs", limit=None).total == 1
    assert search(corpus, "doc:mine", limit=None).total == 1
