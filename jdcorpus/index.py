"""Search: a Whoosh index of the articles, exact for Chinese legal terms and fast from a cold start.

One index document per article (:class:`~jdcorpus.model.Article`), its fields derived from the
scalar fields of ``Article`` and ``Document`` (:func:`schema`). Three analyzers:

- **prose fields** (``text``, ``heading``, ``title``, ``chapter_title``, ``section_title``) are
  indexed as overlapping character bigrams (:class:`BigramTokenizer`). A query word is matched as a
  phrase of its bigrams, so it hits exactly the articles whose normalized text *contains* it:
  recall of substring matches is perfect, whatever jieba would make of the word in context.
  Analysing a query needs no dictionary, which keeps jieba off the query path.
- **words** is the jieba segmentation of the text (:class:`JiebaTokenizer`, with the governance
  terms of ``data/userdict.txt`` kept whole): positions in token order, never overlapping, so
  ``word:"网格化 管理"`` is a true phrase query. The word boundaries are also stored, so a
  highlight is widened to the whole words it touches without loading jieba at search time.
- **value fields** (ids, city, kind, status, dates) hold one normalized token each: filters.

Queries are normalized exactly like the text (:func:`jdcorpus.normalize.normalize_query`), inside
the analyzers: ``網格`` and ``网格`` are the same query.

Life cycle: the index lives in a per-user cache directory (``$JDCORPUS_CACHE_DIR`` or the
platform's cache dir), named by a key that hashes the raw corpus files
(:func:`~jdcorpus.corpus.source_fingerprint`, no parsing), the code that shapes the index and
:data:`FORMAT_VERSION`. The first search builds it; a build writes a temporary directory and renames
it into place under a file lock, so readers never see a half-written index.

例：``search(None, "網格 NOT 北京")[0].key`` → ``"tonghua:14"`` (its source says 格線)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sys
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


def _defer_english_morphology() -> None:
    """Load ``whoosh.lang.morph_en`` only when something asks for English word variations.

    ``whoosh.query`` imports it for its ``Variations`` query, and compiling its ~50 large regular
    expressions is the biggest single cost of a cold ``jdcorpus search`` after click and Whoosh
    themselves (~9 ms of ~100). jdcorpus never uses English variations; a stand-in module loads
    the real one on first use, so behaviour is unchanged if anyone does.
    """
    name = "whoosh.lang.morph_en"
    if name in sys.modules or "whoosh.query" in sys.modules:
        return
    import importlib.machinery
    import importlib.util
    import types

    import whoosh.lang

    spec = importlib.machinery.PathFinder.find_spec(name, whoosh.lang.__path__)
    if spec is None:  # pragma: no cover - a Whoosh without the module
        return

    def real():
        if not isinstance(sys.modules.get(name), _Standin):
            return sys.modules[name]
        mod = importlib.util.module_from_spec(spec)
        sys.modules[name] = mod
        spec.loader.exec_module(mod)
        return mod

    class _Standin(types.ModuleType):
        def __getattr__(self, attr):
            if attr.startswith("__"):  # import machinery probing (__path__ …): not a use
                raise AttributeError(attr)
            return getattr(real(), attr)

    standin = _Standin(name)
    standin.variations = lambda word: real().variations(word)
    sys.modules[name] = standin


_defer_english_morphology()

from whoosh.analysis import Token, Tokenizer  # noqa: E402

from ._cache import cache_dir, code_stamp  # noqa: E402
from .errors import QueryError  # noqa: E402
from .model import Article, Document  # noqa: E402
from .results import Results  # noqa: E402

__all__ = [
    "FORMAT_VERSION",
    "BigramTokenizer",
    "JiebaTokenizer",
    "ValueTokenizer",
    "IndexStatus",
    "QueryError",
    "SearchHit",
    "build_index",
    "cache_dir",
    "clear_index",
    "count",
    "format_hits",
    "index_status",
    "schema",
    "search",
    "segment",
]

#: Bump when the schema, the analyzers or the stored values change: old indexes are rebuilt.
FORMAT_VERSION = 1


#: Fields analyzed as prose (bigrams); every other ``str`` field is a single-value filter.
PROSE = frozenset({"title", "heading", "chapter_title", "section_title", "text"})
#: Scalar model fields that are not indexed: source spans, and ``Document.id`` (= ``doc_id``).
_SKIP = frozenset({"id", "original", "original_title", "start", "end"})
#: Fields a bare query word searches, with their BM25F weights.
SEARCHED = {"text": 1.0, "heading": 2.0}
#: Short names accepted in queries (``doc:changchun``, ``chapter:总则``, ``word:网格``).
ALIASES = {
    "doc_id": ["doc"],
    "chapter_title": ["chapter"],
    "section_title": ["section"],
    "no": ["article"],
    "words": ["word"],
}
#: Characters of context a snippet shows (Chinese characters are wide: ~2 terminal columns).
SNIPPET_WIDTH = 72
_LEAD = 18  # context before the first match

_META = "jdcorpus.json"
_RUN = re.compile(r"\S+")
_WS = re.compile(r"\s+")


# -- analyzers --------------------------------------------------------------------------------


def _norm(text: str) -> str:
    """A query string normalized like the text (ASCII needs nothing, so skip OpenCC)."""
    if text.isascii():
        return text
    from .normalize import normalize_query

    return normalize_query(text)


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
    from importlib import resources

    text = resources.files("jdcorpus.data").joinpath("userdict.txt").read_text("utf-8")
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
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_name(f".{cache.name}.{os.getpid()}")
        with open(tmp, "wb") as f:
            pickle.dump((tk.FREQ, tk.total), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, cache)
    except OSError:  # a read-only cache: slower next time, nothing worse
        pass
    return tk


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[tuple[int, int], ...]:
    """(start, end) of every jieba token of ``text``, punctuation included, in order."""
    return tuple((s, e) for _w, s, e in _jieba().tokenize(text, mode="default", HMM=False))


def _words(text: str) -> list[tuple[int, int]]:
    return [(s, e) for s, e in _tokens(text) if any(c.isalnum() for c in text[s:e])]


def segment(text: str) -> list[str]:
    """The jieba words of ``text`` as the index sees them (governance terms kept whole).

    例：``segment("推进网格化管理")`` → ``["推进", "网格化", "管理"]``
    """
    return [text[s:e] for s, e in _words(text)]


def _bounds(text: str) -> bytes:
    """The word boundaries of ``text`` (every token start, and the end), packed for storing."""
    from array import array

    cuts = sorted({0, len(text), *(s for s, _ in _tokens(text)), *(e for _, e in _tokens(text))})
    return array("I", cuts).tobytes()


# -- schema -----------------------------------------------------------------------------------


def _field_sources() -> list[tuple[str, type]]:
    """(field name, model class) of every indexed scalar field, Article first."""
    from .model import scalar_fields

    out: dict[str, type] = {}
    for cls in (Article, Document):
        for name in scalar_fields(cls):
            if name not in _SKIP and name not in out:
                out[name] = cls
    return list(out.items())


def schema():
    """The Whoosh schema, derived from the scalar fields of Article and Document.

    ``str`` fields in :data:`PROSE` are bigram text (stored: snippets and display), numbers are
    numeric, other ``str`` fields single-value filters; plus ``key`` (``doc_id:no``), ``words``
    (jieba) and ``bounds`` (stored word boundaries of the text). Field weights (BM25F) are given
    at query time (:data:`SEARCHED`).
    """
    import typing

    from whoosh import fields

    spec = {"key": fields.ID(stored=True, unique=True)}
    for name, cls in _field_sources():
        hint = typing.get_type_hints(cls)[name]
        kinds = set(typing.get_args(hint)) or {hint}
        if name in PROSE:
            spec[name] = fields.TEXT(
                analyzer=BigramTokenizer(),
                phrase=True,
                stored=True,
                multitoken_query="phrase",
            )
        elif bool in kinds:
            spec[name] = fields.BOOLEAN(stored=True)
        elif int in kinds or float in kinds:
            spec[name] = fields.NUMERIC(int if int in kinds else float, stored=True)
        else:
            spec[name] = fields.ID(
                stored=True, analyzer=ValueTokenizer("市" if name == "city" else "")
            )
    spec["words"] = fields.TEXT(analyzer=JiebaTokenizer(), phrase=True)
    spec["bounds"] = fields.STORED()
    return fields.Schema(**spec)


def _values(doc: Document, art: Article, names: list[tuple[str, type]]) -> dict:
    vals = {"key": art.key, "words": art.text, "bounds": _bounds(art.text)}
    for name, cls in names:
        v = getattr(art if cls is Article else doc, name)
        if v is not None:
            vals[name] = v
    return vals


# -- where the index lives --------------------------------------------------------------------


#: The code that shapes the index (with every data file): a change rebuilds it. Editing the CLI
#: or the comparison code does not.
_SHAPING = ("model", "parse", "normalize", "corpus", "index")


def _code_stamp() -> str:
    return code_stamp(*_SHAPING)


#: Names of the index directories in the cache: ``<corpus slug>-<key>``.
_INDEX_DIR = re.compile(r"(bundled|dir-[0-9a-f]{8}|mem-[0-9a-f]{8})-[0-9a-f]{20}")


def _ours(p: Path) -> bool:
    """Whether ``p`` is an index directory, a build leftover or a dictionary cache of this module."""
    name = p.name
    if p.is_dir():
        return bool(_INDEX_DIR.fullmatch(name)) or name.startswith((".build-", ".old-"))
    return name.startswith("jieba-") and name.endswith(".pickle")


class _Source:
    """What an index is built from: the bundled corpus, a folder, or a Corpus in memory."""

    __slots__ = ("slug", "fingerprint", "folder", "corpus")

    def __init__(self, slug: str, fingerprint: str, folder: str | None = None, corpus=None):
        self.slug = slug  # names the corpus in the cache directory
        self.fingerprint = fingerprint
        self.folder = folder  # a corpus folder (load_corpus(folder)); None: bundled / in memory
        self.corpus = corpus

    @property
    def key(self) -> str:
        h = hashlib.sha256(f"{FORMAT_VERSION}\0{self.fingerprint}\0{_code_stamp()}".encode())
        return h.hexdigest()[:20]

    @property
    def root(self) -> Path:
        return cache_dir()

    @property
    def path(self) -> Path:
        return self.root / f"{self.slug}-{self.key}"

    def load(self):
        if self.corpus is not None:
            return self.corpus
        from .corpus import load_corpus

        return load_corpus(self.folder)


def _source(corpus=None) -> _Source:
    """The source of ``corpus``: raw-file fingerprints for file corpora (no parsing needed)."""
    from .corpus import source_fingerprint

    if corpus is None or getattr(corpus, "name", None) == "bundled":
        return _Source("bundled", source_fingerprint(None), None, corpus)
    name = str(getattr(corpus, "name", ""))
    if name and Path(name).is_dir():
        folder = str(Path(name).resolve())
        tag = hashlib.sha256(folder.encode()).hexdigest()[:8]
        return _Source(f"dir-{tag}", source_fingerprint(folder), folder, corpus)
    tag = hashlib.sha256(name.encode()).hexdigest()[:8]
    return _Source(f"mem-{tag}", corpus.fingerprint, None, corpus)


def _lock(root: Path, timeout: float = 300):
    """The cache directory's build lock (filelock is imported only when a build may happen)."""
    from filelock import FileLock

    root.mkdir(parents=True, exist_ok=True)
    return FileLock(str(root / "index.lock"), timeout=timeout)


# -- building ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexStatus:
    """Where the index of a corpus is, and whether it is built for the current corpus and code."""

    cache_dir: str
    path: str
    key: str
    built: bool
    documents: int | None = None
    articles: int | None = None
    size_bytes: int | None = None
    built_at: str | None = None
    build_seconds: float | None = None
    others: int = 0  # other index directories in the cache (other corpora, old keys)


def _meta(path: Path) -> dict:
    try:
        return json.loads((path / _META).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


def index_status(corpus=None) -> IndexStatus:
    """The state of the index of ``corpus`` (the bundled corpus by default); builds nothing."""
    src = _source(corpus)
    path, root = src.path, src.root
    others = (
        sum(1 for p in root.iterdir() if p.name != path.name and _INDEX_DIR.fullmatch(p.name))
        if root.is_dir()
        else 0
    )
    if not path.is_dir():
        return IndexStatus(str(root), str(path), src.key, False, others=others)
    m = _meta(path)
    size = sum(p.stat().st_size for p in path.iterdir() if p.is_file())
    return IndexStatus(
        str(root),
        str(path),
        src.key,
        True,
        len(m.get("documents", [])),
        m.get("articles"),
        size,
        m.get("built_at"),
        m.get("build_seconds"),
        others,
    )


def build_index(corpus=None, *, force: bool = False, progress=None) -> IndexStatus:
    """Build the index of ``corpus`` (the bundled corpus by default) unless it is already built.

    ``force`` rebuilds it anyway. ``progress``, if given, wraps the list of articles and returns a
    context manager yielding an iterable (``click.progressbar`` fits). The index is written to a
    temporary directory and renamed into place under the cache lock: a reader sees the old index
    or the new one, never a partial one; an interrupted build leaves only a temporary directory,
    removed by the next build.
    """
    src = _source(corpus)
    root = src.root
    with _lock(root):
        if src.path.is_dir() and not force:
            return index_status(corpus)
        _sweep(root, src)
        import tempfile

        tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
        try:
            _write(tmp, src, progress)
            _publish(tmp, src.path)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    _OPEN.pop(str(src.path), None)
    return index_status(corpus)


def _write(path: Path, src: _Source, progress) -> None:
    from whoosh import index as windex

    t0 = time.perf_counter()
    corpus = src.load()
    names = _field_sources()
    pairs = [(d, a) for d in corpus.documents for a in d.articles]
    ix = windex.create_in(str(path), schema())
    from whoosh.codec.whoosh3 import W3Codec

    # uncompressed posting blocks: ~10% faster to build, and the index is small anyway (~4 MB)
    writer = ix.writer(limitmb=256, codec=W3Codec(compression=0))
    try:
        with progress(pairs) if progress else nullcontext(pairs) as items:
            for d, a in items:
                writer.add_document(**_values(d, a, names))
        writer.commit()
    except BaseException:
        writer.cancel()
        raise
    meta = {
        "format": FORMAT_VERSION,
        "key": src.key,
        "fingerprint": src.fingerprint,
        "articles": len(pairs),
        "documents": [
            {"id": d.id, "title": d.title, "city": d.city, "kind": d.kind, "status": d.status}
            for d in corpus.documents
        ],
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": round(time.perf_counter() - t0, 3),
    }
    (path / _META).write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")


def _publish(tmp: Path, dest: Path) -> None:
    """Rename the finished build into place (swapping out an older build of the same key)."""
    if not dest.exists():
        os.rename(tmp, dest)
        return
    old = dest.with_name(f".old-{dest.name}-{os.getpid()}")
    os.rename(dest, old)
    os.rename(tmp, dest)
    shutil.rmtree(old, ignore_errors=True)  # open readers keep their files (POSIX)


def _sweep(root: Path, src: _Source) -> None:
    """Remove leftovers (interrupted builds, swapped-out builds, older keys of this corpus)."""
    for p in root.iterdir():
        stale = p.name.startswith((".build-", ".old-")) or (
            p.name.startswith(src.slug + "-") and p.name != src.path.name
        )
        if stale and p.is_dir():
            shutil.rmtree(p, ignore_errors=True)


def clear_index() -> list[str]:
    """Remove every search index (and the jieba dictionary cache) from the cache directory.

    Returns the paths removed. Other caches in the directory (parsed corpora) are left alone.
    """
    root = cache_dir()
    if not root.is_dir():
        return []
    removed = []
    with _lock(root):
        for p in sorted(root.iterdir()):
            if _ours(p):
                if p.is_dir():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
                removed.append(str(p))
    _OPEN.clear()
    _jieba.cache_clear()
    return removed


# -- opening ----------------------------------------------------------------------------------


class _Open:
    """An open index: its searcher, query parser and build metadata."""

    __slots__ = ("searcher", "parser", "meta")

    def __init__(self, searcher, parser, meta: dict):
        self.searcher, self.parser, self.meta = searcher, parser, meta


_OPEN: dict[str, _Open] = {}  # index path → open searcher: warm searches reuse it


def _open(corpus=None, progress=None) -> _Open:
    src = _source(corpus)
    path = src.path
    cached = _OPEN.get(str(path))
    if cached is not None:
        return cached
    from whoosh import index as windex

    err: Exception | None = None
    for _ in range(5):
        if not path.is_dir():
            build_index(src.corpus, progress=progress)
        try:
            ix = windex.open_dir(str(path))
            searcher = ix.searcher()
            opened = _Open(searcher, _parser(ix.schema), _meta(path))
            _OPEN[str(path)] = opened
            return opened
        except (OSError, windex.IndexError) as e:
            # A rebuild swapped the directory while we opened it: wait for the builder, retry.
            err = e
            with _lock(src.root):
                pass
    raise OSError(f"cannot open the search index {path}: {err}")


def _parser(sch):
    from whoosh import qparser

    p = qparser.MultifieldParser(list(SEARCHED), sch, fieldboosts=SEARCHED, group=qparser.AndGroup)
    p.remove_plugin_class(qparser.WildcardPlugin)  # 网? and 网* are text, not wildcards
    p.remove_plugin_class(qparser.SingleQuotePlugin)
    p.remove_plugin_class(qparser.BoostPlugin)
    p.add_plugin(qparser.FieldAliasPlugin({k: v for k, v in ALIASES.items() if k in sch}))
    return p


# -- queries ----------------------------------------------------------------------------------

_FIELD_RE = re.compile(r"(?:^|[\s(])([A-Za-z_][A-Za-z0-9_]*):")
_OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
# Quotes and the colon typed with a Chinese input method mean the same as the ASCII ones.
_SYNTAX = str.maketrans({"“": '"', "”": '"', "＂": '"', "「": '"', "」": '"'})


def _check(raw: str, fieldnames: set[str]) -> str:
    """Reject what Whoosh would silently misread; returns the query with ASCII syntax."""
    q = raw.translate(_SYNTAX)
    q = re.sub(r"(?<=[A-Za-z_])：", ":", q)
    if not q.strip():
        raise QueryError("empty query")
    if q.count('"') % 2:
        raise QueryError(f"unbalanced quote in query: {raw}")
    depth = 0
    for part in q.split('"')[::2]:  # parentheses outside phrases
        for c in part:
            depth += {"(": 1, ")": -1}.get(c, 0)
            if depth < 0:
                break
    if depth:
        raise QueryError(f"unbalanced parentheses in query: {raw}")
    for part in q.split('"')[::2]:
        for m in _FIELD_RE.finditer(part):
            if m.group(1) not in fieldnames:
                known = ", ".join(sorted(fieldnames))
                raise QueryError(f"unknown field {m.group(1)!r} in query (fields: {known})")
    words = [w for w in q.split('"')[0::2] for w in w.split()]
    if words and (words[-1] in _OPERATORS or words[0] in _OPERATORS - {"NOT"}):
        raise QueryError(f"operator without an operand in query: {raw}")
    return q


def _literal(words) -> str:
    """The text a phrase of consecutive bigrams spells: [网格, 格化] → 网格化."""
    return words[0] + "".join(w[-1] for w in words[1:])


def _text_query(fieldname: str, tokens: list[str], boost: float = 1.0):
    """Term, prefix (one character) or phrase of bigram tokens."""
    from whoosh import query as Q

    if len(tokens) > 1:
        return Q.Phrase(fieldname, tokens, boost=boost)
    if len(tokens[0]) == 1:
        return Q.Prefix(fieldname, tokens[0], boost=boost)
    return Q.Term(fieldname, tokens[0], boost=boost)


def _rewrite(q, literals: list[str], negated: bool = False):
    """One-character bigram terms become prefix queries; collect the positive search literals."""
    from whoosh import query as Q

    if isinstance(q, Q.Term | Q.Phrase) and q.fieldname in PROSE:
        words = [q.text] if isinstance(q, Q.Term) else list(q.words)
        if not words:
            return Q.NullQuery
        if not negated and q.fieldname in SEARCHED:
            literals.append(_literal(words))
        return _text_query(q.fieldname, words, q.boost)
    if isinstance(q, Q.Term | Q.Phrase) and q.fieldname == "words":
        if not negated:
            literals.append("".join([q.text] if isinstance(q, Q.Term) else q.words))
        return q
    if isinstance(q, Q.AndNot):
        return Q.AndNot(_rewrite(q.a, literals, negated), _rewrite(q.b, literals, not negated))
    if isinstance(q, Q.Not):
        return Q.Not(_rewrite(q.query, literals, not negated), boost=q.boost)
    return q.apply(lambda c: _rewrite(c, literals, negated))


def parse_query(query: str, parser) -> tuple[object, list[str]]:
    """A Whoosh query from the query language, and the literal strings to highlight."""
    from whoosh import query as Q

    fieldnames = set(parser.schema.names()) - {"bounds", "key"}
    fieldnames |= {a for v in ALIASES.values() for a in v}
    text = _check(query, fieldnames)
    q = parser.parse(text)
    literals: list[str] = []
    q = _rewrite(q, literals).normalize()
    if q is Q.NullQuery or isinstance(q, Q.NullQuery.__class__):
        raise QueryError(f"nothing to search for in query: {query}")
    seen = set()
    lits = [s for s in literals if s and not (s in seen or seen.add(s))]
    return q, lits


def _filters(op: _Open, city=None, doc=None, kind=None, status=None, chapter=None, section=None):
    """The filter query of the ``--city --doc --kind --status --chapter --section`` options."""
    from whoosh import query as Q

    sch = op.searcher.schema
    docs = op.meta.get("documents", [])
    parts = []
    for field, value in (("city", city), ("kind", kind), ("status", status)):
        if value is None:
            continue
        token = next(sch[field].process_text(str(value), mode="query"))
        known = sorted({d.get(field) for d in docs if d.get(field)})
        if known and token not in known:
            raise QueryError(f"no document has {field} {value!r} (known: {', '.join(known)})")
        parts.append(Q.Term(field, token))
    if doc is not None:
        parts.append(Q.Or([Q.Term("doc_id", d) for d in _resolve_docs(docs, str(doc))]))
    for value, nofield, titlefield in (
        (chapter, "chapter_no", "chapter_title"),
        (section, "section_no", "section_title"),
    ):
        if value is None:
            continue
        value = str(value).strip()
        if value.isdigit():
            parts.append(sch[nofield].parse_query(nofield, value))
        else:
            tokens = list(sch[titlefield].process_text(value, mode="query"))
            if not tokens:
                raise QueryError(f"empty {titlefield.split('_')[0]} filter")
            parts.append(_text_query(titlefield, tokens))
    return Q.And(parts) if parts else None


def _resolve_docs(docs: list[dict], name: str) -> list[str]:
    """Document ids for ``--doc``: an id, a title, a city with one document (as ``Corpus.get``)."""
    from ._lookup import DocumentRef, resolve_document

    refs = [DocumentRef(d["id"], d["title"], d.get("city")) for d in docs]
    return [resolve_document(name, refs).id]


# -- hits and snippets ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One article that matches a query. ``matches`` are (start, end) offsets into ``snippet``.

    ``snippet[s:e]`` for each ``(s, e)`` in ``matches`` is a highlighted span: an occurrence of a
    query term widened to the whole jieba words it touches (网格 in 网格员 highlights 网格员).
    """

    doc: str  # document id
    city: str | None
    title: str  # document title
    article: int  # article number
    label: str  # 第十三条
    heading: str | None
    chapter: str | None  # chapter title
    score: float
    snippet: str  # one line of the article text around the best matches, "…" where cut
    matches: tuple[tuple[int, int], ...]

    @property
    def key(self) -> str:
        """``doc:no``, as ``jdcorpus show`` takes it."""
        return f"{self.doc}:{self.article}"


def _cuts(bounds: bytes | None):
    """The stored word boundaries of a text (sorted offsets), or an empty array."""
    from array import array

    cuts = array("I")
    if bounds:
        cuts.frombytes(bounds)
    return cuts


def _spans(text: str, literals: Iterable[str], cuts) -> list[tuple[int, int]]:
    """Every occurrence of a literal in ``text``, widened to word boundaries, merged."""
    low = _lower(text)
    raw = []
    for lit in literals:
        lit = _lower(lit)
        i = low.find(lit)
        while i >= 0:
            raw.append((i, i + len(lit)))
            i = low.find(lit, i + 1)
    out: list[tuple[int, int]] = []
    for s, e in sorted(raw):
        if cuts:
            s = cuts[max(bisect_right(cuts, s) - 1, 0)]
            e = cuts[min(bisect_left(cuts, e), len(cuts) - 1)]
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(e, out[-1][1]))
        else:
            out.append((s, e))
    return out


def _snippet(text: str, spans: list[tuple[int, int]], cuts=(), width: int = SNIPPET_WIDTH):
    """A one-line window of ``text`` holding as many spans as fit; offsets re-based to it.

    The window starts after a break (。；，、： or a new line) shortly before its first span, else on a
    word boundary, and ends on a word boundary; a highlighted span is never cut.
    """
    start = 0
    if spans:
        best = -1
        for s, _e in spans:
            lo = max(0, s - _LEAD)
            n = sum(1 for a, b in spans if a >= lo and b <= lo + width)
            if n > best:
                best, start = n, lo
        first = next(a for a, _ in spans if a >= start)
        brk = max(text.rfind(c, start, first) for c in "。；\n，、：")
        if brk >= 0:
            start = brk + 1
        elif start and cuts:
            start = min(cuts[bisect_left(cuts, start)], first)
    end = min(len(text), start + width)
    if end < len(text) and cuts:
        end = max(cuts[bisect_right(cuts, end) - 1], start + 1)
    for s, e in spans:  # never cut a highlighted span in two
        if s < end < e:
            end = e
    pre = "…" if start > 0 else ""
    body = text[start:end].replace("\n", " ")
    snippet = pre + body + ("…" if end < len(text) else "")
    base = len(pre) - start
    matches = tuple((s + base, e + base) for s, e in spans if s >= start and e <= end)
    return snippet, matches


def _hit(fields: dict, score: float, literals: list[str]) -> SearchHit:
    text = fields.get("text", "")
    cuts = _cuts(fields.get("bounds"))
    snippet, matches = _snippet(text, _spans(text, literals, cuts), cuts)
    return SearchHit(
        doc=fields["doc_id"],
        city=fields.get("city"),
        title=fields.get("title", ""),
        article=fields["no"],
        label=fields.get("label", ""),
        heading=fields.get("heading"),
        chapter=fields.get("chapter_title"),
        score=round(float(score), 4),
        snippet=snippet,
        matches=matches,
    )


# -- search -----------------------------------------------------------------------------------


def _run(corpus, query: str, limit: int | None, progress, filters: dict):
    op = _open(corpus, progress)
    q, literals = parse_query(query, op.parser)
    flt = _filters(op, **filters)
    return op, op.searcher.search(q, limit=limit, filter=flt), literals


def search(
    corpus=None,
    query: str = "",
    *,
    limit: int | None = 20,
    progress: Callable | None = None,
    **filters,
) -> Results:
    """Ranked BM25F hits of ``query`` in the articles of ``corpus`` (the bundled corpus if None).

    Query language: words (all required), ``OR``, ``NOT``, ``"quoted phrases"`` (contiguous
    text), parentheses, field filters ``city:北京 doc:changchun kind:条例 status:draft
    chapter:总则 heading:目的 word:网格`` (``word:`` matches whole jieba words only). A word
    matches every article whose normalized text (or heading) contains it. ``filters``: ``city``,
    ``doc`` (id, title or city), ``kind``, ``status``, ``chapter`` and ``section`` (number or
    title). ``limit=None`` returns every hit. The result has ``.total``, the number of matching
    articles, and ``.to_frame()``.

    例：``search(None, "網格", city="通化")`` == ``search(None, "网格", city="通化")``
    """
    op, res, literals = _run(corpus, query, limit, progress, filters)
    reader = op.searcher
    return Results(
        (_hit(reader.stored_fields(r.docnum), r.score, literals) for r in res),
        row_type=SearchHit,
        total=len(res),
        query=query,
    )


def count(corpus=None, query: str = "", *, progress: Callable | None = None, **filters) -> int:
    """The number of articles that match ``query`` (no ranking, no snippets)."""
    _op, res, _ = _run(corpus, query, 1, progress, filters)
    return len(res)


# -- display ----------------------------------------------------------------------------------


def format_hits(hits: Results, *, color: bool = False) -> str:
    """Search hits as terminal text: a header line, then per hit a heading line and its snippet.

    With ``color``, highlighted words are bold red and the article line bold (ANSI).
    """

    def style(s: str, code: str) -> str:
        return f"\x1b[{code}m{s}\x1b[0m" if color else s

    total = getattr(hits, "total", len(hits))
    shown = f"{len(hits)} of {total}" if len(hits) < total else str(total)
    lines = [f"{shown} article{'s' if total != 1 else ''} match {getattr(hits, 'query', '')!r}"]
    width = len(str(len(hits)))
    for n, h in enumerate(hits, 1):
        label = h.label + (f"【{h.heading}】" if h.heading else "")
        where = " · ".join(x for x in (h.city or "", h.title, h.chapter or "") if x)
        lines.append(
            f"{n:>{width}}. {style(label, '1')}  {where}  ({h.doc}:{h.article}, score {h.score:.2f})"
        )
        parts, pos = [], 0
        for s, e in h.matches:
            parts += [h.snippet[pos:s], style(h.snippet[s:e], "1;31")]
            pos = e
        parts.append(h.snippet[pos:])
        lines.append(" " * (width + 2) + "".join(parts))
    return "\n".join(lines) + "\n"


def _use_color(stream=None) -> bool:
    """Colour on a terminal unless ``NO_COLOR`` is set (https://no-color.org)."""
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("NO_COLOR")
