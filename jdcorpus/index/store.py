"""The index on disk: its schema (derived from the model), where it lives, building, publishing.

The index of a corpus lives in the cache directory (:func:`jdcorpus._cache.cache_dir`), named by
a key that hashes the raw corpus files (:func:`jdcorpus._cache.source_fingerprint`, no parsing),
the code that shapes the index (:func:`jdcorpus._cache.code_stamp`) and :data:`FORMAT_VERSION`.
A build writes a temporary directory and renames it into place under a file lock, so readers
never see a half-written index; :func:`_open` keeps an open searcher per index for warm searches.

This room never imports :mod:`jdcorpus.corpus` (the corpus calls the index, not the reverse): an
index is built from the corpus object it is given; the bundled corpus, when a build needs it, comes
through the package's public API (``jdcorpus.load_corpus``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from .._cache import (
    _cache_re,
    cache_dir,
    code_stamp,
    notice,
    source_fingerprint,
    writable_cache_dir,
)
from .._data import bundled_root
from .analyzers import (
    BigramTokenizer,
    JiebaTokenizer,
    ValueTokenizer,
    _bounds,
    _jieba,
    _query_memo,
    _segmenter,
)

if TYPE_CHECKING:  # the model is imported where an index is built, not on the search path
    from ..model import Article, Document

__all__ = [
    "FORMAT_VERSION",
    "IndexStatus",
    "build_index",
    "clear_index",
    "damage",
    "index_status",
    "repair_index",
    "schema",
]

#: Bump when the schema, the analyzers or the stored values change: old indexes are rebuilt.
FORMAT_VERSION = 2

#: Fields analyzed as prose (bigrams); every other ``str`` field is a single-value filter.
PROSE = frozenset({"title", "heading", "part_title", "chapter_title", "section_title", "text"})
#: Scalar model fields that are not indexed: source spans, and ``Document.id`` (= ``doc_id``).
_SKIP = frozenset({"id", "original", "original_title", "start", "end"})

_META = "jdcorpus.json"


def _field_sources() -> list[tuple[str, type]]:
    """(field name, model class) of every indexed scalar field, Article first."""
    from ..model import Article, Document, scalar_fields

    out: dict[str, type] = {}
    for cls in (Article, Document):
        for name in scalar_fields(cls):
            if name not in _SKIP and name not in out:
                out[name] = cls
    return list(out.items())


#: The stored fields: what a hit shows (document title and city come from the index's document
#: list, not from every article of the document).
STORED = frozenset({"doc_id", "no", "label", "heading", "chapter_title", "text", "bounds"})


def schema():
    """The Whoosh schema, derived from the scalar fields of Article and Document.

    ``str`` fields in :data:`PROSE` are bigram text, numbers are numeric, other ``str`` fields
    single-value filters; plus ``words`` (jieba) and ``bounds`` (stored word boundaries of the
    text). Positions are stored compactly (:class:`~.segments.CompactPositions`); only the fields
    of :data:`STORED` are stored. Field weights (BM25F) are given at query time
    (:data:`jdcorpus.index.query.SEARCHED`).
    """
    import typing

    from whoosh import fields

    from .segments import CompactPositions

    def text(analyzer, stored=False):
        f = fields.TEXT(analyzer=analyzer, phrase=True, stored=stored, multitoken_query="phrase")
        f.format = CompactPositions(field_boost=f.format.field_boost)
        return f

    spec = {}
    for name, cls in _field_sources():
        hint = typing.get_type_hints(cls)[name]
        kinds = set(typing.get_args(hint)) or {hint}
        stored = name in STORED
        if name in PROSE:
            spec[name] = text(BigramTokenizer(), stored)
        elif bool in kinds:
            spec[name] = fields.BOOLEAN(stored=stored)
        elif int in kinds or float in kinds:
            spec[name] = fields.NUMERIC(int if int in kinds else float, stored=stored)
        else:
            spec[name] = fields.ID(
                stored=stored, analyzer=ValueTokenizer("市" if name == "city" else "")
            )
    spec["words"] = text(JiebaTokenizer())
    spec["bounds"] = fields.STORED()
    return fields.Schema(**spec)


def _values(doc: Document, art: Article, names: list[tuple[str, type]]) -> dict:
    """The field values of one article (``SegmentWriter.add_document``'s keyword arguments)."""
    vals = {"words": art.text, "bounds": _bounds(art.text)}
    kind = type(art)
    for name, cls in names:
        v = getattr(art if cls is kind else doc, name)
        if v is not None:
            vals[name] = v
    return vals


def _doc_fingerprint(doc: Document, names: list[tuple[str, type]]) -> str:
    """A hash of everything the index holds of ``doc``: what an update compares."""
    from ..model import Article, Document

    h = hashlib.sha256()
    for name, cls in names:
        if cls is Document:
            h.update(f"{name}\0{getattr(doc, name)!r}\0".encode())
    for a in doc.units:
        for name, cls in names:
            if cls is Article:
                h.update(f"{name}\0{getattr(a, name)!r}\0".encode())
    return h.hexdigest()[:24]


def _doc_entry(doc: Document, names) -> dict:
    """A document as the index's metadata lists it (filters, ``--doc`` lookup, hit display)."""
    return {
        "id": doc.id,
        "title": doc.title,
        "city": doc.city,
        "kind": doc.kind,
        "status": doc.status,
        "articles": len(doc.units),
        "fp": _doc_fingerprint(doc, names),
    }


# -- where the index lives --------------------------------------------------------------------


#: The code that shapes the index (with every data file): a change rebuilds it. Editing the CLI,
#: the comparison code or how queries run (``index/query.py``) does not.
_SHAPING = (
    "model",
    "parse",
    "normalize",
    "corpus",
    "index/analyzers.py",
    "index/segments.py",
    "index/store.py",
)


def _code_stamp() -> str:
    return code_stamp(*_SHAPING)


#: Names of the index directories in the cache: ``<corpus slug>-<key>``.
_INDEX_DIR = re.compile(r"(bundled|dir-[0-9a-f]{8}|mem-[0-9a-f]{8})-[0-9a-f]{20}")


def _ours(p: Path) -> bool:
    """Whether ``p`` is an index directory, a build leftover or a dictionary cache of this module."""
    name = p.name
    if p.is_dir():
        return bool(_INDEX_DIR.fullmatch(name)) or name.startswith((".build-", ".old-"))
    return bool(_cache_re().fullmatch(name))  # the dictionary cache's own name, nothing like it


class _Source:
    """What an index is built from: the bundled corpus, a folder's corpus, or a corpus in memory."""

    __slots__ = ("slug", "fingerprint", "corpus")

    def __init__(self, slug: str, fingerprint: str, corpus=None):
        self.slug = slug  # names the corpus in the cache directory
        self.fingerprint = fingerprint
        self.corpus = corpus  # None: the bundled corpus, loaded only if a build needs it

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
        """The corpus to index. The bundled one comes through the package's public API: the index
        is a service of the corpus module, never its client."""
        c = self.corpus
        if c is None:
            import jdcorpus

            return jdcorpus.load_corpus(user=False)
        return c if hasattr(c, "documents") else c.load()  # a corpus, or a handle that loads one


def _source(corpus=None) -> _Source:
    """The source of ``corpus``: raw-file fingerprints for file corpora (no parsing needed).

    ``corpus`` is None (the bundled corpus), a :class:`~jdcorpus.corpus.Corpus`, or any handle
    with the ``name`` and ``fingerprint`` of the corpus it stands for and a ``load()`` that
    parses it: nothing is loaded unless the index has to be built."""
    if corpus is None or getattr(corpus, "name", None) == "bundled":
        return _Source("bundled", source_fingerprint(bundled_root()), corpus)
    name = str(getattr(corpus, "name", ""))
    fp = corpus.fingerprint  # kept by the corpus: a folder is not walked on every search
    fp = fp() if callable(fp) else fp
    if name and Path(name).is_dir():
        folder = Path(name).resolve()
        tag = hashlib.sha256(str(folder).encode()).hexdigest()[:8]
        return _Source(f"dir-{tag}", fp, corpus)
    tag = hashlib.sha256(name.encode()).hexdigest()[:8]
    return _Source(f"mem-{tag}", fp, corpus)


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
    damaged: str | None = None  # what is wrong with a built index (``verify=True`` checks)


def _meta(path: Path) -> dict:
    """The build's description of the index at ``path``; ``{}`` (an index to rebuild) when it is
    missing, unreadable, or valid JSON of another shape than :func:`_write_meta` writes."""
    try:
        meta = json.loads((path / _META).read_text("utf-8"))
    except (OSError, ValueError):
        return {}
    return meta if _well_formed(meta) else {}


def _well_formed(meta) -> bool:
    """Whether ``meta`` has the keys and types :func:`_write_meta` writes, its documents' article
    counts adding up to its own (a hand-edited or half-written manifest is a damaged index)."""
    if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
        return False
    if not all(isinstance(meta.get(k), str) for k in ("key", "code", "fingerprint")):
        return False
    docs, files, articles = meta.get("documents"), meta.get("files"), meta.get("articles")
    if not isinstance(docs, list) or not isinstance(files, dict) or type(articles) is not int:
        return False
    if not all(
        isinstance(d, dict) and isinstance(d.get("id"), str) and type(d.get("articles")) is int
        for d in docs
    ):
        return False
    if sum(d["articles"] for d in docs) != articles:
        return False
    return all(
        isinstance(e, list) and len(e) >= 2 and type(e[0]) is int and isinstance(e[1], str)
        for e in files.values()
    )


def index_status(corpus=None, *, verify: bool = False) -> IndexStatus:
    """The state of the index of ``corpus`` (the bundled corpus by default); builds nothing.

    With ``verify``, the index is read back and checked against what its build recorded
    (:func:`damage`): a damaged index has ``built`` False and ``damaged`` saying why.
    """
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
    problem = damage(path) if verify else None
    return IndexStatus(
        str(root),
        str(path),
        src.key,
        problem is None,
        len(m.get("documents", [])),
        m.get("articles"),
        size,
        m.get("built_at"),
        m.get("build_seconds"),
        others,
        problem,
    )


# -- checking ---------------------------------------------------------------------------------


def _record(path: Path) -> dict[str, list]:
    """Size and SHA-256 of every file of a finished index, kept in its description: what
    :func:`damage` checks the index against."""
    out = {}
    for p in sorted(path.iterdir()):
        if p.is_file() and p.name != _META and not p.name.endswith("WRITELOCK"):
            data = p.read_bytes()
            out[p.name] = [len(data), hashlib.sha256(data).hexdigest(), zlib.crc32(data)]
    return out


def _quick_damage(path: Path, meta: dict) -> str | None:
    """What a few ``stat`` calls can tell is wrong (a file missing, emptied or truncated):
    checked on every first open, it costs nothing next to opening the index."""
    if not meta:
        return f"{_META} is missing, unreadable or malformed"
    for name, (size, *_digests) in meta.get("files", {}).items():
        try:
            actual = (path / name).stat().st_size
        except OSError:
            return f"{name} is missing"
        if actual != size:
            return f"{name} has {actual} bytes, not {size}"
    return None


#: An index up to this size is checked against its CRC-32 checksums on every first open (~1 ms
#: for the bundled corpus's ~2 MB): a garbled term table reads as
#: "no such word", not as an error, so a size check alone would let it give wrong hits. Larger
#: ones are checked by size; :func:`damage` checks SHA-256 digests.
_VERIFY_BYTES = 8 << 20


def _small_damage(path: Path, meta: dict) -> str | None:
    files = meta.get("files", {})
    if sum(entry[0] for entry in files.values()) > _VERIFY_BYTES:
        return None
    for name, (_size, digest, *crc) in files.items():
        try:
            data = (path / name).read_bytes()
        except OSError as e:
            return f"{name}: {e.strerror or e}"
        same = zlib.crc32(data) == crc[0] if crc else hashlib.sha256(data).hexdigest() == digest
        if not same:
            return f"{name} has changed since the build"
    return None


def damage(path: str | os.PathLike) -> str | None:
    """What is wrong with the index at ``path`` (None when nothing is): its description
    unreadable, a file missing or not the one the build wrote (size and SHA-256), or Whoosh
    unable to open it and count its articles."""
    path = Path(path)
    meta = _meta(path)
    problem = _quick_damage(path, meta)
    if problem:
        return problem
    for name, (_size, digest, *_crc) in meta.get("files", {}).items():
        try:
            if hashlib.sha256((path / name).read_bytes()).hexdigest() != digest:
                return f"{name} has changed since the build"
        except OSError as e:
            return f"{name}: {e.strerror or e}"
    try:
        from whoosh import index as windex

        ix = windex.open_dir(str(path))
        with ix.searcher() as searcher:
            n = searcher.doc_count()
    except Exception as e:  # whatever a damaged index raises (struct.error, EOFError …)
        return f"{type(e).__name__}: {e}"
    if meta.get("articles") is not None and n != meta["articles"]:
        return f"it holds {n} articles, not {meta['articles']}"
    return None


def build_index(corpus=None, *, force: bool = False, progress=None) -> IndexStatus:
    """Build the index of ``corpus`` (the bundled corpus by default) unless it is already built.

    ``force`` rebuilds it anyway. ``progress``, if given, wraps the list of articles and returns a
    context manager yielding an iterable (``click.progressbar`` fits); it is used only once a
    build has taken two seconds. The articles are indexed by one process per core, each writing
    its own segment. The index is written to a temporary directory and renamed into place under
    the cache lock: a reader sees the old index or the new one, never a partial one; an
    interrupted build leaves only a temporary directory, removed by the next build.
    """
    src = _source(corpus)
    root = writable_cache_dir()  # a temporary stand-in when the cache cannot be written
    with _lock(root):
        if src.path.is_dir() and not force:
            return index_status(corpus)
        _rebuild(root, src, progress)
    _OPEN.pop(str(src.path), None)
    return index_status(corpus)


class _Progress:
    """Counts finished articles into a ``progress`` wrapper (``click.progressbar``), shown only
    once the work has taken ``delay`` seconds: a quick build prints nothing."""

    def __init__(self, progress, total: int, delay: float = 2.0):
        self.progress, self.total, self.delay = progress, total, delay
        self.t0 = time.monotonic()
        self.pending = 0
        self.bar = self.ctx = None

    def __call__(self, n: int) -> None:
        if self.progress is None or n <= 0:
            return
        self.pending += n
        if self.bar is None:
            if time.monotonic() - self.t0 < self.delay:
                return
            self.ctx = self.progress(range(self.total))
            self.bar = self.ctx.__enter__()
            self.steps = None if hasattr(self.bar, "update") else iter(self.bar)
        n, self.pending = self.pending, 0
        if self.steps is None:
            self.bar.update(n)
        else:
            for _ in range(n):
                next(self.steps, None)

    def close(self) -> None:
        if self.ctx is not None:
            self.ctx.__exit__(None, None, None)
            self.ctx = self.bar = None


def _add_segments(ix, docs: list[Document], progress) -> list:
    """Index the articles of ``docs`` as new segments of ``ix`` (one per core); returns them."""
    from .analyzers import _segmenter
    from .segments import write_segments

    names = _field_sources()
    # an instrument without articles is indexed by its paragraphs (Document.units)
    rows = _Rows([(d, a) for d in docs for a in d.units], names)
    if rows:
        _segmenter()  # load jieba before forking: every process inherits the dictionary
    bar = _Progress(progress, len(rows))
    try:
        return write_segments(ix, rows, progress=bar) if rows else []
    finally:
        bar.close()


class _Rows:
    """The field values of each article, computed when read (in the process that indexes it)."""

    def __init__(self, pairs, names):
        self.pairs, self.names = pairs, names

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return _Rows(self.pairs[i], self.names)
        d, a = self.pairs[i]
        return _values(d, a, self.names)


def _commit(ix, segments: list, deleted: Iterable[str] = ()) -> None:
    """A new generation of the index: its segments, less the documents ``deleted``, plus
    ``segments``. Small segments are merged as Whoosh's writer does after an update."""
    from whoosh.writing import SegmentWriter

    from .segments import Codec

    w = SegmentWriter(ix, _lk=False, codec=Codec())
    w.add_postings_to_pool = partial(_add_postings_to_pool, w)
    try:
        for doc_id in deleted:
            w.delete_by_term("doc_id", doc_id)
        kept = w._merge_segments(None, None, True)
        if w._added:
            kept.append(w._finalize_segment())
        else:
            w._close_segment()
        w._commit_toc(kept + segments)
    finally:
        w._finish()


def _add_postings_to_pool(w, reader, startdoc, docmap) -> None:
    """``SegmentWriter.add_postings_to_pool``, the postings of a segment being merged, with the
    empty value of an inlined posting (``ListMatcher.value`` gives the str ``""`` where the
    pool wants bytes) as ``b""``: Whoosh's merge of small segments otherwise fails on an
    assertion (``vbytes=''``) from the seventh small update of an index on (``jdcorpus add``
    one file at a time)."""
    add = w.pool.add
    for fieldname, text, docnum, weight, vbytes in w._process_posts(
        reader.iter_postings(), startdoc, docmap
    ):
        add((fieldname, text, docnum, weight, b"" if vbytes == "" else vbytes))


def _rebuild(root: Path, src: _Source, progress) -> None:
    """Write the index of ``src`` and swap it into place (the caller holds the lock)."""
    _sweep(root, src)
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
    try:
        _write(tmp, src, progress)
        _publish(tmp, src.path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def repair_index(corpus=None, *, progress=None) -> bool:
    """Rebuild the index of ``corpus`` if it is damaged (:func:`damage`), with a one-line notice
    on standard error; True if it was rebuilt. Under the lock, so that an index another process
    is rebuilding, or has just repaired, is not mistaken for a damaged one."""
    src = _source(corpus)
    root = writable_cache_dir()
    with _lock(root):
        path = src.path
        problem = damage(path) if path.is_dir() else None
        if problem is None:
            return False
        notice(f"the search index {path} is damaged ({problem}); rebuilding it")
        _rebuild(root, src, progress)
    _OPEN.pop(str(src.path), None)
    return True


def _write(path: Path, src: _Source, progress) -> None:
    from whoosh import index as windex

    t0 = time.perf_counter()
    corpus = src.load()
    docs = list(corpus.documents)
    ix = windex.create_in(str(path), schema())
    _commit(ix, _add_segments(ix, docs, progress))
    names = _field_sources()
    _write_meta(path, src, [_doc_entry(d, names) for d in docs], t0)


def _write_meta(path: Path, src: _Source, documents: list[dict], t0: float, **extra) -> None:
    meta = {
        "format": FORMAT_VERSION,
        "key": src.key,
        "code": _code_key(),
        "fingerprint": src.fingerprint,
        "articles": sum(d["articles"] for d in documents),
        "documents": documents,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": round(time.perf_counter() - t0, 3),
        "files": _record(path),
        **extra,
    }
    (path / _META).write_text(json.dumps(meta, ensure_ascii=False, indent=0), "utf-8")


def _code_key() -> str:
    """What an index's files depend on besides the corpus: the format and the shaping code."""
    return hashlib.sha256(f"{FORMAT_VERSION}\0{_code_stamp()}".encode()).hexdigest()[:20]


# -- incremental updates ----------------------------------------------------------------------


def update_index(corpus, *, added=None, removed=None, progress=None) -> IndexStatus:
    """Bring the index of ``corpus`` up to date by adding and deleting documents, no rebuild.

    ``corpus`` is the corpus as it is now. ``added``: its documents that are new or changed
    (Documents or ids); ``removed``: ids of documents no longer in it. Given neither, the change
    is found by comparing each document with the fingerprint the index keeps of it. The index the
    corpus had before (same corpus, same code) is copied by hard links, updated (a changed
    document is deleted and added again; new articles form new segments) and published under the
    corpus's new key, atomically as a build is. With no earlier index, this builds one.

    The hits are those of a full rebuild (tested); BM25 statistics count deleted articles until
    Whoosh merges their segment, so scores may differ slightly from a rebuild's.
    """
    src = _source(corpus)
    root = writable_cache_dir()
    with _lock(root):
        base = _previous(src)
        if base is None:
            pass
        elif base == src.path and added is None and removed is None:
            return index_status(corpus)
        else:
            import tempfile

            tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=root))
            try:
                _update(tmp, base, src, added, removed, progress)
                _publish(tmp, src.path)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            _sweep(root, src)
            _OPEN.pop(str(src.path), None)
            _OPEN.pop(str(base), None)
            return index_status(corpus)
    return build_index(corpus, progress=progress)


def _previous(src: _Source) -> Path | None:
    """The newest index of the same corpus written by the same code (None: there is none)."""
    if src.path.is_dir():
        return src.path
    code = _code_key()
    found = [
        p
        for p in src.root.iterdir()
        if p.name.startswith(src.slug + "-") and _INDEX_DIR.fullmatch(p.name) and p.is_dir()
    ]
    found = [p for p in found if _meta(p).get("code") == code]
    return max(found, key=lambda p: p.stat().st_mtime) if found else None


def _update(tmp: Path, base: Path, src: _Source, added, removed, progress) -> None:
    from whoosh import index as windex

    t0 = time.perf_counter()
    for p in base.iterdir():  # the same files, by hard link (Whoosh never rewrites a file)
        if p.is_file() and not p.name.endswith("LOCK") and p.name != _META:
            try:
                os.link(p, tmp / p.name)
            except OSError:
                shutil.copy2(p, tmp / p.name)
    old = {d["id"]: d for d in _meta(base).get("documents", [])}
    corpus = src.load()
    names = _field_sources()
    now = {d.id: d for d in corpus.documents}
    if added is None and removed is None:
        entries = {i: _doc_entry(d, names) for i, d in now.items()}
        changed = [i for i, e in entries.items() if old.get(i, {}).get("fp") != e["fp"]]
        gone = [i for i in old if i not in now]
    else:
        changed = [i for i in (getattr(d, "id", d) for d in added or ()) if i in now]
        # a document another process added (or removed) since this corpus's index was built:
        # what the corpus holds now decides, not only what this process changed
        changed += [i for i in now if i not in old and i not in changed]
        gone = [i for i in (removed or ()) if i not in now]
        entries = {i: old[i] for i in now if i in old}
        entries.update((i, _doc_entry(now[i], names)) for i in changed)
    ix = windex.open_dir(str(tmp))
    new_docs = [now[i] for i in changed]
    _commit(ix, _add_segments(ix, new_docs, progress), deleted=[*gone, *changed])
    documents = [entries[d.id] for d in corpus.documents]
    _write_meta(tmp, src, documents, t0, updated_from=base.name)


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
    _segmenter.cache_clear()
    _query_memo.cache_clear()
    return removed


# -- opening ----------------------------------------------------------------------------------


class _Open:
    """An open index: its searcher, build metadata and documents by id."""

    __slots__ = ("searcher", "meta", "documents")

    def __init__(self, searcher, meta: dict):
        self.searcher, self.meta = searcher, meta
        self.documents = {d["id"]: d for d in meta.get("documents", [])}


_OPEN: dict[str, _Open] = {}  # index path → open searcher: warm searches reuse it


def _open(corpus=None, progress=None) -> _Open:
    src = _source(corpus)
    path = src.path
    cached = _OPEN.get(str(path))
    if cached is not None:
        return cached
    from whoosh import index as windex

    # A failure to open is retried at once (another process's build may have swapped the
    # directory between two reads), then after waiting for the build lock, then after
    # repair_index (a damaged index is rebuilt); a fourth failure propagates.
    for attempt in range(4):
        if not path.is_dir() and not _swapping_in(path):
            build_index(src.corpus, progress=progress)
        path = src.path  # the cache directory may have been replaced by a temporary one
        try:
            meta = _meta(path)
            problem = _quick_damage(path, meta) or _small_damage(path, meta)
            if problem:
                raise _Damaged(problem)
            ix = windex.open_dir(str(path))
            opened = _Open(ix.searcher(), meta)
            _OPEN[str(path)] = opened
            return opened
        except Exception:  # a damaged index raises anything (struct.error, EOFError …)
            if attempt == 3:
                raise
        if attempt == 1:
            _wait_for_builder(src.root)
        elif attempt == 2:
            repair_index(src.corpus, progress=progress)
    raise AssertionError("unreachable")  # pragma: no cover


def _swapping_in(path: Path, wait: float = 1.0) -> bool:
    """Whether ``path`` appears within ``wait`` seconds while a swap is under way (an older
    build of it renamed aside, ``.old-NAME-PID``): a reader that comes between the two renames
    of :func:`_publish` waits for the second instead of starting a build of its own (which
    would wait for the lock the swapping build holds)."""
    if not any(path.parent.glob(f".old-{path.name}-*")):
        return False
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if path.is_dir():
            return True
        time.sleep(0.005)
    return path.is_dir()


class _Damaged(Exception):
    """An index that fails the quick check of :func:`_open`."""


def _wait_for_builder(root: Path) -> None:
    """Wait until no build holds the cache lock (nothing to wait for in a cache that cannot be
    written: no build runs there)."""
    try:
        with _lock(root):
            pass
    except OSError:
        pass
