"""Exporting files for analysts and other tools (terminal rendering is :mod:`jdcorpus.render`).

* :func:`to_akn` (Akoma Ntoso 3.0 XML) and :func:`to_html` render one document;
  :func:`export_articles` and :func:`export_document` write files, always to a temporary file
  renamed into place, so an error never leaves a half-written file behind.

This module imports neither pandas nor lxml at import time (the CLI imports it on every
command); the functions that need them import them.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Sequence
from pathlib import Path

from .errors import UsageError
from .model import Article, Document, to_dict
from .render.views import metadata, outline

__all__ = [
    "AKN_NS",
    "export_articles",
    "export_document",
    "to_akn",
    "to_html",
    "write_atomic",
]

AKN_NS = "http://docs.oasis-open.org/legaldocml/ns/akn/3.0"

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
    for k, v in metadata(doc).items():
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
            f"cannot tell the format of {path.name!r}; give --to {'|'.join(allowed)}"
            if fmt is None and str(path) != "-"
            else f"standard output (-) needs a format: give --to {'|'.join(allowed)}"
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
