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
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from .._cache import cache_dir, code_stamp, notice, source_fingerprint, writable_cache_dir
from .._data import bundled_root
from ..model import Article, Document
from .analyzers import BigramTokenizer, JiebaTokenizer, ValueTokenizer, _bounds, _jieba

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
FORMAT_VERSION = 1

#: Fields analyzed as prose (bigrams); every other ``str`` field is a single-value filter.
PROSE = frozenset({"title", "heading", "chapter_title", "section_title", "text"})
#: Scalar model fields that are not indexed: source spans, and ``Document.id`` (= ``doc_id``).
_SKIP = frozenset({"id", "original", "original_title", "start", "end"})

_META = "jdcorpus.json"


def _field_sources() -> list[tuple[str, type]]:
    """(field name, model class) of every indexed scalar field, Article first."""
    from ..model import scalar_fields

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
    at query time (:data:`jdcorpus.index.query.SEARCHED`).
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
        if self.corpus is not None:
            return self.corpus
        import jdcorpus

        return jdcorpus.load_corpus(user=False)


def _source(corpus=None) -> _Source:
    """The source of ``corpus``: raw-file fingerprints for file corpora (no parsing needed)."""
    if corpus is None or getattr(corpus, "name", None) == "bundled":
        return _Source("bundled", source_fingerprint(bundled_root()), corpus)
    name = str(getattr(corpus, "name", ""))
    if name and Path(name).is_dir():
        folder = Path(name).resolve()
        tag = hashlib.sha256(str(folder).encode()).hexdigest()[:8]
        return _Source(f"dir-{tag}", source_fingerprint(folder), corpus)
    tag = hashlib.sha256(name.encode()).hexdigest()[:8]
    return _Source(f"mem-{tag}", corpus.fingerprint, corpus)


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
    try:
        return json.loads((path / _META).read_text("utf-8"))
    except (OSError, ValueError):
        return {}


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
    return {
        p.name: [p.stat().st_size, hashlib.sha256(p.read_bytes()).hexdigest()]
        for p in sorted(path.iterdir())
        if p.is_file() and p.name != _META and not p.name.endswith("WRITELOCK")
    }


def _quick_damage(path: Path, meta: dict) -> str | None:
    """What a few ``stat`` calls can tell is wrong (a file missing, emptied or truncated):
    checked on every first open, it costs nothing next to opening the index."""
    if not meta:
        return f"{_META} is missing or unreadable"
    for name, (size, _digest) in meta.get("files", {}).items():
        try:
            actual = (path / name).stat().st_size
        except OSError:
            return f"{name} is missing"
        if actual != size:
            return f"{name} has {actual} bytes, not {size}"
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
    for name, (_size, digest) in meta.get("files", {}).items():
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
    context manager yielding an iterable (``click.progressbar`` fits). The index is written to a
    temporary directory and renamed into place under the cache lock: a reader sees the old index
    or the new one, never a partial one; an interrupted build leaves only a temporary directory,
    removed by the next build.
    """
    src = _source(corpus)
    root = writable_cache_dir()  # a temporary stand-in when the cache cannot be written
    with _lock(root):
        if src.path.is_dir() and not force:
            return index_status(corpus)
        _rebuild(root, src, progress)
    _OPEN.pop(str(src.path), None)
    return index_status(corpus)


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
        "files": _record(path),
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
    """An open index: its searcher and build metadata."""

    __slots__ = ("searcher", "meta")

    def __init__(self, searcher, meta: dict):
        self.searcher, self.meta = searcher, meta


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
        if not path.is_dir():
            build_index(src.corpus, progress=progress)
        path = src.path  # the cache directory may have been replaced by a temporary one
        try:
            meta = _meta(path)
            problem = _quick_damage(path, meta)
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
