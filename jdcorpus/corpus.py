"""The collection: the bundled corpus, user corpora, lookup by id or city."""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Iterable, Iterator
from functools import cached_property
from pathlib import Path

from ._cache import cache_dir, code_stamp, write_cache_file
from ._cache import source_fingerprint as _source_fingerprint
from ._data import bundled_root
from .errors import AmbiguousDocument, CorpusError, UnknownDocument
from .model import Article, Document

__all__ = ["Corpus", "DocumentList", "AmbiguousDocument", "UnknownDocument", "load_corpus"]


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
    """A set of parsed documents. ``load_corpus()`` gives the bundled one."""

    def __init__(self, documents: Iterable[Document], name: str = "corpus"):
        self.name = name
        self.documents = DocumentList(documents, self)
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
            for a in d.articles:
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
    def articles(self):
        """One row per article (DataFrame)."""
        from .frames import articles_frame

        return articles_frame(self)

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
PARSE_CODE = ("model", "normalize", "parse", "corpus")


def load_corpus(path: str | Path | None = None, *, cache: bool = True) -> Corpus:
    """The bundled corpus (``path=None``), or every ``*.txt`` file of a folder.

    A folder may hold a ``catalog.json`` shaped like the bundled one to give city, province and
    ids that cannot be read from the texts. Parsed documents are cached (pickled in the cache
    directory, keyed by the raw files and the code), so a second load costs milliseconds.
    """
    if not cache:
        return _load(path)
    root = None if path is None else Path(path).resolve()
    key = hashlib.sha256(
        f"{root}\0{source_fingerprint(root)}\0{code_stamp(*PARSE_CODE)}".encode()
    ).hexdigest()[:24]
    cached = cache_dir() / "corpus" / f"{key}.pickle"
    try:
        with open(cached, "rb") as f:
            return pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        pass
    corpus = _load(path)
    write_cache_file(cached, pickle.dumps(corpus, protocol=pickle.HIGHEST_PROTOCOL))
    return corpus


def _load(path: str | Path | None) -> Corpus:
    from .parse import parse_text, read_text

    if path is None:
        root = bundled_root()
        catalog = _catalog()
        name = "bundled"
    else:
        root = Path(path)
        cat = root / "catalog.json"
        catalog = json.loads(cat.read_text("utf-8")) if cat.exists() else {"files": []}
        name = str(path)
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
    return Corpus(docs, name=name)


def source_fingerprint(path: str | Path | None = None) -> str:
    """A cheap hash of the raw corpus files (no parsing): what a cache of derived data is keyed by.

    Used on the search path, where parsing the corpus would cost more than the search itself.
    """
    return _source_fingerprint(bundled_root() if path is None else Path(path))
