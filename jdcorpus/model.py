"""The legal units of jdcorpus, one frozen dataclass each.

Everything else derives from these classes: DataFrame columns (``frames``), the search index
schema (``index``), the JSON of ``jdcorpus parse`` and every export. Add a field here and it
appears everywhere; do not restate field lists elsewhere, use :func:`fields_of`.

Offsets (``start``/``end``) are character offsets into the *source text* of the file the unit
was parsed from (``Document.source_text``), so ``source_text[start:end]`` is always the unit in
the words of the source, whatever normalization did to ``text``.

例：长春 第八条 → Article(no=8, label="第八条", chapter_no=2, chapter_title="机构职责", ...,
paragraphs=(Paragraph(no=1, text="街道办事处履行下列职责：", items=(Item(no=1, label="（一）", ...), ...)), ...))
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "Item",
    "Paragraph",
    "Article",
    "Part",
    "Chapter",
    "Section",
    "Event",
    "Document",
    "fields_of",
    "scalar_fields",
]


def _pickled_by_fields(cls):
    """Pickle a unit as the tuple of its field values, rebuilt by its constructor.

    The ``__setstate__`` that dataclasses give a slotted class looks up the fields for every
    object: on a parsed collection of 1,884 documents (~290,000 units) that lookup was 55% of
    the time a cached corpus took to load (8.3 s of 15 s under the profiler); by field tuples
    dumping is ~3.5x faster too. The same objects come back (a test round-trips the bundled
    corpus).
    """
    names = tuple(f.name for f in dataclasses.fields(cls))
    # one C call for all the fields (a tuple when there are two or more): dumping a parsed
    # collection 1.20 -> 0.87 s, the same bytes
    values = (
        operator.attrgetter(*names) if len(names) > 1 else lambda self: (getattr(self, names[0]),)
    )

    def __reduce__(self):
        return (cls, values(self))

    cls.__reduce__ = __reduce__
    return cls


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Item:
    """A 项: one numbered item （一）（二）… inside a 款."""

    no: int  # 1-based, as numbered in the source (（三） → 3)
    label: str  # the marker as normalized, e.g. "（三）"
    text: str  # normalized text without the marker
    original: str  # exact source span, marker included
    start: int
    end: int


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Paragraph:
    """A 款: a paragraph of an article; its items (项) follow its lead text."""

    no: int  # 1-based position in the article
    text: str  # normalized lead text (may be "" when the paragraph is only items)
    original: str  # exact source span of the whole paragraph, items included
    start: int
    end: int
    items: tuple[Item, ...] = ()


def inserted_suffix(label: str | None) -> str:
    """The 之X of an inserted article's label (第一百二十条之一 → 之一), else ''."""
    at = label.rfind("之") if label else -1
    return label[at:] if at > 0 else ""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Article:
    """A 条: the unit that is searched, aligned and compared."""

    doc_id: str
    no: int  # article number as parsed (never renumbered)
    label: str  # normalized label, e.g. "第十二条"
    heading: str | None  # 【立法目的】/（目的与依据） → "立法目的" / "目的与依据"
    chapter_no: int | None
    chapter_title: str | None
    section_no: int | None
    section_title: str | None
    text: str  # normalized body: paragraphs and items, one per line, no label or heading
    original: str  # exact source span, label included
    start: int
    end: int
    paragraphs: tuple[Paragraph, ...] = ()
    part_no: int | None = None  # the 编 of a code (民法典, 刑法); None where there are none
    part_title: str | None = None

    @property
    def key(self) -> str:
        """``doc_id:no``, the address used by the CLI (``jdcorpus show changchun 8``); an
        inserted article keeps its 之X (``xing-fa:120之一``: ``xing-fa:120`` is 第一百二十条)."""
        return f"{self.doc_id}:{self.no}{inserted_suffix(self.label)}"

    @property
    def sub(self) -> int | None:
        """The X of an inserted article 第…条之X (第一百二十条之一 → 1), else None."""
        x = inserted_suffix(self.label)[1:].rstrip("条條")
        if not x:
            return None
        if x.isdigit():
            return int(x)
        import cn2an  # (inserted articles are rare: ordinary ones never load it)

        return int(cn2an.cn2an(x, "smart"))

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(it for p in self.paragraphs for it in p.items)


@dataclass(frozen=True, slots=True)
class _Heading:
    no: int
    label: str  # "第一章", "第二编"
    title: str  # normalized, spaces removed: "总则", "物权"
    start: int
    end: int


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Part(_Heading):
    """A 编 heading of a code (民法典 第二编 物权, 刑法 第一编 总则); its 分编 are not kept."""


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Chapter(_Heading):
    """A 章 heading (table-of-contents repeats are not chapters)."""

    part_no: int | None = None  # the 编 it is in (chapter numbers start again in each 编)


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Section:
    """A 节 heading, inside a chapter or standing alone."""

    no: int
    label: str  # "第一节"
    title: str
    chapter_no: int | None
    start: int
    end: int
    part_no: int | None = None  # the 编 of its chapter


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Event:
    """One dated step in a document's history, read from its 题注 or notice."""

    date: str  # ISO yyyy-mm-dd
    kind: str  # adopted | approved | revised | amended | promulgated | effective
    body: str | None  # the organ, e.g. "长春市第十六届人民代表大会常务委员会第四次会议"


@_pickled_by_fields
@dataclass(frozen=True, slots=True)
class Document:
    """One legal instrument (a file may hold several)."""

    id: str  # stable ASCII id, e.g. "changchun", "beijing-tiaoli"
    title: str  # normalized simplified title
    city: str | None  # simplified, without 市: "长春"
    province: str | None  # "吉林"
    kind: str | None  # 条例 / 规定 / 职责规定 / 办法 …
    status: str  # "in_force" | "draft"
    adopted: str | None  # ISO dates or None; see parse/metadata.py for how each is chosen
    approved: str | None
    revised: str | None
    promulgated: str | None
    effective: str | None
    source_file: str | None  # file name the document was parsed from
    start: int  # span of the whole instrument in the source, header included
    end: int
    original_title: str = ""  # the title as written in the source
    script: str = "simplified"  # script of the source: "simplified" | "traditional"
    articles: tuple[Article, ...] = ()
    chapters: tuple[Chapter, ...] = ()
    sections: tuple[Section, ...] = ()
    parts: tuple[Part, ...] = ()  # the 编 of a code
    events: tuple[Event, ...] = ()
    notices: tuple[str, ...] = ()  # promulgation notices, 印发通知, preambles (normalized)
    # 附件, 附表, 说明 and other text kept after the last article (normalized), one entry each
    annexes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()  # names of the normalization steps that ran
    # the body of an instrument drafted without articles (a 决定 in 一、二、 paragraphs), read with
    # parse_text(require_articles=False): its paragraphs, the marker kept in the text; else empty
    paragraphs: tuple[Paragraph, ...] = ()
    source_text: str = field(default="", repr=False, compare=False)  # the whole source file

    @property
    def units(self) -> tuple[Article, ...]:
        """What is searched, shown and listed of the document: its articles, or, for an
        instrument drafted without them (a 决定 in 一、二、 paragraphs, read by ``jdcorpus add``),
        each paragraph as an :class:`Article` labelled 第N段 (``no`` = N) with its chapter and
        section, its items one per line as in an article, and its source span. Comparison
        (``align``, ``families`` …) works on ``articles`` alone."""
        if self.articles or not self.paragraphs:
            return self.articles
        return tuple(_paragraph_unit(self, p) for p in self.paragraphs)

    def article(self, no: int, sub: int | None = None) -> Article:
        """Article ``no`` (``sub``: the article inserted after it as 第…条之``sub``)."""
        for a in self.articles:
            if a.no == no and (sub is None or a.sub == sub):
                return a
        raise KeyError(f"{self.id} has no article {no}" + (f"之{sub}" if sub else ""))

    def source(self, start: int, end: int) -> str:
        """The source text between two offsets: how a normalized result is shown in the source's words."""
        return self.source_text[start:end]


def _paragraph_unit(doc: Document, p: Paragraph) -> Article:
    """A paragraph of an instrument without articles, as the unit :attr:`Document.units` lists."""
    chapter = next((c for c in reversed(doc.chapters) if c.start <= p.start), None)
    ch = chapter.no if chapter else None
    section = next(
        (s for s in reversed(doc.sections) if s.start <= p.start and s.chapter_no == ch), None
    )  # (a paragraph's chapter and section: the last heading before it)
    lines = [p.text] if p.text else []
    lines.extend(f"{it.label}{it.text}" for it in p.items)
    return Article(
        doc_id=doc.id, no=p.no, label=f"第{p.no}段", heading=None,
        chapter_no=ch, chapter_title=chapter.title if chapter else None,
        section_no=section.no if section else None, section_title=section.title if section else None,
        text="\n".join(lines), original=p.original, start=p.start, end=p.end,
        paragraphs=(Paragraph(1, p.text, p.original, p.start, p.end, p.items),),
    )  # fmt: skip


_SCALAR = (str, int, float, bool, type(None))


def fields_of(cls: type) -> tuple[dataclasses.Field, ...]:
    """The dataclass fields of a model class (the one place field lists come from)."""
    return dataclasses.fields(cls)


def scalar_fields(cls: type) -> tuple[str, ...]:
    """Names of the fields of ``cls`` that hold one scalar value (no tuples of sub-units).

    These are the columns of the flat tables (DataFrames, CSV) and the stored index fields.
    """
    hints = _resolved_hints(cls)
    out = []
    for f in dataclasses.fields(cls):
        t = hints[f.name]
        if getattr(t, "__origin__", None) is tuple or t is tuple:
            continue
        if f.name == "source_text":
            continue
        out.append(f.name)
    return tuple(out)


def _resolved_hints(cls: type) -> dict[str, Any]:
    import typing

    return typing.get_type_hints(cls)


def to_dict(obj: Any) -> Any:
    """A JSON-ready dict of a model object (tuples become lists; the source text is left out)."""
    if dataclasses.is_dataclass(obj):
        return {
            f.name: to_dict(getattr(obj, f.name))
            for f in dataclasses.fields(obj)
            if f.name != "source_text"
        }
    if isinstance(obj, tuple | list):
        return [to_dict(x) for x in obj]
    return obj
