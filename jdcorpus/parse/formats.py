"""Reading the files regulations come in: text in any common Chinese encoding, Word ``.docx``,
saved web pages and Markdown law collections, to one text the parser reads.

:func:`read_source` is the one entry: bytes in, a :class:`Source` out (the text, the format and
encoding it was read as, warnings, and metadata the format itself states), or a
:class:`~jdcorpus.errors.SourceError` whose one-line message names the file. The parser's offsets
refer to ``Source.text``.

- **Text** (``.txt``, any letter case): a BOM decides (UTF-8, UTF-16, UTF-32); else UTF-16 without
  a BOM is recognised by its zero bytes, then UTF-8, then GB18030 (a superset of GBK and GB2312)
  and Big5 are each tried and the decoding that reads as Chinese legal text wins
  (:func:`decode`). ``encoding=`` overrides detection.
- **Word** (``.docx``): paragraphs in document order, read with lxml from the package's XML; no
  DTD, entity or network access, every part's decompression bounded (:func:`docx_text`). Word's
  automatic numbering (a list whose labels are 第%1条) is written back into the text.
- **HTML** (``.html``, ``.htm``): the text of the page; scripts, styles, navigation, headers and
  footers dropped (:func:`html_text`).
- **Markdown** (``.md``): read as text; the ``# title`` and date lines above ``<!-- INFO END -->``
  of law collections such as LawRefBook are metadata (:func:`markdown_meta`).

Anything else is refused with the reason: an image, a PDF, an old ``.doc``, an empty file, a file
over :data:`MAX_BYTES`.

例：``read_source(data=b"\\xff\\xfe..." , name="a.txt").encoding`` → ``"utf-16"``
"""

from __future__ import annotations

import codecs
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import SourceError
from .exports import (
    accept_revisions,
    asciidoc_text,
    has_revisions,
    json_records,
    latex_text,
    looks_like_asciidoc,
    looks_like_latex,
    looks_like_org,
    org_text,
    records_text,
    table_rows,
    table_text,
)

__all__ = [
    "EXTENSIONS",
    "MAX_BYTES",
    "Source",
    "decode",
    "docx_text",
    "html_text",
    "markdown_meta",
    "read_source",
    "supported",
]

#: Largest file read: a regulation is rarely over 1 MB, a whole code of laws ~5 MB. Checked before
#: reading a file into memory.
MAX_BYTES = 20 * 1024 * 1024
#: Largest uncompressed XML part of a ``.docx``. The XML of a whole code of laws is ~10 MB (a
#: regulation's well under 1 MB); more than this is a zip bomb, and inflating stops at the limit.
MAX_XML_BYTES = 64 * 1024 * 1024

#: File name suffixes read, and the format each names.
EXTENSIONS = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".org": "org",
    ".adoc": "asciidoc",
    ".asciidoc": "asciidoc",
}
# (a spreadsheet's CSV or TSV is read when a .txt holds it, or with format="csv": a folder's
# .csv files are more often lists and results than regulations)

# Signatures of files that are certainly not text: what they are, for the message.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"BM", None),  # BMP: only with a plausible header, see _sniff
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"RIFF", None),  # WEBP/WAV/AVI: checked below
    (b"%PDF-", "a PDF file (save it as text or .docx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Word .doc / OLE file (save it as .docx)"),
    (b"PK\x03\x04", "a zip archive"),
    (b"PK\x05\x06", "an empty zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7z archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "an executable"),
    (b"MZ", None),  # Windows executable: only with its PE header, see _sniff
    (b"{\\rtf", "an RTF file (save it as .docx or text)"),
)


@dataclass(frozen=True)
class Source:
    """A file read for the parser: its text, and how it was read."""

    text: str  # what the parser reads; newlines are "\n"; offsets refer to it
    format: str  # text | markdown | html | docx | csv | org | jsonl | latex | asciidoc
    encoding: str | None = None  # the encoding a text was decoded with (None for .docx)
    warnings: tuple[str, ...] = ()
    meta: dict = field(default_factory=dict)  # metadata the format states (title, dates)


def supported(path: str | Path) -> bool:
    """Whether a file name has a suffix jdcorpus reads (any letter case)."""
    return Path(path).suffix.lower() in EXTENSIONS


def read_source(
    path: str | Path | None = None,
    *,
    data: bytes | None = None,
    name: str | None = None,
    encoding: str | None = None,
    format: str | None = None,
    max_bytes: int = MAX_BYTES,
    allow_empty: bool = False,
) -> Source:
    """Read a regulation file (or ``data`` already read, ``name`` naming it in messages).

    The format comes from ``format``, else the file name's suffix, else the content (a zip is a
    ``.docx``, a page that opens with ``<html`` is HTML, anything else text). An unknown suffix,
    or content that contradicts the suffix (a PNG named ``.txt``), is a :class:`SourceError`;
    so is an empty (or blank) file unless ``allow_empty``.
    """
    shown = name or (str(path) if path is not None else "<stdin>")
    if data is None:
        if path is None:
            raise TypeError("read_source needs a path or data")
        p = Path(path)
        try:
            if p.is_dir():
                raise SourceError(f"{shown}: is a directory, not a file")
            size = p.stat().st_size
            if size > max_bytes:
                raise SourceError(
                    f"{shown}: too large ({_mb(size)}; the limit is {_mb(max_bytes)})"
                )
            with open(p, "rb") as f:
                data = f.read(max_bytes + 1)
        except FileNotFoundError:
            raise SourceError(f"{shown}: no such file") from None
        except OSError as e:
            raise SourceError(f"{shown}: cannot read ({e.strerror or e})") from None
    if len(data) > max_bytes:
        raise SourceError(f"{shown}: too large (over {_mb(max_bytes)})")
    if format is None:
        suffix = Path(name or path or "").suffix.lower()
        if suffix in EXTENSIONS:
            format = EXTENSIONS[suffix]
        elif suffix:
            known = " ".join(sorted(EXTENSIONS))
            raise SourceError(f"{shown}: unknown file type {suffix!r} (jdcorpus reads {known})")
        else:
            format = _guess_format(data)
    if not data.strip():
        if allow_empty:
            return Source(_unify(data.decode("utf-8", "replace")), format, "utf-8")
        raise SourceError(f"{shown}: empty file")
    if format == "docx":
        text, warnings = docx_text(data, shown)
        return Source(text, "docx", None, tuple(warnings))
    what = _sniff(data)
    if what:
        raise SourceError(f"{shown}: {what}, not a text")
    declared = None if encoding or format != "html" else html_bytes_encoding(data)
    text = used = None
    if declared:
        try:
            text, used = _unify(data.decode(declared)), declared
        except UnicodeDecodeError:
            pass  # a page that lies about its charset: detect
    if text is None:
        text, used = decode(data, encoding=encoding, name=shown)
    warnings: list[str] = []
    meta: dict = {}
    if format == "html" or (format == "text" and _looks_like_html(text)):
        text = html_text(text, name=shown)
        format = "html"
        if not text.strip():
            raise SourceError(
                f"{shown}: the page has no text (scripts, styles and navigation are not read)"
            )
    elif format == "markdown":
        meta = markdown_meta(text)
    elif format in ("jsonl", "text") and (records := json_records(text)) is not None:
        text, format = records_text(records), "jsonl"  # a scraper's dump: a record a line
    elif format in ("csv", "text") and (rows := table_rows(text)) is not None:
        text, format = table_text(rows), "csv"  # a spreadsheet saved as CSV or TSV
    elif format == "csv":
        raise SourceError(f"{shown}: not a table (rows of one number of cells, three or more)")
    elif format == "org" or (format == "text" and looks_like_org(text)):
        (text, meta), format = org_text(text), "org"
    elif format in ("latex", "text") and looks_like_latex(text):
        text, format = latex_text(text), "latex"
    elif format in ("asciidoc", "text") and looks_like_asciidoc(text):
        text, format = asciidoc_text(text), "asciidoc"
    if format in ("text", "markdown") and has_revisions(text):
        text, counts = accept_revisions(text)  # a Word file's tracked changes saved as text
        shown_counts = ", ".join(f"{n} {k}" for k, n in counts.items())
        warnings.append(f"{shown}: tracked changes accepted ({shown_counts})")
    if not text.strip() and not allow_empty:
        if format in ("csv", "org", "jsonl", "latex", "asciidoc"):
            raise SourceError(f"{shown}: read as {format}, it holds no text")
        raise SourceError(f"{shown}: empty file (nothing but blank characters)")
    return Source(text, format, used, tuple(warnings), meta)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def _guess_format(data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "html"
    return "text"


def _sniff(data: bytes) -> str | None:
    """What a file that is certainly not text is (None when it may be text)."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            if magic == b"BM":
                return "a BMP image" if len(data) > 26 and data[6:10] == b"\0\0\0\0" else None
            if magic == b"RIFF":
                kind = data[8:12]
                return {b"WEBP": "a WEBP image", b"WAVE": "a WAV sound", b"AVI ": "a video"}.get(
                    kind
                )
            if magic == b"MZ":
                return "an executable" if b"PE\0\0" in data[:1024] else None
            return what
    return None


# -- text encodings ----------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# The 120 most frequent characters of Chinese legislation (counted on ~190 local regulations),
# simplified and traditional. They make up ~55% of the Chinese characters of a regulation, and
# ~1-3% of the text a wrong codec makes of it (Big5 read as GBK yields rare characters): how a
# decoding that reads as Chinese is told from one that merely decodes.
_COMMON = frozenset(
    "的人条第和应会当规行十法定市民政设管理建以工有业门部关用者本务员二区施主地保生机或一作等三"
    "府公制责位产单委其经不对大在发资合及议物处表动划国代护五为四事进可由构照上标县监级实全安体方"
    "提按任通内依防水中化城时服并报自准下组要常村项改开例出家案"
    "並內劃動務區員單國報實對應時會條業構標機準爲為產當發監級組經縣處規設議護責資進門開關項體"
)
#: Share of common characters among the Chinese characters above which a decoding is taken.
COMMON_SHARE = 0.12


def _readability(text: str) -> float:
    """Share of the Chinese characters of ``text`` that are common in legislation (0 when the
    text has almost none, or has control characters a text never holds)."""
    sample = text[:20000]
    cjk = common = bad = 0
    for ch in sample:
        o = ord(ch)
        if 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF:
            cjk += 1
            common += ch in _COMMON
        elif o < 32 and ch not in "\t\n\r\f\v" or 0xE000 <= o <= 0xF8FF or ch == "\ufffd":
            bad += 1
    if cjk < 2 or bad > len(sample) * 0.01:
        return 0.0
    return common / cjk


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """``(text, encoding)`` of UTF-16 text without a BOM (zero bytes, from its ASCII characters,
    at odd or even places): the byte order that reads as Chinese wins."""
    if len(data) % 2:
        return None
    best, score = None, 0.0
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        s = _readability(text)
        if s > score:
            best, score = (text, enc), s
    return best if score >= COMMON_SHARE else None


def decode(data: bytes, *, encoding: str | None = None, name: str = "<input>") -> tuple[str, str]:
    """``(text, encoding)``: bytes of a Chinese text decoded, newlines unified to ``\\n``.

    A BOM decides; then UTF-16 without BOM, UTF-8, GB18030 and Big5. A legacy decoding is taken
    only when it reads as Chinese (:func:`_readability`); when both GB18030 and Big5 decode, the
    one that reads better wins. ``encoding`` skips detection (an error if it does not decode).
    """
    if encoding:
        try:
            info = codecs.lookup(encoding)
        except LookupError:
            raise SourceError(f"{name}: unknown encoding {encoding!r}") from None
        if not getattr(info, "_is_text_encoding", True):  # rot13, base64: no text encodings
            raise SourceError(f"{name}: {encoding!r} is not a text encoding") from None
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as e:
            raise SourceError(f"{name}: not {encoding} (byte {e.start} does not decode)") from None
        return _unify(text), encoding
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return _unify(data.decode(enc)), enc
            except UnicodeDecodeError:
                raise SourceError(f"{name}: starts with a {enc} BOM but does not decode") from None
    if b"\x00" in data[:8192]:
        found = _utf16_without_bom(data)
        if found is None:
            raise SourceError(f"{name}: binary file, not a text")
        return _unify(found[0]), found[1]
    try:
        return _unify(data.decode("utf-8")), "utf-8"
    except UnicodeDecodeError:
        pass
    best, best_enc, score = None, None, 0.0
    for enc in ("gb18030", "big5hkscs"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        s = _readability(text)
        if s > score:
            best, best_enc, score = text, enc, s
    if best is None or score < COMMON_SHARE:
        raise SourceError(
            f"{name}: undecodable text (not UTF-8, UTF-16, GB18030 or Big5; try --encoding)"
        )
    return _unify(best), best_enc


def _unify(text: str) -> str:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


# -- Word .docx --------------------------------------------------------------------------------

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
_STRICT_W = "{http://purl.oclc.org/ooxml/wordprocessingml/main}"


def _xml_parser():
    from lxml import etree

    # no DTD loaded, no entity substituted, no network: a .docx has no use for any of them
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


class _Package:
    """The parts of a ``.docx`` (a zip), each read with a bound on its inflated size."""

    def __init__(self, data: bytes, name: str):
        import io

        self.name = name
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.names = set(self.zip.namelist())
        except (zipfile.BadZipFile, ValueError, EOFError):
            raise SourceError(f"{name}: not a Word .docx (not a zip archive)") from None
        self.budget = MAX_XML_BYTES * 2  # all parts read together

    def xml(self, part: str, required: bool = False):
        from lxml import etree

        if part not in self.names:
            if required:
                raise SourceError(f"{self.name}: not a Word .docx (no {part} inside)")
            return None
        info = self.zip.getinfo(part)
        if info.flag_bits & 0x1:
            raise SourceError(f"{self.name}: an encrypted .docx")
        limit = min(MAX_XML_BYTES, self.budget)
        try:
            with self.zip.open(info) as f:
                raw = f.read(limit + 1)
        except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError) as e:
            raise SourceError(f"{self.name}: damaged .docx ({part}: {e})") from None
        except RuntimeError as e:  # encrypted members
            raise SourceError(f"{self.name}: cannot read {part} ({e})") from None
        if len(raw) > limit:
            raise SourceError(
                f"{self.name}: {part} inflates beyond {_mb(limit)} (a zip bomb?); not read"
            )
        self.budget -= len(raw)
        head = raw[:4096]
        if b"<!DOCTYPE" in head or b"<!ENTITY" in raw:
            raise SourceError(f"{self.name}: {part} declares a DTD or XML entities; refused")
        try:
            return etree.fromstring(raw, _xml_parser())
        except etree.XMLSyntaxError as e:
            raise SourceError(f"{self.name}: damaged .docx ({part}: {e.msg})") from None

    def main_part(self) -> str:
        rels = self.xml("_rels/.rels")
        if rels is not None:
            for rel in rels:
                if rel.get("Type") == _DOC_REL and rel.get("Target"):
                    return rel.get("Target").lstrip("/")
        return "word/document.xml"


def _val(el, tag: str, default=None):
    child = el.find(_W + tag) if el is not None else None
    if child is None:
        return default
    return child.get(_W + "val", default)


class _Numbering:
    """Word's automatic list numbering: the labels it would draw before numbered paragraphs."""

    # numFmt → how a counter is written
    def __init__(self, numbering, styles):
        self.levels: dict[str, dict[int, dict]] = {}  # abstractNumId → ilvl → level
        self.nums: dict[str, tuple[str, dict[int, int]]] = {}  # numId → (abstract, start overrides)
        self.style_num: dict[str, tuple[str, int]] = {}  # styleId → (numId, ilvl)
        self.counters: dict[str, dict[int, int]] = {}
        self.restored = 0
        self.unknown: set[str] = set()
        if numbering is not None:
            for a in numbering.iter(_W + "abstractNum"):
                lv = {}
                for lvl in a.iter(_W + "lvl"):
                    i = int(lvl.get(_W + "ilvl", "0"))
                    lv[i] = {
                        "start": int(_val(lvl, "start", "1") or 1),
                        "fmt": _val(lvl, "numFmt", "decimal"),
                        "text": _val(lvl, "lvlText", ""),
                        "suff": _val(lvl, "suff", "tab"),
                        "legal": lvl.find(_W + "isLgl") is not None,
                    }
                self.levels[a.get(_W + "abstractNumId")] = lv
            for n in numbering.iter(_W + "num"):
                over = {}
                for o in n.iter(_W + "lvlOverride"):
                    s = _val(o, "startOverride")
                    if s is not None:
                        over[int(o.get(_W + "ilvl", "0"))] = int(s)
                self.nums[n.get(_W + "numId")] = (_val(n, "abstractNumId"), over)
        if styles is not None:
            based: dict[str, str] = {}
            own: dict[str, tuple[str | None, int | None]] = {}
            for s in styles.iter(_W + "style"):
                sid = s.get(_W + "styleId")
                ppr = s.find(_W + "pPr")
                num = ppr.find(_W + "numPr") if ppr is not None else None
                if num is not None:
                    ilvl = _val(num, "ilvl")
                    own[sid] = (_val(num, "numId"), int(ilvl) if ilvl is not None else None)
                b = _val(s, "basedOn")
                if b:
                    based[sid] = b
            for sid in set(own) | set(based):
                cur, seen = sid, set()
                while cur and cur not in own and cur not in seen:
                    seen.add(cur)
                    cur = based.get(cur)
                if cur in own and own[cur][0]:
                    self.style_num[sid] = (own[cur][0], own[cur][1] or 0)

    def label(self, p) -> str | None:
        """The label Word draws before paragraph ``p`` (None when it is not numbered)."""
        ppr = p.find(_W + "pPr")
        num = ppr.find(_W + "numPr") if ppr is not None else None
        num_id, ilvl = None, 0
        style = _val(ppr, "pStyle") if ppr is not None else None
        if style in self.style_num:
            num_id, ilvl = self.style_num[style]
        if num is not None:
            num_id = _val(num, "numId", num_id)
            ilvl = int(_val(num, "ilvl", ilvl) or 0)
        if not num_id or num_id == "0" or num_id not in self.nums:
            return None
        abstract, over = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        if ilvl not in levels:
            return None
        counters = self.counters.setdefault(num_id, {})
        lv = levels[ilvl]
        start = over.get(ilvl, lv["start"])
        counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else start
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if lv["fmt"] in ("bullet", "none"):
            return None
        out, ok = lv["text"], True

        def fill(m):
            nonlocal ok
            k = int(m.group(1)) - 1
            sub = levels.get(k, lv)
            n = counters.get(k, sub["start"])
            fmt = "decimal" if lv["legal"] else sub["fmt"]
            s = _format_number(n, fmt)
            if s is None:
                ok = False
                self.unknown.add(fmt)
                return m.group(0)
            return s

        out = re.sub(r"%([1-9])", fill, out)
        if not ok:
            return None
        self.restored += 1
        return out + {"tab": " ", "space": " ", "nothing": ""}.get(lv["suff"], " ")


_ZODIAC = "子丑寅卯辰巳午未申酉戌亥"
_HEAVENLY = "甲乙丙丁戊己庚辛壬癸"


def _format_number(n: int, fmt: str) -> str | None:
    """A list counter as Word writes it in ``fmt`` (None for a format not known here)."""
    if fmt in ("decimal", "decimalZero", "ordinal", "cardinalText", "ordinalText"):
        return f"{n:02d}" if fmt == "decimalZero" else str(n)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in (
        "chineseCounting",
        "chineseCountingThousand",
        "ideographDigital",
        "taiwaneseCounting",
        "taiwaneseCountingThousand",
        "japaneseCounting",
    ):
        import cn2an

        if fmt == "ideographDigital":
            return "".join("〇一二三四五六七八九"[int(c)] for c in str(n))
        return cn2an.an2cn(n, "low")
    if fmt == "chineseLegalSimplified":
        import cn2an

        return cn2an.an2cn(n, "up")
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and 1 <= n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "decimalEnclosedParen" and 1 <= n <= 20:
        return chr(0x2474 + n - 1)
    if fmt == "ideographEnclosedCircle" and 1 <= n <= 10:
        return chr(0x3280 + n - 1)
    if fmt == "ideographTraditional" and 1 <= n <= 10:
        return _HEAVENLY[n - 1]
    if fmt == "ideographZodiac" and 1 <= n <= 12:
        return _ZODIAC[n - 1]
    if fmt in ("upperLetter", "lowerLetter") and n >= 1:
        s = chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return s if fmt == "upperLetter" else s.lower()
    if fmt in ("upperRoman", "lowerRoman") and 1 <= n < 4000:
        vals = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))  # fmt: skip
        out = ""
        for v, r in vals:
            while n >= v:
                out, n = out + r, n - v
        return out if fmt == "upperRoman" else out.lower()
    return None


def _run_text(el, out: list[str]) -> None:
    """The visible text of a paragraph's runs (deleted text, field codes and the fallback copies
    of drawings left out)."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str):
            continue
        if tag == _W + "t":
            out.append(child.text or "")
        elif tag == _W + "tab" and el.tag == _W + "r":
            out.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            out.append("\n")
        elif tag == _W + "noBreakHyphen":
            out.append("-")
        elif tag in (_W + "del", _W + "delText", _W + "instrText", _W + "pPr", _W + "rPr"):
            continue
        elif tag in (_W + "txbxContent", _MC_FALLBACK, _W + "footnoteReference"):
            continue
        else:
            _run_text(child, out)


def docx_text(data: bytes, name: str = "<docx>") -> tuple[str, list[str]]:
    """``(text, warnings)``: the paragraphs of a Word ``.docx``, one per line, in document order.

    Tables are left out with a warning (their cells are not running text of a regulation);
    automatic numbering is written back as the label Word shows (第%1条 → 第一条), or reported
    when its format is not one Word uses for Chinese labels.
    """
    pkg = _Package(data, name)
    part = pkg.main_part()
    root = pkg.xml(part, required=True)
    if root.tag.startswith(_STRICT_W):
        raise SourceError(f"{name}: a .docx in Strict Open XML; save it as a standard .docx")
    body = root.find(_W + "body")
    if body is None:
        raise SourceError(f"{name}: not a Word .docx ({part} has no body)")
    base = part.rsplit("/", 1)[0] + "/" if "/" in part else ""
    numbering = _Numbering(pkg.xml(base + "numbering.xml"), pkg.xml(base + "styles.xml"))
    lines: list[str] = []
    tables = 0

    def block(parent):
        nonlocal tables
        for el in parent:
            tag = el.tag
            if tag == _W + "p":
                label = numbering.label(el)
                out: list[str] = []
                _run_text(el, out)
                lines.append((label or "") + "".join(out))
            elif tag == _W + "tbl":
                tables += 1
            elif tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins"):
                block(el)

    block(body)
    warnings = []
    if tables:
        warnings.append(f"{tables} table{'s' if tables > 1 else ''} of the .docx ignored")
    if numbering.restored:
        warnings.append(f"Word automatic numbering restored on {numbering.restored} paragraphs")
    if numbering.unknown:
        warnings.append(
            "Word automatic numbering not restored (format "
            + ", ".join(sorted(numbering.unknown))
            + "): labels may be missing"
        )
    text = "\n".join(lines)
    if not text.strip():
        raise SourceError(f"{name}: the .docx holds no text")
    return _unify(text), warnings


# -- HTML --------------------------------------------------------------------------------------

_RE_HTML = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b", re.I | re.S)
_RE_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_-]+)", re.I)

#: Elements that are never the text of a page.
_DROP = (
    "script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside", "form",
    "iframe", "object", "embed", "svg", "canvas", "button", "select", "textarea", "input", "menu",
)  # fmt: skip
#: class/id words of navigation and page furniture (whole words of the attribute).
_FURNITURE = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|navigation|menu|breadcrumbs?|crumbs?|sidebar|footer|toolbar|"
    r"share|sharebar|copyright|topbar)(?:$|[\s_-])",
    re.I,
)
_BLOCKS = frozenset(
    "p div br li tr table h1 h2 h3 h4 h5 h6 section article main blockquote pre dd dt ul ol "
    "center td th caption".split()
)


def _looks_like_html(text: str) -> bool:
    return bool(_RE_HTML.match(text[:2048]))


def html_bytes_encoding(data: bytes) -> str | None:
    """The charset a page declares in a ``<meta>`` (GB2312 and GBK read as GB18030)."""
    m = _RE_META_CHARSET.search(data[:4096])
    if not m:
        return None
    enc = m.group(1).decode("ascii").lower()
    if enc in ("gb2312", "gbk", "x-gbk", "gb_2312-80"):
        return "gb18030"
    try:
        return codecs.lookup(enc).name
    except LookupError:
        return None


def html_text(page: str, name: str = "<html>") -> str:
    """The text of a web page: one line per block, scripts, styles, navigation and page furniture
    dropped, entities decoded. No network access; nothing in the page is run or fetched."""
    import lxml.html
    from lxml import etree

    parser = lxml.html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, default_doctype=False
    )
    try:
        root = lxml.html.document_fromstring(page, parser=parser)
    except (ValueError, etree.ParserError) as e:
        raise SourceError(f"{name}: not a readable HTML page ({e})") from None
    for el in list(root.iter(*_DROP)):
        el.drop_tree()
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        attrs = f"{el.get('class', '')} {el.get('id', '')} {el.get('role', '')}"
        if attrs.strip() and _FURNITURE.search(attrs) and el.tag not in ("body", "html"):
            el.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
            if el.tag != "br":
                el.text = "\n" + (el.text or "")
    text = root.text_content().replace("\xa0", " ")
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"


# -- Markdown law collections ------------------------------------------------------------------

RE_INFO_END = re.compile(r"^\s*<!--\s*INFO END\s*-->\s*$", re.M)
_RE_MD_TITLE = re.compile(r"^#[ \t]+(\S.*?)[ \t#]*$", re.M)


def markdown_meta(text: str) -> dict:
    """Metadata a Markdown law file states above ``<!-- INFO END -->`` (LawRefBook's layout):
    ``title`` (the one ``# `` heading) and ``info`` (the date lines, as written).

    >>> markdown_meta("# 某市条例\\n\\n2020年1月1日 某市人大常委会通过\\n\\n<!-- INFO END -->\\n第一条 ……")
    {'title': '某市条例', 'info': ['2020年1月1日 某市人大常委会通过']}
    """
    m = RE_INFO_END.search(text)
    head = text[: m.start()] if m else text[:2000]
    titles = _RE_MD_TITLE.findall(head)
    meta: dict = {}
    if len(titles) == 1 and len(_RE_MD_TITLE.findall(text)) == 1:
        meta["title"] = titles[0].strip()
    if m:
        info = [
            ln.strip() for ln in head.splitlines() if ln.strip() and not ln.lstrip().startswith("#")
        ]
        if info:
            meta["info"] = info
    return meta
