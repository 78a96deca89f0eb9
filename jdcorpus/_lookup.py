"""Finding a document by the name a user types: an id, a title, or a city with one document.

One rule for the whole package: the corpus (over parsed documents) and the search index (over
its stored document list, without parsing) both call :func:`resolve_document`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import AmbiguousDocument, UnknownDocument, UsageError, some


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """What naming a document needs: its id, title and city (a stand-in for a parsed Document)."""

    id: str
    title: str
    city: str | None = None


def _key(name: str) -> str:
    if name.isascii():
        return name
    from .normalize import normalize_query

    return normalize_query(name)


def resolve_document(name: str, docs: Sequence):
    """The one document of ``docs`` (objects with ``id``, ``title``, ``city``) that ``name`` names.

    In order: an exact id; a title or id (case-insensitive) after normalization (網格 → 网格, a
    trailing 市 dropped); the documents of a city; the documents whose title contains the name.
    Several matches raise :class:`AmbiguousDocument`, none :class:`UnknownDocument`.

    >>> docs = [DocumentRef("changchun", "长春市街道办事处工作条例", "长春")]
    >>> resolve_document("长春市", docs).id
    'changchun'
    """
    name = str(name)
    for d in docs:
        if d.id == name:
            return d
    key = _key(name).removesuffix("市")
    for d in docs:
        if key == d.title or key == d.id.lower():
            return d
    hits = [d for d in docs if d.city and d.city == key]
    if not hits:
        hits = [d for d in docs if key and key in d.title]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise AmbiguousDocument(name, hits)
    known = some(d.id for d in docs)
    raise UnknownDocument(
        f"no document {name!r} in the corpus (ids: {known}; `jdcorpus docs` lists them)"
    )


_FULLWIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def article_number(ref) -> int:
    """The article number a user typed: ``8``, ``"8"``, ``"第八条"``, ``"八"``, ``"第8条"``, and
    the traditional ``"第八條"``; ``"第3段"`` (a paragraph of an instrument without articles).

    >>> [article_number(x) for x in (8, "8", "第八条", "八", "第 38 条", "三十八", "第八條", "第3段")]
    [8, 8, 8, 8, 38, 38, 8, 3]
    """
    from .errors import UsageError

    if isinstance(ref, int):
        return ref
    s = "".join(str(ref).split()).translate(_FULLWIDTH)
    if s.startswith("第") and s.endswith(("条", "條", "段")):
        s = s[1:-1]
    if s.isdigit():
        return int(s)
    try:
        import cn2an

        return int(cn2an.cn2an(s.replace("〇", "零"), "strict"))
    except (ValueError, KeyError, TypeError):
        raise UsageError(f"{ref!r} is not an article number (e.g. 8, 第八条)") from None


def _inserted(ref) -> tuple[str | int, int | None]:
    """``"120之一"`` → ``("120", 1)``: an inserted article's number and its 之X (None if none).

    >>> [_inserted(x) for x in (8, "第一百二十条之一", "120之3", "第八条")]
    [(8, None), ('第一百二十条', 1), ('120', 3), ('第八条', None)]
    """
    if isinstance(ref, int):
        return ref, None
    s = "".join(str(ref).split()).translate(_FULLWIDTH)
    m = re.fullmatch(r"(.+?)之([一二三四五六七八九十]+|[0-9]+)[条條]?", s)
    if not m:
        return s, None
    sub = m.group(2)
    return m.group(1), int(sub) if sub.isdigit() else article_number(sub)


def find_article(doc, ref):
    """The article ``ref`` of a parsed document: any form :func:`article_number` reads, or an
    inserted article (``"120之一"``, ``"第一百二十条之一"``); a bare number names the article of
    that number, not the ones inserted after it."""
    from .errors import UnknownArticle

    base, sub = _inserted(ref)
    no = article_number(base)
    if sub is not None:
        for a in doc.articles:
            if a.no == no and a.sub == sub:
                return a
        raise UnknownArticle(f"{doc.id} has no article {no}之{sub}")
    try:
        return doc.article(no)
    except KeyError:
        pass
    if not doc.articles:  # an instrument without articles: its paragraph 第N段
        for a in doc.units:
            if a.no == no:
                return a
        raise UnknownArticle(f"{doc.id} has no articles, and no paragraph {no}") from None
    raise UnknownArticle(f"{doc.id} has no article {no}")


def with_articles(doc, command: str):
    """``doc`` when it has articles, else an :class:`UnknownArticle` naming it: an instrument
    drafted without them (read as paragraphs, :attr:`Document.units`) is searched and shown,
    not compared — the comparison commands work on articles. (What the corpus holds, not how
    the command was typed: exit code 1, not a usage error's 2.)"""
    from .errors import UnknownArticle

    if not doc.articles:
        n = len(doc.paragraphs)
        raise UnknownArticle(
            f"{doc.id} has no articles (第…条; it is read as {n} paragraph{'s' * (n != 1)}): "
            f"{command} compares articles"
        )
    return doc


def article_ref(corpus, ref: str):
    """An article from ``DOC:ARTICLE`` (``长春:38``, ``beijing-tiaoli:17``, ``长春:第三十八条``)."""
    doc, sep, no = str(ref).rpartition(":")
    if not sep:
        doc, sep, no = str(ref).rpartition("：")
    if not sep or not doc or not no:
        raise UsageError(f"{ref!r} is not DOC:ARTICLE (e.g. 长春:38)")
    return corpus.article(doc.strip(), no.strip())
