"""Provision families: equivalent articles of several documents grouped, and the coverage matrix.

Families are a constrained single linkage over mutual-best links (:mod:`.links`): strongest
first, at most ``FAMILY_MAX_PER_DOC`` articles of one document. Each family is labelled with
the words its articles share that are rarest elsewhere.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import numpy as np

from .._data import data_lines
from ..results import Results
from .links import link_arrays, settings
from .masking import JURISDICTION, bare, mask
from .vectors import Space, space, unique


@dataclass(frozen=True, slots=True)
class Family:
    """A provision family: equivalent articles of several documents (``families``)."""

    family: int  # 1-based, largest families first
    label: str  # a heading of its articles (协商民主), else its most typical phrase
    documents: int  # how many documents have an article in it
    articles: tuple[str, ...]  # article keys "doc:no", in corpus order
    terms: str = ""  # key terms, e.g. "志愿、鼓励、作用"


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of the coverage matrix: a family in a document (``coverage``)."""

    family: int
    label: str
    doc: str
    article: int | None  # the document's best article in the family; None where it has none
    score: float | None  # that article's best link score to the other documents of the family


#: A family holds at most this many articles of one document (a provision split in two).
FAMILY_MAX_PER_DOC = 2


def _family_members(sp: Space) -> list[list[int]]:
    """Cluster articles over mutual-best strong links, strongest first, capped per document.

    A link is used when it is the best link of *both* its articles towards the other's document
    and is not merely ``related``. Links are taken in order of decreasing score and join their
    two clusters unless the union would hold more than ``FAMILY_MAX_PER_DOC`` articles of one
    document (constrained single linkage). Mutual-best links chain far less than all links:
    measured on the development set, pairwise precision of co-membership 0.96 against 0.87.
    """

    ii, jj, vv, labels = link_arrays(sp)
    if len(ii) == 0:
        return []
    D = len(sp.docs)
    # each article's best link score towards each other document
    key_i = ii.astype(np.int64) * D + sp.doc_of[jj]
    key_j = jj.astype(np.int64) * D + sp.doc_of[ii]
    keys = np.concatenate([key_i, key_j])
    uniq, inv = unique(keys, inverse=True)
    top = np.full(len(uniq), -np.inf)
    np.maximum.at(top, inv, np.concatenate([vv, vv]))
    n = len(ii)
    mutual = (vv >= top[inv[:n]]) & (vv >= top[inv[n:]]) & (labels != "related")
    order = np.lexsort((jj[mutual], ii[mutual], -vv[mutual]))
    ei, ej = ii[mutual][order].tolist(), jj[mutual][order].tolist()

    doc_of = sp.doc_of.tolist()
    parent = list(range(len(doc_of)))
    docs: dict[int, dict[int, int]] = {}  # a cluster's articles per document, by its root
    members: set[int] = set()

    def find(x: int) -> int:
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    for i, j in zip(ei, ej, strict=True):
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        ci = docs.get(ri) or {doc_of[ri]: 1}
        cj = docs.get(rj) or {doc_of[rj]: 1}
        if len(ci) < len(cj):
            ri, rj, ci, cj = rj, ri, cj, ci
        if any(ci.get(d, 0) + k > FAMILY_MAX_PER_DOC for d, k in cj.items()):
            continue
        for d, k in cj.items():
            ci[d] = ci.get(d, 0) + k
        parent[rj] = ri
        members.add(ri)
        members.add(rj)
        docs[ri] = ci
        docs.pop(rj, None)
    groups: dict[int, list[int]] = {}
    for x in members:
        groups.setdefault(find(x), []).append(x)
    return [sorted(g) for g in groups.values() if len(g) > 1]


@lru_cache(maxsize=1)
def _label_stopwords() -> frozenset[str]:
    """Generic legislative words never used in a label (``data/family_stopwords.txt``)."""
    return frozenset(line.strip() for _, line in data_lines("family_stopwords.txt"))


@lru_cache(maxsize=200_000)
def _words(text: str, stop: frozenset[str]) -> frozenset[str]:
    """The label-worthy jieba words of a (masked) text; cached across corpora by text."""
    # jieba is imported here, not at the top: loading it (and its dictionary) costs ~1 s, and
    # only family labels need it — align, reuse and diff never do
    import jieba

    jieba.setLogLevel(60)
    return frozenset(
        w
        for w in jieba.lcut(text)
        if len(w) > 1 and w.isalnum() and not w.isdigit() and w not in stop
    )


#: Labels are computed from at most this many articles per family (the best linked) and
#: document frequencies from at most ``LABEL_SAMPLE`` articles (evenly spread): enough for
#: three key terms, and it keeps labelling cheap on large corpora.
LABEL_MEMBERS = 8


LABEL_SAMPLE = 2000


def _key_terms(sp: Space, members: list[list[int]], best: dict, n: int = 3) -> list[str]:
    """A short label per family: the ``n`` words its articles share that are rarest elsewhere.

    Words come from jieba; a word scores (articles of the family that use it) × idf over the
    corpus's articles; generic legislative verbs (``data/family_stopwords.txt``) are skipped.
    """

    stop = _label_stopwords()

    def words(i: int) -> frozenset[str]:
        return _words(mask(sp.articles[i].text, sp.cities, JURISDICTION), stop)

    total = len(sp.articles)
    step = max(1, total // LABEL_SAMPLE)
    sample = range(0, total, step)
    df: Counter = Counter()
    for i in sample:
        df.update(words(i))
    labels = []
    for g in members:
        top = sorted(g, key=lambda i: (-best.get(i, 0.0), i))[:LABEL_MEMBERS]
        tf: Counter = Counter()
        for i in top:
            tf.update(words(i))
        scored = sorted(
            tf.items(),
            key=lambda kv: (-kv[1] * math.log((1 + len(sample)) / (1 + df[kv[0]])), kv[0]),
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


_CLAUSE = re.compile(r"[，。；：！？\n]+")
_ITEM = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
#: A clause that goes on from the one before (并将评价结果…反馈) reads as a label without its
#: connective (将评价结果…反馈).
_CONNECTIVE = re.compile(r"^(?:并且|并|且|同时|以及|或者|及)(?=.)")
#: A typical phrase is a clause of this many characters (shorter says too little to read as a
#: label, longer is a sentence).
PHRASE_CHARS = (5, 22)


def _bigrams(text: str) -> set[str]:
    t = bare(text)
    return {t[k : k + 2] for k in range(len(t) - 1)}


def _phrases(sp: Space, members: list[list[int]], best: dict) -> list[str | None]:
    """A readable label per family: the heading (【…】) most of its articles that have one carry,
    else its most typical phrase — the clause of its articles whose words (character pairs,
    weighted by their rarity in the corpus) the family's other documents share most. None when
    no clause fits (``PHRASE_CHARS``)."""
    total = len(sp.articles)
    step = max(1, total // LABEL_SAMPLE)
    df: Counter = Counter()
    grams = {}
    for i in range(0, total, step):
        grams[i] = _bigrams(sp.masked_body[i])
        df.update(grams[i])
    n_sample = len(range(0, total, step))
    out: list[str | None] = []
    for g in members:
        heads = Counter(sp.articles[i].heading for i in g if sp.articles[i].heading)
        if heads:
            out.append(heads.most_common(1)[0][0])
            continue
        top = sorted(g, key=lambda i: (-best.get(i, 0.0), i))[:LABEL_MEMBERS]
        bags = {i: grams.get(i) or _bigrams(sp.masked_body[i]) for i in top}
        picked, score = None, 0.0
        for i in top:
            others = [bags[j] for j in top if sp.doc_of[j] != sp.doc_of[i]]
            if not others:
                continue
            share: Counter = Counter()  # in how many of the other documents' articles
            for bag in others:
                share.update(bag)
            for clause in _CLAUSE.split(sp.articles[i].text):
                clause = _CONNECTIVE.sub("", _ITEM.sub("", clause.strip()))
                if not PHRASE_CHARS[0] <= len(clause) <= PHRASE_CHARS[1]:
                    continue
                # unmasked: a pair with a city name in it is shared by no other city's article
                pairs = _bigrams(clause)
                if not pairs:
                    continue
                shared = sum(
                    math.log((1 + n_sample) / (1 + df[p])) * share[p] for p in pairs
                ) / len(others)
                value = shared / math.sqrt(len(pairs))
                if value > score:
                    picked, score = clause, value
        out.append(picked)
    return out


class FamilyTable(NamedTuple):
    """The families of a corpus and what ``coverage`` and ``gaps`` need to know about them."""

    families: list[Family]  # largest first
    family_of: dict[int, int]  # article index -> family number
    best: dict[int, float]  # article index -> its best link score inside its family
    groups: list[list[int]]  # the article indices of each family, in family order


def _build_families(sp: Space) -> FamilyTable:
    from .persist import stages

    link_arrays(sp), sp.masked_body  # noqa: B018  (progress bars of their own first)
    with stages(("grouping", "key terms", "labels"), "Grouping families", len(sp.articles)) as done:
        return _families_of(sp, done)


def _families_of(sp: Space, done) -> FamilyTable:
    groups = _family_members(sp)
    groups.sort(key=lambda g: (-len({int(sp.doc_of[i]) for i in g}), g[0]))
    fam_of = {i: k + 1 for k, g in enumerate(groups) for i in g}
    # each member's best link score to another member of its family
    ii, jj, vv, _ = link_arrays(sp)
    fam = np.zeros(len(sp.articles), dtype=np.int64)
    for i, f in fam_of.items():
        fam[i] = f
    inside = (fam[ii] > 0) & (fam[ii] == fam[jj])
    top = np.zeros(len(sp.articles))
    np.maximum.at(top, ii[inside], vv[inside])
    np.maximum.at(top, jj[inside], vv[inside])
    best = {i: float(top[i]) for i in fam_of}
    done("grouping")
    terms = _key_terms(sp, groups, best)
    done("key terms")
    phrases = _phrases(sp, groups, best)
    done("labels")
    fams = [
        Family(
            k + 1,
            phrases[k] or terms[k],
            len({int(sp.doc_of[i]) for i in g}),
            tuple(sp.articles[i].key for i in g),
            terms[k],
        )
        for k, g in enumerate(groups)
    ]
    return FamilyTable(fams, fam_of, best, groups)


def family_table(corpus) -> FamilyTable:
    """The families of a corpus (kept with its similarity space)."""
    key = ("families", FAMILY_MAX_PER_DOC, LABEL_MEMBERS, LABEL_SAMPLE, PHRASE_CHARS, settings())
    return space(corpus).derived(key, _build_families)


def families(corpus):
    """Provision families: groups of equivalent articles across documents, largest first.

    Each family is labelled with its key terms and lists its articles (``doc:no``); a family
    holds at most ``FAMILY_MAX_PER_DOC`` articles of one document.

    例：families(corpus)[0] → Family(1, "志愿服务、…", 5, ("changchun:21", "hohhot:36", …))
    """
    return Results(list(family_table(corpus).families), row_type=Family)


def coverage(corpus):
    """The family × document matrix as cells: each document's best article in each family.

    A document without an article in a family gets a cell with ``article`` and ``score`` None;
    one without any article (read as paragraphs) gets no cells.
    ``coverage(corpus).to_frame().pivot(index="family", columns="doc", values="article")`` is
    the matrix.
    """
    sp = space(corpus)
    fams, _, best, groups = family_table(corpus)
    cells = []
    for fam, g in zip(fams, groups, strict=True):
        by_doc: dict[int, int] = {}
        for i in g:
            d = int(sp.doc_of[i])
            if d not in by_doc or best.get(i, 0) > best.get(by_doc[d], 0):
                by_doc[d] = i
        for d, doc_id in enumerate(sp.doc_ids):
            if not sp.docs[d].articles:  # an instrument read as paragraphs is not compared
                continue
            i = by_doc.get(d)
            if i is None:
                cells.append(Cell(fam.family, fam.label, doc_id, None, None))
            else:
                cells.append(
                    Cell(fam.family, fam.label, doc_id, sp.articles[i].no, round(best.get(i, 0), 4))
                )
    return Results(cells, row_type=Cell)
