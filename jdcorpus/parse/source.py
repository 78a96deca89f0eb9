"""Reading sources: file bytes → text (formats and encodings: :mod:`.formats`), and markup →
plain text.

The parser's offsets refer to the text these functions return: :func:`plain_text` is applied to
every input of :func:`~jdcorpus.parse.parse_text`, and :func:`read_text` to every file.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import SourceError

# the other line breaks: Word's manual line break as it reaches the clipboard (U+2028 LINE
# SEPARATOR) or a text export (a vertical tab), U+2029 PARAGRAPH SEPARATOR and NEL
_BREAKS = "\u2028\u2029\x85\x0b"


def plain_text(text: str) -> str:
    """The text the parser reads: newlines unified to ``\\n`` (CRLF, a lone CR, and the line
    and paragraph separators of Unicode and Word), a BOM dropped, HTML turned into lines
    (:func:`html_to_text`), anti-copy jammer strings removed (:func:`drop_jammers`)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    for c in _BREAKS:  # (a search per character: str.translate is slow on long texts)
        if c in text:
            text = text.replace(c, "\n")
    return drop_jammers(html_to_text(text))


# A run of ASCII that could be a forum's anti-copy "jammer" string (Discuz inserts random
# letters, digits and punctuation, hidden by CSS, into reposted text): 3-16 visible ASCII
# characters with a letter and a digit, standing alone between non-ASCII text or line ends.
# (sentence punctuation at its edges is the text's own: ，Bz8#kL0r in a half-width copy)
_RE_ASCII_RUN = re.compile(
    r"(?<![!-~])[,.;:?()\[\]\"']*"
    r"((?=[!-~]*?[A-Za-z])(?=[!-~]*?[0-9])[!-~]{3,16}?)"
    r"[,.;:?()\[\]\"']*(?![!-~])"
)
_JAMMER_SYMBOLS = frozenset("!#$%^&*~+=@|")
_RE_ADDRESS = re.compile(r"://|^www\.|^[\w.%+-]+@[\w-]+(?:\.[\w-]+)+$")


def _is_jammer(run: str) -> bool:
    """A letter-digit run with a symbol no word or number uses (x3Kp9!qZ, gT4$e1, R9@w), or with
    mixed-case letters (Lq7); never a URL or an e-mail address. Words, codes and numbers of a
    regulation (APP, PM2.5, 12345, GB/T, COVID-19, 2021-3-5) are kept."""
    if _RE_ADDRESS.search(run):
        return False
    if any(c in _JAMMER_SYMBOLS for c in run):
        return True
    return any(c.islower() for c in run) and any(c.isupper() for c in run)


def drop_jammers(text: str) -> str:
    """``…制定本条例。7hQ2&mW`` → ``…制定本条例。``: anti-copy strings removed from the text (a
    browser hides them; a copy keeps them, glued to labels and sentence ends)."""
    # A match of _RE_ASCII_RUN is a whole run of visible ASCII (nothing visible-ASCII before or
    # after it): the runs are found by a quick character-led scan, and the pattern is tried on
    # those with a letter and a digit only (scanning the text with it costs ~5% of a parse).
    parts: list[str] = []
    last = 0
    for m in _RE_VISIBLE_RUN.finditer(text):
        run = m.group()
        if not (_RE_LETTER.search(run) and _RE_DIGIT.search(run)):
            continue
        new = _RE_ASCII_RUN.sub(_drop_jammer, run)
        if new != run:
            parts += [text[last : m.start()], new]
            last = m.end()
    if not parts:
        return text
    parts.append(text[last:])
    return "".join(parts)


_RE_VISIBLE_RUN = re.compile(r"[!-~]{3,}")
_RE_LETTER = re.compile(r"[A-Za-z]")
_RE_DIGIT = re.compile(r"[0-9]")


def _drop_jammers_plain(text: str) -> str:
    """:func:`drop_jammers` as one substitution over the whole text (what the tests compare)."""
    return _RE_ASCII_RUN.sub(_drop_jammer, text)


def _drop_jammer(m: re.Match) -> str:
    run = m.group(1)
    if not _is_jammer(run):
        return m.group()
    return m.group()[: m.start(1) - m.start()] + m.group()[m.end(1) - m.start() :]


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
# elements a browser does not show: hidden by their style, or a forum's anti-copy "jammer"
_HIDDEN = (
    "//*[contains(translate(@style, ' ', ''), 'display:none')"
    " or contains(translate(@style, ' ', ''), 'visibility:hidden')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' jammer ')]"
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
        for hidden in root.xpath(_HIDDEN):  # not shown by a browser: no part of the page's text
            hidden.drop_tree()
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
