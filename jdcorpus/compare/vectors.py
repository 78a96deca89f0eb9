"""The similarity space: TF-IDF vectors of every article of a corpus, and the sparse helpers.

Articles are compared on their masked text (:mod:`.masking`, boilerplate clauses left out) as
TF-IDF of character 1-, 2- and 3-grams fitted on the whole corpus, the idf blended with
background frequencies over 82,000 articles of local regulations (``BACKGROUND_WEIGHT``), one
L2-normalised block per n-gram length; the cosine is the mean of the three. Tried and not better: joint 2–4-grams,
3–5-grams, jieba words alone or added, weighted overlap coefficients, unmasked text, idf without
its +1 floor, down-weighting n-grams that recur across articles of one document.

Speed, each exact (output compared equal, floats included; ``tests/test_compare_vectors.py``):
n-grams counted with numpy as scikit-learn counts them (:class:`CharGrams`), dot products on
scipy's sorted-row path in the same float32 order (:func:`product_order`), scipy's products on
two threads (:func:`threaded`). Up to ``DENSE_LIMIT`` articles the similarity of all pairs is
computed; above it each article keeps its ``TOP_K`` best candidates and its ``SIBLING_K`` best in
each partner of its document — its title family and its nearest documents
(:meth:`Space.partners`) — never an N×N matrix.

:class:`Space` owns everything derived from it: its arrays (``shingles``, ``pairs``, ``topk``)
are cached properties, and the results the other rooms derive from it (the links of a setting,
the families) are kept by :meth:`Space.derived`. :func:`space` keeps the spaces of the last
corpora used, by content fingerprint.
"""

from __future__ import annotations

import hashlib
import os
import re
import weakref
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from functools import cached_property, lru_cache
from typing import NamedTuple

import numpy as np

from .._data import data_lines
from ..errors import CorpusError
from .masking import bare, corpus_cities, mask, mask_spans, strip_boilerplate
from .persist import sps

#: Character n-grams of the masked text (1–3 chars: Chinese words are mostly 1–2 characters,
#: so short n-grams match reworded provisions, longer ones reward shared phrasing). Measured
#: against the development gold set: see ``scripts/eval_alignment.py``.
NGRAMS = (1, 3)


#: Shingle size for containment (masked text without punctuation).
SHINGLE = 4


#: Up to this many articles the similarity of all pairs is computed exactly; above it each
#: article keeps only its ``TOP_K`` best candidates (sparse top-k, never a dense N×N matrix) …
DENSE_LIMIT = 1500


TOP_K = 10


#: … and, in each document of its *family* (:func:`title_families`: the same subject once the
#: place and kind are taken off the title, 湖州市物业管理条例 and 上海市住宅物业管理规定), its
#: ``SIBLING_K`` best articles too: the equivalents of a large family spread over more
#: documents than ``TOP_K`` (:meth:`Space.partner_pairs`).
SIBLING_K = 2


#: … in at most this many documents of its family, the closest (the cosine of the documents'
#: mean vectors): the candidates stay linear in the corpus when a family has hundreds.
SIBLING_DOCS = 20


#: … and in each of its document's ``NEAR_DOCS`` nearest documents (:meth:`Space.near_documents`:
#: those whose articles are most often its articles' top-k candidates), whatever their titles
#: (长春市街道办事处工作条例 and 北京市街道办事处条例). With the bundled corpus inside the
#: collection, recall / precision of the four tuning sets pooled: 0.663 / 0.851 with the family
#: alone, 0.748 / 0.858 with 5 nearest documents, 0.786 / 0.855 with 10, 0.790 / 0.854 with 20;
#: blind3 (confirmation) 0.718 / 0.837 with 5, 0.752 / 0.833 with 10. Ten were chosen in the
#: tenth round, once the top-k product had become fast enough to keep families + coverage of
#: the collection under its 120 s target with them (README, *The whole collection*).
NEAR_DOCS = 10

#: The weight of the document column on the right of the top-k product
#: (:meth:`Space.top_k_pairs`): with ``-1`` on the left, a pair of one document gets ``-2``.
DOC_PENALTY = 2.0


#: A title stem (no place, no kind) shorter than this is no family (上海市条例); one ending
#: with another of at least ``SUFFIX_STEM`` characters joins its family (住宅小区物业管理 →
#: 物业管理, 城市养犬管理 → 养犬管理).
MIN_STEM = 2
SUFFIX_STEM = 4


_WHITE = re.compile(r"\s\s+")


class CharGrams:
    """Counts of the character n-grams of one length, exactly as sklearn's
    ``CountVectorizer(analyzer="char", ngram_range=(n, n), dtype=np.float32)`` makes them (same
    vocabulary, columns, values, and order of the entries within a row, so that sums over a row
    come out bit for bit the same), but computed with numpy: an n-gram is a number made of its
    characters' ranks, and vocabulary and counts come from sorting those numbers rather than
    from a Python loop over every n-gram. ~4× faster on 30k articles.
    """

    def __init__(self, n: int, binary: bool = False):
        self.n, self.binary = n, binary

    @staticmethod
    def _prepare(texts: list[str]):
        """Code points of the texts as the char analyzer sees them (lowercased, runs of white
        space made one space), concatenated, and each text's length."""

        prepped = [_WHITE.sub(" ", t.lower()) for t in texts]
        lens = np.fromiter(map(len, prepped), dtype=np.int64, count=len(prepped))
        joined = "".join(prepped).encode("utf-32-le", "surrogatepass")
        return np.frombuffer(joined, dtype=np.uint32), lens

    def _grams(self, rank, lens, base: int):
        """Each n-gram occurrence as a number (its characters' ranks in base ``base``) and the
        row it occurs in, in text order."""

        n = self.n
        cnt = np.maximum(lens - n + 1, 0)
        starts = np.cumsum(lens) - lens
        first = np.cumsum(cnt) - cnt
        row = np.repeat(np.arange(len(lens)), cnt)
        pos = np.arange(int(cnt.sum())) + np.repeat(starts - first, cnt)
        key = rank[pos].astype(np.int64)
        for t in range(1, n):
            key *= base
            key += rank[pos + t]
        return key, row

    def _counts(self, rows, cols, n_rows: int):

        X = sps.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(n_rows, len(self.vocab)),
        )
        X.sum_duplicates()  # sorted indices, one entry per n-gram
        X.indices = X.indices.astype(np.int32)
        X.indptr = X.indptr.astype(np.int32)
        if self.binary:
            X.data[:] = 1
        return X

    def fit_transform(self, texts: list[str]):

        cp, lens = self._prepare(texts)
        present = np.zeros(0x110000, dtype=bool)
        present[cp] = True
        self.alphabet = np.flatnonzero(present).astype(np.uint32)
        base = len(self.alphabet) + 1
        if float(base) ** self.n >= 2**62:  # n-grams would not fit in 64 bits
            raise OverflowError("alphabet too large for numeric n-grams")
        key, row = self._grams((np.cumsum(present) - 1)[cp], lens, base)
        if not len(key):
            raise ValueError("empty vocabulary")
        # vocabulary sorted (as sklearn sorts it), and each n-gram's first occurrence
        if base**self.n <= 2**24:  # few possible n-grams: a table of them all
            seen = np.zeros(base**self.n, dtype=bool)
            seen[key] = True
            self.vocab = np.flatnonzero(seen)
            col = (np.cumsum(seen) - 1)[key]
            first = np.full(len(self.vocab), len(key))
            np.minimum.at(first, col, np.arange(len(key)))
        else:
            order = np.argsort(key, kind="stable")
            sk = key[order]
            new = np.empty(len(sk), dtype=bool)
            new[0] = True
            np.not_equal(sk[1:], sk[:-1], out=new[1:])
            self.vocab = sk[new]
            col = np.empty(len(key), dtype=np.int64)
            col[order] = np.cumsum(new) - 1
            first = order[new]
        # sklearn numbers n-grams as first met, sorts each row by that number and only then
        # renames the columns alphabetically: do the same so rows keep sklearn's entry order
        met = np.argsort(first)  # number as first met -> column
        met_of = np.empty_like(met)
        met_of[met] = np.arange(len(met))
        self.met_rank = met_of  # column -> number as first met
        X = self._counts(row, met_of[col], len(lens))
        X.indices = met[X.indices].astype(np.int32)
        X.has_sorted_indices = False
        return X

    def ranks(self, codes, missing: int):
        """Each code point's rank in the fitted alphabet (``missing`` for characters it lacks),
        by a table lookup; ``codes`` may have any shape."""
        top = int(max(self.alphabet.max(initial=0), codes.max(initial=0))) + 1
        rank_of = np.full(top, missing, dtype=np.int64)
        rank_of[self.alphabet] = np.arange(len(self.alphabet))
        return rank_of[codes]

    def transform(self, texts: list[str]):

        cp, lens = self._prepare(texts)
        size = len(self.alphabet)
        key, row = self._grams(self.ranks(cp, missing=size), lens, size + 1)
        if len(key) > SORTED_LOOKUP:  # binary search is ~2× faster for needles in order
            order = np.argsort(key)
            col = np.empty(len(key), dtype=np.int64)
            col[order] = np.searchsorted(self.vocab, key[order])
        else:
            col = np.searchsorted(self.vocab, key)
        col = np.minimum(col, len(self.vocab) - 1)
        known = self.vocab[col] == key
        return self._counts(row[known], col[known], len(lens))


#: :meth:`CharGrams.transform` looks up more n-grams than this in sorted order (numpy's binary
#: search starts from the last result: on the collection's 5.6 million paragraph 3-grams, 1.1 s
#: with the sort against 2.3 s without).
SORTED_LOOKUP = 1_000_000


def fit_counts(texts: list[str], n: int, binary: bool = False):
    """``(counter, counts)``: the char ``n``-gram counts of ``texts`` and the fitted counter
    (:class:`CharGrams`, or sklearn's ``CountVectorizer`` should the alphabet be too large for
    n-grams as 64-bit numbers). Raises ValueError when no text has ``n`` characters."""
    try:
        counter = CharGrams(n, binary)
        return counter, counter.fit_transform(texts)
    except OverflowError:
        # sklearn imported where used: it takes ~0.5 s to import and only fitting needs it
        from sklearn.feature_extraction.text import CountVectorizer

        counter = CountVectorizer(
            analyzer="char", ngram_range=(n, n), binary=binary, dtype=np.float32
        )
        return counter, counter.fit_transform(texts)


#: How much the background document frequencies (``data/background_df.tsv``: 82,000 articles
#: of local regulations, :func:`background_df`) count against the corpus's own in the idf of an
#: n-gram: the idf is ``corpus_idf ** (1 - w) * background_idf ** w``. A corpus of a few hundred
#: articles cannot tell boilerplate from the wording particular to a provision; the collection
#: can.
BACKGROUND_WEIGHT = 0.75


@lru_cache(maxsize=1)
def background_df() -> tuple[int, int, dict[int, tuple]]:
    """``(articles, min_df, {n: (codes, df)})``: the background table, per n-gram length the
    n-grams as an array of code points (one row each) and their document frequencies."""
    articles = min_df = 0
    grams: dict[int, tuple[list, list]] = {}
    for _, line in data_lines("background_df.tsv"):
        gram, df = line.split("\t")
        if gram == "@articles":
            articles = int(df)
        elif gram == "@min_df":
            min_df = int(df)
        else:
            codes, dfs = grams.setdefault(len(gram), ([], []))
            codes.append([ord(ch) for ch in gram])
            dfs.append(int(df))
    table = {
        n: (np.array(codes, dtype=np.uint32), np.array(dfs, dtype=np.float64))
        for n, (codes, dfs) in grams.items()
    }
    return articles, min_df, table


def background_idf(counter, n: int):
    """The background idf of each column of a fitted n-gram counter (:class:`CharGrams`), as
    sklearn's smooth idf ``ln((1 + N) / (1 + df)) + 1``; n-grams the table leaves out count as
    half its ``min_df``. None when there is no table or the counter is not a CharGrams."""
    articles, min_df, table = background_df()
    if not articles or not hasattr(counter, "alphabet"):
        return None
    df = np.full(len(counter.vocab), min_df / 2)
    if n in table:
        codes, known = table[n]
        base = len(counter.alphabet) + 1
        rank = counter.ranks(codes, missing=-1)  # -1: not in this corpus
        ok = (rank >= 0).all(axis=1)
        rank, known = rank[ok], known[ok]
        key = np.zeros(len(rank), dtype=np.int64)
        for t in range(n):
            key = key * base + rank[:, t]
        col = np.minimum(np.searchsorted(counter.vocab, key), len(counter.vocab) - 1)
        hit = counter.vocab[col] == key
        df[col[hit]] = known[hit]
    return np.log((1 + articles) / (1 + df)) + 1


class Tfidf:
    """Char n-grams of one length weighted by sklearn's ``TfidfTransformer``: what
    ``TfidfVectorizer(analyzer="char", ngram_range=(n, n), sublinear_tf=True,
    dtype=np.float32)`` computes, with the counting of :class:`CharGrams`."""

    def fit_transform(self, texts: list[str], n: int):
        # sklearn imported where used: it takes ~0.5 s to import, and masking, diff and the
        # renderers, which import this package, never fit anything
        from sklearn.feature_extraction.text import TfidfTransformer

        self.counter, counts = fit_counts(texts, n)
        self.weights = TfidfTransformer(sublinear_tf=True).fit(counts)
        w = BACKGROUND_WEIGHT
        bg = background_idf(self.counter, n) if w else None
        if bg is not None:
            idf = self.weights.idf_.astype(np.float64)
            self.weights.idf_ = (idf ** (1 - w) * bg**w).astype(self.weights.idf_.dtype)
        return self.weights.transform(counts, copy=False)

    def transform(self, texts: list[str]):
        return self.weights.transform(self.counter.transform(texts), copy=False)

    @property
    def width(self) -> int:
        return len(self.weights.idf_)


def fit_vectors(texts: list[str], ngram_range: tuple[int, int], done=None):
    """TF-IDF of character n-grams fitted on ``texts``: ``(vectorizers, vectors)``.

    One vectorizer and one L2-normalised block per n-gram length, each block weighing the same:
    the cosine of two articles is then the mean of their 1-gram, 2-gram … cosines. Single
    characters match reworded provisions, longer n-grams reward shared phrasing, and neither
    swamps the other (in one joint vector the many rare 3-grams would dominate the norm). The
    vectorizers turn other texts (paragraphs) into vectors of the same space
    (:func:`apply_vectors`). ``done(step)``, when given, is called as each length is fitted
    (a progress bar's steps).
    """

    lo, hi = ngram_range
    vecs, blocks = [], []
    for n in range(lo, hi + 1):
        vec = Tfidf()
        try:
            blocks.append(vec.fit_transform(texts, n))
        except ValueError:  # no n-gram of this length anywhere (tiny corpora)
            continue
        finally:
            if done is not None:
                done(f"{n}-grams")
        vecs.append(vec)
    if not vecs:
        return vecs, sps.csr_matrix((len(texts), 0), dtype=np.float32)
    return vecs, _normalised(blocks)


def apply_vectors(vecs, texts: list[str]):
    """The vectors of ``texts`` in the space of fitted ``vecs`` (see :func:`fit_vectors`)."""

    width = sum(v.width for v in vecs)
    if not texts or not width:
        return sps.csr_matrix((len(texts), width), dtype=np.float32)
    return _normalised([v.transform(texts) for v in vecs])


def _normalised(blocks):
    """The (row-normalised) blocks side by side, each row scaled to unit length."""

    X = sps.hstack(blocks, format="csr", dtype=np.float32)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return (sps.diags((1 / norms).astype(np.float32)) @ X).tocsr()


def _paragraph_texts(article, masked_body: str, cities: tuple[str, ...]) -> list[str]:
    """The masked scoring texts of an article's paragraphs (款, each with its items), or ``[]``
    when it has fewer than two."""
    head = f"{mask(article.heading, cities)}\n" if article.heading else ""
    return [head + c for c in _paragraph_chunks(article, masked_body, cities)]


def _paragraph_chunks(article, masked_body: str, cities: tuple[str, ...]) -> list[str]:
    """The masked paragraphs (款, each with its items) of an article without boilerplate, or
    ``[]`` when it has fewer than two: :func:`_paragraph_texts` without the heading."""
    paras = article.paragraphs
    if len(paras) < 2:
        return []
    lines = masked_body.split("\n")
    sizes = [1 + len(p.items) for p in paras]
    if sum(sizes) == len(lines):  # one 款 or 项 per line: cut the masked body
        chunks, pos = [], 0
        for k in sizes:
            chunks.append("\n".join(lines[pos : pos + k]))
            pos += k
    else:
        chunks = [mask("\n".join([p.text, *(it.text for it in p.items)]), cities) for p in paras]
    return [strip_boilerplate(c) for c in chunks]


class ArticleTexts(NamedTuple):
    """The masked texts of one article that the space is made of (:meth:`Space._texts`)."""

    body: str  # the masked body
    stripped: str  # the masked body without boilerplate clauses
    heading: str | None  # the masked heading, None when the article has none
    paragraphs: list[str]  # the masked paragraphs without boilerplate (``[]``: fewer than two)

    @property
    def scoring(self) -> str:
        """What the article is scored on (:func:`~.masking.scoring_text`)."""
        return self.stripped if self.heading is None else f"{self.heading}\n{self.stripped}"

    def paragraph_texts(self) -> list[str]:
        """The scoring texts of its paragraphs (:func:`_paragraph_texts`)."""
        head = "" if self.heading is None else f"{self.heading}\n"
        return [head + c for c in self.paragraphs]


def article_texts(article, cities: tuple[str, ...]) -> ArticleTexts:
    """The masked texts of ``article`` in a corpus of ``cities`` (what the masking of a fit
    computes for it)."""
    body = mask(article.text, cities)
    return ArticleTexts(
        body,
        strip_boilerplate(body),
        mask(article.heading, cities) if article.heading else None,
        _paragraph_chunks(article, body, cities),
    )


def document_source(doc) -> str:
    """Everything of a document that its masked texts are made of (article texts, headings,
    paragraphs and items), as one string: its hash keys the document's stored texts, and a city
    name that does not occur in it cannot change how it is masked."""
    parts = []
    add = parts.append
    for a in doc.articles:
        add("\x01")
        add(a.text)
        add("\x04")
        add(a.heading or "")
        for para in a.paragraphs:
            add("\x02")
            add(para.text)
            for it in para.items:
                add("\x03")
                add(it.text)
    return "".join(parts)


class Space:
    """TF-IDF vectors of every article of a corpus, fitted on the whole corpus, and everything
    derived from them.

    Fitting on all documents gives boilerplate (法律责任 phrasing, 施行日期, 街道办事处) a low
    weight and the wording particular to a provision a high one. Arrays derived from the vectors
    (shingles, candidate pairs, top-k) are computed on first use and kept; results that other
    modules derive (links, families) are kept by :meth:`derived`.
    """

    def __init__(
        self,
        corpus,
        ngram_range: tuple[int, int] = NGRAMS,
        key: str | None = None,
        *,
        stored: bool = True,
    ):
        self.key = content_key(corpus) if key is None else key
        self.docs = tuple(corpus.documents)
        self.doc_ids = tuple(d.id for d in self.docs)
        self.doc_pos = {d: i for i, d in enumerate(self.doc_ids)}
        self.articles = tuple(a for d in self.docs for a in d.articles)
        sizes = [len(d.articles) for d in self.docs]
        self.doc_of = np.repeat(np.arange(len(self.docs)), sizes)
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.cities = corpus_cities(corpus)
        if not self.articles:
            raise CorpusError("the corpus has no articles to compare")
        self._derived: dict = {}
        self.ngram_range = tuple(ngram_range)
        # the fitted arrays of this content, persisted in the cache (:mod:`.persist`): a later
        # process loads them (on first use) instead of fitting again
        from .persist import SpaceStore

        self.store = SpaceStore.open(self) if stored else None
        self.fitted = False  # whether this process fitted the space (else it was loaded)
        self.reused = 0  # articles whose masked texts a fit took from an earlier space's store

    @cached_property
    def index(self) -> dict:
        """The row of each article, by ``(doc_id, no)`` (built on first use: ~0.3 s on the
        82,000 articles of the collection, which a cold ``align`` does not need)."""
        out: dict = {}
        for i, a in enumerate(self.articles):
            out.setdefault((a.doc_id, a.no), i)  # 第十条之一 does not take 第十条's row
        return out

    def row_of_article(self, art) -> int:
        """The row of ``art`` itself: an inserted 第十条之一 has a row of its own."""
        lo = int(self.offsets[self.doc_pos[art.doc_id]])
        for k, a in enumerate(self.docs[self.doc_pos[art.doc_id]].articles):
            if a.no == art.no and a.start == art.start:
                return lo + k
        return self.row_of(art.doc_id, art.no)

    def row_of(self, doc_id: str, no: int) -> int:
        """The row of one article, without building :attr:`index`."""
        if "index" in self.__dict__:
            return self.index[(doc_id, no)]
        lo = int(self.offsets[self.doc_pos[doc_id]])
        for k, a in enumerate(self.docs[self.doc_pos[doc_id]].articles):
            if a.no == no:
                return lo + k
        raise KeyError((doc_id, no))

    @cached_property
    def _arrays(self):
        """``(X, P, para_owner, met_order)``: loaded from the store, else fitted and stored."""
        found = self.store.load_space() if self.store is not None else None
        if found is None:
            found = self._fit()
            if self.store is not None and self.store.save("space", found):
                self.store.prune()
        return found

    def row_cosines(self, i: int):
        """The cosine of article ``i`` with every article (float64), from the postings of its
        n-grams only (:attr:`columns`): on the 82,000-article collection ~4 M of the 20 M
        entries of :attr:`X` — and with numpy alone, so one ``similar`` on a stored space
        imports no scipy (~0.8 s of a cold command)."""
        qcols, qvals = self._row(i)
        data, rows, ptr = self.columns
        if len(qcols) and qcols.max() + 1 >= len(ptr):
            self.__dict__["columns"] = self._make_columns()
            data, rows, ptr = self.columns
        starts, stops = ptr[qcols], ptr[qcols + 1]
        sizes = stops - starts
        if not len(qcols) or not sizes.sum():
            return np.zeros(len(self.articles))
        # positions of every posting of the article's n-grams, gathered at once
        first = np.cumsum(sizes) - sizes
        pos = np.arange(int(sizes.sum())) - np.repeat(first - starts, sizes)
        hit = rows[pos]
        if hit.min() < 0 or hit.max() >= len(self.articles):  # a damaged store: made again
            self.__dict__["columns"] = self._make_columns()
            return self.row_cosines(i)
        weights = data[pos].astype(np.float64) * np.repeat(qvals.astype(np.float64), sizes)
        return np.bincount(hit, weights=weights, minlength=len(self.articles))

    def _row(self, i: int):
        """The columns and values of row ``i`` of :attr:`X` (read from the store when the space
        is not loaded yet)."""
        if "_arrays" not in self.__dict__ and self.store is not None:
            parts = self.store.load_csr_parts("space", 0, check_indices=False)
            if parts is not None and parts[3][0] == len(self.articles):
                data, indices, indptr, (_, cols) = parts
                s, e = int(indptr[i]), int(indptr[i + 1])
                row = np.asarray(indices[s:e], dtype=np.int64)
                if not len(row) or (row.min() >= 0 and row.max() < cols):  # checked here
                    return row, np.asarray(data[s:e])
        X = self.X  # loaded (and checked), or fitted
        s, e = int(X.indptr[i]), int(X.indptr[i + 1])
        return np.asarray(X.indices[s:e], dtype=np.int64), np.asarray(X.data[s:e])

    @cached_property
    def columns(self):
        """:attr:`X` by column, as plain arrays ``(data, rows, ptr)`` (CSC), stored: the
        postings of each n-gram, for :meth:`row_cosines`. A stored copy that does not hold
        together is made again from :attr:`X`."""
        found = self.store.load("columns") if self.store is not None else None
        if found is None or not self._whole_columns(found):
            found = self._make_columns()
        return found

    def _make_columns(self):
        C = self.X.tocsc()
        found = (C.data, C.indices.astype(np.int32), C.indptr.astype(np.int64))
        if self.store is not None:
            self.store.save("columns", found)
        return found

    def _whole_columns(self, found) -> bool:
        data, rows, ptr = found
        return bool(
            len(data) == len(rows)
            and len(ptr) >= 1
            and ptr[0] == 0
            and ptr[-1] == len(rows)
            and not (np.diff(ptr) < 0).any()
        )

    @property
    def X(self):
        """The TF-IDF vectors of the articles (CSR, float32, unit rows)."""
        return self._arrays[0]

    @property
    def P(self):
        """The vectors of the paragraphs of articles that have several."""
        return self._arrays[1]

    @property
    def para_owner(self):
        """The article of each row of :attr:`P`."""
        return self._arrays[2]

    @property
    def met_order(self):
        """Each column's place in sklearn's numbering of n-grams as first met (block by
        block), for exact fast dot products (:func:`product_order`); None if unknown."""
        return self._arrays[3]

    def _fit(self):
        """Fit the vectors on the masked texts of every article (and their paragraphs)."""
        from .persist import stages

        texts = self._texts  # masked first (a progress bar of its own)
        lo, hi = self.ngram_range
        steps = [f"{n}-grams" for n in range(lo, hi + 1)] + ["paragraphs"]
        with stages(steps, "Fitting the similarity space", len(self.articles)) as done:
            vectorizers, X = fit_vectors(self.masked, self.ngram_range, done)
            ranks = [getattr(v.counter, "met_rank", None) for v in vectorizers]
            met_order = None
            if ranks and all(r is not None for r in ranks):
                widths = np.cumsum([0] + [len(r) for r in ranks[:-1]])
                met_order = np.concatenate([r + w for r, w in zip(ranks, widths, strict=True)])
            # paragraphs of articles that have several: matched on their own as well (an
            # article may carry two provisions, e.g. the duty list and the duty-list rule)
            owner, para_texts = [], []
            for i, t in enumerate(texts):
                for pt in t.paragraph_texts():
                    owner.append(i)
                    para_texts.append(pt)
            P = apply_vectors(vectorizers, para_texts)
            done("paragraphs")
        # neither the vectorizers nor the scoring texts are used after the fit (nothing
        # transforms new texts): not kept, ~80 MB on the 82,000-article collection
        self.__dict__.pop("masked", None)
        self.fitted = True
        return X, P, np.array(owner, dtype=np.int64), met_order

    @cached_property
    def body_masks(self):
        """The masked body of every article with its spans (:func:`~.masking.mask_spans`)."""
        articles = self.articles
        from .persist import progress

        with progress(articles, "Masking") as bar:
            return [mask_spans(a.text, self.cities) for a in bar]

    @cached_property
    def _texts(self) -> list[ArticleTexts]:
        """The masked texts of every article (:func:`article_texts`). Those of a document that
        an earlier space of the same code masked with the same result — same source
        (:func:`document_source`), and no city name added to or gone from the corpus since
        occurs in it — are taken from that space's store (:meth:`.persist.SpaceStore.
        previous_texts`); the others are masked (a progress bar at scale), and all are stored
        with this space for the next one. Taken or masked, they are the same strings."""
        from .persist import progress

        sources = [document_source(d) for d in self.docs]
        keys = [hashlib.sha256(s.encode()).digest() for s in sources]
        own = prev = self.store.texts() if self.store is not None else None
        if prev is None and self.store is not None:
            prev = self.store.previous_texts(keys)
        out: list[ArticleTexts | None] = [None] * len(self.articles)
        todo: list[int] = []
        for d, (src, key) in enumerate(zip(sources, keys, strict=True)):
            rows = range(int(self.offsets[d]), int(self.offsets[d + 1]))
            found = prev.get(key, src, self.cities, ArticleTexts) if prev is not None else None
            if found is not None and len(found) == len(rows):
                out[rows.start : rows.stop] = found
            else:
                todo.extend(rows)
        self.reused = len(self.articles) - len(todo)  # articles whose texts were taken
        stored_here = own is not None
        del own, prev, sources
        with progress(todo, "Masking") as bar:
            for i in bar:
                out[i] = article_texts(self.articles[i], self.cities)
        if self.store is not None and (not stored_here or todo):
            self.store.save_texts(keys, np.diff(self.offsets), self.cities, out)
        return out

    @cached_property
    def masked_body(self) -> list[str]:
        return [t.body for t in self._texts]

    @cached_property
    def masked(self) -> list[str]:
        """The scoring text of every article: masked, boilerplate clauses left out."""
        return [t.scoring for t in self._texts]

    def persisted(self, name: str, compute):
        """``compute(self)`` (a tuple of numpy arrays), loaded from the cache when a process
        computed it before for this content (:mod:`.persist`), else computed and saved. ``name``
        must say everything the result depends on besides the space (settings, code stamp)."""
        if self.store is not None:
            found = self.store.load(name)
            if found is not None:
                return found
        value = compute(self)
        if self.store is not None:
            self.store.save(name, value)
        return value

    def rows(self, doc) -> range:
        p = self.doc_pos[doc.id if hasattr(doc, "id") else doc]
        return range(int(self.offsets[p]), int(self.offsets[p + 1]))

    def city(self, i: int) -> str:
        d = self.docs[self.doc_of[i]]
        return d.city or d.id

    def derived(self, key, compute):
        """``compute(self)``, computed once per ``key`` and kept with the space: the links of one
        setting, the families. A result derived from the space lives exactly as long as the
        space, so a changed corpus never sees a stale one; ``key`` names the settings the result
        depends on (the link rule's constants included, so that changing one recomputes)."""
        try:
            return self._derived[key]
        except KeyError:
            value = self._derived[key] = compute(self)
            return value

    @cached_property
    def shingles(self):
        """Binary matrix article × 4-character shingle of the masked body without punctuation."""
        return self.persisted("shingles", Space._shingles)[0]

    def bare_texts(self) -> list[str]:
        """Each article's masked body without boilerplate clauses and punctuation (a space when
        nothing is left): the text shingles, and the link rule's shared terms, are counted on."""
        return [bare(t.stripped) or " " for t in self._texts]

    def _shingles(self):
        texts = self.bare_texts()
        try:
            # sorted rows: faster products, and counts of shared shingles do not depend on order
            return (fit_counts(texts, SHINGLE, binary=True)[1].tocsr().sorted_indices(),)
        except ValueError:  # no text long enough for one shingle anywhere
            return (sps.csr_matrix((len(texts), 1), dtype=np.float32),)

    @property
    def dense(self) -> bool:
        """Whether all pairs are compared (up to ``DENSE_LIMIT`` articles) or only top-k ones."""
        return len(self.articles) <= DENSE_LIMIT

    @cached_property
    def pairs(self):
        """Candidate article pairs ``(i, j, cosine)``, both directions: every cross-document pair
        when :attr:`dense`, else each article's ``TOP_K`` best (:attr:`topk`)."""
        return self.all_pairs() if self.dense else self.candidates

    @cached_property
    def candidates(self):
        """Sparse candidates: :attr:`topk` and each article's ``SIBLING_K`` best in the documents
        its document is compared with as a whole (:meth:`partner_pairs`), both directions,
        deduplicated."""
        ti, tj, tv = self.topk
        si, sj, sv = self.persisted(
            f"partners-{SIBLING_K}-{SIBLING_DOCS}-{NEAR_DOCS}", lambda sp: sp.partner_pairs()
        )
        n = len(self.articles)
        keys, inv = unique(
            np.r_[ti.astype(np.int64) * n + tj, si.astype(np.int64) * n + sj], inverse=True
        )
        vv = np.empty(len(keys), dtype=np.result_type(tv, sv))
        vv[inv] = np.r_[np.asarray(tv), np.asarray(sv)]  # a pair in both: the same cosine
        return (keys // n).astype(ti.dtype), (keys % n).astype(ti.dtype), vv

    def partners(self) -> list[list[int]]:
        """For each document, the documents its articles are compared with as a whole: the
        documents of its family (:func:`title_families`; the ``SIBLING_DOCS`` closest by their
        mean vectors when there are more) and its ``NEAR_DOCS`` nearest documents
        (:meth:`near_documents`), both ways (when ``q`` is one of ``p``'s, ``p`` is one of ``q``'s)."""
        families = title_families(self.docs)
        near_docs = self.near_documents(NEAR_DOCS) if NEAR_DOCS else [[] for _ in self.docs]
        out: list[set[int]] = [set() for _ in self.docs]
        centroid = None
        for p, sibs in enumerate(families):
            if len(sibs) > SIBLING_DOCS:  # the closest documents of a large family
                if centroid is None:
                    centroid = self._doc_means(sorted({q for f in families for q in f}))
                near = (centroid[sibs] @ centroid[p].T).toarray().ravel()
                keep = np.argsort(-near, kind="stable")[:SIBLING_DOCS]
                sibs = [sibs[t] for t in keep.tolist()]
            for q in (*sibs, *near_docs[p]):
                out[p].add(q)
                out[q].add(p)
        return [sorted(x) for x in out]

    def partner_pairs(self, k: int = SIBLING_K):
        """Each article's ``k`` best articles in every document its document is compared with as
        a whole (:meth:`partners`), symmetrised, with their cosines: one dense block per
        document and its partners (a few thousand articles at most), never an N×N matrix."""
        X, offsets = self.X, self.offsets

        def best(p: int, sibs: list[int]):
            """``(i, j)``: the ``k`` best of each article of ``p`` in each of ``sibs`` (the
            partners after ``p``), and of each of theirs in ``p``: one product per document."""
            rows = np.arange(offsets[p], offsets[p + 1])
            cols = np.concatenate([np.arange(offsets[q], offsets[q + 1]) for q in sibs])
            # partners' rows times p's transposed block: CSR @ CSR, no transposition of theirs
            C = (X[cols] @ X[rows].T.tocsr()).toarray()
            out_i, out_j = [], []
            start = 0
            for q in sibs:
                width = int(offsets[q + 1] - offsets[q])
                block = C[start : start + width]  # q's articles × p's
                for B, mine, theirs in (
                    (block.T, rows, cols[start : start + width]),
                    (block, cols[start : start + width], rows),
                ):
                    if B.shape[1] > k:
                        top = np.argpartition(-B, k - 1, axis=1)[:, :k]
                    else:
                        top = np.broadcast_to(np.arange(B.shape[1]), B.shape)
                    out_i.append(np.repeat(mine, top.shape[1]))
                    out_j.append(theirs[top.ravel()])
                start += width
            return out_i, out_j

        sizes = np.diff(offsets)
        work = []  # each pair of partner documents once, the first with the later ones
        for p, sibs in enumerate(self.partners()):
            later = [q for q in sibs if q > p and sizes[q]]
            if sizes[p] and later:
                work.append((p, later))
        parts_i, parts_j = [], []
        for out_i, out_j in threaded(lambda w: best(*w), work):
            parts_i.extend(out_i)
            parts_j.extend(out_j)
        if not parts_i:
            empty = np.array([], dtype=int)
            return empty, empty, np.array([], dtype=np.float32)
        ii, jj = np.concatenate(parts_i), np.concatenate(parts_j)
        n = len(self.articles)
        key = unique(np.r_[ii * n + jj, jj * n + ii].astype(np.int64))
        ii, jj = key // n, key % n
        return ii, jj, symmetric_dots(product_order(X, self.met_order)[0], ii, jj)

    def near_documents(self, k: int) -> list[list[int]]:
        """Each document's ``k`` nearest documents by its articles' top-k candidates
        (:attr:`topk`): the sum of the candidates' cosines between the two documents over the
        root of the other's number of articles (a long regulation is not near everything)."""
        ti, tj, tv = self.topk
        D = len(self.docs)
        A = sps.csr_matrix(
            (np.asarray(tv, dtype=np.float64), (self.doc_of[ti], self.doc_of[tj])), shape=(D, D)
        )
        A.sum_duplicates()
        root = np.sqrt(np.maximum(np.diff(self.offsets), 1))
        out = []
        for p in range(D):
            s, e = A.indptr[p], A.indptr[p + 1]
            q, v = A.indices[s:e], A.data[s:e] / root[A.indices[s:e]]
            top = np.argsort(-v, kind="stable")[:k]
            out.append(q[top].tolist())
        return out

    def _doc_means(self, positions):
        """Unit mean vectors of the documents at ``positions``, sparse, one row per document of
        the space (the others empty)."""
        rows = [np.arange(self.offsets[q], self.offsets[q + 1]) for q in positions]
        owner = np.repeat(np.asarray(positions, dtype=np.int64), [len(r) for r in rows])
        rows = np.concatenate(rows).astype(np.int64)
        M = sps.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (owner, rows)),
            shape=(len(self.docs), len(self.articles)),
        )
        out = (M @ self.X).tocsr()
        norms = np.sqrt(np.asarray(out.multiply(out).sum(axis=1)).ravel())
        norms[norms == 0] = 1
        return (sps.diags((1 / norms).astype(np.float32)) @ out).tocsr()

    @cached_property
    def topk(self):
        """:meth:`top_k_pairs`, kept (and persisted): candidates of links and of reuse at scale."""
        return self.persisted(f"topk-{TOP_K}", lambda sp: sp.top_k_pairs())

    def all_pairs(self):
        """Every cross-document pair (both directions), exact: for corpora up to ``DENSE_LIMIT``."""
        S = (self.X @ self.X.T).toarray()
        ii, jj = np.nonzero(self.doc_of[:, None] != self.doc_of[None, :])
        return ii, jj, S[ii, jj]

    def top_k_pairs(self, k: int = TOP_K, chunk: int = 4096):
        """Each article's ``k`` best candidates in other documents, symmetrised (sparse top-k).

        Candidates come from a product restricted to the rarer n-grams (a feature carried by more
        than 1% of the articles says little about which ones are equivalent and makes the product
        dense); the kept pairs are then scored with the full vectors. The product keeps only each
        row's ``k`` best (``sparse_dot_topn``: never the ~10,000 candidates a row of a large
        collection has); an article's own document is kept out by one more column per document,
        ``-1`` on the left and ``DOC_PENALTY`` on the right, so that a pair of one document sums
        below zero and falls under the threshold.
        """
        from sparse_dot_topn import sp_matmul_topn

        from . import persist
        from .persist import progress

        X, doc_of = self.X, self.doc_of
        n = X.shape[0]
        df = np.bincount(X.indices, minlength=X.shape[1])
        keep = df <= max(50, int(0.01 * n))
        P = (X @ sps.diags(keep.astype(np.float32))).tocsr()
        P.eliminate_zeros()
        D = len(self.docs)
        # the rows of P have norms ≤ 1: a pair of one document sums to at most 1 - DOC_PENALTY
        own = sps.csr_matrix(
            (np.full(n, -1, dtype=np.float32), (np.arange(n), doc_of)), shape=(n, D)
        )
        left = sps.hstack([P, own], format="csr")
        right = sps.hstack([P, -DOC_PENALTY * own], format="csr").T.tocsr()
        workers = cores()
        parts_i, parts_j = [], []
        starts = range(0, n, chunk)
        with progress(starts, "Finding candidate pairs", max(2, persist.AT_LEAST // chunk)) as bar:
            for lo in bar:
                C = sp_matmul_topn(
                    left[lo : lo + chunk],
                    right,
                    top_n=k,
                    threshold=0.0,
                    n_threads=workers if workers > 1 else None,
                )
                parts_i.append(lo + np.repeat(np.arange(C.shape[0]), np.diff(C.indptr)))
                parts_j.append(C.indices.astype(np.int64))
        ii = np.concatenate(parts_i) if parts_i else np.array([], dtype=np.int64)
        if not len(ii):
            empty = np.array([], dtype=int)
            return empty, empty, np.array([], dtype=np.float32)
        jj = np.concatenate(parts_j)
        # symmetrise and deduplicate
        ii, jj = np.concatenate([ii, jj]), np.concatenate([jj, ii])
        key = unique(ii.astype(np.int64) * n + jj)
        ii, jj = key // n, key % n
        return ii, jj, symmetric_dots(product_order(X, self.met_order)[0], ii, jj)

    def unit_dots(self, ui, uj):
        """The cosines of unit pairs (articles ``< n``, paragraphs ``n + k``), each computed once:
        what ``symmetric_dots(vstack([X, P]), ui, uj)`` returns, faster (:func:`product_order`)
        and without the stacked copy of both matrices (~0.3 GB on the 82,000-article
        collection): an article with an article or with a paragraph reads its rows from ``X``
        and ``P`` directly."""
        n = len(self.articles)
        art = np.minimum(ui, uj) < n  # the first row of each product is an article's
        out = np.empty(len(ui), dtype=np.float64)
        if art.any():
            X, same = product_order(self.X, self.met_order)
            P = renumbered(self.P, self.met_order) if same else self.P
            width = n + P.shape[0]
            lo = np.minimum(ui[art], uj[art]).astype(np.int64)
            hi = np.maximum(ui[art], uj[art]).astype(np.int64)
            keys, inv = unique(lo * width + hi, inverse=True)
            klo, khi = keys // width, keys % width
            vals = np.empty(len(keys), dtype=np.float64)
            both = khi < n
            vals[both] = pair_dots(X, klo[both], khi[both])
            vals[~both] = pair_dots(X, klo[~both], khi[~both] - n, other=P)
            out[art] = vals[inv]
            del X, P
        if not art.all():  # paragraph with paragraph: stored in descending column order
            P, _ = product_order(self.P, np.arange(self.P.shape[1]))
            out[~art] = symmetric_dots(P, ui[~art] - n, uj[~art] - n)
        return out


def content_key(corpus) -> str:
    """What a space is fitted from: the corpus fingerprint (documents, article texts, headings,
    cities) and the paragraphs (款) and items (项) of every article, which the fingerprint does
    not cover and the paragraph vectors are made of."""
    h = hashlib.sha256(corpus.fingerprint.encode())
    # one string hashed at once (the same bytes as an update per paragraph and item): ~4× faster
    # on the 82,000 articles of the collection, where this runs on every command
    parts = []
    add = parts.append
    for d in corpus.documents:
        for a in d.articles:
            add("\x01")
            for p in a.paragraphs:
                add("\x02")
                add(p.text)
                for it in p.items:
                    add("\x03")
                    add(it.text)
    h.update("".join(parts).encode())
    return h.hexdigest()


@lru_cache(maxsize=1)
def _title_patterns():
    """A province at the head of a title, and a kind (条例, 规定 …) at its end."""
    from ..parse.metadata import _PROVINCES
    from ..parse.patterns import KINDS

    head = re.compile(rf"^(?:{'|'.join(_PROVINCES)})(?:省|市|[^省市]{{0,6}}?自治区)")
    tail = re.compile(rf"(?:{'|'.join(sorted(KINDS, key=len, reverse=True))})$")
    return head, tail


def title_stem(title: str | None, city: str | None) -> str:
    """What a title regulates: the title without its place, kind and edition note
    (湖州市物业管理条例 → 物业管理, 北京市养犬管理规定 → 养犬管理, 广东省清远市住宅小区物业管理条例
    → 住宅小区物业管理)."""
    head, tail = _title_patterns()
    t = re.sub(r"[（(][^（）()]*[）)]$", "", (title or "").strip().strip("《》"))
    t = head.sub("", t)
    if city and t.startswith(city):
        t = re.sub(r"^(?:市|经济特区|自治州|自治县|县|地区|盟)", "", t[len(city) :])
    return tail.sub("", t)


def title_families(docs) -> list[list[int]]:
    """For each document, the positions of the other documents of its family: the same title
    stem (:func:`title_stem`: the same subject, whatever the kind, 条例 or 规定; at least
    ``MIN_STEM`` characters), or a stem that ends with the other's (the shorter at least
    ``SUFFIX_STEM`` characters)."""
    stems = [title_stem(d.title, d.city) for d in docs]
    by: dict[str, list[int]] = {}
    for p, s in enumerate(stems):
        if len(s) >= MIN_STEM:
            by.setdefault(s, []).append(p)
    sibs: list[set[int]] = [set() for _ in docs]
    for s, members in by.items():
        for cut in range(1, len(s) - SUFFIX_STEM + 1):  # the shorter stems this one ends with
            group_of = by.get(s[cut:])
            if group_of:
                for p in members:
                    sibs[p].update(group_of)
                for q in group_of:
                    sibs[q].update(members)
        for p in members:
            sibs[p].update(members)
    return [sorted(x - {p}) for p, x in enumerate(sibs)]


class _Spaces:
    """The similarity spaces of the last ``size`` corpora used, by content (:func:`content_key`):
    two corpus objects with the same content share one space, a changed corpus gets a new one,
    and at most ``size`` spaces (with everything derived from them) are kept alive."""

    def __init__(self, size: int):
        self.size = size
        self._by_key: OrderedDict[str, Space] = OrderedDict()
        self._last: tuple = (None, None)  # (weak reference to the last corpus, its key)

    def get(self, corpus) -> Space:
        # the key of the corpus asked for last is not hashed again (align over all document
        # pairs asks 15 times); a corpus's documents do not change after it is made
        ref, key = self._last
        if ref is None or ref() is not corpus:
            key = content_key(corpus)
            self._last = (weakref.ref(corpus), key)
        sp = self._by_key.get(key)
        if sp is None:
            sp = Space(corpus, key=key)
            self._by_key[key] = sp
            while len(self._by_key) > self.size:
                self._by_key.popitem(last=False)
        self._by_key.move_to_end(key)
        return sp

    def clear(self) -> None:
        self._by_key.clear()
        self._last = (None, None)

    def __contains__(self, key: str) -> bool:
        return key in self._by_key


#: Two spaces: the corpus at hand and one other (a notebook comparing the bundled corpus with
#: a larger one does not refit either); a 32k-article space with its links takes ~0.5 GB.
SPACES = _Spaces(2)


def space(corpus) -> Space:
    """The similarity space of a corpus: fitted on first use, then kept (see :data:`SPACES`)."""
    return SPACES.get(corpus)


def cores() -> int:
    """The cores this process may use, at most two (the products here are memory-bound)."""
    n = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2, n or 1)


def threaded(fn, items) -> list:
    """``[fn(x) for x in items]``, on two threads when there are two cores: for work done mostly
    in numpy and scipy, which release the GIL, so that one item's products overlap another's
    Python."""
    items = list(items)
    workers = cores()
    if workers < 2 or len(items) < 2:
        return [fn(x) for x in items]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(fn, items))


def member(x, keys):
    """``np.isin(x, keys)`` for integer arrays, by sorting and binary search: numpy 2's hashing
    ``isin`` is many times slower on millions of values (as :func:`unique`)."""
    keys = np.sort(np.asarray(keys).ravel())
    x = np.asarray(x)
    if not len(keys):
        return np.zeros(x.shape, dtype=bool)
    at = np.searchsorted(keys, x)
    np.minimum(at, len(keys) - 1, out=at)
    return keys[at] == x


def unique(x, inverse: bool = False):
    """``np.unique(x, return_inverse=inverse)`` of a 1-d array, by sorting: numpy 2's hashing
    ``unique`` is many times slower on millions of distinct values."""

    order = np.argsort(x, kind="stable") if inverse else None
    s = x[order] if inverse else np.sort(x)
    keep = np.ones(len(s), dtype=bool)
    np.not_equal(s[1:], s[:-1], out=keep[1:])
    if not inverse:
        return s[keep]
    inv = np.empty(len(s), dtype=np.int64)
    inv[order] = np.cumsum(keep) - 1
    return s[keep], inv


def symmetric_dots(X, ii, jj):
    """:func:`pair_dots` for pairs given in both directions: each unordered pair computed once."""

    n = X.shape[0]
    lo = np.minimum(ii, jj).astype(np.int64)
    hi = np.maximum(ii, jj).astype(np.int64)
    keys, inv = unique(lo * n + hi, inverse=True)
    return pair_dots(X, keys // n, keys % n)[inv]


def pair_dots(X, ii, jj, chunk: int = 5_000, other=None):
    """Row dot products ``X[ii[k]] · X[jj[k]]`` for many pairs, in chunks (bounded memory); with
    ``other``, ``X[ii[k]] · other[jj[k]]`` (the same sums as on the two stacked).

    With L2-normalised rows these are cosines; with binary rows, counts of shared features.
    """
    Y = X if other is None else other

    def dots(lo: int):
        hi = min(len(ii), lo + chunk)
        return np.asarray(X[ii[lo:hi]].multiply(Y[jj[lo:hi]]).sum(axis=1)).ravel()

    parts = threaded(dots, range(0, len(ii), chunk))
    return np.concatenate(parts).astype(np.float64) if parts else np.empty(0)


def renumbered(M, order):
    """``M`` with its columns renumbered by ``order`` (column -> number), rows sorted."""
    R = M.copy()
    R.indices = order[M.indices].astype(M.indices.dtype)
    R.has_sorted_indices = False
    R.sort_indices()
    return R


def product_order(M, order):
    """``(M', same)``: ``M`` with its columns renumbered by ``order`` and each row sorted, so that
    :func:`pair_dots` takes scipy's fast path for sorted rows and still returns the same float32
    sums bit for bit (``same``) — or ``M`` itself (``same`` False) when that cannot be guaranteed.

    scipy multiplies two rows with unsorted columns (``csr_binop_csr_general``) in the reverse
    of the first row's stored order, and sorted rows in column order; the rows of the TF-IDF
    vectors are stored in descending order of sklearn's numbering (n-grams as first met: see
    :class:`CharGrams`; the row scaling reverses them), so renumbering the columns by that order
    and sorting gives the products in the same sequence, hence the same sums. Checked here: the
    rows must be stored in strictly descending ``order``.
    """

    if order is None or M.nnz == 0:
        return M, False
    # positions and ranks as 32-bit numbers where they fit, and no copy of M that is replaced
    # at once: the temporaries of the 82,000-article collection's vectors (20 M entries) are
    # what set the peak memory of the top-k and link stages
    small = M.nnz < 2**31 and len(order) < 2**31
    itype = np.int32 if small else np.int64
    rank = order.astype(itype, copy=False)[M.indices]
    down = rank[1:] < rank[:-1]
    down[M.indptr[1:-1] - 1] = True  # across a row boundary: no constraint
    if not down.all():
        return M, False
    del down
    # reversed, each row is sorted
    ends = (M.indptr[:-1] + M.indptr[1:] - 1).astype(itype)
    pos = np.repeat(ends, np.diff(M.indptr))
    pos -= np.arange(M.nnz, dtype=itype)
    R = sps.csr_matrix(M.shape, dtype=M.dtype)
    R.data, R.indices, R.indptr = M.data[pos], rank[pos].astype(M.indices.dtype), M.indptr.copy()
    R.has_sorted_indices = True
    return R, True
