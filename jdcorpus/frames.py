"""pandas DataFrames of the corpus and of every result list (the only module that imports pandas).

Columns are derived from the model's dataclass fields (:func:`jdcorpus.model.fields_of`), never
restated here. Three documented rules turn fields into columns:

* a unit's own ``no`` is named after the unit (``article_no``, ``paragraph_no``, ``item_no``) and
  ``Document.id`` becomes ``doc_id``, so the same key has the same name in every frame and
  ``corpus.articles().merge(corpus.paragraphs(), on=["doc_id", "article_no"])`` just works;
* a tuple field (``Document.articles``, ``Article.paragraphs`` …) becomes its length, under its
  own name (``articles``, ``paragraphs``, ``items`` …); ``characters`` counts the non-blank
  characters of the normalized ``text``;
* the dtype follows the field's type and name: ``int`` → ``Int64`` (nullable), ``str`` →
  ``string``, ``float`` → ``float64``, ``bool`` → ``boolean``; ids, cities, provinces, kinds and
  statuses → ``category``; the ISO date fields → ``datetime64[ns]`` (``NaT`` when unknown).

Keys (documented, stable): documents ``doc_id``; articles ``doc_id, article_no``; paragraphs
``doc_id, article_no, paragraph_no``; items ``doc_id, article_no, paragraph_no, item_no``.

例::

    >>> import jdcorpus
    >>> corpus = jdcorpus.load_corpus()
    >>> arts = corpus.articles()
    >>> int(arts.groupby("city", observed=True).size()["长春"])
    50
    >>> paras = arts.merge(corpus.paragraphs(), on=["doc_id", "article_no"], suffixes=("", "_p"))
    >>> len(paras) == len(corpus.paragraphs())
    True
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .errors import UsageError
from .model import Article, Document, Item, Paragraph, fields_of, scalar_fields

__all__ = [
    "Column",
    "FRAMES",
    "KEYS",
    "articles_frame",
    "columns",
    "documents_frame",
    "items_frame",
    "paragraphs_frame",
    "read_articles_csv",
    "read_frame_csv",
    "restore_dtypes",
    "to_frame",
]

#: names of ``str`` fields holding an ISO date (``yyyy-mm-dd``); ``a_``/``b_`` prefixes count too.
DATE_NAMES = frozenset(
    {"date", "adopted", "approved", "revised", "amended", "promulgated", "effective"}
)
#: names of ``str`` fields with few distinct values, stored as categoricals (prefixes count too).
CATEGORY_NAMES = frozenset({"doc_id", "doc", "city", "province", "kind", "status"})
#: the unit key a model class's own ``no`` field is renamed to.
UNIT_KEY = {Article: "article_no", Paragraph: "paragraph_no", Item: "item_no"}
#: renames of model fields into frame columns (the only ones).
RENAMES = {Document: {"id": "doc_id"}} | {cls: {"no": key} for cls, key in UNIT_KEY.items()}
#: the documented join keys of each frame.
KEYS = {
    "documents": ("doc_id",),
    "articles": ("doc_id", "article_no"),
    "paragraphs": ("doc_id", "article_no", "paragraph_no"),
    "items": ("doc_id", "article_no", "paragraph_no", "item_no"),
}
#: the Document fields repeated on every article row so that it can be read without a merge.
ARTICLE_CONTEXT = ("city", "province", "title", "kind", "status")


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a frame: its name, its pandas dtype and whether it may be missing."""

    name: str
    dtype: str  # category | string | Int64 | datetime64[ns] | float64 | boolean | object
    nullable: bool = True


DATETIME = "datetime64[ns]"


# -- columns from dataclass fields --------------------------------------------------------------


def _unwrap(hint: Any) -> tuple[Any, bool]:
    """``str | None`` → ``(str, True)``; ``int`` → ``(int, False)``."""
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        nullable = len(rest) < len(args)
        if len(rest) == 1:
            return rest[0], nullable
        return object, nullable
    return hint, False


def _base_name(name: str) -> str:
    for prefix in ("a_", "b_"):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _dtype_for(name: str, hint: Any) -> tuple[str, bool]:
    t, nullable = _unwrap(hint)
    origin = typing.get_origin(t) or t
    base = _base_name(name)
    if t is bool:
        return "boolean", nullable
    if t is int:
        return "Int64", nullable
    if t is float:
        return "float64", nullable
    if t is str or origin is typing.Literal:
        if base in DATE_NAMES:
            return DATETIME, True
        if base in CATEGORY_NAMES:
            return "category", nullable
        return "string", nullable
    return "object", nullable


def _is_tuple(hint: Any) -> bool:
    t, _ = _unwrap(hint)
    return (typing.get_origin(t) or t) in (tuple, list)


def row_columns(cls: type) -> tuple[Column, ...]:
    """The columns of a frame of ``cls`` rows: every dataclass field, with the dtype its type implies.

    Used for result rows (search hits, links, reuse pairs …): nothing is renamed or counted, and
    fields that are not scalars stay as Python objects (``object`` dtype).
    """
    hints = typing.get_type_hints(cls)
    out = []
    for f in fields_of(cls):
        if f.name == "source_text":
            continue
        dtype, nullable = _dtype_for(f.name, hints[f.name])
        out.append(Column(f.name, dtype, nullable))
    return tuple(out)


def _unit_columns(cls: type, only: Sequence[str] | None = None) -> list[Column]:
    """The scalar fields of a model class as columns, after the documented renames."""
    hints = typing.get_type_hints(cls)
    rename = RENAMES.get(cls, {})
    names = scalar_fields(cls) if only is None else only
    out = []
    for name in names:
        col = rename.get(name, name)
        dtype, nullable = _dtype_for(col, hints[name])
        out.append(Column(col, dtype, nullable))
    return out


def _count_columns(cls: type, extra: Sequence[str] = ()) -> list[Column]:
    """One ``Int64`` count column per tuple field of ``cls`` (and per name in ``extra``)."""
    hints = typing.get_type_hints(cls)
    names = [f.name for f in fields_of(cls) if _is_tuple(hints[f.name])]
    names += [n for n in extra if n not in names]
    return [Column(n, "Int64", False) for n in names] + [Column("characters", "Int64", False)]


def _doc_columns() -> tuple[Column, ...]:
    return (*_unit_columns(Document), *_count_columns(Document, extra=("paragraphs", "items")))


def _article_columns() -> tuple[Column, ...]:
    own = _unit_columns(Article)
    key, rest = own[:1], own[1:]  # doc_id first, then the document context, then the article
    assert key[0].name == "doc_id"
    return (
        *key,
        *_unit_columns(Document, ARTICLE_CONTEXT),
        *rest,
        *_count_columns(Article, ("items",)),
    )


def _paragraph_columns() -> tuple[Column, ...]:
    keys = [Column("doc_id", "category", False), Column("article_no", "Int64", False)]
    return (*keys, *_unit_columns(Paragraph), *_count_columns(Paragraph))


def _item_columns() -> tuple[Column, ...]:
    keys = [
        Column("doc_id", "category", False),
        Column("article_no", "Int64", False),
        Column("paragraph_no", "Int64", False),
    ]
    return (*keys, *_unit_columns(Item), *_count_columns(Item))


FRAMES = {
    "documents": _doc_columns,
    "articles": _article_columns,
    "paragraphs": _paragraph_columns,
    "items": _item_columns,
}


def columns(frame: str) -> tuple[Column, ...]:
    """The columns (name, dtype, nullable) of one of the corpus frames, in order."""
    try:
        return FRAMES[frame]()
    except KeyError:
        raise UsageError(f"unknown frame {frame!r}; one of {', '.join(FRAMES)}") from None


# -- building frames ----------------------------------------------------------------------------


def _characters(text: str | None) -> int:
    return sum(1 for ch in text or "" if not ch.isspace())


def _scalars(obj: Any, cls: type) -> dict[str, Any]:
    rename = RENAMES.get(cls, {})
    return {rename.get(n, n): getattr(obj, n) for n in scalar_fields(cls)}


def _counts(obj: Any, cols: Iterable[Column]) -> dict[str, int]:
    out = {}
    for c in cols:
        if c.dtype == "Int64" and not c.nullable and isinstance(getattr(obj, c.name, None), tuple):
            out[c.name] = len(getattr(obj, c.name))
    return out


def _series(values: list, col: Column, categories: Sequence | None = None) -> Any:
    if col.dtype == "category":
        cats = categories
        if cats is None:
            cats = list(dict.fromkeys(v for v in values if v is not None))
        return pd.Categorical(values, categories=pd.Index(cats, dtype=str))
    if col.dtype == DATETIME:
        s = pd.Series(values, dtype="string")
        return pd.to_datetime(s, format="ISO8601", errors="coerce").astype(DATETIME).array
    if col.dtype == "float64":
        return pd.array([float("nan") if v is None else v for v in values], dtype="float64")
    if col.dtype == "object":
        return pd.Series(values, dtype="object").array
    return pd.array(values, dtype=col.dtype)


def _frame(
    records: list[dict], cols: Sequence[Column], categories: dict | None = None
) -> pd.DataFrame:
    categories = categories or {}
    data = {
        c.name: _series([r.get(c.name) for r in records], c, categories.get(c.name)) for c in cols
    }
    return pd.DataFrame(data, index=pd.RangeIndex(len(records)))


def _corpus_categories(corpus) -> dict[str, list]:
    """Categories shared by every frame of one corpus, so merges keep the categorical dtype."""
    docs = list(corpus.documents)
    out: dict[str, list] = {"doc_id": [d.id for d in docs]}
    for name in ("city", "province", "kind", "status"):
        out[name] = list(dict.fromkeys(getattr(d, name) for d in docs if getattr(d, name)))
    return out


def documents_frame(corpus) -> pd.DataFrame:
    """One row per document: its scalar fields, dates as datetime64, counts of its units (an
    instrument without articles: 0 articles, its paragraphs, items and characters).

    例: ``corpus.documents()[["doc_id", "city", "articles", "effective"]]``
    """
    cols = _doc_columns()
    rows = []
    for d in corpus.documents:
        row = _scalars(d, Document) | _counts(d, cols)
        units = d.units  # of an instrument without articles, its paragraphs
        row["paragraphs"] = sum(len(a.paragraphs) for a in units)
        row["items"] = sum(len(a.items) for a in units)
        row["characters"] = sum(_characters(a.text) for a in units)
        rows.append(row)
    return _frame(rows, cols, _corpus_categories(corpus))


def articles_frame(corpus, *, units: bool = False) -> pd.DataFrame:
    """One row per article (条), with its document's city, title, kind and status; with
    ``units``, also one row per paragraph of an instrument without articles (a 决定 or 修正案
    in 一、二、 paragraphs: label 第N段, as search shows it).

    例: ``corpus.articles().groupby(["city", "chapter_title"], observed=True).size()``
    """
    cols = _article_columns()
    rows = []
    for d in corpus.documents:
        context = {n: getattr(d, n) for n in ARTICLE_CONTEXT}
        for a in d.units if units else d.articles:
            row = _scalars(a, Article) | context | _counts(a, cols)
            row["items"] = len(a.items)
            row["characters"] = _characters(a.text)
            rows.append(row)
    return _frame(rows, cols, _corpus_categories(corpus))


def paragraphs_frame(corpus) -> pd.DataFrame:
    """One row per 款, keyed by ``doc_id, article_no, paragraph_no``."""
    cols = _paragraph_columns()
    rows = []
    for d in corpus.documents:
        for a in d.articles:
            for p in a.paragraphs:
                row = (
                    {"doc_id": d.id, "article_no": a.no} | _scalars(p, Paragraph) | _counts(p, cols)
                )
                row["characters"] = _characters(p.text)
                rows.append(row)
    return _frame(rows, cols, _corpus_categories(corpus))


def items_frame(corpus) -> pd.DataFrame:
    """One row per 项, keyed by ``doc_id, article_no, paragraph_no, item_no``."""
    cols = _item_columns()
    rows = []
    for d in corpus.documents:
        for a in d.articles:
            for p in a.paragraphs:
                for it in p.items:
                    row = {"doc_id": d.id, "article_no": a.no, "paragraph_no": p.no}
                    row |= _scalars(it, Item)
                    row["characters"] = _characters(it.text)
                    rows.append(row)
    return _frame(rows, cols, _corpus_categories(corpus))


def to_frame(results: Iterable[Any], row_type: type | None = None) -> pd.DataFrame:
    """A DataFrame of result rows (frozen dataclasses): one column per field, typed by its hint.

    The row type is ``row_type``, else ``results.row_type`` (set by whoever builds the
    :class:`~jdcorpus.model.Results`), else the type of the first row; so an empty result list
    whose row type is known still gives a frame with the right columns and dtypes.

    例: ``corpus.search("网格").to_frame().groupby("city").size()``
    """
    rows = list(results)
    cls = row_type or getattr(results, "row_type", None)
    if cls is None and rows:
        cls = type(rows[0])
    if cls is None or not dataclasses.is_dataclass(cls):
        return pd.DataFrame(rows)
    cols = row_columns(cls)
    records = [{c.name: getattr(r, c.name) for c in cols} for r in rows]
    return _frame(records, cols)


# -- CSV ----------------------------------------------------------------------------------------


def restore_dtypes(df: pd.DataFrame, cols: Sequence[Column]) -> pd.DataFrame:
    """Give a frame read back from CSV (all text) the dtypes of ``cols``.

    An empty cell is a missing value in a nullable column and an empty string in a ``str`` column
    that cannot be missing (e.g. a paragraph whose lead text is empty), which is how CSV keeps the
    two apart.
    """
    out = {}
    for c in cols:
        if c.name not in df.columns:
            continue
        raw = [None if (v == "" and (c.nullable or c.dtype != "string")) else v for v in df[c.name]]
        if c.dtype == "Int64":
            out[c.name] = pd.array([None if v is None else int(v) for v in raw], dtype="Int64")
        elif c.dtype == "boolean":
            out[c.name] = pd.array(
                [None if v is None else v == "True" for v in raw], dtype="boolean"
            )
        elif c.dtype == "float64":
            out[c.name] = pd.array(
                [float("nan") if v is None else float(v) for v in raw], dtype="float64"
            )
        else:
            out[c.name] = _series(raw, c)
    extra = [n for n in df.columns if n not in out]
    result = pd.DataFrame(out, index=df.index)
    for n in extra:
        result[n] = df[n]
    return result


def read_frame_csv(path, frame: str = "articles") -> pd.DataFrame:
    """Read a CSV written by ``corpus.<frame>().to_csv(path, index=False)`` with its dtypes back.

    Categories come back in order of appearance (the corpus order for a frame written whole).
    """
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[])
    return restore_dtypes(raw, columns(frame))


def read_articles_csv(path) -> pd.DataFrame:
    """``read_frame_csv(path, "articles")``: the articles frame read back from CSV, dtypes intact."""
    return read_frame_csv(path, "articles")
