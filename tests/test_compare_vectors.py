"""Equivalence tests of the similarity space's fast paths: what the docstrings claim, checked.

The n-gram counting (numpy instead of scikit-learn's Python loop) must give scikit-learn's
matrices, entry order included, and the reordered sparse products (scipy's sorted-row path) must
give the same float32 sums as the plain ones, bit for bit.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sps
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer

from jdcorpus.compare import vectors
from jdcorpus.compare.masking import bare

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def sp(bundled):
    """A similarity space of the bundled corpus, built here (not the shared cached one)."""
    return vectors.Space(bundled)


@pytest.fixture(scope="module")
def synthetic(bundled):
    """A space over 3 perturbed copies of the bundled corpus (bench_compare's generator)."""
    spec = importlib.util.spec_from_file_location(
        "bench_compare", REPO / "scripts" / "bench_compare.py"
    )
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return vectors.Space(mod.synthetic_corpus(bundled, 3))


def texts_of(space) -> dict[str, list[str]]:
    return {
        "scoring texts": list(space.masked),
        "bare bodies": [bare(t) or " " for t in space.masked_body],
    }


def same_csr(a, b) -> None:
    """Equal shape, structure, entry order and float32 values (bit for bit)."""
    assert a.shape == b.shape
    assert a.dtype == b.dtype == np.float32
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    assert a.data.tobytes() == b.data.tobytes()


@pytest.mark.parametrize("n", [1, 2, 3, 4])
@pytest.mark.parametrize("binary", [False, True])
@pytest.mark.parametrize("which", ["scoring texts", "bare bodies"])
def test_char_grams_equal_count_vectorizer(sp, n, binary, which):
    """CharGrams counts the corpus's char n-grams as CountVectorizer does: same vocabulary, same
    columns, same values, same order of the entries within each row."""
    texts = texts_of(sp)[which]
    ours = vectors.CharGrams(n, binary)
    got = ours.fit_transform(texts)
    cv = CountVectorizer(analyzer="char", ngram_range=(n, n), binary=binary, dtype=np.float32)
    want = cv.fit_transform(texts)
    same_csr(got, want)
    # the vocabulary: column c is the n-gram sklearn names at c
    base = len(ours.alphabet) + 1
    names = []
    for key in ours.vocab.tolist():
        chars = []
        for _ in range(n):
            key, r = divmod(key, base)
            chars.append(chr(int(ours.alphabet[r])))
        names.append("".join(reversed(chars)))
    assert names == list(cv.get_feature_names_out())


@pytest.mark.parametrize("sorted_lookup", [False, True])
@pytest.mark.parametrize("n", [1, 2, 3])
def test_char_grams_transform_equals_count_vectorizer(sp, n, sorted_lookup, monkeypatch):
    """Texts outside the fitted ones (the paragraphs) get CountVectorizer's counts too, unknown
    characters (one above every code point of the fitted texts among them) and n-grams left out,
    whether the n-grams are looked up as they come or in sorted order (``SORTED_LOOKUP``)."""
    if sorted_lookup:
        monkeypatch.setattr(vectors, "SORTED_LOOKUP", 0)
    texts = list(sp.masked)
    others = [t[: len(t) // 2] + "鿿＠" + t[len(t) // 2 :] for t in texts[::7]] + ["", "鿿", "𠀀𠀁"]
    ours = vectors.CharGrams(n)
    ours.fit_transform(texts)
    cv = CountVectorizer(analyzer="char", ngram_range=(n, n), dtype=np.float32).fit(texts)
    got, want = ours.transform(others), cv.transform(others)
    assert got.shape == want.shape
    assert (got != want).nnz == 0


@pytest.mark.parametrize("n", [1, 2, 3])
def test_tfidf_blocks_equal_tfidf_vectorizer(sp, n, monkeypatch):
    """Without background frequencies, one TF-IDF block is TfidfVectorizer(sublinear_tf) of the
    same texts, float32 bit for bit and in the same entry order."""
    monkeypatch.setattr(vectors, "BACKGROUND_WEIGHT", 0)
    texts = list(sp.masked)
    got = vectors.Tfidf().fit_transform(texts, n)
    want = TfidfVectorizer(
        analyzer="char", ngram_range=(n, n), sublinear_tf=True, dtype=np.float32
    ).fit_transform(texts)
    same_csr(got, want)


@pytest.mark.parametrize("space", ["sp", "synthetic"])
def test_reordered_products_give_the_same_float32_sums(space, request):
    """Row dot products on the renumbered, sorted rows (scipy's fast path) equal the products on
    the rows as stored, bit for bit, for article pairs and for article–paragraph pairs."""
    sp = request.getfixturevalue(space)
    Xp, same = vectors.product_order(sp.X, sp.met_order)
    assert same, "the fast path must apply to the TF-IDF vectors"
    rng = np.random.default_rng(7)
    n = sp.X.shape[0]
    ii = rng.integers(0, n, 20_000)
    jj = rng.integers(0, n, 20_000)
    slow = vectors.pair_dots(sp.X, ii, jj)
    fast = vectors.pair_dots(Xp, ii, jj)
    assert slow.tobytes() == fast.tobytes()
    # units: articles (< n) and paragraphs (n + k), as the paragraph links use them
    m = n + sp.P.shape[0]
    ui, uj = rng.integers(0, m, 20_000), rng.integers(0, m, 20_000)
    plain = vectors.symmetric_dots(sps.vstack([sp.X, sp.P], format="csr"), ui, uj)
    assert plain.tobytes() == sp.unit_dots(ui, uj).tobytes()


def test_top_k_cosines_equal_the_exact_ones(synthetic):
    """The sparse top-k candidates carry the cosines of the plain row products (bit for bit) and of
    the all-pairs product (up to float32 summation order)."""
    ii, jj, vv = synthetic.top_k_pairs()
    assert len(ii) and (synthetic.doc_of[ii] != synthetic.doc_of[jj]).all()
    assert vectors.pair_dots(synthetic.X, ii, jj).tobytes() == np.asarray(vv).tobytes()
    S = (synthetic.X @ synthetic.X.T).toarray()
    np.testing.assert_allclose(S[ii, jj], vv, rtol=1e-5, atol=1e-7)


def test_top_k_pairs_are_each_articles_best_in_other_documents(synthetic):
    """Brute force: the candidates are, for every article, its ``k`` best articles of other
    documents by the product over the rarer n-grams (every pair scoring above an article's k-th
    best is kept), symmetrised, and nothing else."""
    k = 4
    ii, jj, _ = synthetic.top_k_pairs(k=k, chunk=97)  # chunks that cut documents
    X, doc_of = synthetic.X, synthetic.doc_of
    n = X.shape[0]
    df = np.bincount(X.indices, minlength=X.shape[1])
    rare = (df <= max(50, int(0.01 * n))).astype(np.float32)
    P = X @ sps.diags(rare)
    S = (P @ P.T).toarray()
    S[doc_of[:, None] == doc_of[None, :]] = 0  # own document: never a candidate
    kth = -np.partition(-S, k - 1, axis=1)[:, k - 1]  # each article's k-th best
    got = set(zip(ii.tolist(), jj.tolist(), strict=True))
    above = {(i, j) for i, j in zip(*np.nonzero(S > kth[:, None]), strict=True)}
    assert above and {(j, i) for i, j in above} | above <= got
    allowed = (S > 0) & ((S >= kth[:, None]) | (S >= kth[None, :]))
    assert all(allowed[i, j] for i, j in got)
    assert all((j, i) in got for i, j in got)


def test_background_idf_is_blended_geometrically(sp, monkeypatch):
    """With background frequencies, each n-gram's idf is corpus_idf^(1-w) · background_idf^w;
    the table's n-grams get their own df, the others count as half its min_df."""
    texts = list(sp.masked)
    plain = TfidfVectorizer(analyzer="char", ngram_range=(2, 2), sublinear_tf=True).fit(texts)
    monkeypatch.setattr(vectors, "BACKGROUND_WEIGHT", 0.75)
    tf = vectors.Tfidf()
    tf.fit_transform(texts, 2)
    articles, min_df, table = vectors.background_df()
    assert articles > 50_000 and min_df > 0
    bg = vectors.background_idf(tf.counter, 2)
    names = list(plain.get_feature_names_out())
    grams = ("".join(map(chr, row)) for row in table[2][0].tolist())
    df = dict(zip(grams, table[2][1].tolist(), strict=True))
    for k in (names.index("街道"), names.index("网格"), 0, len(names) - 1):
        want = np.log((1 + articles) / (1 + df.get(names[k], min_df / 2))) + 1
        assert bg[k] == pytest.approx(want)
        blend = plain.idf_[k] ** 0.25 * want**0.75
        assert tf.weights.idf_[k] == pytest.approx(blend, rel=1e-6)
    # boilerplate is common in the collection, the wording of one provision is not
    assert bg[names.index("网格")] > bg[names.index("处分")]


def test_background_table_is_well_formed():
    """Every row of background_df.tsv is an n-gram of 1-3 characters without white space and a
    count of at least min_df; the header gives the collection's size."""
    from jdcorpus._data import data_lines

    articles, min_df, table = vectors.background_df()
    assert set(table) == {1, 2, 3}
    rows = [line.split("\t") for _, line in data_lines("background_df.tsv")]
    for gram, count in rows:
        if gram.startswith("@"):
            continue
        assert 1 <= len(gram) <= 3 and not any(c.isspace() for c in gram), gram
        assert min_df <= int(count) <= articles, gram


@pytest.mark.parametrize("size", [0, 1, 50, 5000])
def test_member_equals_isin(size):
    """``member`` (sort and binary search) answers what ``np.isin`` answers, keys repeated,
    unsorted or absent, values below and above every key."""
    rng = np.random.default_rng(size)
    keys = rng.integers(-20, 10_000, size)
    x = rng.integers(-50, 10_050, 3 * size + 7)
    np.testing.assert_array_equal(vectors.member(x, keys), np.isin(x, keys))
    np.testing.assert_array_equal(vectors.member(keys, keys), np.ones(size, dtype=bool))


def test_an_inserted_article_does_not_take_the_row_of_its_number():
    """第十条之一 shares 第十条's number: the row of (doc, 10) is 第十条's, as ``Document.article``
    gives it, whether or not the index of rows is built."""
    from jdcorpus.corpus import Corpus
    from jdcorpus.parse import parse_text

    docs = [
        *parse_text(
            "某市甲条例\n第一条 为了规范甲，制定本条例。\n第二条 甲应当登记。\n"
            "第二条之一 甲登记后应当公示。\n第三条 本条例自公布之日起施行。\n"
        ),
        *parse_text("某市乙条例\n第一条 为了规范乙，制定本条例。\n第二条 乙应当登记。\n"),
    ]
    sp = vectors.Space(Corpus(docs, name="inserted"), stored=False)
    first = sp.row_of(docs[0].id, 2)
    assert sp.articles[first].label == "第二条" == docs[0].article(2).label
    assert sp.index[(docs[0].id, 2)] == first
