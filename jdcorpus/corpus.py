"""The collection: the bundled corpus, user corpora, lookup by id or city."""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ._cache import cache_dir, code_stamp, write_cache_file
from ._cache import source_fingerprint as _source_fingerprint
from ._data import bundled_root
from .errors import AmbiguousDocument, CorpusError, UnknownDocument
from .model import Article, Document

__all__ = [
    "Corpus",
    "CorpusSpec",
    "DocumentList",
    "LazyCorpus",
    "AmbiguousDocument",
    "UnknownDocument",
    "load_corpus",
]


class DocumentList(tuple):
    """The corpus's documents: a tuple of :class:`Document`, and called, a DataFrame.

    ``corpus.documents[0].title`` and ``len(corpus.documents)`` work like a tuple;
    ``corpus.documents()`` is the one-row-per-document DataFrame for analysts.
    """

    def __new__(cls, docs: Iterable[Document], corpus: Corpus | None = None):
        self = super().__new__(cls, docs)
        self._corpus = corpus
        return self

    def __call__(self):
        from .frames import documents_frame

        return documents_frame(self._corpus)


class Corpus:
    """A set of parsed documents. ``load_corpus()`` gives the bundled ones and the user's.

    ``origins`` maps a document id to the corpus it comes from (``"bundled"`` or ``"user"``);
    ``messages`` says what loading could not take as it was (a file skipped, an id suffixed).
    """

    def __init__(
        self,
        documents: Iterable[Document],
        name: str = "corpus",
        *,
        origins: dict[str, str] | None = None,
        messages: Iterable[str] = (),
    ):
        self.name = name
        self.documents = DocumentList(documents, self)
        self.origins = dict(origins or {})
        self.messages = tuple(messages)
        ids = [d.id for d in self.documents]
        dup = {i for i in ids if ids.count(i) > 1}
        if dup:
            raise CorpusError(f"duplicate document ids: {sorted(dup)}")
        self._by_id = {d.id: d for d in self.documents}

    def __repr__(self) -> str:
        return f"<Corpus {self.name}: {len(self.documents)} documents, {sum(len(d.articles) for d in self.documents)} articles>"

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.documents)

    def __getitem__(self, name: str) -> Document:
        return self.get(name)

    # -- lookup -------------------------------------------------------------------------
    def get(self, name: str) -> Document:
        """A document by id, title or city name (a city with several documents is ambiguous)."""
        if isinstance(name, Document):
            return name
        if name in self._by_id:
            return self._by_id[name]
        from ._lookup import resolve_document

        return resolve_document(name, self.documents)

    def origin(self, doc: str | Document) -> str | None:
        """Which corpus a document comes from: ``"bundled"`` or ``"user"`` (None for a corpus
        put together in memory)."""
        did = doc.id if isinstance(doc, Document) else doc
        return self.origins.get(did)

    def by_city(self, city: str) -> list[Document]:
        from .normalize import normalize_query

        key = normalize_query(city).removesuffix("市")
        return [d for d in self.documents if d.city == key]

    def article(self, doc: str | Document, ref: int | str) -> Article:
        """An article by number or label: ``corpus.article("长春", "第八条")``."""
        from ._lookup import find_article

        return find_article(self.get(doc), ref)

    def iter_articles(self) -> Iterator[Article]:
        for d in self.documents:
            yield from d.articles

    @cached_property
    def fingerprint(self) -> str:
        """A hash of the corpus content: the index cache is keyed by it."""
        h = hashlib.sha256()
        for d in self.documents:
            h.update(d.id.encode())
            for a in d.units:
                h.update(
                    f"\x00{a.no}\x00{a.heading}\x00{a.chapter_title}\x00{a.section_title}\x00".encode()
                )
                h.update(a.text.encode())
            h.update(
                json.dumps(
                    [d.title, d.city, d.kind, d.status, d.effective], ensure_ascii=False
                ).encode()
            )
        return h.hexdigest()

    # -- delegations to the verb modules -----------------------------------------------
    def articles(self, *, units: bool = False):
        """One row per article (DataFrame); ``units=True`` adds the paragraphs (第N段) of
        instruments without articles, which search finds."""
        from .frames import articles_frame

        return articles_frame(self, units=units)

    def paragraphs(self):
        """One row per 款 (DataFrame)."""
        from .frames import paragraphs_frame

        return paragraphs_frame(self)

    def items(self):
        """One row per 项 (DataFrame)."""
        from .frames import items_frame

        return items_frame(self)

    def search(self, query: str, **filters):
        """Ranked search hits (see :func:`jdcorpus.index.search`)."""
        from .index import search

        return search(self, query, **filters)

    def align(self, a, b, **kw):
        from .compare import align

        return align(self, self.get(a), self.get(b), **kw)

    def families(self, **kw):
        from .compare import families

        return families(self, **kw)

    def coverage(self, **kw):
        from .compare import coverage

        return coverage(self, **kw)

    def reuse(self, **kw):
        from .compare import reuse

        return reuse(self, **kw)

    def gaps(self, draft, **kw):
        from .compare import gaps

        return gaps(self, self.get(draft), **kw)


def _catalog() -> dict:
    return json.loads(bundled_root().joinpath("catalog.json").read_text("utf-8"))


#: The code that shapes parsed documents: a change re-parses.
PARSE_CODE = ("model", "normalize", "parse", "corpus", "store")


@dataclass(frozen=True)
class CorpusSpec:
    """Which documents a command works on: the bundled corpus, a corpus directory, or both.

    A directory is a user corpus made by ``jdcorpus add`` (it has a ``corpus.json``) or a plain
    folder of regulation files (read recursively; a ``catalog.json`` may give ids and cities).
    A directory that does not exist is an empty corpus. Nothing is parsed until :meth:`load`;
    :attr:`fingerprint` hashes the raw files only (what caches of derived data are keyed by).
    """

    path: Path | None = None
    bundled: bool = True

    @property
    def user_only_empty(self) -> bool:
        """Whether the directory holds nothing (the corpus is the bundled one alone, or empty)."""
        p = self.path
        if p is None or not p.is_dir():
            return True
        from .store import entries, has_files, is_corpus_dir

        if is_corpus_dir(p):
            return not entries(p)
        return not has_files(p)  # (stops at the first file: this runs on every load)

    @property
    def name(self) -> str:
        """``bundled``, the directory, or ``bundled+<directory>``: names the corpus in caches."""
        return self._name(self.user_only_empty)

    def _name(self, empty: bool) -> str:
        if self.path is None or empty:
            return "bundled" if self.bundled else "empty"
        return f"bundled+{self.path}" if self.bundled else str(self.path)

    @property
    def fingerprint(self) -> str:
        """A hash of the raw files of every part and of the code that parses them (no parsing):
        the ``fingerprint`` of the corpus :meth:`load` gives, so the index finds the same key
        for the handle and for the corpus."""
        return self._fingerprint(self.user_only_empty)

    def _fingerprint(self, empty: bool) -> str:
        parts = [code_stamp(*PARSE_CODE)]
        if self.bundled:
            parts.append("bundled:" + source_fingerprint(None))
        if self.path is not None and not empty:
            parts.append(f"{self.path.resolve()}:" + source_fingerprint(self.path))
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def load(self, *, cache: bool = True, progress=None) -> Corpus:
        return _load_spec(self, cache=cache, progress=progress)


class LazyCorpus:
    """A corpus known by name and fingerprint without parsing anything: what the search path
    hands the index (which finds a built index by them). Its documents are parsed on first use
    (an index build), and then it is the :class:`Corpus` :meth:`CorpusSpec.load` gives."""

    def __init__(self, spec: CorpusSpec, progress=None):
        # whether the user directory is empty is read once (a collection's manifest: ~30 ms)
        self._empty = spec.user_only_empty
        self.spec, self.name, self._progress = spec, spec._name(self._empty), progress
        self._corpus: Corpus | None = None

    @cached_property
    def fingerprint(self) -> str:
        return self.spec._fingerprint(self._empty)

    def load(self) -> Corpus:
        if self._corpus is None:
            self._corpus = self.spec.load(progress=self._progress)
        return self._corpus

    def __getattr__(self, attr):  # documents, get, origin …: the parsed corpus
        if attr.startswith("__"):
            raise AttributeError(attr)
        return getattr(self.load(), attr)

    def __repr__(self) -> str:
        return f"<LazyCorpus {self.name}{' (parsed)' if self._corpus else ''}>"


def load_corpus(
    path: str | Path | None = None,
    *,
    bundled: bool | None = None,
    user: bool = True,
    cache: bool = True,
) -> Corpus:
    """The documents to work on.

    - ``load_corpus()``: the bundled corpus plus the default user corpus (``$JDCORPUS_HOME``, else
      the per-user data directory; see :func:`jdcorpus.store.user_home`);
      ``load_corpus(user=False)`` the bundled corpus alone;
    - ``load_corpus(DIR)``: the corpus directory ``DIR`` alone (one made by ``jdcorpus add``, or a
      plain folder of texts, read recursively; files that cannot be read are skipped and listed
      in ``corpus.messages``);
    - ``load_corpus(DIR, bundled=True)``: both.

    Parsed documents are cached (per file, and per corpus for the bundled one), so a second load
    costs little. Ids are unique: a user document whose id a bundled one already has gets a
    suffix and a message.
    """
    if path is None:
        from .store import user_home

        spec = CorpusSpec(user_home() if user else None, True if bundled is None else bundled)
    else:
        spec = CorpusSpec(Path(path).expanduser(), bool(bundled))
    return spec.load(cache=cache)


def _load_spec(spec: CorpusSpec, *, cache: bool, progress=None) -> Corpus:
    docs: list[Document] = []
    origins: dict[str, str] = {}
    messages: list[str] = []
    if spec.bundled:
        for d in _load_bundled(cache).documents:
            docs.append(d)
            origins[d.id] = "bundled"
    if spec.path is not None and not spec.user_only_empty:
        from .parse.metadata import unique_id
        from .store import is_corpus_dir, load_documents, with_id

        if is_corpus_dir(spec.path):
            user, msgs = load_documents(spec.path, progress=progress)
        else:
            user, msgs = _load_folder(spec.path, progress=progress)
        messages.extend(msgs)
        titles = {d.id: d.title for d in docs}
        for d in user:
            did = unique_id(d, titles)
            if did != d.id:
                messages.append(
                    f"id {d.id!r} of {d.title} ({d.source_file}) is taken by {titles[d.id]}; "
                    f"it is {did!r} here"
                )
                d = with_id(d, did)
            titles[did] = d.title
            docs.append(d)
            origins[did] = "user"
    corpus = Corpus(docs, name=spec.name, origins=origins, messages=messages)
    if spec.name != "bundled":
        # what the index and other caches are keyed by: the raw files and the code, cheaply
        corpus.__dict__["fingerprint"] = spec.fingerprint
    return corpus


def follow_index(spec: CorpusSpec, added: list[Document], removed: list[str], progress=None):
    """After ``jdcorpus add`` or ``remove`` changed the corpus directory of ``spec``: bring the
    search index of ``spec``'s corpus up to date incrementally (no rebuild), when the index can
    be updated (:func:`jdcorpus.index.update_index`); else nothing, and the next search rebuilds
    it (the index is keyed by the raw files, so it never answers for an older corpus).

    The corpus handed to the index is the corpus as it is now, but only the documents ``added``
    are parsed ones: the others stand by id and title (from the bundled catalog and the
    manifest), as an incremental update needs nothing more of them, and loading a collection of
    2,000 parsed documents would cost more than the update itself.
    """
    from . import index

    update = getattr(index, "update_index", None)
    if update is None:
        return None
    from .store import _present, entries, is_corpus_dir

    fresh = {d.id: d for d in added}
    docs: list[Document] = []
    if spec.bundled:
        docs.extend(_load_bundled(True).documents)
    if spec.path is not None and is_corpus_dir(spec.path):
        taken = {d.id for d in docs}
        for e in entries(spec.path):
            for d in _present(e):
                if d["id"] in taken:  # a clash with the bundled corpus: renamed at load
                    return None  # rare; the next search rebuilds
                docs.append(fresh.get(d["id"]) or _standin(d["id"], d["title"], e["file"]))
    corpus = Corpus(docs, name=spec.name)
    corpus.__dict__["fingerprint"] = spec.fingerprint
    return update(corpus, added=list(added), removed=list(removed), progress=progress)


def _standin(did: str, title: str, source_file: str) -> Document:
    """A document known by id and title only (see :func:`follow_index`)."""
    return Document(
        id=did, title=title, city=None, province=None, kind=None, status="in_force",
        adopted=None, approved=None, revised=None, promulgated=None, effective=None,
        source_file=source_file, start=0, end=0,
    )  # fmt: skip


def _load_bundled(cache: bool) -> Corpus:
    if not cache:
        return _load(None)
    key = hashlib.sha256(
        f"bundled\0{source_fingerprint(None)}\0{code_stamp(*PARSE_CODE)}".encode()
    ).hexdigest()[:24]
    cached = cache_dir() / "corpus" / f"{key}.pickle"
    try:
        with open(cached, "rb") as f:
            return pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        pass
    corpus = _load(None)
    write_cache_file(cached, pickle.dumps(corpus, protocol=pickle.HIGHEST_PROTOCOL))
    return corpus


def _load(path: str | Path | None) -> Corpus:
    """The bundled corpus, parsed (its catalog gives ids, cities and provinces)."""
    from .parse import parse_text, read_text

    root = bundled_root()
    catalog = _catalog()
    entries = {e["file"]: e for e in catalog.get("files", [])}
    files = sorted(p.name for p in root.iterdir() if p.name.endswith(".txt"))
    docs: list[Document] = []
    for fname in files:
        entry = entries.get(fname, {})
        text = read_text(root.joinpath(fname))
        ids = {d["title"]: d["id"] for d in entry.get("documents", [])}
        docs.extend(
            parse_text(
                text,
                source_file=fname,
                city=entry.get("city"),
                province=entry.get("province"),
                ids=ids,
                taken={d.id for d in docs},
            )
        )
    return Corpus(docs, name="bundled", origins=dict.fromkeys((d.id for d in docs), "bundled"))


def _folder_files(root: Path) -> list[Path]:
    """The regulation files of a plain folder, recursively, sorted; hidden ones left out, and
    what is no regular file (a FIFO would hang the read, a symlink loop or a dangling link fail
    every command): the files :func:`source_fingerprint` hashes."""
    from .store import _walk

    return [p for p in _walk(root, None)[0] if p.is_file()]


def _load_folder(root: Path, progress=None) -> tuple[list[Document], list[str]]:
    """A plain folder of regulation files: each parsed on its own (a file that cannot be read is
    skipped with a message); a ``catalog.json`` shaped like the bundled one gives city, province
    and ids by file (path relative to the folder)."""
    from .parse.metadata import unique_id
    from .store import gc_paused, load_many, parse_many, with_id

    cat = root / "catalog.json"
    catalog = json.loads(cat.read_text("utf-8")) if cat.is_file() else {"files": []}
    entries = {e["file"]: e for e in catalog.get("files", [])}
    files = _folder_files(root)
    jobs, names = [], []
    messages: list[str] = []
    for p in files:
        rel = p.relative_to(root).as_posix()
        entry = entries.get(rel, {})
        try:
            data = p.read_bytes()
        except OSError as e:
            messages.append(f"skipped {rel}: cannot read ({e.strerror or e})")
            continue
        opts = {k: entry[k] for k in ("city", "province") if entry.get(k)}
        placed = {"file": rel, "documents": entry.get("documents", [])}
        jobs.append((data, p.name, opts, placed))
        names.append(rel)

    def build() -> tuple[list[Document], list[str]]:
        docs: list[Document] = []
        msgs: list[str] = []
        taken: dict[str, str] = {}  # id → title
        parsed_files = parse_many(jobs, progress=progress)
        with gc_paused():  # many new articles under new ids
            for rel, (parsed, _info, err) in zip(names, parsed_files, strict=True):
                if err:
                    msgs.append(f"skipped {rel}: {err.split(': ', 1)[-1]}")
                    continue
                for d in parsed:
                    did = unique_id(d, taken)
                    taken[did] = d.title
                    docs.append(with_id(d, did))
        return docs, msgs

    docs, msgs = load_many("folder", jobs, build)
    return docs, messages + msgs


def source_fingerprint(path: str | Path | None = None) -> str:
    """A cheap hash of the raw corpus files (no parsing): what a cache of derived data is keyed by.

    The bundled corpus: its files. A corpus directory made by ``jdcorpus add``: its manifest
    (which holds the hash of every stored file). A plain folder: its regulation files (names,
    bytes) and catalog. Used on the search path, where parsing the corpus
    would cost more than the search itself.
    """
    return _source_fingerprint(bundled_root() if path is None else Path(path))
