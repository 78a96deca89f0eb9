"""Search index (issue 3): analyzers, recall, normalization, phrases, filters, highlights, life cycle."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
import textwrap

import pytest

from jdcorpus import index
from jdcorpus.index import (
    BigramTokenizer,
    JiebaTokenizer,
    QueryError,
    SearchHit,
    analyzers,
    search,
    store,
)
from jdcorpus.model import Article, Document, scalar_fields

TERMS = ["网格", "接诉即办", "物业", "志愿服务", "社区工作者", "网格员", "街道办事处", "网"]


def keys(hits) -> set[str]:
    return {h.key for h in hits}


def containing(corpus, term: str, field: str = "text") -> set[str]:
    return {a.key for a in corpus.iter_articles() if term in (getattr(a, field) or "")}


def matching(corpus, term: str) -> set[str]:
    """The independent oracle of a one-term search: articles whose normalized text or heading
    contains the term as a substring."""
    return containing(corpus, term) | containing(corpus, term, "heading")


# -- analyzers --------------------------------------------------------------------------------


def test_jieba_positions_follow_token_order():
    """Word tokens carry positions 0, 1, 2 … (a punctuation gap skips one), and exact char offsets."""
    text = "推进网格化管理，建立网格员队伍"
    toks = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in JiebaTokenizer()(text, positions=True, chars=True)
    ]
    assert [t[0] for t in toks] == ["推进", "网格化", "管理", "建立", "网格员", "队伍"]
    assert [t[1] for t in toks] == [0, 1, 2, 4, 5, 6]
    assert all(text[s:e] == w for w, _p, s, e in toks)
    spans = [(s, e) for _w, _p, s, e in toks]
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), "tokens overlap"


@pytest.mark.parametrize(
    "term, sentence",
    [
        ("网格化", "街道办事处应当实施网格化管理"),
        ("网格员", "合理配置网格员队伍"),
        ("接诉即办", "健全完善接诉即办分类处置机制"),
        ("吹哨报到", "推行吹哨报到机制"),
        ("矛盾纠纷", "排查化解矛盾纠纷"),
        ("楼栋长", "确定一名楼栋长和单元长"),
        ("派出机关", "街道办事处是区人民政府的派出机关"),
        ("社区工作者", "加强对社区工作者的日常管理"),
    ],
)
def test_user_dictionary_keeps_governance_terms_whole(term, sentence):
    """Each governance term of data/userdict.txt is one jieba token in running text."""
    assert term in index.segment(sentence)


def test_user_dictionary_terms_are_tokens_throughout_the_corpus(bundled):
    """Every occurrence of a user term in the corpus is one token, unless a longer term holds it."""
    _text, entries = analyzers._userdict()
    terms = [w for w, _f, _t in entries]
    checked = 0
    for a in bundled.iter_articles():
        toks = analyzers._tokens(a.text)
        starts = {s: e for s, e in toks}
        for term in terms:
            i = a.text.find(term)
            while i >= 0:
                inside_longer = any(
                    a.text.startswith(t, j)
                    for t in terms
                    if len(t) > len(term) and term in t
                    for j in range(max(0, i - len(t) + len(term)), i + 1)
                    if j + len(t) >= i + len(term)
                )
                assert starts.get(i) == i + len(term) or inside_longer, (a.key, term)
                checked += 1
                i = a.text.find(term, i + 1)
    assert checked > 100


def test_bigram_tokens_index_and_query_modes():
    """Index mode: a bigram per character (the last alone); query mode: bigrams only, normalized."""
    tok = BigramTokenizer()
    assert [(t.text, t.pos) for t in tok("网格化", positions=True)] == [
        ("网格", 0),
        ("格化", 1),
        ("化", 2),
    ]
    assert [t.text for t in tok("网格化", mode="query")] == ["网格", "格化"]
    assert [t.text for t in tok("網格", mode="query")] == ["网格"]
    assert [t.text for t in tok("网", mode="query")] == ["网"]
    # lines are one position apart, so no phrase spans a line break
    lines = [(t.text, t.pos) for t in tok("网格\n化", positions=True)]
    assert lines == [("网格", 0), ("格", 1), ("化", 3)]


def test_schema_is_derived_from_the_model():
    """Every scalar field of Article and Document (but source spans) is an index field."""
    sch = index.schema()
    expected = (set(scalar_fields(Article)) | set(scalar_fields(Document))) - store._SKIP
    assert expected <= set(sch.names())
    # stored: what a hit shows of its article; the document's fields live once in the metadata
    assert {name for name in expected if sch[name].stored} == expected & store.STORED
    assert {"words", "bounds"} <= set(sch.names())


# -- recall and normalization -----------------------------------------------------------------


@pytest.mark.parametrize("term", TERMS)
def test_recall_every_article_containing_the_term_is_a_hit(bundled, term):
    """Hits are exactly the articles whose normalized text (or heading) contains the term."""
    hits = keys(bundled.search(term, limit=None))
    assert containing(bundled, term), f"no article contains {term}: the test proves nothing"
    assert hits == matching(bundled, term)


def test_recall_includes_articles_written_with_taiwan_phrasing(bundled):
    """网格 finds the 通化 articles whose source says 格線 (matched through the normalized text)."""
    hits = bundled.search("网格", limit=None)
    tonghua = [h for h in hits if h.doc == "tonghua"]
    assert tonghua
    assert all("格線" in bundled.article("tonghua", h.article).original for h in tonghua)


@pytest.mark.parametrize(
    "traditional, simplified",
    [
        ("網格", "网格"),
        ("接訴即辦", "接诉即办"),
        ("物業", "物业"),
        ("志願服務", "志愿服务"),
        ("格線", "网格"),
    ],
)
def test_traditional_and_simplified_queries_give_identical_hits(traditional, simplified):
    """A query is normalized like the text: the same hits, same order, same scores and snippets."""
    assert search(None, traditional, limit=None) == search(None, simplified, limit=None)


# -- query language ---------------------------------------------------------------------------


def test_phrase_matches_only_contiguous_text(bundled):
    """A quoted phrase hits only text where its words stand together; unquoted words anywhere."""
    phrase = keys(search(None, '"社区 工作"', limit=None))
    words = keys(search(None, "社区 工作", limit=None))
    assert phrase == containing(bundled, "社区工作")
    both = {a.key for a in bundled.iter_articles() if "社区" in a.text and "工作" in a.text}
    assert words == both
    assert phrase < words  # some article has both words apart: the phrase rejects it


def test_word_field_phrase_uses_jieba_positions(bundled):
    """``word:"网格化 管理"`` hits the articles where the words 网格化 and 管理 stand side by side:
    those containing 网格化管理, but for one where 管理 starts the longer word 管理体系 (read by
    hand: 纳入安全社区建设和网格化管理体系)."""
    expected = containing(bundled, "网格化管理") - {"beijing-zhize:39"}
    assert len(expected) >= 5
    assert "网格化管理体系" in bundled.article("beijing-zhize", 39).text
    assert keys(search(None, 'word:"网格化 管理"', limit=None)) == expected


def test_boolean_operators(bundled):
    """OR unites, NOT removes, words without an operator are all required."""
    a, b = containing(bundled, "网格"), containing(bundled, "居民")
    assert a & b and a - b and b - a, "overlapping but different sets, or the test proves nothing"
    assert keys(search(None, "网格 OR 居民", limit=None)) == a | b
    assert keys(search(None, "网格 NOT 居民", limit=None)) == a - b
    assert keys(search(None, "网格 居民", limit=None)) == a & b
    assert keys(search(None, "网格 AND 居民", limit=None)) == a & b
    assert (
        keys(search(None, "NOT 网格", limit=None)) == {x.key for x in bundled.iter_articles()} - a
    )


@pytest.mark.parametrize(
    "query, message",
    [
        ('"网格', "unbalanced quote"),
        ("(网格", "unbalanced parentheses"),
        ("网格)", "unbalanced parentheses"),
        ("foo:网格", "unknown field 'foo'"),
        ("网格 OR", "operator without an operand"),
        ("AND 网格", "operator without an operand"),
        ("", "empty query"),
        ("   ", "empty query"),
    ],
)
def test_malformed_queries_raise_query_error(query, message):
    """Unbalanced quotes or parentheses, unknown fields, dangling operators, nothing to search:
    each a QueryError that names the problem."""
    with pytest.raises(QueryError, match=message):
        search(None, query)


# -- filters ----------------------------------------------------------------------------------

FILTERS = [
    ({"city": "北京"}, lambda d, a: d.city == "北京"),
    ({"city": "北京市"}, lambda d, a: d.city == "北京"),
    ({"doc": "changchun"}, lambda d, a: d.id == "changchun"),
    ({"doc": "通化"}, lambda d, a: d.id == "tonghua"),
    ({"kind": "条例"}, lambda d, a: d.kind == "条例"),
    ({"status": "in_force"}, lambda d, a: d.status == "in_force"),
    ({"chapter": "社区治理"}, lambda d, a: "社区治理" in (a.chapter_title or "")),
    ({"chapter": "3"}, lambda d, a: a.chapter_no == 3),
    ({"city": "長春", "status": "in_force"}, lambda d, a: d.city == "长春"),
]


@pytest.mark.parametrize("filters, keep", FILTERS, ids=[str(f[0]) for f in FILTERS])
@pytest.mark.parametrize("term", ["网格", "社区"])
def test_filters_narrow_to_exactly_the_matching_articles(bundled, filters, keep, term):
    """A filtered search hits exactly the articles that contain the term and whose
    document/article satisfies the filter."""
    allowed = {a.key for d in bundled.documents for a in d.articles if keep(d, a)}
    expected = matching(bundled, term) & allowed
    assert expected and expected < matching(bundled, term), "the filter must keep some, not all"
    assert keys(search(None, term, limit=None, **filters)) == expected


def test_filters_in_the_query_equal_the_options():
    """``city:北京 网格`` in the query is the same search as ``--city 北京``."""
    assert keys(search(None, "city:北京 网格", limit=None)) == keys(
        search(None, "网格", limit=None, city="北京")
    )


@pytest.mark.parametrize(
    "filters, error, message",
    [
        ({"status": "repealed"}, QueryError, "no document has status 'repealed'"),
        ({"city": "上海"}, QueryError, "no document has city '上海'"),
        ({"doc": "北京"}, LookupError, "'北京' names 2 documents"),
    ],
)
def test_bad_filter_values_are_errors_not_empty_results(filters, error, message):
    """An unknown status or city, or an ambiguous document, is a clear error."""
    with pytest.raises(error, match=message):
        search(None, "网格", **filters)


# -- hits, snippets, highlights ---------------------------------------------------------------


def test_hits_are_frozen_dataclasses_ranked_by_score(bundled):
    """Results of SearchHit rows, best first, one per article, with the total count."""
    hits = search(None, "网格", limit=5)
    assert len(hits) == 5 and hits.total > 5
    assert all(dataclasses.is_dataclass(h) and isinstance(h, SearchHit) for h in hits)
    with pytest.raises(dataclasses.FrozenInstanceError):
        hits[0].score = 0
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert hits.total == len(matching(bundled, "网格"))


@pytest.mark.parametrize("term", ["网格", "物业", "社区"])
def test_highlights_cover_whole_matched_words(bundled, term):
    """Each highlight holds the term and starts and ends on jieba word boundaries of the text."""
    hits = search(None, term, limit=None)
    widened = 0
    for h in hits:
        art = bundled.article(h.doc, h.article)
        pre = 1 if h.snippet.startswith("…") else 0
        body = h.snippet[pre:].removesuffix("…")
        off = art.text.replace("\n", " ").find(body)
        assert off >= 0, h.snippet
        cuts = {0, len(art.text)} | {x for span in analyzers._tokens(art.text) for x in span}
        for s, e in h.matches:
            assert term in h.snippet[s:e]
            assert s - pre + off in cuts and e - pre + off in cuts, (h.key, h.snippet[s:e])
            widened += e - s > len(term)
        # no occurrence of the term in the snippet is left unhighlighted
        i = h.snippet.find(term)
        while i >= 0:
            assert any(s <= i and i + len(term) <= e for s, e in h.matches), h.snippet
            i = h.snippet.find(term, i + 1)
    assert widened, "no highlight was widened to a longer word: the test proves nothing"


def test_snippet_offsets_point_into_the_snippet(bundled):
    """``matches`` are (start, end) offsets into ``snippet``, in order, not overlapping."""
    hits = search(None, "志愿服务 OR 网格员", limit=None)
    assert keys(hits) == matching(bundled, "志愿服务") | matching(bundled, "网格员")
    for h in hits:
        assert h.matches
        assert all(0 <= s < e <= len(h.snippet) for s, e in h.matches)
        assert all(a[1] <= b[0] for a, b in zip(h.matches, h.matches[1:], strict=False))
        assert "\n" not in h.snippet


def test_to_frame_has_one_column_per_hit_field():
    """``search(...).to_frame()`` is a DataFrame with the SearchHit fields as columns."""
    df = search(None, "网格", limit=3).to_frame()
    assert list(df.columns) == [f.name for f in dataclasses.fields(SearchHit)]
    assert len(df) == 3


def test_corpus_search_uses_the_same_index(bundled):
    """``corpus.search`` on the bundled corpus gives the hits of ``search(None, …)``, one index."""
    assert bundled.search("网格") == search(None, "网格")
    assert store._source(bundled).path == store._source(None).path


# -- life cycle -------------------------------------------------------------------------------

FOLDER_TEXT = """某市社区条例

第一条 为了推进网格化管理，制定本条例。
第二条 社区应当配备网格员。
第三条 本条例自公布之日起施行。
"""


def test_folder_corpus_rebuilds_when_a_file_changes(tmp_path):
    """The index is keyed by the raw files: an edited corpus is re-indexed by itself."""
    from jdcorpus import load_corpus

    (tmp_path / "a.txt").write_text(FOLDER_TEXT, "utf-8")
    first = load_corpus(tmp_path)
    assert {h.article for h in first.search("网格员")} == {2}
    old = store._source(first).path
    (tmp_path / "a.txt").write_text(
        FOLDER_TEXT.replace("第三条 本条例", "第三条 网格员和本条例"), "utf-8"
    )
    second = load_corpus(tmp_path)
    assert {h.article for h in second.search("网格员")} == {2, 3}
    assert store._source(second).path != old
    assert not old.exists(), "the index of the old files is swept away"


def test_interrupted_build_leaves_no_index_and_next_search_works(tmp_path, monkeypatch):
    """A build that dies half-way leaves no index dir; leftovers are swept by the next build."""
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path))
    (tmp_path / ".build-killed").mkdir()  # what a SIGKILLed build leaves behind
    real_write = store._write

    def dying(path, src, progress):
        (path / "partial").write_text("x")
        raise KeyboardInterrupt

    monkeypatch.setattr(store, "_write", dying)
    with pytest.raises(KeyboardInterrupt):
        index.build_index()
    assert not store._source(None).path.exists()
    # the killed build's leftover was swept, the failed build's own directory removed
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".build-")]
    monkeypatch.setattr(store, "_write", real_write)
    assert search(None, "网格").total > 0
    assert index.index_status().built


def test_status_and_clear(tmp_path, monkeypatch):
    """status reports the index; clear removes indexes but not the parsed-corpus cache."""
    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path))
    (tmp_path / "corpus").mkdir()
    assert not index.index_status().built
    index.build_index()
    st = index.index_status()
    assert st.built and st.articles == 320 and st.size_bytes > 0
    removed = index.clear_index()
    assert st.path in removed
    assert not index.index_status().built
    assert (tmp_path / "corpus").is_dir()


SEARCHER = textwrap.dedent(
    """
    import faulthandler, sys
    from pathlib import Path
    from jdcorpus import index
    from jdcorpus.index import store
    faulthandler.dump_traceback_later(45, repeat=True)  # where a search hangs, if one does
    flags, expected, builds = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    runs = 0
    stages = [f"{stage}-{n}" for n in range(builds) for stage in ("written", "swapped")]
    while not (flags / "stop").exists():
        # the stages the builder has reached before this search begins
        reached = [s for s in stages if (flags / s).exists() and not (flags / f"seen-{s}").exists()]
        store._OPEN.clear()  # a fresh open each time, as a new process would
        hits = index.search(None, "网格", limit=None)
        assert len(hits) == expected, (len(hits), expected)
        runs += 1
        for s in reached:  # a whole search ran at that stage: let the builder go on
            (flags / f"seen-{s}").touch()
    print(runs)
    """
)

# The builder stops twice in each rebuild and waits for the searcher to complete a search there:
# once with the new index written but not yet swapped in (the build holds the cache lock), once
# right after the swap. So the searches overlap the rebuilds by construction, not by timing.
BUILDER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from jdcorpus import index
    flags, builds = Path(sys.argv[1]), int(sys.argv[2])
    g = index.build_index.__globals__  # the module whose _publish build_index calls
    real_publish, n = g["_publish"], 0

    def wait_for(name):
        deadline = time.monotonic() + 120
        while not (flags / name).exists():
            if time.monotonic() > deadline:
                sys.exit(f"the searcher never searched at {name}")
            time.sleep(0.01)

    def publish(tmp, dest):
        (flags / f"written-{n}").touch()
        wait_for(f"seen-written-{n}")
        real_publish(tmp, dest)
        (flags / f"swapped-{n}").touch()
        wait_for(f"seen-swapped-{n}")

    g["_publish"] = publish
    for n in range(builds):
        index.build_index(force=True)
    (flags / "stop").touch()
    """
)


def test_a_search_between_the_two_renames_of_a_swap_waits_for_the_second(monkeypatch):
    """A reader that finds the index gone while a build swaps it in (the older build renamed
    aside, the new one not yet in place) waits for the new one instead of starting a build of
    its own, which would wait for the lock the swapping build holds."""
    import threading
    import time

    expected = search(None, "网格", limit=None).total
    path = store._source(None).path
    aside = path.with_name(f".old-{path.name}-{os.getpid()}")
    os.rename(path, aside)  # the first rename of a swap
    store._OPEN.clear()

    def builds(*_a, **_k):
        raise AssertionError("a reader started a build during a swap")

    monkeypatch.setattr(store, "build_index", builds)
    later = threading.Timer(0.2, os.rename, (aside, path))  # the second rename, a little later
    later.start()
    t0 = time.monotonic()
    try:
        assert search(None, "网格", limit=None).total == expected
    finally:
        later.join()
    assert time.monotonic() - t0 < 5


def test_a_second_process_searches_during_rebuilds(tmp_path):
    """While another process rebuilds the index (twice), a second process keeps searching and
    gets every hit: with the new build written but not swapped in, and right after the swap."""
    expected = search(None, "网格", limit=None).total  # the index exists before the rebuilds
    env = dict(os.environ)
    builds = 2
    searcher = subprocess.Popen(
        [sys.executable, "-c", SEARCHER, str(tmp_path), str(expected), str(builds)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    builder = subprocess.run(
        [sys.executable, "-c", BUILDER, str(tmp_path), str(builds)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    (tmp_path / "stop").touch()  # also when the builder failed
    out, err = searcher.communicate(timeout=300)
    assert builder.returncode == 0, (builder.stderr[-2000:], searcher.returncode, err[-2000:])
    assert searcher.returncode == 0, err[-2000:]
    seen = sorted(p.name for p in tmp_path.glob("seen-*"))
    assert seen == sorted(f"seen-{s}-{n}" for s in ("written", "swapped") for n in range(builds))
    assert int(out) >= 2 * builds


def test_two_processes_on_an_empty_cache_both_get_results(tmp_path):
    """Two first searches at once: one builds under the lock, the other waits, both get hits."""
    env = dict(os.environ, JDCORPUS_CACHE_DIR=str(tmp_path))
    code = "from jdcorpus import index; print(index.search(None, '网格', limit=None).total)"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    totals = {int(o) for o in outs}
    assert len(totals) == 1 and totals.pop() > 0
    assert len([p for p in tmp_path.iterdir() if store._INDEX_DIR.fullmatch(p.name)]) == 1


def test_english_morphology_is_loaded_only_when_used():
    """The stand-in for whoosh.lang.morph_en still gives Whoosh's English variations on demand."""
    code = (
        "import sys, jdcorpus.index, whoosh.query;"
        "m = lambda: type(sys.modules['whoosh.lang.morph_en']).__name__;"
        "print(m());"
        "from whoosh.lang.morph_en import variations; print('rendered' in variations('render'), m())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["_Standin", "True", "module"]


def test_cold_search_path_skips_heavy_modules(tmp_path):
    """A CLI search of the bundled corpus (index built) imports neither jieba, pandas, the
    parser, filelock, nor what a cold start can do without: the corpus and user-corpus modules
    and the model (no corpus is parsed), Whoosh's query parser (a plain query is built
    directly), platformdirs, and for a query searched before the normalization module and
    OpenCC (the normalized query is remembered)."""
    # the index of the current code must exist (another process may have edited a module)
    subprocess.run(
        [sys.executable, "-c", "from jdcorpus import index; index.build_index()"], check=True
    )
    # a query searched before is not normalized again (no OpenCC): search it once first
    subprocess.run(
        [sys.executable, "-m", "jdcorpus", "search", "网格"], check=True, capture_output=True
    )
    code = (
        "import sys; sys.argv=['jdcorpus', 'search', '网格'];"
        "from jdcorpus.cli import main\n"
        "try: main()\nexcept SystemExit: pass\n"
        "heavy = ('jieba', 'pandas', 'jdcorpus.parse', 'filelock', 'cn2an', 'jdcorpus.corpus',"
        " 'jdcorpus.store', 'jdcorpus.model', 'whoosh.qparser', 'platformdirs',"
        " 'jdcorpus.normalize', 'opencc')\n"
        "bad = [m for m in heavy if m in sys.modules]\n"
        "sys.stderr.write('HEAVY:' + ','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stderr.strip().endswith("HEAVY:"), out.stderr[-300:]
    assert "网格" in out.stdout


def test_open_retries_when_a_rebuild_swaps_the_directory(monkeypatch):
    """If the index vanishes while being opened (a rebuild's swap), the search waits and retries."""
    import whoosh.index as windex

    search(None, "网格")  # built
    store._OPEN.clear()
    path = store._source(None).path
    real_open = windex.open_dir
    calls = []

    def swapped(dirname, *a, **kw):
        calls.append(dirname)
        if len(calls) == 1:  # the first open meets the gap between the two renames
            path.rename(path.with_name(".old-" + path.name))
            raise FileNotFoundError(dirname)
        return real_open(dirname, *a, **kw)

    monkeypatch.setattr(windex, "open_dir", swapped)
    assert search(None, "网格", limit=None).total == len(containing_text_or_heading("网格"))
    assert len(calls) == 2


def containing_text_or_heading(term):
    from jdcorpus import load_corpus

    return {a.key for a in load_corpus().iter_articles() if term in a.text + (a.heading or "")}


@pytest.mark.parametrize(
    "typed, ascii_syntax",
    [
        ("“社区 工作”", '"社区 工作"'),
        ("city：北京 网格", "city:北京 网格"),
        ("「网格员」", '"网格员"'),
    ],
)
def test_syntax_typed_with_a_chinese_input_method(typed, ascii_syntax):
    """Full-width quotes and a full-width colon after a field name work as the ASCII syntax."""
    assert search(None, typed, limit=None) == search(None, ascii_syntax, limit=None)


def test_full_width_parentheses_are_text(bundled):
    """（ ） are content, not grouping: 县（市）区 finds the articles that contain it."""
    assert keys(search(None, "县（市）区", limit=None)) == containing(bundled, "县（市）区")


def test_index_package_does_not_import_the_corpus_module():
    """Importing jdcorpus.index (every room of it) loads neither jdcorpus.corpus nor the parser."""
    code = (
        "import sys, jdcorpus.index, jdcorpus.index.store, jdcorpus.index.query,"
        " jdcorpus.render.hits;"
        "print([m for m in ('jdcorpus.corpus', 'jdcorpus.parse') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_plain_query_is_the_query_the_parser_makes(bundled):
    """A plain query (bare words) built without Whoosh's parser is the parser's query, for words
    of every kind: substrings of the corpus, traditional script, Latin letters, digits, marks."""
    from jdcorpus.index import query

    op = store._open(None)
    parser = query._parser(op.searcher.schema)
    words = ["网格", "網格", "民眾", "格", "abc", "ABC", "1", "第十条", "，", "社区\u200b", "a-b"]
    for a in list(bundled.iter_articles())[::7]:
        t = a.text.replace("\n", "")
        words += [t[i : i + n] for n in (1, 2, 3, 5) for i in range(0, len(t) - n, 23)]
    words = [w for w in dict.fromkeys(words) if w.strip()]
    plain = 0
    for i, w in enumerate(words):
        for q in (w, f"{w} {words[i - 1]}"):
            built = query._plain_query(q, op.searcher.schema)
            if built is not None:
                plain += 1
                assert built == parser.parse(q), q
    assert plain > len(words)  # most are plain
    for q in ('"网格"', "网格 OR 物业", "city:北京", "(网格)", "网格*", "NOT 网格"):
        assert query._plain_query(q, op.searcher.schema) is None


def test_remembered_normalized_queries_are_the_normalized_queries(monkeypatch, tmp_path):
    """A query normalized before (in this process or another) is what normalize_query gives."""
    from jdcorpus.index import analyzers
    from jdcorpus.normalize import normalize_query

    monkeypatch.setenv("JDCORPUS_CACHE_DIR", str(tmp_path))
    analyzers._query_memo.cache_clear()
    queries = ["網格", "网格", "民眾 參與", "格線", "ｗｏｒｄ", "社区\u200b工作"]
    first = [analyzers._norm(q) for q in queries]
    assert first == [normalize_query(q) for q in queries]
    analyzers._query_memo.cache_clear()  # another process: read back from the cache directory
    assert analyzers._query_memo() == dict(zip(queries, first, strict=True))
    assert [analyzers._norm(q) for q in queries] == first
    analyzers._query_memo.cache_clear()


def test_phrases_ranked_whole_give_the_top_hits_and_total_of_the_top_n(bundled, monkeypatch):
    """A phrase query ranks every hit (one pass) instead of the top N and a count: the same hits
    in the same order with the same scores, and the same total, for limits small and large."""
    from jdcorpus.index import query

    words = ["居民委员会", "志愿服务", "网格化管理", "社区工作者", "人民政府", "法律责任"]
    words += ['"居民 委员会" 职责', "街道办事处 OR 社区", "物业服务 NOT 北京", "第十条"]
    for a in list(bundled.iter_articles())[::29]:
        t = a.text.replace("\n", "")
        words += [t[i : i + 3] for i in range(0, len(t) - 3, 41)]
    for q in dict.fromkeys(words):
        for limit in (1, 5, 20):
            whole = search(None, q, limit=limit)
            with monkeypatch.context() as m:
                m.setattr(query, "_whole", lambda q: False)
                top = search(None, q, limit=limit)
            assert list(whole) == list(top) and whole.total == top.total, (q, limit)


def test_a_snippet_is_one_line_even_when_the_matches_run_together():
    """网格 repeated through a whole article is one highlighted span: the snippet is a line of
    the usual width with the span cut at its end (it was the whole article, 18 million
    characters for an 18 MB line), and the offsets still point into the snippet."""
    from jdcorpus.index.query import SNIPPET_WIDTH, _snippet

    text = "第一条 " + "网格" * 50_000
    snippet, matches = _snippet(text, [(4, len(text))])
    assert len(snippet) <= SNIPPET_WIDTH + 2 and snippet.endswith("…")
    assert matches == ((4, SNIPPET_WIDTH),) and snippet[4:6] == "网格"
    short = "为了规范网格管理，制定本条例。"
    assert _snippet(short, [(4, 6)]) == (short, ((4, 6),))  # an ordinary match: as before
