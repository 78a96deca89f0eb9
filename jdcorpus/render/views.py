"""Terminal and JSON views of corpus objects: ``jdcorpus docs``, ``show`` and ``parse``."""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..errors import UsageError
from ..model import Article, Document, scalar_fields, to_dict
from .text import _fit, _truncate, display_width, pad, render_rows  # noqa: F401

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
    """One dict per document of ``corpus``: ``jdcorpus docs`` (counts of articles, chapters,
    sections; then ``corpus``, ``"bundled"`` or ``"user"``, and the ``source_file``)."""
    origin = getattr(corpus, "origin", lambda d: None)
    return [
        {f: getattr(d, f) for f in DOC_ROW_FIELDS}
        | {n: len(getattr(d, n)) for n in DOC_ROW_COUNTS}
        | {"corpus": origin(d), "source_file": d.source_file}
        for d in corpus.documents
    ]


def document_table_columns(rows: Sequence[dict]) -> list[str] | None:
    """The columns of ``jdcorpus docs`` as a table: no source file (JSON and CSV have it), and
    the corpus only when some document is not bundled."""
    if not rows:
        return None
    cols = [c for c in rows[0] if c != "source_file"]
    if all(r["corpus"] == "bundled" for r in rows):
        cols.remove("corpus")
    return cols


#: what ``jdcorpus docs`` leaves out first on a narrow terminal (ids, titles and the effective
#: date stay; titles are cut last)
DOC_ROW_OPTIONAL = ("sections", "chapters", "province", "approved", "kind", "adopted", "city")


def render_documents(corpus, fmt: str, *, width: int | None = None) -> str:
    """``jdcorpus docs``: one row per document. In a table, ids, dates and counts are never cut:
    titles give way, then the columns of ``DOC_ROW_OPTIONAL`` are left out, so that the table
    fits the terminal."""
    rows = document_rows(corpus)
    columns = document_table_columns(rows) if fmt == "table" else None
    return render_rows(rows, fmt, columns, width=width, flex=("title",), optional=DOC_ROW_OPTIONAL)


def _span(articles: Sequence[Article]) -> str:
    if not articles:
        return ""
    first, last = articles[0], articles[-1]
    return first.label if first is last else f"{first.label}–{last.label}"


def _node(no, label, title, start, *, chapter: bool, part: int | None = None) -> dict:
    node = {"no": no, "label": label, "title": title, "start": start, "articles": [], "part": part}
    if chapter:
        node["sections"] = {}
    return node


def outline(doc: Document) -> dict:
    """The structure of a document: chapters, their sections, and the articles in each.

    Sections outside any chapter and articles outside any chapter or section are listed at the
    top level. Chapters and sections come from the document's headings (a heading with no
    article under it is kept), or from the articles' own chapter/section when a heading is
    missing. Each node has ``no, label, title, start`` (source offset), ``part`` (the number of
    its 编, None in a law without them: chapter numbers start again in each 编 of a code) and
    ``articles``; ``parts`` lists the 编 (``no, label, title, start``).
    """
    chapters: dict[tuple, dict] = {}
    for c in doc.chapters:
        chapters.setdefault(
            (c.part_no, c.no),
            _node(c.no, c.label, c.title, c.start, chapter=True, part=c.part_no),
        )
    loose_sections: dict[tuple, dict] = {}
    for s in doc.sections:
        node = _node(s.no, s.label, s.title, s.start, chapter=False, part=s.part_no)
        if s.chapter_no is not None and (s.part_no, s.chapter_no) in chapters:
            chapters[(s.part_no, s.chapter_no)]["sections"].setdefault(s.no, node)
        else:
            loose_sections.setdefault((s.part_no, s.no), node)
    loose_articles: list[Article] = []
    for a in doc.units:  # an instrument without articles: its paragraphs (第N段)
        if a.chapter_no is not None:
            holder = chapters.setdefault(
                (a.part_no, a.chapter_no),
                _node(a.chapter_no, None, a.chapter_title, a.start, chapter=True, part=a.part_no),
            )
            if a.section_no is not None:
                holder = holder["sections"].setdefault(
                    a.section_no,
                    _node(
                        a.section_no, None, a.section_title, a.start, chapter=False, part=a.part_no
                    ),
                )
            holder["articles"].append(a)
        elif a.section_no is not None:
            loose_sections.setdefault(
                (a.part_no, a.section_no),
                _node(a.section_no, None, a.section_title, a.start, chapter=False, part=a.part_no),
            )["articles"].append(a)
        else:
            loose_articles.append(a)
    for ch in chapters.values():
        ch["sections"] = sorted(ch["sections"].values(), key=lambda n: n["start"])
    return {
        "parts": [
            {"no": p.no, "label": p.label, "title": p.title, "start": p.start} for p in doc.parts
        ],
        "chapters": sorted(chapters.values(), key=lambda n: n["start"]),
        "sections": sorted(loose_sections.values(), key=lambda n: n["start"]),
        "articles": loose_articles,
    }


def in_text_order(tree: dict) -> list[tuple[str, object, int | None]]:
    """The top-level blocks of an :func:`outline` in the order of the text, as ``(kind, node,
    part)``: kind ``article`` (node an :class:`Article`), ``section`` or ``chapter`` (a node),
    part the number of the 编 it is in (None outside any)."""
    blocks = [(a.start, "article", a, a.part_no) for a in tree["articles"]]
    blocks += [(n["start"], "section", n, n["part"]) for n in tree["sections"]]
    blocks += [(n["start"], "chapter", n, n["part"]) for n in tree["chapters"]]
    return [(kind, node, part) for _, kind, node, part in sorted(blocks, key=lambda b: b[0])]


def _node_json(node: dict) -> dict:
    arts = node["articles"]
    inner = [a for s in node.get("sections", []) for a in s["articles"]]
    every = sorted(arts + inner, key=lambda a: a.start)
    out = {k: node[k] for k in ("no", "label", "title", "part")}
    out["first"] = every[0].no if every else None
    out["last"] = every[-1].no if every else None
    out["articles"] = len(every)
    if "sections" in node:
        out["sections"] = [_node_json(s) for s in node["sections"]]
    return out


def metadata(doc: Document) -> dict:
    return {f: getattr(doc, f) for f in scalar_fields(Document) if f not in ("start", "end")}


def _article_row(doc: Document, a: Article) -> dict:
    return {
        "doc_id": doc.id,
        "no": a.no,
        "label": a.label,
        "heading": a.heading,
        "part_no": a.part_no,
        "part_title": a.part_title,
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
    meta = metadata(doc)
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

    if doc.paragraphs:  # a document drafted without articles (a 决定 in 一、二、 paragraphs)
        lines[-2] += f"   paragraphs: {len(doc.paragraphs)}"
    tree = outline(doc)
    parts = {p["no"]: p for p in tree["parts"]}
    shown_part = None
    after_heading = False  # loose articles after a chapter or section are marked as outside it
    # in the order of the text: loose articles, loose sections and chapters; a 编 above the first
    # of its chapters (a code's 附则 after its last 编 is in none)
    for kind, node, part in in_text_order(tree):
        if part != shown_part and part in parts:
            lines.append(f"{parts[part]['label']} {parts[part]['title']}".strip())
        shown_part = part
        if kind == "article":
            if after_heading:
                lines.append("（章外）")  # after a bare 附则 heading, say
            after_heading = False
            lines += article_lines([node], "  ")
            continue
        after_heading = True
        if kind == "section":
            lines.append(
                f"{node['label'] or ''} {node['title'] or ''}  {_span(node['articles'])}".strip()
            )
            lines += article_lines(node["articles"], "  ")
        else:
            every = sorted(
                node["articles"] + [a for s in node["sections"] for a in s["articles"]],
                key=lambda a: a.start,
            )
            lines.append(
                f"{node['label'] or ''} {node['title'] or ''}  {_span(every)} ({len(every)})".strip()
            )
            lines += article_lines(node["articles"], "  ")
            for sec in node["sections"]:
                lines.append(
                    f"  {sec['label'] or ''} {sec['title'] or ''}  {_span(sec['articles'])}".rstrip()
                )
                lines += article_lines(sec["articles"], "    ")
    if doc.annexes:  # 附件 after the last article: the first words of each, its length
        lines += ["", "annexes:"]
        for annex in doc.annexes:
            head = " ".join(annex.split("\n")[:2])
            head = head if len(head) <= 40 else head[:40] + "…"
            lines.append(f"  - {head} ({len(annex.splitlines())} lines)")
    if doc.warnings:
        lines.append("")
        lines.append("warnings:")
        lines += [f"  - {w}" for w in doc.warnings]
    return "\n".join(lines) + "\n"


def render_outline(doc: Document, fmt: str) -> str:
    """A document outline (``jdcorpus show DOC``): metadata, chapters and sections with their
    article ranges, each article's label and heading, the annexes' first words, warnings.

    JSON: the metadata, ``chapters`` (each with ``first``/``last`` article numbers, a count and
    its ``sections``), loose ``sections``, ``articles`` (one summary per article), ``warnings``,
    ``notices`` and ``annexes``. CSV: one row per article.
    """
    if fmt == "table":
        return _outline_table(doc)
    if fmt == "csv":
        return render_rows([_article_row(doc, a) for a in doc.articles], "csv")
    if fmt != "json":
        raise UsageError(f"unknown format {fmt!r}; one of table, json, csv")
    tree = outline(doc)
    data = metadata(doc) | {
        "counts": {
            "articles": len(doc.articles),
            "parts": len(doc.parts),
            "chapters": len(doc.chapters),
            "sections": len(doc.sections),
            "paragraphs": sum(len(a.paragraphs) for a in doc.articles),
            "items": sum(len(a.items) for a in doc.articles),
        },
        "parts": [{k: p[k] for k in ("no", "label", "title")} for p in tree["parts"]],
        "chapters": [_node_json(c) for c in tree["chapters"]],
        "sections": [_node_json(s) for s in tree["sections"]],
        "articles": [_article_row(doc, a) for a in doc.articles],
        "warnings": list(doc.warnings),
        "notices": list(doc.notices),
        "annexes": list(doc.annexes),
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
    if article.part_no is not None:  # the 编 of a code: its chapters are numbered afresh
        pt = next((p for p in doc.parts if p.no == article.part_no), None)
        place.append(f"{pt.label if pt else ''} {article.part_title or ''}".strip())
    if article.chapter_no is not None:
        ch = next(
            (
                c
                for c in doc.chapters
                if c.no == article.chapter_no and c.part_no == article.part_no
            ),
            None,
        )
        place.append(f"{ch.label if ch else ''} {article.chapter_title or ''}".strip())
    if article.section_no is not None:
        sec = next(
            (
                s
                for s in doc.sections
                if s.no == article.section_no
                and s.chapter_no == article.chapter_no
                and s.part_no == article.part_no
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


def _parse_paragraph(p) -> dict:
    return {"no": p.no, "text": p.text, "items": [it.text for it in p.items]}


PARSE_DOC_FIELDS = ("title", "city", "kind", "status", "adopted", "approved", "effective")


def render_parse(documents: Sequence[Document], fmt: str) -> str:
    """The result of ``jdcorpus parse FILE``.

    JSON (issue 2): ``{"documents": [{title, city, kind, status, adopted, approved, effective,
    warnings, articles: [{no, label, heading, chapter, section, text, original,
    paragraphs: [{text, items: [str]}]}]}]}``, chapter and section being titles or null and
    items their text without the （一） marker. A document drafted without articles has
    ``articles: []``, a warning that says so and its ``paragraphs`` (the marker 一、 kept in their
    text). Table: the outline of each document. CSV: one row per article (per paragraph of a
    document without articles, ``no`` its position).
    """
    if fmt == "json":
        data = {
            "documents": [
                {f: getattr(d, f) for f in PARSE_DOC_FIELDS}
                | {
                    "warnings": list(d.warnings),
                    "articles": [_parse_article(a) for a in d.articles],
                }
                | (
                    {"paragraphs": [_parse_paragraph(p) for p in d.paragraphs]}
                    if d.paragraphs
                    else {}
                )
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
        ] + [
            {"document": d.title, "no": p.no, "text": p.text, "original": p.original}
            for d in documents
            for p in d.paragraphs
        ]
        cols = ["document", "no", "label", "heading", "chapter", "section", "text", "original"]
        return render_rows(rows, "csv", columns=cols)
    if fmt != "table":
        raise UsageError(f"unknown format {fmt!r}; one of table, json, csv")
    return "\n".join(_outline_table(d) for d in documents)
