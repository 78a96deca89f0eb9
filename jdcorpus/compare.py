"""Comparison: mask, score, align, group into families, find reuse and gaps, diff two articles.

The working unit is the article (条). Articles are compared on their *masked* text: the names
that copying changes — the city (长春市, 本市, 首府), the district-level body (县（市）区人民政府,
县级市、区人民政府, 区人民政府), the province, numbers and dates — become placeholders first, so
长春 第二十七条 and 呼和浩特 第二十四条 look as alike as they are.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

__all__ = [
    "MaskSpan",
    "Masked",
    "mask",
    "mask_spans",
    "PLACEHOLDERS",
    "JURISDICTION",
]

# -- masking ----------------------------------------------------------------------------------

#: One placeholder character per masked class. Jurisdiction classes are also what a diff marks
#: as a substituted name rather than a substantive change.
PLACEHOLDERS = {
    "date": "Ⓣ",
    "number": "Ⓝ",
    "instrument": "Ⓘ",
    "province": "Ⓟ",
    "city": "Ⓒ",
    "district": "Ⓓ",
    "marker": "",
}
JURISDICTION = frozenset({"province", "city", "district"})
SCORING = frozenset(PLACEHOLDERS)

# Item markers （一） at the start of a line are structure, not wording.
_MARKER = r"^[（(][一二三四五六七八九十]+[）)]"


@dataclass(frozen=True, slots=True)
class MaskSpan:
    """One masked name: where its placeholder sits in the masked text and what it stood for."""

    at: int  # offset of the placeholder in the masked text
    start: int  # span in the unmasked text
    end: int
    cls: str  # date | number | province | city | district | marker
    text: str  # the name as written: "县（市）区"


@dataclass(frozen=True, slots=True)
class Masked:
    """A text with names replaced by placeholders, and the spans to map back."""

    text: str
    spans: tuple[MaskSpan, ...]


@lru_cache(maxsize=1)
def _rules() -> tuple[tuple[tuple[str, str], ...], dict[str, str]]:
    """The ``(class, pattern)`` rules and ``@lists`` of ``data/masking.tsv``, in file order."""
    raw = resources.files("jdcorpus.data").joinpath("masking.tsv").read_text("utf-8")
    rules, lists = [], {}
    for line in raw.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cls, pattern = line.split("\t", 1)
        if cls.startswith("@"):
            lists[cls[1:].upper()] = pattern.strip()
        else:
            if cls not in PLACEHOLDERS:
                raise ValueError(f"masking.tsv: unknown class {cls!r}")
            rules.append((cls, pattern.strip()))
    return tuple(rules), lists


@lru_cache(maxsize=64)
def _compiled(cities: tuple[str, ...], classes: frozenset[str]) -> re.Pattern:
    rules, lists = _rules()
    names = sorted({c for c in cities if c}, key=len, reverse=True)
    # A pattern that never matches stands in for an empty city list.
    subst = dict(lists, CITIES="|".join(map(re.escape, names)) or r"(?!x)x")
    parts = []
    if "marker" in classes:
        parts.append(f"(?P<marker>{_MARKER})")
    counts: dict[str, int] = {}
    for cls, pattern in rules:
        if cls not in classes:
            continue
        for key, value in subst.items():
            pattern = pattern.replace("{" + key + "}", value)
        counts[cls] = counts.get(cls, 0) + 1
        parts.append(f"(?P<{cls}_{counts[cls]}>{pattern})")
    return re.compile("|".join(parts) or r"(?!x)x", re.M)


def mask_spans(
    text: str, cities: tuple[str, ...] = (), classes: frozenset[str] = SCORING
) -> Masked:
    """Replace the names of ``classes`` in ``text`` by placeholders, keeping where each was.

    ``cities`` are city names without 市 (``("长春", "苏州")``); they are masked wherever they
    occur with 市. Rules come from ``data/masking.tsv``.

    例：mask_spans("县（市）区人民政府", ()) → Masked("Ⓓ人民政府", (MaskSpan(0, 0, 5, "district", "县（市）区"),))
    """
    rx = _compiled(tuple(cities), frozenset(classes))
    out, spans, pos = [], [], 0
    length = 0
    for m in rx.finditer(text):
        if m.start() == m.end():
            continue
        cls = m.lastgroup.split("_", 1)[0]
        chunk = text[pos : m.start()]
        out.append(chunk)
        length += len(chunk)
        spans.append(MaskSpan(length, m.start(), m.end(), cls, m.group()))
        out.append(PLACEHOLDERS[cls])
        length += len(PLACEHOLDERS[cls])
        pos = m.end()
    out.append(text[pos:])
    return Masked("".join(out), tuple(spans))


def mask(text: str, cities: tuple[str, ...] = (), classes: frozenset[str] = SCORING) -> str:
    """The masked text alone (see :func:`mask_spans`).

    例：mask("长春市第十六届人民代表大会常务委员会", ("长春",)) → "Ⓒ第十六届人民代表大会常务委员会"
    """
    return mask_spans(text, cities, classes).text


# -- result rows --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Link:
    """Two articles of two documents that carry the same provision (``align``)."""

    a_doc: str
    a_article: int
    b_doc: str
    b_article: int
    score: float  # cosine of the masked TF-IDF vectors, 0–1
    label: str  # near-verbatim | same-provision | related


@dataclass(frozen=True, slots=True)
class Reuse:
    """Two articles of different cities that share substantial text (``reuse``)."""

    a_doc: str
    a_article: int
    b_doc: str
    b_article: int
    containment: float  # share of the shorter article (masked) inside shared runs of ≥ 4 chars
    longest_run: str  # the longest shared run, in the words of article a
    direction: str | None  # "earlier -> later" by adoption date; None when unknown or equal


@dataclass(frozen=True, slots=True)
class Family:
    """A provision family: equivalent articles of several documents (``families``)."""

    family: int  # 1-based, largest families first
    label: str  # key terms, e.g. "志愿服务、志愿、鼓励"
    documents: int  # how many documents have an article in it
    articles: tuple[str, ...]  # article keys "doc:no", in corpus order


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of the coverage matrix: a family in a document (``coverage``)."""

    family: int
    label: str
    doc: str
    article: int | None  # the document's best article in the family; None where it has none
    score: float | None  # that article's best link score to the other documents of the family


@dataclass(frozen=True, slots=True)
class Gap:
    """A row of a draft's gap analysis (``gaps``).

    kind ``match``: a draft article and its best counterpart in one other document;
    ``unique``: a draft article with no counterpart anywhere; ``missing``: a family that at
    least ``min_docs`` other documents have and the draft lacks (``doc``/``article`` is an
    example of it, ``documents`` how many documents have it).
    """

    kind: str  # match | unique | missing
    draft_article: int | None
    family: int | None
    family_label: str | None
    doc: str | None
    article: int | None
    score: float | None
    label: str | None  # the link label for ``match`` rows
    documents: int | None


@dataclass(frozen=True, slots=True)
class DiffOp:
    """One run of a character diff between two articles (``diff``).

    op ``equal`` | ``delete`` (only in a) | ``insert`` (only in b) | ``replace`` (a's text became
    b's) | ``jurisdiction`` (a jurisdiction name substituted: 县（市）区人民政府 → 区人民政府).
    """

    op: str
    a_text: str
    b_text: str


# -- the similarity space -----------------------------------------------------------------------

#: Character n-grams of the masked text (1–3 chars: Chinese words are mostly 1–2 characters,
#: so short n-grams match reworded provisions, longer ones reward shared phrasing). Measured
#: against the development gold set: see ``scripts/eval_alignment.py``.
NGRAMS = (1, 3)
#: A link needs a score within ``ALPHA`` of the best score of *both* articles in the other
#: document (a soft mutual-best rule: one article may link to several near-equals) …
ALPHA = 0.8
#: … and at least this cosine.
MIN_SCORE = 0.1
#: Links scoring at least this are ``same-provision`` (below: ``related``).
SAME_PROVISION = 0.15
#: ``near-verbatim``: at least this share of the shorter article's 4-char shingles is shared …
NEAR_VERBATIM = 0.3
#: … and at least this many shingles are (so two short boilerplate lines are not "copies").
NEAR_VERBATIM_SHINGLES = 20
#: Shingle size for containment (masked text without punctuation).
SHINGLE = 4
#: Up to this many articles the similarity of all pairs is computed exactly; above it each
#: article keeps only its ``TOP_K`` best candidates (sparse top-k, never a dense N×N matrix).
DENSE_LIMIT = 4000
TOP_K = 20

_PUNCT = re.compile(
    r"[\s\u3000，。；：、！？“”‘’《》〈〉「」『』（）()【】〔〕—…·,.;:!?\"'\[\]<>-]+"
)


def _bare(text: str) -> str:
    """Masked text without punctuation or spaces: what shingles and runs are counted on."""
    return _PUNCT.sub("", text)


def scoring_text(article, cities: tuple[str, ...] = ()) -> str:
    """The masked text an article is scored on: its heading (when it has one) and its body."""
    text = article.text
    if article.heading:
        text = f"{article.heading}\n{text}"
    return mask(text, cities)


def _vectors(texts: list[str], ngram_range: tuple[int, int]):
    """L2-normalised TF-IDF vectors, one block per n-gram length, each block weighing the same.

    The cosine of two articles is then the mean of their 1-gram, 2-gram … cosines: single
    characters match reworded provisions, longer n-grams reward shared phrasing, and neither
    swamps the other (in one joint vector the many rare 3-grams would dominate the norm).
    """
    import numpy as np
    import scipy.sparse as sps
    from sklearn.feature_extraction.text import TfidfVectorizer

    lo, hi = ngram_range
    blocks = []
    for n in range(lo, hi + 1):
        vec = TfidfVectorizer(
            analyzer="char", ngram_range=(n, n), sublinear_tf=True, dtype=np.float32
        )
        try:
            blocks.append(vec.fit_transform(texts))
        except ValueError:  # no n-gram of this length anywhere (tiny corpora)
            continue
    X = sps.hstack(blocks, format="csr", dtype=np.float32)
    norms = np.sqrt(np.asarray(X.multiply(X).sum(axis=1)).ravel())
    norms[norms == 0] = 1
    return (sps.diags((1 / norms).astype(np.float32)) @ X).tocsr()


class Space:
    """TF-IDF vectors of every article of a corpus, fitted on the whole corpus.

    Fitting on all documents gives boilerplate (法律责任 phrasing, 施行日期, 街道办事处) a low
    weight and the wording particular to a provision a high one.
    """

    def __init__(self, corpus, ngram_range: tuple[int, int] = NGRAMS):
        import numpy as np

        self.docs = tuple(corpus.documents)
        self.doc_ids = tuple(d.id for d in self.docs)
        self.doc_pos = {d: i for i, d in enumerate(self.doc_ids)}
        self.articles = tuple(a for d in self.docs for a in d.articles)
        sizes = [len(d.articles) for d in self.docs]
        self.doc_of = np.repeat(np.arange(len(self.docs)), sizes)
        self.offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
        self.index = {(a.doc_id, a.no): i for i, a in enumerate(self.articles)}
        self.cities = tuple(sorted({d.city for d in self.docs if d.city}))
        self.masked = [scoring_text(a, self.cities) for a in self.articles]
        if not self.articles:
            raise ValueError("the corpus has no articles to compare")
        self.X = _vectors(self.masked, ngram_range)
        self._shingles: dict[int, frozenset] = {}
        self._links = None
        self._families = None
        self._words: list[set[str]] | None = None

    def rows(self, doc) -> range:
        p = self.doc_pos[doc.id if hasattr(doc, "id") else doc]
        return range(int(self.offsets[p]), int(self.offsets[p + 1]))

    def shingles(self, i: int) -> frozenset:
        s = self._shingles.get(i)
        if s is None:
            t = _bare(self.masked[i])
            s = frozenset(t[k : k + SHINGLE] for k in range(len(t) - SHINGLE + 1)) or frozenset([t])
            self._shingles[i] = s
        return s

    def city(self, i: int) -> str:
        d = self.docs[self.doc_of[i]]
        return d.city or d.id


_SPACES: dict = {}


def space(corpus) -> Space:
    """The (cached) similarity space of a corpus; rebuilt when the corpus content changes."""
    import weakref

    key = id(corpus)
    hit = _SPACES.get(key)
    if hit is not None:
        ref, fp, sp = hit
        if ref() is corpus and fp == corpus.fingerprint:
            return sp
    sp = Space(corpus)
    try:
        ref = weakref.ref(corpus)
    except TypeError:  # pragma: no cover - corpus objects without weakref support
        ref = lambda: corpus  # noqa: E731
    _SPACES[key] = (ref, corpus.fingerprint, sp)
    for k in [k for k, (r, _, _) in _SPACES.items() if r() is None]:
        del _SPACES[k]
    return sp


# -- candidate pairs and the link rule ----------------------------------------------------------


def _pairs_between(sp: Space, rows_a: range, rows_b: range):
    """Every pair between two blocks of articles, both directions: (i, j, cosine)."""
    import numpy as np

    a = np.arange(rows_a.start, rows_a.stop)
    b = np.arange(rows_b.start, rows_b.stop)
    S = (sp.X[a] @ sp.X[b].T).toarray()
    ii, jj = np.meshgrid(a, b, indexing="ij")
    ii, jj, vv = ii.ravel(), jj.ravel(), S.ravel()
    return np.concatenate([ii, jj]), np.concatenate([jj, ii]), np.concatenate([vv, vv])


def _all_pairs(sp: Space):
    """Every cross-document pair (both directions), exact: for corpora up to ``DENSE_LIMIT``."""
    import numpy as np

    S = (sp.X @ sp.X.T).toarray()
    ii, jj = np.nonzero(sp.doc_of[:, None] != sp.doc_of[None, :])
    return ii, jj, S[ii, jj]


def _topk_pairs(sp: Space, k: int = TOP_K, chunk: int = 2000):
    """Each article's ``k`` best candidates in other documents, symmetrised (sparse top-k).

    Candidates come from a product restricted to the rarer n-grams (a feature carried by more
    than 1% of the articles says little about which ones are equivalent and makes the product
    dense); the kept pairs are then scored with the full vectors.
    """
    import numpy as np
    import scipy.sparse as sps

    X = sp.X
    n = X.shape[0]
    df = np.bincount(X.indices, minlength=X.shape[1])
    keep = df <= max(50, int(0.01 * n))
    P = (X @ sps.diags(keep.astype(np.float32))).tocsr()
    P.eliminate_zeros()
    PT = P.T.tocsr()
    out_i, out_j = [], []
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        C = (P[lo:hi] @ PT).tocsr()
        # drop same-document pairs
        rows = np.repeat(np.arange(lo, hi), np.diff(C.indptr))
        same = sp.doc_of[rows] == sp.doc_of[C.indices]
        C.data[same] = 0
        C.eliminate_zeros()
        for r in range(hi - lo):
            s, e = C.indptr[r], C.indptr[r + 1]
            if s == e:
                continue
            d, c = C.data[s:e], C.indices[s:e]
            if e - s > k:
                top = np.argpartition(d, -k)[-k:]
                c = c[top]
            out_i.append(np.full(len(c), lo + r))
            out_j.append(c)
    if not out_i:
        empty = np.array([], dtype=int)
        return empty, empty, np.array([], dtype=np.float32)
    ii = np.concatenate(out_i)
    jj = np.concatenate(out_j)
    # symmetrise and deduplicate
    ii, jj = np.concatenate([ii, jj]), np.concatenate([jj, ii])
    key = np.unique(ii.astype(np.int64) * n + jj)
    ii, jj = key // n, key % n
    vv = _cosines(X, ii, jj)
    return ii, jj, vv


def _cosines(X, ii, jj, chunk: int = 200_000):
    """Exact cosines of the article pairs (ii[k], jj[k]) (rows of X are L2-normalised)."""
    import numpy as np

    out = np.empty(len(ii), dtype=np.float32)
    for lo in range(0, len(ii), chunk):
        hi = min(len(ii), lo + chunk)
        out[lo:hi] = np.asarray(X[ii[lo:hi]].multiply(X[jj[lo:hi]]).sum(axis=1)).ravel()
    return out


def _candidates(sp: Space):
    if len(sp.articles) <= DENSE_LIMIT:
        return _all_pairs(sp)
    return _topk_pairs(sp)


def _rule(sp: Space, ii, jj, vv, alpha: float = ALPHA, min_score: float = MIN_SCORE):
    """Keep the pairs within ``alpha`` of the best of both articles in the other's document.

    ``ii, jj, vv`` hold each candidate pair in both directions. Returns the kept pairs once each
    (``i < j``) as arrays ``(i, j, score)``.
    """
    import numpy as np

    if len(ii) == 0:
        return ii, jj, vv
    D = len(sp.docs)
    key = ii.astype(np.int64) * D + sp.doc_of[jj]
    uniq, inv = np.unique(key, return_inverse=True)
    best = np.full(len(uniq), -np.inf, dtype=np.float64)
    np.maximum.at(best, inv, vv)
    best_i = best[inv]  # best score of i in j's document
    key2 = jj.astype(np.int64) * D + sp.doc_of[ii]
    best_j = best[np.searchsorted(uniq, key2)]  # best score of j in i's document
    ok = (ii < jj) & (vv >= min_score) & (vv >= alpha * best_i) & (vv >= alpha * best_j)
    return ii[ok], jj[ok], vv[ok]


def _label(sp: Space, i: int, j: int, score: float) -> str:
    a, b = sp.shingles(i), sp.shingles(j)
    shared = len(a & b)
    if shared >= NEAR_VERBATIM_SHINGLES and shared >= NEAR_VERBATIM * min(len(a), len(b)):
        return "near-verbatim"
    return "same-provision" if score >= SAME_PROVISION else "related"


def _make_links(sp: Space, ii, jj, vv) -> list[Link]:
    out = []
    for i, j, v in sorted(zip(ii.tolist(), jj.tolist(), vv.tolist(), strict=True)):
        a, b = sp.articles[i], sp.articles[j]
        out.append(Link(a.doc_id, a.no, b.doc_id, b.no, round(float(v), 4), _label(sp, i, j, v)))
    return out


def _results(rows, row_type):
    from .model import Results

    r = Results(rows)
    r.row_type = row_type
    return r


def all_links(corpus):
    """Links between the articles of every pair of documents (cached with the space)."""
    sp = space(corpus)
    if sp._links is None:
        sp._links = _make_links(sp, *_rule(sp, *_candidates(sp)))
    return _results(list(sp._links), Link)


def align(corpus, doc_a, doc_b, *, alpha: float = ALPHA, min_score: float = MIN_SCORE):
    """Links between the articles of two documents, with a score and a label.

    A link joins two articles that score within ``alpha`` of the best match of each of them in
    the other document and at least ``min_score``; an article may link to several (a provision
    split in two) or to none. Labels: ``near-verbatim`` (most of the shorter article's wording
    is shared), ``same-provision`` (score ≥ ``SAME_PROVISION``), ``related``.

    例：align(corpus, "changchun", "hohhot") → [Link("changchun", 1, "hohhot", 1, 0.59, "near-verbatim"), …]
    """
    a, b = corpus.get(doc_a), corpus.get(doc_b)
    if a.id == b.id:
        raise ValueError(f"align needs two different documents, got {a.id} twice")
    sp = space(corpus)
    links = _make_links(
        sp, *_rule(sp, *_pairs_between(sp, sp.rows(a), sp.rows(b)), alpha, min_score)
    )
    flip = sp.doc_pos[a.id] > sp.doc_pos[b.id]
    if flip:
        links = [Link(x.b_doc, x.b_article, x.a_doc, x.a_article, x.score, x.label) for x in links]
        links.sort(key=lambda x: (x.a_article, x.b_article))
    return _results(links, Link)


# -- families and coverage ----------------------------------------------------------------------

#: A family holds at most this many articles of one document (a provision split in two).
FAMILY_MAX_PER_DOC = 2


def _family_members(sp: Space, links: list[Link]) -> list[list[int]]:
    """Cluster articles over mutual-best strong links, strongest first, capped per document.

    A link is used when it is the best link of *both* its articles towards the other's document
    and is not merely ``related``. Links are taken in order of decreasing score and join their
    two clusters unless the union would hold more than ``FAMILY_MAX_PER_DOC`` articles of one
    document (constrained single linkage). Mutual-best links chain far less than all links:
    measured on the development set, pairwise precision of co-membership 0.96 against 0.87.
    """
    parent: dict[int, int] = {}
    docs: dict[int, dict[int, int]] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(x, x) != root:
            parent[x], x = root, parent[x]
        return root

    edges = []
    top: dict[tuple[int, int], float] = {}
    for lk in links:
        i = sp.index[(lk.a_doc, lk.a_article)]
        j = sp.index[(lk.b_doc, lk.b_article)]
        edges.append((lk.score, i, j, lk.label))
        for x, y in ((i, j), (j, i)):
            k = (x, int(sp.doc_of[y]))
            top[k] = max(top.get(k, 0.0), lk.score)
    edges = [
        (s, i, j)
        for s, i, j, label in edges
        if label != "related"
        and s >= top[(i, int(sp.doc_of[j]))]
        and s >= top[(j, int(sp.doc_of[i]))]
    ]
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))
    for _, i, j in edges:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        ci = docs.get(ri) or {int(sp.doc_of[ri]): 1}
        cj = docs.get(rj) or {int(sp.doc_of[rj]): 1}
        if any(ci.get(d, 0) + n > FAMILY_MAX_PER_DOC for d, n in cj.items()):
            continue
        if len(ci) < len(cj):
            ri, rj, ci, cj = rj, ri, cj, ci
        for d, n in cj.items():
            ci[d] = ci.get(d, 0) + n
        parent[rj] = ri
        parent.setdefault(ri, ri)
        docs[ri] = ci
        docs.pop(rj, None)
    groups: dict[int, list[int]] = {}
    for x in list(parent):
        groups.setdefault(find(x), []).append(x)
    return [sorted(g) for g in groups.values() if len(g) > 1]


@lru_cache(maxsize=1)
def _label_stopwords() -> frozenset[str]:
    raw = resources.files("jdcorpus.data").joinpath("family_stopwords.txt").read_text("utf-8")
    return frozenset(w.strip() for w in raw.splitlines() if w.strip() and not w.startswith("#"))


def _key_terms(sp: Space, members: list[list[int]], n: int = 3) -> list[str]:
    """A short label per family: the ``n`` words its articles share that are rarest elsewhere.

    Words come from jieba; a word scores (articles of the family that use it) × idf over all the
    corpus's articles; generic legislative verbs (``data/family_stopwords.txt``) are skipped.
    """
    import math
    from collections import Counter

    import jieba

    jieba.setLogLevel(60)
    stop = _label_stopwords()
    if sp._words is None:
        sp._words = [
            {
                w
                for w in jieba.lcut(mask(a.text, sp.cities, JURISDICTION))
                if len(w) > 1 and w.isalnum() and not w.isdigit() and w not in stop
            }
            for a in sp.articles
        ]
    df: Counter = Counter()
    for ws in sp._words:
        df.update(ws)
    total = len(sp._words)
    labels = []
    for g in members:
        tf: Counter = Counter()
        for i in g:
            tf.update(sp._words[i])
        scored = sorted(
            tf.items(), key=lambda kv: (-kv[1] * math.log((1 + total) / (1 + df[kv[0]])), kv[0])
        )
        picked: list[str] = []
        for w, _ in scored:
            if any(w in p or p in w for p in picked):
                continue
            picked.append(w)
            if len(picked) == n:
                break
        labels.append("、".join(picked))
    return labels


def _families(corpus):
    """(families, {article index: family id}, per-article best link score) — cached."""
    sp = space(corpus)
    if sp._families is None:
        links = all_links(corpus)
        groups = _family_members(sp, links)
        groups.sort(key=lambda g: (-len({int(sp.doc_of[i]) for i in g}), g[0]))
        labels = _key_terms(sp, groups)
        fam_of = {i: k + 1 for k, g in enumerate(groups) for i in g}
        best: dict[int, float] = {}
        for lk in links:
            i = sp.index[(lk.a_doc, lk.a_article)]
            j = sp.index[(lk.b_doc, lk.b_article)]
            if fam_of.get(i) is not None and fam_of.get(i) == fam_of.get(j):
                best[i] = max(best.get(i, 0.0), lk.score)
                best[j] = max(best.get(j, 0.0), lk.score)
        fams = [
            Family(
                k + 1,
                labels[k],
                len({int(sp.doc_of[i]) for i in g}),
                tuple(sp.articles[i].key for i in g),
            )
            for k, g in enumerate(groups)
        ]
        sp._families = (fams, fam_of, best, groups)
    return sp._families


def families(corpus):
    """Provision families: groups of equivalent articles across documents, largest first.

    Each family is labelled with its key terms and lists its articles (``doc:no``); a family
    holds at most ``FAMILY_MAX_PER_DOC`` articles of one document.

    例：families(corpus)[0] → Family(1, "志愿服务、…", 5, ("changchun:21", "hohhot:36", …))
    """
    return _results(list(_families(corpus)[0]), Family)


def coverage(corpus):
    """The family × document matrix as cells: each document's best article in each family.

    A document without an article in a family gets a cell with ``article`` and ``score`` None.
    ``coverage(corpus).to_frame().pivot(index="family", columns="doc", values="article")`` is
    the matrix.
    """
    sp = space(corpus)
    fams, _, best, groups = _families(corpus)
    cells = []
    for fam, g in zip(fams, groups, strict=True):
        by_doc: dict[int, int] = {}
        for i in g:
            d = int(sp.doc_of[i])
            if d not in by_doc or best.get(i, 0) > best.get(by_doc[d], 0):
                by_doc[d] = i
        for d, doc_id in enumerate(sp.doc_ids):
            i = by_doc.get(d)
            if i is None:
                cells.append(Cell(fam.family, fam.label, doc_id, None, None))
            else:
                cells.append(
                    Cell(fam.family, fam.label, doc_id, sp.articles[i].no, round(best.get(i, 0), 4))
                )
    return _results(cells, Cell)
