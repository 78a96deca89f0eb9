"""Regulation text → documents → 章/节/条/款/项, with metadata and source spans.

The parser is general: it knows the conventions of Chinese legislative drafting, not the files it
was developed on. It works in four passes over the *source* text, so every unit keeps its exact
source span and normalization never moves an offset:

1. **segments** — physical lines, cut further where the drafting shows a break inside a line
   (:mod:`.segments`);
2. **classify** — each segment is blank, noise, a label, an item, a title, a notice heading, a
   题注, a 目录 marker or text (:mod:`.segments`);
3. **instruments** — numbering that restarts at 1 opens a new instrument (:mod:`.structure`);
4. **structure** — chapters, sections, articles, 款 and 项 (:mod:`.structure`), with the
   metadata of each instrument read from its header (:mod:`.metadata`).

The rooms: :mod:`.patterns` (numerals and the patterns of labels, items, titles, dates),
:mod:`.source` (files and markup to text; :mod:`.formats` reads every file format and encoding), :mod:`.segments`, :mod:`.structure`, :mod:`.metadata`.

例：``parse_text("第一条 为了……，制定本条例。")[0].articles[0].label == "第一条"``
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ParseError, SourceError
from ..model import Document
from .formats import RE_INFO_END
from .metadata import build_document, inherit_effective, inherit_promulgation
from .patterns import to_int
from .segments import segment_text
from .source import plain_text, read_text
from .structure import instruments, paragraph_instrument

__all__ = ["ParseError", "SourceError", "parse_text", "parse_file", "read_text", "to_int"]


def parse_file(path: str | Path, *, encoding: str | None = None, **meta) -> list[Document]:
    """Parse a regulation file of any format :mod:`.formats` reads (text in any common encoding,
    Markdown, HTML, ``.docx``); ``meta`` as for :func:`parse_text`. Raises :class:`ParseError`
    (a :class:`SourceError` naming the file when it cannot be read)."""
    p = Path(path)
    if not p.exists():
        raise SourceError(f"{path}: no such file")
    if p.is_dir():
        raise SourceError(f"{path}: is a directory, not a text file")
    meta.setdefault("source_file", p.name)
    from .formats import read_source

    src = read_source(p, encoding=encoding)  # an empty file is an error naming it
    if src.meta.get("title"):
        meta.setdefault("fallback_title", src.meta["title"])
    try:
        return parse_text(src.text, **meta)
    except SourceError:
        raise
    except ParseError as e:
        raise ParseError(f"{path}: {e.message}") from None


def parse_text(
    text: str,
    *,
    source_file: str | None = None,
    city: str | None = None,
    province: str | None = None,
    title: str | None = None,
    doc_id: str | None = None,
    ids: dict[str, str] | None = None,
    taken: set[str] | None = None,
    require_articles: bool = True,
    fallback_title: str | None = None,
    **_ignored,
) -> list[Document]:
    """Parse one regulation text (which may hold several instruments) into documents.

    Known metadata (``city``, ``province``, ``title``, ``doc_id``; ``ids`` maps titles to ids)
    overrides what is read from the text; ``fallback_title`` (the title a file's markup states,
    as a Markdown ``# `` heading) names the first instrument when no line reads as a title.
    Raises :class:`ParseError` when no article is found, unless ``require_articles`` is False:
    then a text drafted without 第…条 (a 决定 in 一、二、 paragraphs, a 修改决定) is one document
    with no articles whose ``paragraphs`` hold its body, and a warning that says so; a text with
    no body at all is still an error.

    例：``parse_text("某市关于某事的决定\n一、甲。\n二、乙。", require_articles=False)[0]``
    has two paragraphs, ``一、甲。`` and ``二、乙。``.
    """
    text = plain_text(text)
    segs = segment_text(text)
    arts = [i for i, s in enumerate(segs) if s.kind == "article"]
    found = instruments(segs, arts) if arts else []
    if not arts and not require_articles:
        named = (  # a law file of a collection whose markup names it (# 标题 … <!-- INFO END -->)
            fallback_title is not None
            and any(s.raw.strip("#《》 ") == fallback_title for s in segs[:8])
            and any(RE_INFO_END.match(s.raw) for s in segs[:40])
        )
        found = [ins for ins in [paragraph_instrument(segs, named)] if ins is not None]
    if not found:
        raise ParseError(
            "no articles found: the text has no article labels such as 第一条 or 第1条"
        )
    from ..normalize import detect_script

    taken = set(taken or ())
    docs: list[Document] = []
    for k, ins in enumerate(found):
        # the script of this instrument alone: a traditional text may follow a simplified one
        script = detect_script(text[segs[ins.header].start : segs[ins.end - 1].end])
        doc = build_document(
            text, segs[ins.header : ins.body], segs[ins.body : ins.end],
            segs[ins.end : ins.trailer_end], script,
            source_file=source_file, city=city, province=province, title=title,
            ids=ids or {}, doc_id=doc_id if len(found) == 1 else None, taken=taken,
            paragraphs_only=not arts, fallback_title=fallback_title if k == 0 else None,
        )  # fmt: skip
        taken.add(doc.id)
        docs.append(inherit_effective(inherit_promulgation(doc, docs), docs))
        # the segments of this instrument are done with (the next one's header starts at its
        # end): a long text of many instruments then holds its segments or its documents, not
        # both at their largest (memory linear in the input, with a smaller factor)
        segs[ins.header : ins.end] = [None] * (ins.end - ins.header)
    return docs
