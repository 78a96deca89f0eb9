"""Exporting files for analysts and other tools (terminal rendering is :mod:`jdcorpus.render`).

* :func:`to_akn` (Akoma Ntoso 3.0 XML) and :func:`to_html` render one document;
  :func:`export_articles` and :func:`export_document` write files, always to a temporary file
  renamed into place, so an error never leaves a half-written file behind.

This module imports neither pandas nor lxml at import time (the CLI imports it on every
command); the functions that need them import them.
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path

from .errors import UsageError
from .model import Article, Document, Paragraph, to_dict
from .render.views import in_text_order, metadata, outline

__all__ = [
    "AKN_NS",
    "export_articles",
    "export_document",
    "from_akn",
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


#: FRBRdate names of the document's dates (Work level), in the order they are written.
_DATE_NAMES = (
    ("adopted", "adoption"),
    ("approved", "approval"),
    ("revised", "revision"),
    ("promulgated", "promulgation"),
    ("effective", "effective"),
)
_EVENT_ZH = {
    "adopted": "通过",
    "approved": "批准",
    "revised": "修订",
    "amended": "修正",
    "promulgated": "公布",
    "effective": "施行",
}
#: AKN date for a work without any known date (a draft with its dates left blank).
UNKNOWN_DATE = "9999-12-31"


def _work_date(doc: Document) -> str:
    """The date in the work's URI: when it was made (adopted, else approved, promulgated …)."""
    for name in ("adopted", "approved", "promulgated", "effective", "revised"):
        if getattr(doc, name):
            return getattr(doc, name)
    return UNKNOWN_DATE


_N = "[〇零一二三四五六七八九十百0-9０-９]+"
_SESSION = re.compile(rf"第{_N}届|第{_N}次(?:全体|主任)?会议$|(?<!^)会议$")


def organ_of(body: str) -> str:
    """The organ that held a meeting: sessions and the meeting dropped.

    >>> organ_of("长春市第十六届人民代表大会常务委员会第四次会议")
    '长春市人民代表大会常务委员会'
    >>> organ_of("中共北京市委常委会会议")
    '中共北京市委常委会'
    """
    return _SESSION.sub("", body) or body


def _events(doc: Document) -> list[tuple[str, str, str | None]]:
    """``(date, kind, body)`` of every dated step: the document's events plus the dates it
    records without an event (a 施行 date), in date order."""
    out = [(e.date, e.kind, e.body) for e in doc.events]
    for name, _ in _DATE_NAMES:
        date = getattr(doc, name)
        if date and not any(d == date and k == name for d, k, _ in out):
            out.append((date, name, None))
    return sorted(out, key=lambda e: e[0])


def to_akn(doc: Document) -> bytes:
    """The document as Akoma Ntoso 3.0 XML (UTF-8 bytes): an ``act``, or a ``bill`` for a draft.

    - Identification: FRBR Work, Expression and Manifestation, each with ``FRBRthis`` and
      ``FRBRuri`` (work ``/akn/cn/act/<kind>/<date>/<id>``, ``/akn/cn/bill/…`` for a draft), the
      document's dates as named ``FRBRdate`` (adoption, approval, revision, promulgation,
      effective), ``FRBRcountry`` ``cn``, ``FRBRlanguage`` ``zho``.
    - ``lifecycle``: one ``eventRef`` per dated step (the document's events, and its 施行
      date); ``workflow``: the organ that took each step (``by``); ``temporalData``: in force
      from the 施行 date; ``references``: ``TLCOrganization`` per organ, ``TLCEvent`` per step.
    - Body: ``chapter`` › ``section`` › ``article`` › ``paragraph`` (款) › ``point`` (项), each with
      ``num``/``heading`` and ``content`` (a 款 with items has its lead text in ``intro``); eIds
      in the AKN naming convention, the full path: ``chp_1__sec_2__art_8__para_1__point_3``.
    - The notices and 序言 kept from the header (:attr:`Document.notices`): a ``container``
      ``notice`` each in the ``preface``; the 附件 and 说明 after the last article
      (:attr:`Document.annexes`): an ``attachment`` each, its lines ``p`` of an ``interstitial``.

    :func:`from_akn` reads it back.
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

    draft = doc.status == "draft"
    doc_type = "bill" if draft else "act"
    date = _work_date(doc)
    subtype = "draft" if draft else "regulation"
    work = f"/akn/cn/{doc_type}/{subtype}/{date}/{doc.id}"
    events = _events(doc)
    # the expression is the text as last changed (revised / amended), else the original
    changed = [d for d, k, _ in events if k in ("revised", "amended")]
    expr_date = changed[-1] if changed else date
    expression = f"{work}/zho@{'' if expr_date == date else expr_date}"

    # organs and events get eIds of their own, referred to from lifecycle and workflow
    organs: dict[str, str] = {}  # organ name -> eId
    for _, _, body in events:
        if body and organ_of(body) not in organs:
            organs[organ_of(body)] = f"org_{len(organs) + 1}"
    author = next(
        (
            organs[organ_of(b)]
            for k in ("adopted", "approved", "promulgated")
            for _, kk, b in events
            if kk == k and b
        ),
        "org_city",
    )

    root = etree.Element(ns + "akomaNtoso", nsmap={None: AKN_NS})
    top = el(
        root,
        doc_type,
        name="draftRegulation" if draft else "regulation",
        contains="originalVersion" if not changed else "singleVersion",
    )
    meta = el(top, "meta")
    ident = el(meta, "identification", source="#jdcorpus")
    frbr = el(ident, "FRBRWork")
    el(frbr, "FRBRthis", value=f"{work}/!main")
    el(frbr, "FRBRuri", value=work)
    el(frbr, "FRBRalias", value=doc.title, name="title")
    dated = [(getattr(doc, n), name) for n, name in _DATE_NAMES if getattr(doc, n)]
    for d, name in dated or [(UNKNOWN_DATE, "unknown")]:
        el(frbr, "FRBRdate", date=d, name=name)
    el(frbr, "FRBRauthor", href=f"#{author}", as_="#author")
    el(frbr, "FRBRcountry", value="cn")
    el(frbr, "FRBRsubtype", value=doc.kind or doc_type)
    el(frbr, "FRBRname", value=doc.title)
    el(frbr, "FRBRprescriptive", value="false" if draft else "true")
    frbr = el(ident, "FRBRExpression")
    el(frbr, "FRBRthis", value=f"{expression}/!main")
    el(frbr, "FRBRuri", value=expression)
    el(frbr, "FRBRdate", date=expr_date, name="revision" if changed else "expression")
    el(frbr, "FRBRauthor", href=f"#{author}", as_="#author")
    el(frbr, "FRBRlanguage", language="zho")
    frbr = el(ident, "FRBRManifestation")
    el(frbr, "FRBRthis", value=f"{expression}/!main.xml")
    el(frbr, "FRBRuri", value=f"{expression}.akn")
    el(frbr, "FRBRdate", date=expr_date, name="conversion")
    el(frbr, "FRBRauthor", href="#jdcorpus", as_="#editor")

    event_ids = [f"evt_{i}" for i in range(1, len(events) + 1)]
    tlc_ids = _EIds()
    tlc_events = [tlc_ids(f"e_{kind}") for _, kind, _ in events]
    if events:
        life = el(meta, "lifecycle", source="#jdcorpus")
        for i, (d, kind, _) in enumerate(events):
            el(
                life,
                "eventRef",
                eId=event_ids[i],
                date=d,
                source="#original",
                type="amendment"
                if kind in ("revised", "amended")
                else ("generation" if i == 0 else None),
                refersTo=f"#{tlc_events[i]}",
            )
    steps = [(i, e) for i, e in enumerate(events) if e[2]]
    if steps:
        flow = el(meta, "workflow", source="#jdcorpus")
        for i, (d, _, body) in steps:
            el(flow, "step", date=d, by=f"#{organs[organ_of(body)]}", refersTo=f"#{tlc_events[i]}")
    start = next((event_ids[i] for i, e in enumerate(events) if e[1] == "effective"), None)
    if start:
        temporal = el(meta, "temporalData", source="#jdcorpus")
        group = el(temporal, "temporalGroup", eId="tmp_1")
        el(group, "timeInterval", start=f"#{start}", refersTo="#inForce")

    refs = el(meta, "references", source="#jdcorpus")
    el(refs, "original", eId="original", href=expression, showAs=doc.title)
    el(
        refs,
        "TLCOrganization",
        eId="jdcorpus",
        href="/ontology/organization/jdcorpus",
        showAs="jdcorpus",
    )
    for body, oid in organs.items():
        el(
            refs,
            "TLCOrganization",
            eId=oid,
            href=f"/ontology/organization/cn/{doc.id}.{oid}",
            showAs=body,
        )
    if author == "org_city":
        el(
            refs,
            "TLCOrganization",
            eId="org_city",
            href=f"/ontology/organization/cn/{doc.id}.author",
            showAs=f"{doc.city}市" if doc.city else (doc.province or "unknown"),
        )
    for (_, kind, body), tid in zip(events, tlc_events, strict=True):
        zh = _EVENT_ZH.get(kind, kind)
        el(
            refs,
            "TLCEvent",
            eId=tid,
            href=f"/ontology/event/{kind}",
            showAs=f"{body}{zh}" if body else zh,
        )
    el(refs, "TLCRole", eId="author", href="/ontology/role/author", showAs="author")
    el(refs, "TLCRole", eId="editor", href="/ontology/role/editor", showAs="editor")
    if start:
        el(refs, "TLCConcept", eId="inForce", href="/ontology/concept/inForce", showAs="施行")
    if doc.city or doc.province:
        el(
            refs,
            "TLCLocation",
            eId="city",
            href=f"/ontology/location/cn/{doc.id}",
            showAs=doc.city or doc.province,
        )

    preface = el(top, "preface")
    p = el(el(preface, "longTitle"), "p")
    el(p, "docTitle", doc.title)
    if draft:
        el(el(preface, "p"), "docStatus", "草案")
    # notices and 序言 kept from the header: one container each, a p per line
    for k, notice in enumerate(doc.notices, 1):
        box = el(preface, "container", name="notice", eId=f"preface__container_{k}")
        for line in notice.split("\n"):
            el(box, "p", line)
    body_el = el(top, "body")
    eid = _EIds()

    def add_paragraph(parent, para: Paragraph, pid: str):
        pe = el(parent, "paragraph", eId=pid)
        if not para.items:
            el(el(pe, "content"), "p", para.text)
            return
        if para.text:
            el(el(pe, "intro"), "p", para.text)
        for it in para.items:
            pt = el(pe, "point", eId=eid(f"{pid}__point_{it.no}"))
            el(pt, "num", it.label)
            el(el(pt, "content"), "p", it.text)

    def add_article(parent, a: Article, prefix: str):
        if not doc.articles:  # an instrument drafted without articles: its paragraphs
            add_paragraph(parent, a.paragraphs[0], eid(f"{prefix}para_{a.no}"))
            return
        art_id = eid(f"{prefix}art_{a.no}")
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
            add_paragraph(art, para, eid(f"{art_id}__para_{para.no}"))

    def add_container(parent, tag, node, eid_):
        e = el(parent, tag, eId=eid(eid_))
        if node.get("label"):
            el(e, "num", node["label"])
        if node.get("title"):
            el(e, "heading", node["title"])
        return e

    def fill(container, node):
        prefix = container.get("eId") + "__"
        parts = [(a.start, a) for a in node["articles"]]
        parts += [(sub["start"], sub) for sub in node.get("sections", ())]
        for _, part in sorted(parts, key=lambda p: p[0]):
            if isinstance(part, Article):
                add_article(container, part, prefix)
            else:
                fill(add_container(container, "section", part, f"{prefix}sec_{part['no']}"), part)
        if not parts:  # a heading with nothing under it: AKN wants content
            el(el(container, "content"), "p", "")

    tree = outline(doc)
    parts = {p["no"]: p for p in tree["parts"]}
    parent, pre, open_part = body_el, "", None  # a code's 编: its chapters inside a <part>
    for kind, node, part in in_text_order(tree):
        if part != open_part:
            open_part = part
            if part in parts:
                parent = add_container(body_el, "part", parts[part], f"part_{part}")
                pre = parent.get("eId") + "__"
            else:
                parent, pre = body_el, ""
        if kind == "article":
            add_article(parent, node, pre)
        else:
            prefix = "chp" if kind == "chapter" else "sec"
            fill(add_container(parent, kind, node, f"{pre}{prefix}_{node['no']}"), node)
    if not len(body_el):
        el(el(el(body_el, "paragraph", eId="para_1"), "content"), "p", "")
    if doc.annexes:  # 附件 and 说明 after the last article: an attachment each
        box = el(top, "attachments")
        for k, annex in enumerate(doc.annexes, 1):
            inter = el(
                el(box, "attachment", eId=f"att_{k}"), "interstitial", eId=f"att_{k}__intrst_1"
            )
            for line in annex.split("\n"):
                el(inter, "p", line)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _eid_no(eid: str, kind: str) -> int | None:
    """The number of the last ``kind_N`` step of an eId (``chp_2__art_8`` → 8 for ``art``)."""
    found = re.findall(rf"(?:^|__){kind}_(\d+)", eid or "")
    return int(found[-1]) if found else None


def from_akn(data: bytes | str) -> Document:
    """Read Akoma Ntoso written by :func:`to_akn` back into a :class:`Document`.

    Recovered: id, title, kind, status (a ``bill`` is a draft), the named dates, the events
    (lifecycle, with the organ of each workflow step), city, the notices (``preface``
    containers), the whole body: chapters, sections, articles (number, label, heading, chapter
    and section), 款 and 项 with their text, and the annexes (``attachments``).
    Source offsets are not in AKN: every unit gets ``start``/``end`` 0 and its text as
    ``original``.
    """
    from lxml import etree

    from .model import Chapter, Event, Item, Paragraph, Part, Section

    ns = {"a": AKN_NS}
    root = etree.fromstring(data.encode("utf-8") if isinstance(data, str) else data)
    top = root[0]
    doc_type = etree.QName(top).localname

    def value(path, attr="value"):
        e = top.find(path, ns)
        return e.get(attr) if e is not None else None

    work = value("a:meta/a:identification/a:FRBRWork/a:FRBRuri")
    dates = {
        e.get("name"): e.get("date")
        for e in top.iterfind("a:meta/a:identification/a:FRBRWork/a:FRBRdate", ns)
    }
    refs = {e.get("eId"): e for e in top.iterfind("a:meta/a:references/*", ns)}
    # an event with a workflow step was held by an organ: its TLCEvent names the meeting
    held = {s.get("refersTo", "").lstrip("#") for s in top.iterfind("a:meta/a:workflow/a:step", ns)}
    events = []
    for e in top.iterfind("a:meta/a:lifecycle/a:eventRef", ns):
        tid = e.get("refersTo", "").lstrip("#")
        kind = refs[tid].get("href").rsplit("/", 1)[-1]
        body = (
            refs[tid].get("showAs").removesuffix(_EVENT_ZH.get(kind, kind)) if tid in held else None
        )
        events.append(Event(e.get("date"), kind, body))
    location = refs.get("city")
    chapters, sections, articles = [], [], []

    def text_of(
        e,
    ) -> str:  # the text of the p elements (pretty-printing adds white space around them)
        return (
            "\n".join("".join(p.itertext()) for p in e.iterfind("a:p", ns)) if e is not None else ""
        )

    def read_paragraph(pe, k: int) -> Paragraph:
        intro = pe.find("a:intro", ns)
        content = pe.find("a:content", ns)
        items = tuple(
            Item(
                _eid_no(pt.get("eId"), "point") or j,
                pt.findtext("a:num", "", ns),
                text_of(pt.find("a:content", ns)),
                pt.findtext("a:num", "", ns) + text_of(pt.find("a:content", ns)),
                0,
                0,
            )
            for j, pt in enumerate(pe.iterfind("a:point", ns), 1)
        )
        lead = text_of(content if content is not None else intro)
        return Paragraph(_eid_no(pe.get("eId"), "para") or k, lead, lead, 0, 0, items)

    def read_article(art, chapter, section, part=None):
        paras = [read_paragraph(pe, k) for k, pe in enumerate(art.iterfind("a:paragraph", ns), 1)]
        lines = []
        for p in paras:
            if p.text:
                lines.append(p.text)
            lines += [it.label + it.text for it in p.items]
        if len(paras) == 1 and not paras[0].items and paras[0].text == "" and not lines:
            paras = []
        label = art.findtext("a:num", "", ns)
        heading = art.findtext("a:heading", None, ns)
        articles.append(
            Article(
                doc_id="",
                no=_eid_no(art.get("eId"), "art") or len(articles) + 1,
                label=label,
                heading=heading,
                chapter_no=chapter.no if chapter else None,
                chapter_title=chapter.title if chapter else None,
                section_no=section.no if section else None,
                section_title=section.title if section else None,
                text="\n".join(lines),
                original=label + "\n".join(lines),
                start=0,
                end=0,
                paragraphs=tuple(paras),
                part_no=part.no if part else None,
                part_title=part.title if part else None,
            )
        )

    def heading(child, kind: str, done: list) -> tuple[int, str, str]:
        """(number, num, heading) of a part, chapter or section element."""
        no = _eid_no(child.get("eId"), kind) or len(done) + 1
        return no, child.findtext("a:num", "", ns), child.findtext("a:heading", "", ns)

    def walk(parent, chapter=None, section=None, part=None):
        in_part = part.no if part else None
        for child in parent:
            tag = etree.QName(child).localname
            if tag == "article":
                read_article(child, chapter, section, part)
            elif tag == "part":
                parts.append(Part(*heading(child, "part", parts), 0, 0))
                walk(child, None, None, parts[-1])
            elif tag == "paragraph":  # a body without articles (a 决定 in paragraphs)
                p = read_paragraph(child, len(loose) + 1)
                if p.text or p.items:
                    loose.append(p)
            elif tag == "chapter":
                chapters.append(Chapter(*heading(child, "chp", chapters), 0, 0, in_part))
                walk(child, chapters[-1], None, part)
            elif tag == "section":
                no, num, title = heading(child, "sec", sections)
                in_chapter = chapter.no if chapter else None
                sections.append(Section(no, num, title, in_chapter, 0, 0, in_part))
                walk(child, chapter, sections[-1], part)

    loose: list[Paragraph] = []
    parts: list[Part] = []
    walk(top.find("a:body", ns))
    doc_id = (work or "").rstrip("/").rsplit("/", 1)[-1]
    articles = [dataclasses.replace(a, doc_id=doc_id) for a in articles]
    return Document(
        id=doc_id,
        title=top.findtext("a:preface/a:longTitle/a:p/a:docTitle", "", ns),
        city=location.get("showAs") if location is not None else None,
        province=None,
        kind=value("a:meta/a:identification/a:FRBRWork/a:FRBRsubtype"),
        status="draft" if doc_type == "bill" else "in_force",
        adopted=dates.get("adoption"),
        approved=dates.get("approval"),
        revised=dates.get("revision"),
        promulgated=dates.get("promulgation"),
        effective=dates.get("effective"),
        source_file=None,
        start=0,
        end=0,
        articles=tuple(articles),
        chapters=tuple(chapters),
        sections=tuple(sections),
        parts=tuple(parts),
        events=tuple(events),
        paragraphs=() if articles else tuple(loose),
        notices=tuple(
            text_of(c) for c in top.iterfind("a:preface/a:container[@name='notice']", ns)
        ),
        annexes=tuple(
            text_of(i) for i in top.iterfind("a:attachments/a:attachment/a:interstitial", ns)
        ),
    )


_HTML_CSS = """
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       max-width: 46em; margin: 2em auto; line-height: 1.7; padding: 0 1em; }
h1 { font-size: 1.5em; text-align: center; }
dl.meta { display: grid; grid-template-columns: max-content auto; gap: .1em 1em; color: #555; }
dl.meta dt { font-weight: bold; }
.part > h2 { font-size: 1.7em; text-align: center; }
.article { margin: .8em 0; }
.article .num { font-weight: bold; margin-right: .5em; }
.points { list-style: none; padding-left: 2em; margin: .2em 0; }
.warnings { color: #a40; }
.notice { color: #444; font-size: .95em; border-left: 3px solid #ccc; padding-left: 1em; }
.notice p, .annex p { margin: .3em 0; }
.annex { margin-top: 2em; border-top: 1px solid #ccc; padding-top: 1em; }
.annex p:first-child { font-weight: bold; }
"""


def to_html(doc: Document) -> str:
    """The document as a small standalone HTML page: its metadata, the notices and 序言 kept from
    the header, chapters, sections and articles with ids, then the annexes."""
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

    def kept(texts, kind: str):  # notices before the body, annexes after it: a p per line
        return [
            E.SECTION(*[E.P(line) for line in t.split("\n")], E.CLASS(kind), id=f"{kind}_{k}")
            for k, t in enumerate(texts, 1)
        ]

    tree = outline(doc)
    content = [E.H1(doc.title), E.DL(*meta_items, E.CLASS("meta")), *kept(doc.notices, "notice")]
    parts = {p["no"]: p for p in tree["parts"]}
    holder, pre, open_part = content, "", None  # a code's 编: a section around its chapters
    for kind, node, part in in_text_order(tree):
        if part != open_part:
            open_part = part
            if part in parts:
                head = E.H2(f"{parts[part]['label']} {parts[part]['title']}".strip())
                box = E.SECTION(head, E.CLASS("part"), id=eid(f"part_{part}"))
                content.append(box)
                holder, pre = box, f"part_{part}__"
            else:
                holder, pre = content, ""
        if kind == "article":
            holder.append(article(node))
        else:
            is_chapter = kind == "chapter"
            prefix = "chp" if is_chapter else "sec"
            holder.append(container(node, 2 if is_chapter else 3, f"{pre}{prefix}_{node['no']}"))
    content += kept(doc.annexes, "annex")
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


def export_articles(
    corpus, path: str | os.PathLike, fmt: str | None = None, *, units: bool = False
) -> Path:
    """Write the articles frame (``corpus.articles()``) as CSV, JSON (records) or Parquet;
    with ``units``, the paragraphs (第N段) of instruments without articles too.

    The format is ``fmt`` or the file suffix (.csv, .json, .parquet). CSV reads back with its
    dtypes through :func:`jdcorpus.frames.read_articles_csv`; Parquet keeps them by itself.
    """
    path = Path(path)
    fmt = _format_of(
        path, fmt, ARTICLE_FORMATS, {".csv": "csv", ".json": "json", ".parquet": "parquet"}
    )
    from .frames import articles_frame

    df = articles_frame(corpus, units=units)
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
