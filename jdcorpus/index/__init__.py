"""Search: a Whoosh index of the articles, exact for Chinese legal terms and fast from a cold start.

One index document per article (:class:`~jdcorpus.model.Article`), its fields derived from the
scalar fields of ``Article`` and ``Document`` (:func:`schema`). Three analyzers
(:mod:`.analyzers`):

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

The rooms: :mod:`.analyzers` (tokenizers, jieba and its dictionary cache), :mod:`.store` (schema,
where the index lives, build, lock, publish, status), :mod:`.query` (query language, filters,
snippets, hits). The terminal view of hits is :mod:`jdcorpus.render.hits`.

Life cycle: the index lives in a per-user cache directory (``$JDCORPUS_CACHE_DIR`` or the
platform's cache dir), named by a key that hashes the raw corpus files
(:func:`jdcorpus._cache.source_fingerprint`, no parsing), the code that shapes the index and
:data:`FORMAT_VERSION`. The first search builds it; a build writes a temporary directory and renames
it into place under a file lock, so readers never see a half-written index.

例：``search(None, "網格 NOT 北京")[0].key`` → ``"tonghua:14"`` (its source says 格線)
"""

from __future__ import annotations

import sys


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

from ..errors import QueryError  # noqa: E402
from .analyzers import BigramTokenizer, JiebaTokenizer, ValueTokenizer, segment  # noqa: E402
from .query import SearchHit, count, search  # noqa: E402
from .store import (  # noqa: E402
    FORMAT_VERSION,
    IndexStatus,
    build_index,
    clear_index,
    index_status,
    schema,
    update_index,
)

__all__ = [
    "FORMAT_VERSION",
    "BigramTokenizer",
    "JiebaTokenizer",
    "ValueTokenizer",
    "IndexStatus",
    "QueryError",
    "SearchHit",
    "build_index",
    "clear_index",
    "count",
    "index_status",
    "schema",
    "search",
    "segment",
    "update_index",
]
