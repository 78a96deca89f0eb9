"""Reading sources: file bytes → text (formats and encodings: :mod:`.formats`), and markup →
plain text.

The parser's offsets refer to the text these functions return: :func:`plain_text` is applied to
every input of :func:`~jdcorpus.parse.parse_text`, and :func:`read_text` to every file.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SourceError


def plain_text(text: str) -> str:
    """The text the parser reads: newlines unified to ``\\n``, a BOM dropped, HTML turned into
    lines (:func:`html_to_text`)."""
    return html_to_text(text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff"))


def read_text(path, *, encoding: str | None = None) -> str:
    """The text of a regulation file, read by :func:`jdcorpus.parse.formats.read_source`: text in
    any common Chinese encoding (detected, or ``encoding``), Markdown, a web page or a Word
    ``.docx``. Newlines are unified to ``\\n``; offsets refer to this text. ``path`` is a path
    or anything with ``read_bytes()`` (a package resource); a file that cannot be read raises
    :class:`~jdcorpus.errors.SourceError` naming it. An empty or blank file gives its (blank)
    text: the parser says it holds no articles."""
    from .formats import read_source

    if isinstance(path, str | Path):
        return read_source(Path(path), encoding=encoding, allow_empty=True).text
    try:
        data = path.read_bytes()
    except OSError as e:
        raise SourceError(f"{path}: cannot read ({e.strerror or e})") from None
    name = getattr(path, "name", str(path))
    return read_source(data=data, name=name, encoding=encoding, allow_empty=True).text


_RE_TAG = re.compile(
    r"<(?:html|body|p|div|br|span|table|tr|td|li|h[1-6]|font|strong|b)\b[^>]*>", re.I
)
_RE_ENTITY = re.compile(
    r"&(?:nbsp|amp|lt|gt|quot|ldquo|rdquo|mdash|emsp|ensp|#\d{2,6}|#x[0-9a-fA-F]{2,5});"
)
_BLOCKS = (
    "p",
    "div",
    "br",
    "li",
    "tr",
    "table",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "blockquote",
    "pre",
)


def html_to_text(text: str) -> str:
    """Text copied from a web page: tags become line breaks (blocks) or nothing, entities their
    characters. Plain text is returned unchanged. The parser's offsets refer to the result."""
    if _RE_TAG.search(text):
        import lxml.html

        try:
            root = lxml.html.document_fromstring(text)
        except (ValueError, lxml.etree.ParserError):
            return text
        for bad in root.xpath("//script|//style|//noscript|//head|//nav|//footer"):
            bad.drop_tree()
        for el in root.iter(*_BLOCKS):
            el.tail = "\n" + (el.tail or "")
            if el.tag != "br":
                el.text = "\n" + (el.text or "")
        text = root.text_content()
    elif _RE_ENTITY.search(text):
        import html

        text = html.unescape(text)
    else:
        return text
    text = text.replace("\xa0", " ")
    return re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", text)
