"""The analyzers of the index: character bigrams (prose), jieba words, single values; and jieba.

- :class:`BigramTokenizer` cuts prose into overlapping character bigrams: a query word is a phrase
  of its bigrams, so it hits exactly the articles whose normalized text contains it, and
  analysing a query needs no dictionary.
- :class:`JiebaTokenizer` gives the jieba words of a text (governance terms of
  ``data/userdict.txt`` kept whole) with positions in word order, for ``word:`` phrase queries.
- :class:`ValueTokenizer` keeps a whole value as one normalized token, for filters.

jieba is loaded only by :func:`_jieba` (building, or a ``word:`` query), never on the plain
search path; its dictionary is kept as a pickle in the cache directory.
"""

from __future__ import annotations

import re
import zlib
from functools import lru_cache
from pathlib import Path

from whoosh.analysis import Token, Tokenizer

from .._cache import cache_dir, write_cache_file

__all__ = ["BigramTokenizer", "JiebaTokenizer", "ValueTokenizer", "USER_FREQ", "segment"]

_RUN = re.compile(r"\S+")
_WS = re.compile(r"\s+")


def _norm(text: str) -> str:
    """A query string normalized like the text (ASCII needs nothing, so skip OpenCC).

    Normalized queries are remembered (:func:`_query_memo`): a query searched before is not
    normalized again, so a cold ``jdcorpus search`` of it loads neither the normalization
    module nor OpenCC's dictionaries (~20% of its start-up)."""
    if text.isascii():
        return text
    memo = _query_memo()
    out = memo.get(text)
    if out is None:
        from ..normalize import normalize_query

        out = memo[text] = normalize_query(text)
        _remember(memo)
    return out


#: Queries remembered at most (the oldest are forgotten first).
_MEMO_SIZE = 2000


def _memo_path() -> Path:
    """Where normalized queries are remembered: keyed by the normalization code and its data
    (:func:`~jdcorpus._cache.code_stamp`) and by the installed OpenCC."""
    import importlib.util

    from .._cache import code_stamp

    spec = importlib.util.find_spec("opencc")
    st = Path(spec.origin).stat() if spec is not None and spec.origin else None
    stamp = f"{code_stamp('normalize')}\0{st and (st.st_size, st.st_mtime_ns)}"
    return cache_dir() / "stamps" / f"queries-{zlib.crc32(stamp.encode()):08x}.json"


@lru_cache(maxsize=1)
def _query_memo() -> dict[str, str]:
    import json

    try:
        memo = json.loads(_memo_path().read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return memo if isinstance(memo, dict) else {}


def _remember(memo: dict[str, str]) -> None:
    import json

    while len(memo) > _MEMO_SIZE:
        del memo[next(iter(memo))]
    data = json.dumps(memo, ensure_ascii=False).encode()
    write_cache_file(_memo_path(), data)


def _lower(s: str) -> str:
    low = s.lower()
    return low if len(low) == len(s) else s  # keep offsets if lower() changes the length


class BigramTokenizer(Tokenizer):
    """Overlapping character bigrams, for exact substring matching of Chinese text.

    Index mode: each run of non-space characters ``c0 c1 … cn`` gives ``c0c1`` at position p,
    ``c1c2`` at p+1, … and the last character alone at p+n, so every character starts exactly one
    token; runs (lines) are one position apart, so no phrase crosses a line break. Query mode: the
    text is normalized, its spaces removed (Chinese has none between words: ``"社区 工作者"``
    means 社区工作者), and cut into bigrams only; a one-character query gives one unigram, which
    :func:`search` turns into a prefix query (every bigram starting with it, or the unigram).

    例：index "网格化" → 网格@0 格化@1 化@2；query "网格化" → 网格 格化 (a phrase).
    """

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if mode == "query":
            key = _WS.sub("", _norm(value))
            runs = [(0, key)] if key else []
        else:
            runs = [(m.start(), m.group()) for m in _RUN.finditer(value)]
        pos = start_pos
        for off, run in runs:
            low = _lower(run)
            n = len(run)
            last = n if (mode != "query" or n == 1) else n - 1
            for i in range(last):
                t.text = low[i : i + 2]
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = run[i : i + 2]
                if positions:
                    t.pos = pos + i
                if chars:
                    t.startchar = start_char + off + i
                    t.endchar = start_char + off + min(i + 2, n)
                yield t
            pos += n + 1


class JiebaTokenizer(Tokenizer):
    """jieba words (default mode, no HMM, governance user dictionary): positions in token order.

    Unlike jieba's own Whoosh analyzer (search mode: overlapping sub-words, character offsets as
    positions), every word is one token and word k has position k, so phrase queries work;
    punctuation is not a token but advances the position by one, so no phrase crosses it.
    ``startchar``/``endchar`` are character offsets, for highlighting. jieba is imported only
    when this runs (building, or a ``word:`` query), never on the plain search path.
    """

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = _norm(value) if mode == "query" else value
        pos = start_pos
        prev = None
        for s, e in _words(text):
            if prev is not None and s != prev:
                pos += 1  # punctuation or a line break in between
            t.text = _lower(text[s:e])
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = text[s:e]
            if positions:
                t.pos = pos
            if chars:
                t.startchar = start_char + s
                t.endchar = start_char + e
            yield t
            pos += 1
            prev = e


class ValueTokenizer(Tokenizer):
    """The whole value as one token, normalized in queries (``city:長春市`` → 长春).

    ``suffix`` is dropped from query values that end with it (``北京市`` → 北京).
    """

    def __init__(self, suffix: str = ""):
        self.suffix = suffix

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        text = value.strip()
        if mode == "query":
            text = _norm(text).strip()
            if self.suffix and text.endswith(self.suffix) and len(text) > len(self.suffix):
                text = text[: -len(self.suffix)]
        t.text = _lower(text)
        t.boost = 1.0
        t.stopped = False
        if keeporiginal:
            t.original = value
        if positions:
            t.pos = start_pos
        if chars:
            t.startchar = start_char
            t.endchar = start_char + len(value)
        yield t


# -- jieba ------------------------------------------------------------------------------------


#: jieba frequency of a user-dictionary term given without one: high enough that the term wins
#: against the segmentations of its neighbours (矛盾纠纷 in 化解矛盾纠纷), not only in isolation.
USER_FREQ = 20000


def _userdict() -> tuple[str, list[tuple[str, int, str | None]]]:
    """The text of ``data/userdict.txt`` and its entries (word, frequency, tag)."""
    from .._data import data_text

    text = data_text("userdict.txt")
    entries = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):  # jieba's own loader has no comments
            continue
        word, *rest = line.split()
        freq = int(rest[0]) if rest and rest[0].isdigit() else USER_FREQ
        tag = rest[-1] if rest and not rest[-1].isdigit() else None
        entries.append((word, freq, tag))
    return text, entries


@lru_cache(maxsize=1)
def _jieba():
    """A private jieba tokenizer with the governance user dictionary (loaded once).

    jieba keeps its prefix dictionary in a ``marshal`` cache that takes ~0.9 s to load here; the
    same dictionary, user words added, loads from a pickle in ~0.3 s, so that is kept in the
    cache directory, keyed by the jieba version, its dictionary file and the user dictionary.
    Only ``FREQ``/``total`` are cached: what jieba's ``initialize`` and ``add_word`` produce.
    """
    import hashlib
    import logging
    import pickle

    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    text, entries = _userdict()
    dict_file = Path(jieba.__file__).with_name("dict.txt")
    st = dict_file.stat() if dict_file.exists() else None
    stamp = f"{jieba.__version__}\0{st and (st.st_size, st.st_mtime_ns)}\0{text}"
    cache = cache_dir() / f"jieba-{hashlib.sha256(stamp.encode()).hexdigest()[:16]}.pickle"
    try:
        with open(cache, "rb") as f:
            tk.FREQ, tk.total = pickle.load(f)
        tk.initialized = True
        return tk
    except (OSError, ValueError, EOFError, pickle.UnpicklingError):
        pass
    tk.initialize()
    for word, freq, tag in entries:
        tk.add_word(word, freq, tag)
    write_cache_file(cache, pickle.dumps((tk.FREQ, tk.total), protocol=pickle.HIGHEST_PROTOCOL))
    return tk


class _Segmenter:
    """jieba's default mode without HMM (``Tokenizer.cut(text, HMM=False)``): the same words, ~3x
    faster.

    jieba cuts a text into blocks (runs of Han characters, letters and digits) and each block into
    the most probable path through its prefix dictionary; a block's words do not depend on its
    context. This walks the same dictionary with the same arithmetic (so ties and rounding are
    jieba's), without building jieba's intermediate DAG dict and generator of tuples, and remembers
    the words of a block seen before (statutes repeat their clauses). Equality with jieba is
    tested on every article of the bundled corpus.
    """

    _MAX_BLOCKS = 200_000  # remembered blocks (~40 MB) before the memory is cleared

    def __init__(self, tk):
        import math

        import jieba

        self.freq = tk.FREQ
        self.logtotal = math.log(tk.total)
        self.log = math.log
        self.han = jieba.re_han_default
        self.skip = jieba.re_skip_default
        self.eng = jieba.re_eng
        self.blocks: dict[str, tuple[int, ...]] = {}

    def lengths(self, text: str) -> list[int]:
        """The lengths of the successive tokens of ``text`` (they add up to ``len(text)``)."""
        out: list[int] = []
        blocks = self.blocks
        for blk in self.han.split(text):
            if not blk:
                continue
            if self.han.match(blk):
                lens = blocks.get(blk)
                if lens is None:
                    if len(blocks) >= self._MAX_BLOCKS:
                        blocks.clear()
                    lens = blocks[blk] = self._cut(blk)
                out.extend(lens)
            else:
                for x in self.skip.split(blk):
                    if not x:
                        continue
                    if self.skip.match(x):
                        out.append(len(x))
                    else:
                        out.extend([1] * len(x))
        return out

    def _cut(self, s: str) -> tuple[int, ...]:
        """``__cut_DAG_NO_HMM`` of one block, as word lengths."""
        freq, log, lt = self.freq, self.log, self.logtotal
        n = len(s)
        score = [0.0] * (n + 1)
        end = list(range(n + 1))
        for k in range(n - 1, -1, -1):
            best = None
            i = k
            frag = s[k]
            while frag in freq:  # jieba's get_DAG: every dictionary word starting at k
                f = freq[frag]
                if f:
                    sc = log(f) - lt + score[i + 1]
                    if best is None or sc >= best:  # max of (score, end): a tie takes the longer
                        best, end[k] = sc, i
                i += 1
                if i >= n:
                    break
                frag = s[k : i + 1]
            if best is None:  # no word: the character alone
                best = log(freq.get(s[k]) or 1) - lt + score[k + 1]
                end[k] = k
            score[k] = best
        out: list[int] = []
        eng = self.eng.match
        x = buf = 0
        while x < n:
            y = end[x] + 1
            if y - x == 1 and eng(s[x]):  # single letters and digits run together
                buf += 1
            else:
                if buf:
                    out.append(buf)
                    buf = 0
                out.append(y - x)
            x = y
        if buf:
            out.append(buf)
        return tuple(out)


@lru_cache(maxsize=1)
def _segmenter() -> _Segmenter:
    return _Segmenter(_jieba())


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every jieba token of ``text``, punctuation included, in order (what
    ``jieba.Tokenizer.tokenize(text, HMM=False)`` gives, through :class:`_Segmenter`)."""
    out = []
    pos = 0
    for n in _segmenter().lengths(text):
        out.append((pos, pos + n))
        pos += n
    return tuple(out)


def _words(text: str) -> list[tuple[int, int]]:
    """The tokens with a letter or digit (punctuation and spaces are no words)."""
    out = []
    for s, e in _tokens(text):
        w = text[s:e]
        if w.isalnum() or any(c.isalnum() for c in w):
            out.append((s, e))
    return out


def segment(text: str) -> list[str]:
    """The jieba words of ``text`` as the index sees them (governance terms kept whole).

    例：``segment("推进网格化管理")`` → ``["推进", "网格化", "管理"]``
    """
    return [text[s:e] for s, e in _words(text)]


def _bounds(text: str) -> bytes:
    """The word boundaries of ``text`` (every token start, and the end), stored as a bit set:
    bit ``i`` is set when a word starts or ends at offset ``i`` (~16 bytes an article)."""
    bits = 1 << len(text)
    for s, _e in _tokens(text):
        bits |= 1 << s
    return bits.to_bytes(len(text) // 8 + 1, "little")


def _unpack_bounds(data: bytes | None) -> list[int]:
    """The offsets :func:`_bounds` stored, ascending."""
    if not data:
        return []
    bits = bin(int.from_bytes(data, "little"))[:1:-1]  # bit 0 first
    return [i for i, b in enumerate(bits) if b == "1"]
