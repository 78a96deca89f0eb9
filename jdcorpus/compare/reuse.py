"""Reuse: articles of different cities that share substantial text, with the likely direction.

Texts are compared masked and without punctuation; shared runs are the matching blocks of
``difflib.SequenceMatcher`` (autojunk off), found for all candidate pairs at once with numpy
(:class:`_SharedRuns`, :func:`_window_blocks`) — same blocks, checked against difflib on random
texts (``tests/test_compare.py``) and on the 145k candidate pairs of the 100× synthetic corpus.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from itertools import accumulate

import numpy as np

from ..errors import UsageError
from ..results import Results
from .masking import PLACEHOLDERS, PUNCT, Masked, bare
from .vectors import Space, space, unique


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


#: Reuse needs a shared run of at least this many characters (masked text, punctuation removed) …
REUSE_RUN = 12


#: … and, counting only shared runs of at least ``REUSE_BLOCK`` characters, at least
#: ``REUSE_SHARED`` shared characters or ``REUSE_CONTAINMENT`` of the shorter article.
REUSE_BLOCK = 6


REUSE_SHARED = 30


REUSE_CONTAINMENT = 0.5


#: Above ``DENSE_LIMIT`` articles, reuse is looked for among each article's this many most
#: similar articles of other cities only.
REUSE_TOP_K = 5


def _masked_offsets(sp: Space, arts, *bare_at):
    """Offsets in the masked bodies of articles ``arts`` of their characters ``bare_at`` (one
    array of offsets per argument), counted in the bodies without punctuation (what shared runs
    are counted in)."""

    codes, offsets, lens = _text_codes(sp.masked_body)
    chars = unique(codes)
    punct = np.array([bool(PUNCT.match(chr(c))) for c in chars.tolist()], dtype=bool)
    pos = np.flatnonzero(~punct[np.searchsorted(chars, codes)])  # the bare characters
    counts = np.bincount(np.repeat(np.arange(len(lens)), lens)[pos], minlength=len(lens))
    base = np.cumsum(counts) - counts
    return [pos[base[arts] + at] - offsets[arts] for at in bare_at]


def _mask_shifts(m: Masked):
    """Where the masks of ``m`` sit and how far the masks before each one shift the text."""
    ats = [s.at for s in m.spans]
    shifts = list(
        accumulate((s.end - s.start - len(PLACEHOLDERS[s.cls]) for s in m.spans), initial=0)
    )
    return m.spans, ats, shifts


def _source_offset(spans, ats, shifts, x: int, end: bool) -> int:
    """Offset in the unmasked text of masked character ``x`` (its end if ``end``)."""
    k = bisect_left(ats, x)
    # a placeholder character stands for the whole name
    while k < len(ats) and ats[k] == x:
        s = spans[k]
        if PLACEHOLDERS[s.cls]:
            return s.end if end else s.start
        k += 1
    # otherwise shift by what the masks before it changed (zero-width ones at x included)
    return x + shifts[k] + (1 if end else 0)


def _run_source(sp: Space, i: int, lo: int, hi: int, maps: dict | None = None) -> str:
    """The text of article ``i`` (its ``Article.text``) behind the characters ``lo`` to ``hi``
    (inclusive) of its masked body: the names the placeholders stood for instead of them.
    ``maps`` caches :func:`_mask_shifts` per article across calls."""
    hit = None if maps is None else maps.get(i)
    if hit is None:
        hit = _mask_shifts(sp.body_masks[i])
        if maps is not None:
            maps[i] = hit
    text = sp.articles[i].text
    return text[_source_offset(*hit, lo, False) : _source_offset(*hit, hi, True)]


# Shared runs. ``difflib.SequenceMatcher`` (autojunk off) finds the matching blocks of two texts
# by taking the longest common substring of a window (earliest in a, then in b), then doing the
# same left and right of it. Blocks of at least k characters are pieces of the *maximal runs of
# at least k characters* the two texts share (diagonals of equal characters that cannot be
# extended), clipped to the window; so the runs are found first, for many pairs of texts at once
# with numpy (k-grams as numbers, joined by sorting), and the recursion then runs over the runs
# of each pair only — again for all pairs at once. Same blocks as SequenceMatcher, checked on
# random texts and on the 145k candidate pairs of the 100× synthetic corpus.


def _text_codes(texts: list[str]):
    """The texts' characters as one array of code points, and each text's offset and length."""

    lens = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    joined = "".join(texts).encode("utf-32-le", "surrogatepass")
    return np.frombuffer(joined, dtype=np.uint32), np.cumsum(lens) - lens, lens


def _kgram_ids(codes, lens, k: int):
    """``(ids, bound)``: for each character position of the concatenated texts, a number below
    ``bound`` standing for the ``k`` characters from there (equal numbers, equal strings), -1
    where its text has fewer than ``k`` characters left."""

    if k < 1:
        raise UsageError("k must be positive")
    total = len(codes)
    # characters left in the text from each position
    small = np.int32 if total < 2**31 else np.int64
    room = np.repeat(np.cumsum(lens).astype(small), lens) - np.arange(total, dtype=small)
    present = np.zeros(0x110000, dtype=bool)
    present[codes] = True
    ids = (np.cumsum(present) - 1)[codes]
    bound = max(int(present.sum()), 1)
    m = 1
    while m < k:
        step = min(m, k - m)  # an (m + step)-gram is the m-grams at p and p + step
        if bound * bound >= 2**62:  # number the m-grams densely first
            at = np.flatnonzero(room >= m)
            uniq, inv = unique(ids[at], inverse=True)
            ids = np.full(total, -1, dtype=np.int64)
            ids[at] = inv
            bound = max(len(uniq), 1)
        at = np.flatnonzero(room >= m + step)
        nxt = np.full(total, -1, dtype=np.int64)
        nxt[at] = ids[at] * bound + ids[at + step]
        del at
        ids, bound = nxt, bound * bound
        m += step
    return ids, bound


class _SharedRuns:
    """The maximal runs of at least ``k`` characters shared by pairs of ``texts``, found for many
    pairs at once (see :meth:`runs`)."""

    def __init__(self, texts: list[str], k: int):

        self.k = k
        self.codes, self.offsets, self.lens = _text_codes(texts)
        ids, bound = _kgram_ids(self.codes, self.lens, k)
        # each text's k-grams sorted by number
        text_of = np.repeat(np.arange(len(texts), dtype=np.int32), self.lens)
        pos = np.flatnonzero(ids >= 0)
        if bound * max(len(texts), 1) < 2**62:
            order = np.argsort(text_of[pos].astype(np.int64) * bound + ids[pos], kind="stable")
        else:
            order = np.lexsort((ids[pos], text_of[pos]))
        pos = pos[order]
        del order
        self.gram = ids[pos]
        del ids
        self.at = pos - self.offsets[text_of[pos]]  # position in its text
        self.count = np.maximum(self.lens - k + 1, 0)
        self.first = np.cumsum(self.count) - self.count
        self.bound = bound
        self.width = int(self.lens.max(initial=0)) + 1

    def _side(self, texts, pair):
        """The k-grams of ``texts`` (one per pair), as ``pair * bound + number``, sorted, with
        their positions and pairs."""

        cnt = self.count[texts]
        start = np.cumsum(cnt) - cnt
        idx = np.arange(int(cnt.sum())) + np.repeat(self.first[texts] - start, cnt)
        p = np.repeat(pair, cnt)
        return p * self.bound + self.gram[idx], self.at[idx], p

    def chunks(self, ta, tb, size: int = 1_500_000):
        """Pairs ``ta[lo:hi], tb[lo:hi]`` in slices of at most about ``size`` k-grams."""

        load = np.cumsum(self.count[ta] + self.count[tb])
        lo = 0
        while lo < len(ta):
            hi = int(np.searchsorted(load, (load[lo - 1] if lo else 0) + size, "right"))
            hi = max(hi, lo + 1)
            if self.bound * (hi - lo) >= 2**62:
                hi = lo + max(1, 2**62 // self.bound - 1)
            yield lo, hi
            lo = hi

    def runs(self, ta, tb):
        """For the pairs ``(ta[p], tb[p])``: arrays ``(p, i, j, n)`` of their maximal shared runs
        (``a[i:i+n] == b[j:j+n]``, ``n >= k``, not extensible), sorted by ``p``, ``i``, ``j``."""

        k, codes, width = self.k, self.codes, self.width
        pair = np.arange(len(ta))
        key_a, ia, pa = self._side(ta, pair)
        key_b, jb, _ = self._side(tb, pair)
        # every (i, j) where the k-grams are equal: b's k-grams are runs of equal keys
        first = np.ones(len(key_b), dtype=bool)
        np.not_equal(key_b[1:], key_b[:-1], out=first[1:])
        start = np.flatnonzero(first)
        ub, cb = key_b[start], np.diff(np.r_[start, len(key_b)])
        at = np.minimum(np.searchsorted(ub, key_a), max(len(ub) - 1, 0))
        hit = np.flatnonzero(ub[at] == key_a) if len(ub) else np.array([], dtype=np.int64)
        lo, cnt = start[at[hit]], cb[at[hit]]
        rep = np.repeat(np.arange(len(hit)), cnt)
        within = np.arange(len(rep)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
        p = pa[hit][rep]
        i = ia[hit][rep]
        j = jb[lo[rep] + within]
        # a run starts where the characters before differ, and ends where those after do
        ga, gb = self.offsets[ta[p]], self.offsets[tb[p]]
        last = len(codes) - 1
        start = (i == 0) | (j == 0)
        start |= codes[np.maximum(ga + i - 1, 0)] != codes[np.maximum(gb + j - 1, 0)]
        end = (i + k == self.lens[ta[p]]) | (j + k == self.lens[tb[p]])
        end |= codes[np.minimum(ga + i + k, last)] != codes[np.minimum(gb + j + k, last)]
        # the starts and ends of one diagonal alternate: pair them in order
        diag = (p * 2 * width + (i - j + width)) * width + i
        s = np.flatnonzero(start)
        e = np.flatnonzero(end)
        s = s[np.argsort(diag[s], kind="stable")]
        e = e[np.argsort(diag[e], kind="stable")]
        p, i, j, n = p[s], i[s], j[s], i[e] - i[s] + k
        order = np.argsort((p * width + i) * width + j, kind="stable")
        return p[order], i[order], j[order], n[order]


def _window_blocks(p, i, j, n, la, lb, k: int):
    """The matching blocks of at least ``k`` characters, as SequenceMatcher's recursion finds
    them, from the maximal shared runs ``(p, i, j, n)`` of pairs of texts of lengths ``la``,
    ``lb`` (per pair): arrays ``(p, i, j, size)``, in no particular order.

    Where a pair's runs come in the same order in both texts without overlapping, every run is
    a block. Otherwise the recursion runs level by level over the windows of all such pairs:
    each window takes its longest clipped run (earliest in a, then in b) and passes the runs it
    holds to the windows left and right of it.
    """

    later = p[1:] == p[:-1]
    cross = later & ((i[1:] < i[:-1] + n[:-1]) | (j[1:] < j[:-1] + n[:-1]))
    tangled = np.zeros(len(la), dtype=bool)
    tangled[p[1:][cross]] = True
    simple = ~tangled[p]
    out = [(p[simple], i[simple], j[simple], n[simple])]
    rows = np.flatnonzero(~simple)  # runs still to place
    wpair = unique(p[rows])  # one window per pair to start with
    alo, ahi = np.zeros(len(wpair), dtype=np.int64), la[wpair]
    blo, bhi = np.zeros(len(wpair), dtype=np.int64), lb[wpair]
    rw = np.searchsorted(wpair, p[rows])  # the window of each row
    while len(rows):
        lo = np.maximum(np.maximum(alo[rw] - i[rows], blo[rw] - j[rows]), 0)
        size = np.minimum(np.minimum(ahi[rw] - i[rows], bhi[rw] - j[rows]), n[rows]) - lo
        ok = size >= k
        rows, rw, lo, size = rows[ok], rw[ok], lo[ok], size[ok]
        if not len(rows):
            break
        si, sj = i[rows] + lo, j[rows] + lo
        order = np.lexsort((sj, si, -size, rw))
        head = np.ones(len(order), dtype=bool)
        head[1:] = rw[order][1:] != rw[order][:-1]
        best = order[head]
        bw, bi, bj, bs = rw[best], si[best], sj[best], size[best]
        out.append((wpair[bw], bi, bj, bs))
        # a window with one run inside is done; others split around their block
        many = np.bincount(rw, minlength=len(wpair))[bw] > 1
        left = many & (alo[bw] < bi) & (blo[bw] < bj)
        right = many & (bi + bs < ahi[bw]) & (bj + bs < bhi[bw])
        nl, nr = int(left.sum()), int(right.sum())
        to_left = np.full(len(wpair), -1)
        to_right = np.full(len(wpair), -1)
        to_left[bw[left]] = np.arange(nl)
        to_right[bw[right]] = nl + np.arange(nr)
        lw, rwin = bw[left], bw[right]
        alo, ahi, blo, bhi = (
            np.r_[alo[lw], bi[right] + bs[right]],
            np.r_[bi[left], ahi[rwin]],
            np.r_[blo[lw], bj[right] + bs[right]],
            np.r_[bj[left], bhi[rwin]],
        )
        wpair = np.r_[wpair[lw], wpair[rwin]]
        gl, gr = to_left[rw], to_right[rw]
        rows = np.r_[rows[gl >= 0], rows[gr >= 0]]
        rw = np.r_[gl[gl >= 0], gr[gr >= 0]]
    return tuple(np.concatenate(parts) for parts in zip(*out, strict=True))


def _matching_runs(a: str, b: str, k: int) -> list[tuple[int, int, int]]:
    """The matching blocks of at least ``k`` characters that ``difflib.SequenceMatcher``
    (autojunk off) finds between ``a`` and ``b``: ``(i, j, size)`` in order (one pair of the
    batch :func:`reuse` computes)."""

    if not a or not b:
        return []
    sr = _SharedRuns([a, b], k)
    p, i, j, n = sr.runs(np.array([0]), np.array([1]))
    one = np.array([len(a)]), np.array([len(b)])
    _, i, j, n = _window_blocks(p, i, j, n, *one, k)
    return sorted(zip(i.tolist(), j.tolist(), n.tolist(), strict=True))


def _text_date(doc) -> str | None:
    """The date of the text as it stands: revision, else adoption, approval, promulgation …"""
    for name in ("revised", "adopted", "approved", "promulgated", "effective"):
        value = getattr(doc, name, None)
        if value:
            return value
    return None


def _direction(corpus, doc_a: str, doc_b: str) -> str | None:
    """``"earlier -> later"`` by the dates of the two documents' texts (the corpus's documents:
    dates are not part of the content a space is keyed by)."""
    a, b = corpus.get(doc_a), corpus.get(doc_b)
    da, db = _text_date(a), _text_date(b)
    if not da or not db or da == db:
        return None
    return f"{a.id} -> {b.id}" if da < db else f"{b.id} -> {a.id}"


def _reuse_candidates(sp: Space, gram: int):
    """Pairs ``(i, j)``, ``i < j``, of articles of different cities that may share a run of
    ``gram`` characters, as two arrays in order.

    Small corpora: every pair that does (an inverted index of the runs). Large ones: each
    article's ``REUSE_TOP_K`` most similar articles of other cities, so the work grows with N,
    not N² (whether they share a run is left to :func:`reuse`).
    """

    cities = {}
    city = np.array([cities.setdefault(sp.city(i), len(cities)) for i in range(len(sp.articles))])
    if sp.dense:
        texts = [bare(m) for m in sp.masked_body]
        postings: dict[str, list[int]] = defaultdict(list)
        for i, t in enumerate(texts):
            for g in {t[k : k + gram] for k in range(len(t) - gram + 1)}:
                postings[g].append(i)
        pairs: set[tuple[int, int]] = set()
        for ids in postings.values():
            for x in range(len(ids)):
                for y in range(x + 1, len(ids)):
                    if city[ids[x]] != city[ids[y]]:
                        pairs.add((ids[x], ids[y]))
        ci = np.array(sorted(pairs), dtype=np.int64).reshape(-1, 2)
        return ci[:, 0], ci[:, 1]
    ii, jj, vv = sp.topk
    other = city[ii] != city[jj]
    ii, jj, vv = ii[other], jj[other], vv[other]
    order = np.lexsort((-vv, ii))
    ii, jj = ii[order], jj[order]
    starts = np.searchsorted(ii, ii, side="left")
    keep = (np.arange(len(ii)) - starts) < REUSE_TOP_K
    ii, jj = ii[keep], jj[keep]
    n = len(sp.articles)
    key = unique(np.minimum(ii, jj).astype(np.int64) * n + np.maximum(ii, jj))
    return key // n, key % n


def reuse(
    corpus,
    *,
    min_run: int = REUSE_RUN,
    min_shared: int = REUSE_SHARED,
    min_containment: float = REUSE_CONTAINMENT,
):
    """Pairs of articles of different cities that share substantial text, most shared first.

    Texts are compared masked (city, body names, numbers, dates) and without punctuation; shared
    runs are the matching blocks of ``difflib.SequenceMatcher`` (autojunk off), found for all
    candidate pairs at once (:class:`_SharedRuns`, :func:`_window_blocks`). A pair is reported
    when its longest shared run has at least ``min_run`` characters and the runs of at least
    ``REUSE_BLOCK`` characters cover ``min_shared`` characters or ``min_containment`` of the
    shorter article. ``containment`` is that share; ``longest_run`` is the run in article a's
    words; ``direction`` names the earlier and the later document by the date of their texts
    (None when unknown or equal).

    例：reuse(corpus)[0] → Reuse("changchun", 27, "hohhot", 24, 0.72, "指导街道办事处做好应急准备工作…", "changchun -> hohhot")
    """

    sp = space(corpus)
    ci, cj = _reuse_candidates(sp, min_run)
    if not len(ci):
        return Results([], row_type=Reuse)
    sr = _SharedRuns([bare(t) for t in sp.masked_body], REUSE_BLOCK)
    la, lb = sr.lens[ci], sr.lens[cj]
    npairs = len(ci)
    shared = np.zeros(npairs)
    longest = np.zeros(npairs, dtype=np.int64)
    at = np.zeros(npairs, dtype=np.int64)
    for lo, hi in sr.chunks(ci, cj):
        p, i, j, n = sr.runs(ci[lo:hi], cj[lo:hi])
        p, i, j, n = _window_blocks(p, i, j, n, la[lo:hi], lb[lo:hi], REUSE_BLOCK)
        p += lo
        shared += np.bincount(p, weights=n, minlength=npairs)
        # the longest block of each pair, the earliest in a among equals
        order = np.lexsort((i, -n, p))
        head = np.ones(len(order), dtype=bool)
        head[1:] = p[order][1:] != p[order][:-1]
        best = order[head]
        longest[p[best]], at[p[best]] = n[best], i[best]
    containment = shared / np.maximum(np.minimum(la, lb), 1)
    ok = (longest >= max(min_run, 1)) & ((shared >= min_shared) | (containment >= min_containment))
    sel = np.flatnonzero(ok)
    sel = sel[np.lexsort((cj[sel], ci[sel], -longest[sel], -containment[sel]))]
    ci, cj, containment = ci[sel], cj[sel], containment[sel]
    start, end = _masked_offsets(sp, ci, at[sel], at[sel] + longest[sel] - 1)
    rows, maps, directions = [], {}, {}
    arts = sp.articles
    for i, j, c, lo, hi in zip(
        ci.tolist(), cj.tolist(), containment.tolist(), start.tolist(), end.tolist(), strict=True
    ):
        x, y = arts[i], arts[j]
        docs = (x.doc_id, y.doc_id)
        if docs not in directions:
            directions[docs] = _direction(corpus, *docs)
        rows.append(
            Reuse(
                x.doc_id,
                x.no,
                y.doc_id,
                y.no,
                round(c, 4),
                _run_source(sp, i, lo, hi, maps),
                directions[docs],
            )
        )
    return Results(rows, row_type=Reuse)
