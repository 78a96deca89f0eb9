"""Rendering and exporting: tables, JSON and CSV for the CLI; files for analysts.

* :func:`render_rows` is the one renderer of row lists (``--format table|json|csv``): rows are
  dicts or model dataclasses; tables are aligned by display width (a CJK character takes two
  columns) and long cells are cut with "…"; JSON is a list of objects; CSV has a header line.
* :func:`document_rows`, :func:`render_outline`, :func:`render_article` and
  :func:`render_parse` give the shapes of ``jdcorpus docs``, ``show`` and ``parse``.
* :func:`to_akn` (Akoma Ntoso 3.0 XML) and :func:`to_html` render one document;
  :func:`export_articles` and :func:`export_document` write files, always to a temporary file
  renamed into place, so an error never leaves a half-written file behind.

This module imports neither pandas nor lxml at import time (the CLI imports it on every
command); the functions that need them import them.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .errors import UsageError  # noqa: I001
from .model import Article, Document, scalar_fields, to_dict

__all__ = [
    "AKN_NS",
    "display_width",
    "document_rows",
    "export_articles",
    "export_document",
    "outline",
    "render_article",
    "render_outline",
    "render_parse",
    "render_rows",
    "to_akn",
    "to_html",
    "write_atomic",
]

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"

# -- display width --------------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Cf", "Mn", "Me"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def display_width(s: str) -> int:
    """Columns ``s`` takes on a terminal: CJK (wide/full-width) characters count 2, ANSI codes 0.

    例: ``display_width("第八条 ab") == 9``
    """
    return sum(_char_width(ch) for ch in _ANSI.sub("", s))


def _truncate(s: str, width: int) -> str:
    """Cut ``s`` to at most ``width`` display columns, ending with "…"; ANSI codes are kept whole."""
    if display_width(s) <= width:
        return s
    out, used, pos, colored = [], 0, 0, False
    limit = max(width - 1, 0)  # room for the ellipsis
    while pos < len(s):
        m = _ANSI.match(s, pos)
        if m:
            out.append(m.group())
            colored = True
            pos = m.end()
            continue
        w = _char_width(s[pos])
        if used + w > limit:
            break
        out.append(s[pos])
        used += w
        pos += 1
    return "".join(out) + ("\x1b[0m" if colored else "") + "…"


def _pad(s: str, width: int, right: bool = False) -> str:
    gap = " " * max(width - display_width(s), 0)
    return gap + s if right else s + gap


# -- rows -----------------------------------------------------------------------------------------


def _as_dict(row: Any) -> dict:
    if isinstance(row, dict):
        return row
    if dataclasses.is_dataclass(row):
        return {
            f.name: getattr(row, f.name) for f in dataclasses.fields(row) if f.name != "source_text"
        }
    raise TypeError(f"cannot render a row of type {type(row).__name__}")


def _columns_of(rows: Sequence[dict], given: Sequence[str] | None, source: Any) -> list[str]:
    if given:
        return list(given)
    row_type = getattr(source, "row_type", None)
    if row_type is not None and dataclasses.is_dataclass(row_type):
        return [f.name for f in dataclasses.fields(row_type) if f.name != "source_text"]
    cols: dict[str, None] = {}
    for r in rows:
        cols.update(dict.fromkeys(r))
    return list(cols)


def _table_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:.3f}"
    if dataclasses.is_dataclass(v):
        v = getattr(v, "key", None) or getattr(v, "id", None) or str(v)
    if isinstance(v, list | tuple):
        return ", ".join(_table_cell(x) for x in v)
    return " ".join(str(v).split("\n"))


def _csv_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, list | tuple | dict) or dataclasses.is_dataclass(v):
        return json.dumps(to_dict(v), ensure_ascii=False)
    return str(v)


def _json_default(o: Any) -> Any:
    if dataclasses.is_dataclass(o):
        return to_dict(o)
    if hasattr(o, "isoformat"):
        return o.isoformat()
    return str(o)


def _fit(widths: list[int], total: int, floor: int = 8) -> list[int]:
    """Shrink the widest columns until the row (with 2-space gaps) fits ``total`` columns."""
    widths = list(widths)
    while sum(widths) + 2 * (len(widths) - 1) > total:
        i = max(range(len(widths)), key=widths.__getitem__)
        if widths[i] <= floor:
            break
        widths[i] -= 1
    return widths


def render_rows(
    rows: Iterable[Any],
    fmt: str,
    columns: Sequence[str] | None = None,
    title: str | None = None,
    *,
    width: int | None = None,
    max_cell: int = 60,
) -> str:
    """Rows (dicts or dataclasses) as an aligned table, a JSON list or CSV; ends with a newline.

    ``columns`` chooses and orders the columns (default: the row type's fields, else the keys in
    order of appearance). In a table, ``None`` is blank, floats have 3 decimals, line breaks
    become spaces, and cells wider than ``max_cell`` or than the terminal allows end in "…".
    """
    source = rows
    dicts = [_as_dict(r) for r in rows]
    cols = _columns_of(dicts, columns, source)
    if fmt == "json":
        data = [{c: to_dict(r.get(c)) for c in cols} for r in dicts]
        return json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        if cols:
            w.writerow(cols)
        for r in dicts:
            w.writerow([_csv_cell(r.get(c)) for c in cols])
        return buf.getvalue()
    if fmt != "table":
        raise UsageError(f"unknown format {fmt!r}; one of table, json, csv")
    out = [title] if title else []
    if not dicts:
        return "\n".join([*out, "(no rows)"]) + "\n"
    cells = [[_table_cell(r.get(c)) for c in cols] for r in dicts]
    numeric = [
        all(isinstance(r.get(c), int | float) or r.get(c) is None for r in dicts)
        and not all(isinstance(r.get(c), bool) or r.get(c) is None for r in dicts)
        for c in cols
    ]
    natural = [
        min(max([display_width(c)] + [display_width(row[i]) for row in cells]), max_cell)
        for i, c in enumerate(cols)
    ]
    if width is None:
        # a terminal gets what it can show; a pipe or file a generous fixed width
        width = shutil.get_terminal_size((160, 24)).columns if sys.stdout.isatty() else 160
    total = max(width, 20)
    widths = _fit(natural, total)

    def line(values: Sequence[str]) -> str:
        parts = [
            _pad(_truncate(v, widths[i]), widths[i], right=numeric[i]) for i, v in enumerate(values)
        ]
        return "  ".join(parts).rstrip()

    out.append(line(cols))
    out.append("  ".join("-" * w for w in widths))
    out.extend(line(row) for row in cells)
    return "\n".join(out) + "\n"


# -- documents ------------------------------------------------------------------------------------

#: the keys of ``jdcorpus docs --format json`` (issue 2): document fields, then unit counts.
DOC_ROW_FIELDS = (
    "id",
    "city",
    "province",
    "title",
    "kind",
    "status",
    "adopted",
    "approved",
    "effective",
)
DOC_ROW_COUNTS = ("articles", "chapters", "sections")


def document_rows(corpus) -> list[dict]:
    """One dict per document of ``corpus``: ``jdcorpus docs`` (counts of articles, chapters, sections)."""
    return [
        {f: getattr(d, f) for f in DOC_ROW_FIELDS} | {n: len(getattr(d, n)) for n in DOC_ROW_COUNTS}
        for d in corpus.documents
    ]


def _span(articles: Sequence[Article]) -> str:
    if not articles:
        return ""
    first, last = articles[0], articles[-1]
    return first.label if first is last else f"{first.label}–{last.label}"


def _node(no, label, title, start, *, chapter: bool) -> dict:
    node = {"no": no, "label": label, "title": title, "start": start, "articles": []}
    if chapter:
        node["sections"] = {}
    return node


def outline(doc: Document) -> dict:
    """The structure of a document: chapters, their sections, and the articles in each.

    Sections outside any chapter and articles outside any chapter or section are listed at the
    top level. Chapters and sections come from the document's headings (a heading with no
    article under it is kept), or from the articles' own chapter/section when a heading is
    missing. Each node has ``no, label, title, start`` (source offset) and ``articles``.
    """
    chapters: dict[int, dict] = {}
    for c in doc.chapters:
        chapters.setdefault(c.no, _node(c.no, c.label, c.title, c.start, chapter=True))
    loose_sections: dict[int, dict] = {}
    for s in doc.sections:
        node = _node(s.no, s.label, s.title, s.start, chapter=False)
        if s.chapter_no is not None and s.chapter_no in chapters:
            chapters[s.chapter_no]["sections"].setdefault(s.no, node)
        else:
            loose_sections.setdefault(s.no, node)
    loose_articles: list[Article] = []
    for a in doc.articles:
        if a.chapter_no is not None:
            holder = chapters.setdefault(
                a.chapter_no, _node(a.chapter_no, None, a.chapter_title, a.start, chapter=True)
            )
            if a.section_no is not None:
                holder = holder["sections"].setdefault(
                    a.section_no, _node(a.section_no, None, a.section_title, a.start, chapter=False)
                )
            holder["articles"].append(a)
        elif a.section_no is not None:
            loose_sections.setdefault(
                a.section_no, _node(a.section_no, None, a.section_title, a.start, chapter=False)
            )["articles"].append(a)
        else:
            loose_articles.append(a)
    for ch in chapters.values():
        ch["sections"] = sorted(ch["sections"].values(), key=lambda n: n["start"])
    return {
        "chapters": sorted(chapters.values(), key=lambda n: n["start"]),
        "sections": sorted(loose_sections.values(), key=lambda n: n["start"]),
        "articles": loose_articles,
    }


def _node_json(node: dict) -> dict:
    arts = node["articles"]
    inner = [a for s in node.get("sections", []) for a in s["articles"]]
    every = sorted(arts + inner, key=lambda a: a.start)
    out = {k: node[k] for k in ("no", "label", "title")}
    out["first"] = every[0].no if every else None
    out["last"] = every[-1].no if every else None
    out["articles"] = len(every)
    if "sections" in node:
        out["sections"] = [_node_json(s) for s in node["sections"]]
    return out


def _metadata(doc: Document) -> dict:
    return {f: getattr(doc, f) for f in scalar_fields(Document) if f not in ("start", "end")}


def _article_row(doc: Document, a: Article) -> dict:
    return {
        "doc_id": doc.id,
        "no": a.no,
        "label": a.label,
        "heading": a.heading,
        "chapter_no": a.chapter_no,
        "chapter_title": a.chapter_title,
        "section_no": a.section_no,
        "section_title": a.section_title,
        "paragraphs": len(a.paragraphs),
        "items": len(a.items),
    }


def _first_line(a: Article, width: int = 24) -> str:
    text = a.text.split("\n", 1)[0] if a.text else ""
    return _truncate(text, width)


def _outline_table(doc: Document) -> str:
    meta = _metadata(doc)
    place = doc.city or ""
    if doc.province and doc.province != doc.city:
        place += f"（{doc.province}）"
    lines = [doc.title]
    lines.append(
        f"  id: {doc.id}   city: {place or '—'}   kind: {doc.kind or '—'}   status: {doc.status}"
    )
    dates = [
        f"{k}: {meta[k]}" for k in ("adopted", "approved", "revised", "promulgated", "effective")
    ]
    lines.append("  " + "   ".join(d if not d.endswith("None") else d[:-4] + "—" for d in dates))
    lines.append(
        f"  articles: {len(doc.articles)}   chapters: {len(doc.chapters)}   sections: {len(doc.sections)}"
        f"   source: {doc.source_file or '—'}   script: {doc.script}"
    )
    lines.append("")

    def article_lines(arts: Sequence[Article], indent: str) -> list[str]:
        out = []
        for a in arts:
            head = f"【{a.heading}】" if a.heading else ""
            out.append(f"{indent}{a.label}{head} {_first_line(a)}".rstrip())
        return out

    tree = outline(doc)
    lines += article_lines(tree["articles"], "  ")
    for s in tree["sections"]:
        lines.append(f"{s['label'] or ''} {s['title'] or ''}  {_span(s['articles'])}".strip())
        lines += article_lines(s["articles"], "  ")
    for ch in tree["chapters"]:
        every = sorted(
            ch["articles"] + [a for s in ch["sections"] for a in s["articles"]],
            key=lambda a: a.start,
        )
        lines.append(
            f"{ch['label'] or ''} {ch['title'] or ''}  {_span(every)} ({len(every)})".strip()
        )
        lines += article_lines(ch["articles"], "  ")
        for s in ch["sections"]:
            lines.append(
                f"  {s['label'] or ''} {s['title'] or ''}  {_span(s['articles'])}".rstrip()
            )
            lines += article_lines(s["articles"], "    ")
    if doc.warnings:
        lines.append("")
        lines.append("warnings:")
        lines += [f"  - {w}" for w in doc.warnings]
    return "\n".join(lines) + "\n"


def render_outline(doc: Document, fmt: str) -> str:
    """A document outline (``jdcorpus show DOC``): metadata, chapters and sections with their
    article ranges, each article's label and heading, warnings.

    JSON: the metadata, ``chapters`` (each with ``first``/``last`` article numbers, a count and
    its ``sections``), loose ``sections``, ``articles`` (one summary per article), ``warnings``
    and ``notices``. CSV: one row per article.
    """
    if fmt == "table":
        return _outline_table(doc)
    if fmt == "csv":
        return render_rows([_article_row(doc, a) for a in doc.articles], "csv")
    if fmt != "json":
        raise UsageError(f"unknown format {fmt!r}; one of table, json, csv")
    tree = outline(doc)
    data = _metadata(doc) | {
        "counts": {
            "articles": len(doc.articles),
            "chapters": len(doc.chapters),
            "sections": len(doc.sections),
            "paragraphs": sum(len(a.paragraphs) for a in doc.articles),
            "items": sum(len(a.items) for a in doc.articles),
        },
        "chapters": [_node_json(c) for c in tree["chapters"]],
        "sections": [_node_json(s) for s in tree["sections"]],
        "articles": [_article_row(doc, a) for a in doc.articles],
        "warnings": list(doc.warnings),
        "notices": list(doc.notices),
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def render_article(doc: Document, article: Article, fmt: str) -> str:
    """One article (``jdcorpus show DOC ARTICLE``): label, heading, place, 款 with their 项.

    JSON: the article's fields (paragraphs and items nested, offsets included) plus
    ``doc_title`` and ``city``. CSV: one row per 款 and per 项.
    """
    if fmt == "json":
        data = {"doc_title": doc.title, "city": doc.city} | to_dict(article)
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        rows = []
        for p in article.paragraphs:
            base = {"doc_id": doc.id, "article_no": article.no, "paragraph_no": p.no}
            rows.append(base | {"item_no": None, "label": None, "text": p.text})
            rows += [
                base | {"item_no": it.no, "label": it.label, "text": it.text} for it in p.items
            ]
        cols = ["doc_id", "article_no", "paragraph_no", "item_no", "label", "text"]
        return render_rows(rows, "csv", columns=cols)
    if fmt != "table":
        raise UsageError(f"unknown format {fmt!r}; one of table, json, csv")
    head = f"【{article.heading}】" if article.heading else ""
    lines = [f"{doc.title} {article.label}{head}"]
    place = []
    if article.chapter_no is not None:
        ch = next((c for c in doc.chapters if c.no == article.chapter_no), None)
        place.append(f"{ch.label if ch else ''} {article.chapter_title or ''}".strip())
    if article.section_no is not None:
        sec = next(
            (
                s
                for s in doc.sections
                if s.no == article.section_no and s.chapter_no == article.chapter_no
            ),
            None,
        )
        place.append(f"{sec.label if sec else ''} {article.section_title or ''}".strip())
    if place:
        lines.append(" › ".join(place))
    lines.append("")
    if article.paragraphs:
        for p in article.paragraphs:
            if p.text:
                lines.append(f"  {p.text}")
            lines += [f"    {it.label}{it.text}" for it in p.items]
    else:
        lines += [f"  {line}" for line in article.text.split("\n")]
    return "\n".join(lines) + "\n"


def _parse_article(a: Article) -> dict:
    return {
        "no": a.no,
        "label": a.label,
        "heading": a.heading,
        "chapter": a.chapter_title,
        "section": a.section_title,
        "text": a.text,
        "original": a.original,
        "paragraphs": [
            {"text": p.text, "items": [it.text for it in p.items]} for p in a.paragraphs
        ],
    }


PARSE_DOC_FIELDS = ("title", "city", "kind", "status", "adopted", "approved", "effective")


def render_parse(documents: Sequence[Document], fmt: str) -> str:
    """The result of ``jdcorpus parse FILE``.

    JSON (issue 2): ``{"documents": [{title, city, kind, status, adopted, approved, effective,
    warnings, articles: [{no, label, heading, chapter, section, text, original,
    paragraphs: [{text, items: [str]}]}]}]}``, chapter and section being titles or null and
    items their text without the （一） marker. Table: the outline of each document. CSV: one
    row per article.
    """
    if fmt == "json":
        data = {
            "documents": [
                {f: getattr(d, f) for f in PARSE_DOC_FIELDS}
                | {
                    "warnings": list(d.warnings),
                    "articles": [_parse_article(a) for a in d.articles],
                }
                for d in documents
            ]
        }
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        rows = [
            {"document": d.title}
            | {k: v for k, v in _parse_article(a).items() if k != "paragraphs"}
            for d in documents
            for a in d.articles
        ]
        cols = ["document", "no", "label", "heading", "chapter", "section", "text", "original"]
        return render_rows(rows, "csv", columns=cols)
    if fmt != "table":
        raise UsageError(f"unknown format {fmt!r}; one of table, json, csv")
    return "\n".join(_outline_table(d) for d in documents)


# -- Akoma Ntoso and HTML --------------------------------------------------------------------------


class _EIds:
    """eIds in the Akoma Ntoso naming convention (``chp_2``, ``art_8__para_1__point_3``), made
    unique when the source repeats a number (a repeat gets ``_2``, ``_3`` …)."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def __call__(self, eid: str) -> str:
        n = self.seen.get(eid, 0) + 1
        self.seen[eid] = n
        return eid if n == 1 else f"{eid}_{n}"


def _frbr_date(doc: Document) -> tuple[str, str]:
    for name in ("adopted", "promulgated", "approved", "effective", "revised"):
        if getattr(doc, name):
            return getattr(doc, name), name
    return "9999-12-31", "unknown"


def to_akn(doc: Document) -> bytes:
    """The document as an Akoma Ntoso 3.0 ``act`` (UTF-8 XML bytes).

    Hierarchy: ``chapter`` › ``section`` › ``article`` › ``paragraph`` (款) › ``point`` (项), each
    with an ``eId`` (``chp_1``, ``chp_1__sec_2``, ``art_8``, ``art_8__para_1__point_3``); a 款
    with items has its lead text in ``intro``. Metadata: FRBR identification (work URI
    ``/akn/cn/act/<kind>/<date>/<id>``), the dates as lifecycle events, draft status in the
    preface.
    """
    from lxml import etree

    ns = f"{{{AKN_NS}}}"

    def el(parent, tag, text=None, **attrs):
        e = etree.SubElement(
            parent, ns + tag, {k.rstrip("_"): v for k, v in attrs.items() if v is not None}
        )
        if text is not None:
            e.text = text
        return e

    date, date_name = _frbr_date(doc)
    subtype = "draft" if doc.status == "draft" else "regulation"
    work = f"/akn/cn/act/{subtype}/{date[:4]}/{doc.id}"
    root = etree.Element(ns + "akomaNtoso", nsmap={None: AKN_NS})
    act = el(root, "act", name="regulation", contains="originalVersion")
    meta = el(act, "meta")
    ident = el(meta, "identification", source="#jdcorpus")
    for level, this, uri, author in (
        ("FRBRWork", f"{work}/!main", work, "#author"),
        ("FRBRExpression", f"{work}/zho@/!main", f"{work}/zho@", "#author"),
        ("FRBRManifestation", f"{work}/zho@/!main.xml", f"{work}/zho@.akn", "#jdcorpus"),
    ):
        frbr = el(ident, level)
        el(frbr, "FRBRthis", value=this)
        el(frbr, "FRBRuri", value=uri)
        if level == "FRBRWork":
            el(frbr, "FRBRalias", value=doc.title, name="title")
        el(frbr, "FRBRdate", date=date, name=date_name)
        el(frbr, "FRBRauthor", href=author)
        if level == "FRBRWork":
            el(frbr, "FRBRcountry", value="cn")
            el(frbr, "FRBRsubtype", value=doc.kind or "act")
            el(frbr, "FRBRname", value=doc.title)
        if level == "FRBRExpression":
            el(frbr, "FRBRlanguage", language="zho")
    events = [
        (n, getattr(doc, n)) for n in ("adopted", "approved", "revised", "promulgated", "effective")
    ]
    events = [(n, d) for n, d in events if d]
    if events:
        life = el(meta, "lifecycle", source="#jdcorpus")
        for i, (name, d) in enumerate(sorted(events, key=lambda e: e[1]), 1):
            el(
                life,
                "eventRef",
                eId=f"evt_{i}",
                date=d,
                source="#original",
                type="amendment" if name == "revised" else "generation",
                refersTo=f"#{name}",
            )
    refs = el(meta, "references", source="#jdcorpus")
    el(refs, "original", eId="original", href=f"{work}/zho@", showAs=doc.title)
    el(
        refs,
        "TLCOrganization",
        eId="jdcorpus",
        href="/ontology/organization/jdcorpus",
        showAs="jdcorpus",
    )
    author = f"{doc.city}市" if doc.city else "unknown"
    el(
        refs,
        "TLCOrganization",
        eId="author",
        href=f"/ontology/organization/cn/{doc.id}.author",
        showAs=author,
    )
    for name, _ in events:
        el(refs, "TLCEvent", eId=name, href=f"/ontology/event/{name}", showAs=name)
    if doc.city or doc.province:
        el(
            refs,
            "TLCLocation",
            eId="city",
            href=f"/ontology/location/cn/{doc.id}",
            showAs=doc.city or doc.province,
        )

    preface = el(act, "preface")
    p = el(preface, "longTitle")
    p = el(p, "p")
    el(p, "docTitle", doc.title)
    if doc.status == "draft":
        el(el(preface, "p"), "docStatus", "草案")
    body = el(act, "body")
    eid = _EIds()

    def add_article(parent, a: Article):
        art_id = eid(f"art_{a.no}")
        art = el(parent, "article", eId=art_id)
        el(art, "num", a.label)
        if a.heading:
            el(art, "heading", a.heading)
        paras = a.paragraphs or ()
        if not paras:
            content = el(el(art, "paragraph", eId=eid(f"{art_id}__para_1")), "content")
            for line in a.text.split("\n") or [""]:
                el(content, "p", line)
            return
        for para in paras:
            pid = eid(f"{art_id}__para_{para.no}")
            pe = el(art, "paragraph", eId=pid)
            if not para.items:
                el(el(pe, "content"), "p", para.text)
                continue
            if para.text:
                el(el(pe, "intro"), "p", para.text)
            for it in para.items:
                pt = el(pe, "point", eId=eid(f"{pid}__point_{it.no}"))
                el(pt, "num", it.label)
                el(el(pt, "content"), "p", it.text)

    def add_container(parent, tag, node, prefix):
        e = el(parent, tag, eId=eid(prefix))
        if node.get("label"):
            el(e, "num", node["label"])
        if node.get("title"):
            el(e, "heading", node["title"])
        return e

    def fill(container, node):
        parts = [(a.start, a) for a in node["articles"]]
        parts += [(sub["start"], sub) for sub in node.get("sections", ())]
        for _, part in sorted(parts, key=lambda p: p[0]):
            if isinstance(part, Article):
                add_article(container, part)
            else:
                sec = add_container(
                    container, "section", part, f"{container.get('eId')}__sec_{part['no']}"
                )
                fill(sec, part)
        if not parts:  # a heading with nothing under it: AKN wants content
            el(el(container, "content"), "p", "")

    tree = outline(doc)
    blocks = [(a.start, "article", a) for a in tree["articles"]]
    blocks += [(s["start"], "section", s) for s in tree["sections"]]
    blocks += [(c["start"], "chapter", c) for c in tree["chapters"]]
    for _, kind, node in sorted(blocks, key=lambda b: b[0]):
        if kind == "article":
            add_article(body, node)
        else:
            prefix = "chp" if kind == "chapter" else "sec"
            fill(add_container(body, kind, node, f"{prefix}_{node['no']}"), node)
    if not len(body):
        el(el(el(body, "paragraph", eId="para_1"), "content"), "p", "")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


_HTML_CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       max-width: 46em; margin: 2em auto; line-height: 1.7; padding: 0 1em; }
h1 { font-size: 1.5em; text-align: center; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .1em 1em; color: #555; }
dl.meta dt { font-weight: bold; }
.article { margin: .8em 0; }
.article .num { font-weight: bold; margin-right: .5em; }
.points { list-style: none; padding-left: 2em; margin: .2em 0; }
.warnings { color: #a40; }
"""


def to_html(doc: Document) -> str:
    """The document as a small standalone HTML page (chapters, sections, articles with ids)."""
    from lxml import etree
    from lxml.html import builder as E

    meta_items = []
    for k, v in _metadata(doc).items():
        if v not in (None, ""):
            meta_items += [E.DT(k), E.DD(str(v))]
    eid = _EIds()

    def article(a: Article):
        art_id = eid(f"art_{a.no}")
        head = [E.SPAN(a.label, E.CLASS("num"))]
        if a.heading:
            head.append(E.SPAN(f"【{a.heading}】", E.CLASS("heading")))
        parts = [E.H4(*head)]
        for p in a.paragraphs:
            if p.text:
                parts.append(E.P(p.text, E.CLASS("paragraph"), id=eid(f"{art_id}__para_{p.no}")))
            if p.items:
                parts.append(
                    E.UL(
                        *[E.LI(E.SPAN(it.label, E.CLASS("label")), it.text) for it in p.items],
                        E.CLASS("points"),
                    )
                )
        if not a.paragraphs:
            parts += [E.P(line) for line in a.text.split("\n")]
        return E.DIV(*parts, E.CLASS("article"), id=art_id)

    def container(node, level: int, eid_: str):
        head = (E.H2 if level == 2 else E.H3)(
            f"{node['label'] or ''} {node['title'] or ''}".strip()
        )
        parts = [(a.start, a) for a in node["articles"]]
        parts += [(sub["start"], sub) for sub in node.get("sections", ())]
        inner = [
            article(part)
            if isinstance(part, Article)
            else container(part, 3, f"{eid_}__sec_{part['no']}")
            for _, part in sorted(parts, key=lambda p: p[0])
        ]
        kind = "chapter" if level == 2 else "section"
        return E.SECTION(head, *inner, E.CLASS(kind), id=eid(eid_))

    tree = outline(doc)
    blocks = [(a.start, a) for a in tree["articles"]]
    blocks += [(n["start"], n) for n in tree["sections"] + tree["chapters"]]
    content = [E.H1(doc.title), E.DL(*meta_items, E.CLASS("meta"))]
    for _, node in sorted(blocks, key=lambda b: b[0]):
        if isinstance(node, Article):
            content.append(article(node))
        else:
            is_chapter = "sections" in node
            prefix = "chp" if is_chapter else "sec"
            content.append(container(node, 2 if is_chapter else 3, f"{prefix}_{node['no']}"))
    if doc.warnings:
        content.append(
            E.DIV(E.H3("warnings"), E.UL(*[E.LI(w) for w in doc.warnings]), E.CLASS("warnings"))
        )
    page = E.HTML(
        E.HEAD(E.META(charset="utf-8"), E.TITLE(doc.title), E.STYLE(_HTML_CSS)),
        E.BODY(E.ARTICLE(*content, E.CLASS("document"), id=doc.id)),
        lang="zh-CN",
    )
    return "<!DOCTYPE html>\n" + etree.tostring(
        page, encoding="unicode", method="html", pretty_print=True
    )


# -- files ----------------------------------------------------------------------------------------


def write_atomic(path: str | os.PathLike, data: bytes | str) -> Path:
    """Write ``data`` to the file the user named without clobbering what the path points to
    (see :func:`jdcorpus._cache.output`: ``-`` is standard output, devices and FIFOs are written
    through, regular files replaced atomically with their mode kept)."""
    from ._cache import atomic_write

    atomic_write(path, data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)


def _format_of(
    path: Path, fmt: str | None, allowed: Sequence[str], suffixes: dict[str, str]
) -> str:
    fmt = fmt or suffixes.get(path.suffix.lower())
    if fmt not in allowed:
        raise UsageError(
            f"cannot tell the format of {path.name!r}; give one of {', '.join(allowed)}"
            if fmt is None
            else f"unknown format {fmt!r}; one of {', '.join(allowed)}"
        )
    return fmt


ARTICLE_FORMATS = ("csv", "json", "parquet")
DOCUMENT_FORMATS = ("akn", "html", "json")


def export_articles(corpus, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Write the articles frame (``corpus.articles()``) as CSV, JSON (records) or Parquet.

    The format is ``fmt`` or the file suffix (.csv, .json, .parquet). CSV reads back with its
    dtypes through :func:`jdcorpus.frames.read_articles_csv`; Parquet keeps them by itself.
    """
    path = Path(path)
    fmt = _format_of(
        path, fmt, ARTICLE_FORMATS, {".csv": "csv", ".json": "json", ".parquet": "parquet"}
    )
    from .frames import articles_frame

    df = articles_frame(corpus)
    if fmt == "csv":
        return write_atomic(path, df.to_csv(index=False))
    if fmt == "json":
        records = json.loads(df.to_json(orient="records", force_ascii=False, date_format="iso"))
        return write_atomic(path, json.dumps(records, ensure_ascii=False, indent=1) + "\n")
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return write_atomic(path, buf.getvalue())


def export_document(doc: Document, path: str | os.PathLike, fmt: str | None = None) -> Path:
    """Write one document as Akoma Ntoso XML (.xml/.akn), HTML (.html) or JSON (the model)."""
    path = Path(path)
    fmt = _format_of(
        path,
        fmt,
        DOCUMENT_FORMATS,
        {".xml": "akn", ".akn": "akn", ".html": "html", ".htm": "html", ".json": "json"},
    )
    if fmt == "akn":
        return write_atomic(path, to_akn(doc))
    if fmt == "html":
        return write_atomic(path, to_html(doc))
    return write_atomic(path, json.dumps(to_dict(doc), ensure_ascii=False, indent=1) + "\n")
