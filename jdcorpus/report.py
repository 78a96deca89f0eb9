"""The 对照表: a draft's articles side by side with their closest articles in other documents.

Drafting offices compare a draft with other cities' enacted law in a 对照表: the draft's articles
down the first column, the closest article of each other document beside them with the
differences marked, then what the others regulate and the draft does not, and an overview of
which document has which provision. :func:`build_report` assembles that as plain data (frozen
dataclasses, no markup); :func:`write_report` writes it as a web page
(:mod:`jdcorpus.render.report_html`) or a Word file (:func:`to_docx`).

Everything comes from the public comparison API: :func:`jdcorpus.compare.align` (each cell and
the other equivalents), :func:`~jdcorpus.compare.gaps` (which documents align most articles,
and what the draft lacks), :func:`~jdcorpus.compare.families` (the articles that carry each
missing provision), :func:`~jdcorpus.compare.coverage` (the heatmap) and
:func:`~jdcorpus.compare.diff` (the marks, with jurisdiction names masked).

例::

    report = build_report("suzhou")                 # a draft of the corpus, against all others
    report.rows[0].cells[0].label                   # '第一条' (长春, the best match of 苏州 第一条)
    write_report(report, "对照表.docx")
"""

from __future__ import annotations

import datetime as _dt
import io
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ._lookup import find_article, with_articles
from .errors import CorpusError, ParseError, UnknownDocument, UsageError
from .model import Article, Document
from .render.report_html import LABEL_CHARS, RELATION_ZH, STATUS_ZH, _excerpt

__all__ = [
    "DEFAULT_TOP",
    "REPORT_FORMATS",
    "Counterpart",
    "Heatmap",
    "MissingProvision",
    "Report",
    "ReportDoc",
    "ReportRow",
    "SourceArticle",
    "build_report",
    "column_names",
    "heatmap_inches",
    "heatmap_png",
    "report_format",
    "to_docx",
    "write_report",
]

#: How many documents stand beside the draft when none are named: a 对照表 with more than six
#: columns of Chinese text besides the draft's no longer prints legibly on landscape A3.
DEFAULT_TOP = 6
REPORT_FORMATS = ("html", "docx")


# -- the data -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportDoc:
    """A document in the report's header."""

    id: str
    name: str  # the short name of the column header: 长春, 北京·条例
    title: str
    kind: str | None
    status: str  # in_force | draft
    adopted: str | None
    approved: str | None
    revised: str | None
    promulgated: str | None
    effective: str | None
    articles: int
    aligned: int  # draft articles with a counterpart in this document (the draft: with any)
    source_file: str | None  # the file the draft was read from, when it is not in the corpus


@dataclass(frozen=True, slots=True)
class SourceArticle:
    """An article as a cell shows it: where it is, its label, heading and text."""

    doc: str
    no: int
    label: str
    heading: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Counterpart:
    """One cell: the best aligned article of a document for one draft article.

    ``diff`` runs from the draft's text to this article's (``delete``: only the draft has it;
    ``insert``: only this article; ``jurisdiction``: a substituted name, not a change).
    ``others`` are the document's other articles linked to the same draft article, best first.
    """

    article: SourceArticle
    score: float
    relation: str  # near-verbatim | same-provision | related
    diff: tuple  # of jdcorpus.compare.DiffOp
    others: tuple[tuple[SourceArticle, float, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ReportRow:
    """A row: one draft article and its counterpart (or None) in each compared document."""

    article: SourceArticle
    cells: tuple[Counterpart | None, ...]  # in the order of Report.compared

    @property
    def no(self) -> int:
        return self.article.no


@dataclass(frozen=True, slots=True)
class MissingProvision:
    """A provision the draft lacks: a family that compared documents have (the gap analysis)."""

    family: int
    label: str  # the family's label (its heading, else its most typical clause)
    documents: int  # how many compared documents carry it
    articles: tuple[SourceArticle, ...]  # every article of the compared documents that carries it


@dataclass(frozen=True, slots=True)
class Heatmap:
    """The coverage overview: provision families (rows) × documents (columns, draft first).

    ``scores[i][j]`` is the score of document ``docs[j]``'s article in family ``families[i]``
    (its best link to the family), ``None`` where the document has none; ``articles`` likewise
    holds the article numbers. Families the draft has come first, in the draft's order, then
    the ones it lacks, most widely carried first.
    """

    docs: tuple[str, ...]
    families: tuple[tuple[int, str], ...]  # (family number, label)
    scores: tuple[tuple[float | None, ...], ...]
    articles: tuple[tuple[int | None, ...], ...]


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a 对照表 shows, as plain data."""

    draft: ReportDoc
    compared: tuple[ReportDoc, ...]
    rows: tuple[ReportRow, ...]
    missing: tuple[MissingProvision, ...]
    heatmap: Heatmap
    date: str  # ISO date the report was made
    version: str  # jdcorpus version
    selection: str  # how the compared documents were chosen (said in the header)
    candidates: int  # how many other documents the corpus holds

    @property
    def docs(self) -> tuple[ReportDoc, ...]:
        """The draft and the compared documents, in column order."""
        return (self.draft, *self.compared)


# -- assembling ----------------------------------------------------------------------------------


def _looks_like_a_file(name: str) -> bool:
    """A name with a suffix jdcorpus reads (.txt, .docx, .html, .md …) or a directory part."""
    from .parse.formats import EXTENSIONS

    return Path(name).suffix.lower() in EXTENSIONS or os.sep in name or "/" in name


def _read_draft(path: Path, taken: set[str]) -> tuple[Document, str | None]:
    """The draft in a file (parsed on the fly, never added to a corpus), and a note when the file
    holds several instruments (the one with the most articles is the draft)."""
    from .parse import parse_file

    docs = parse_file(path, taken=taken)
    if not docs:  # pragma: no cover - parse_file raises on a text without articles
        raise ParseError(f"{path}: no regulation found")
    draft = max(docs, key=lambda d: len(d.articles))
    note = None
    if len(docs) > 1:
        note = f"{path.name} 含 {len(docs)} 部文件，取条文最多的《{draft.title}》作为草案"
    return draft, note


def _resolve_draft(corpus, draft) -> tuple[object, Document, str | None, str | None]:
    """(the corpus to compare in, the draft, the file it came from, a note)."""
    from .corpus import Corpus

    if isinstance(draft, Document):
        if draft.id in {d.id for d in corpus.documents}:
            return corpus, corpus.get(draft.id), None, None
        return Corpus([*corpus.documents, draft], name=f"{corpus.name}+draft"), draft, None, None
    name = os.fspath(draft)
    path = Path(name)
    if not _looks_like_a_file(name):
        try:
            return corpus, corpus.get(name), None, None
        except UnknownDocument:
            if not path.is_file():
                raise
    doc, note = _read_draft(path, {d.id for d in corpus.documents})
    combined = Corpus([*corpus.documents, doc], name=f"{corpus.name}+{path.name}")
    return combined, doc, str(path), note


def _source(a: Article) -> SourceArticle:
    return SourceArticle(a.doc_id, a.no, a.label or f"第{a.no}条", a.heading, a.text)


def _report_doc(d: Document, name: str, aligned: int, source_file: str | None) -> ReportDoc:
    return ReportDoc(
        d.id,
        name,
        d.title,
        d.kind,
        d.status,
        d.adopted,
        d.approved,
        d.revised,
        d.promulgated,
        d.effective,
        len(d.articles),
        aligned,
        source_file,
    )


def column_names(docs: Sequence[Document]) -> dict[str, str]:
    """Short Chinese column headers, unique among the documents shown: the city (长春); with
    several documents of a city, city and kind (北京·条例); where even that repeats (a text
    added twice), the id after it (北京·条例·beijing-tiaoli-12). A document without a city
    keeps its id.

    >>> from types import SimpleNamespace as D
    >>> column_names([D(id="a", city="北京", kind="条例"), D(id="b", city="北京", kind="规定"),
    ...               D(id="c", city="长春", kind="条例")])
    {'a': '北京·条例', 'b': '北京·规定', 'c': '长春'}
    """
    from collections import Counter

    cities = Counter(d.city for d in docs if d.city)
    first = {
        d.id: (d.city if cities[d.city] == 1 else f"{d.city}·{d.kind or d.id}") if d.city else d.id
        for d in docs
    }
    seen = Counter(first.values())
    return {i: n if seen[n] == 1 or n == i else f"{n}·{i}" for i, n in first.items()}


def _version() -> str:
    import jdcorpus

    return jdcorpus.__version__


def build_report(
    draft,
    against: Sequence[str] | None = None,
    *,
    top: int = DEFAULT_TOP,
    corpus=None,
    min_docs: int = 2,
    date: str | None = None,
) -> Report:
    """Assemble the 对照表 of ``draft``.

    ``draft``: a document of ``corpus`` (id, title or city), a :class:`~jdcorpus.model.Document`,
    or the path of a file (``.txt`` in any encoding, ``.docx``, ``.html``, ``.md``: what
    :func:`jdcorpus.parse.parse_file` reads, with the reader of ``jdcorpus add``) parsed on the fly
    and compared without being added anywhere. ``against``: the documents to compare with, in column order; by default
    every other document, or, when there are more than ``top``, the ``top`` documents with the
    most draft articles aligned (the report says so). ``corpus``: default the one
    :func:`jdcorpus.load_corpus` gives. ``min_docs``: a provision the draft lacks is listed when
    at least this many compared documents carry it (at most the number compared). ``date``: the
    report date (default today).
    """
    from . import compare
    from .corpus import load_corpus

    if top < 1:
        raise UsageError("--top must be at least 1")
    if min_docs < 1:
        raise UsageError("min_docs must be at least 1")
    corpus = load_corpus() if corpus is None else corpus
    corpus, doc, source_file, note = _resolve_draft(corpus, draft)
    with_articles(doc, "report")
    # an instrument drafted without articles (read as paragraphs) has nothing to compare
    others = [d for d in corpus.documents if d.id != doc.id and d.articles]
    if not others:
        raise CorpusError(f"nothing to compare {doc.id} with: the corpus holds no other document")

    gap_rows = compare.gaps(corpus, doc.id, min_docs=1)
    aligned_in: dict[str, set[int]] = {}
    for g in gap_rows:
        if g.kind == "match":
            aligned_in.setdefault(g.doc, set()).add(g.draft_article)

    if against:
        chosen: list[Document] = []
        for name in against:
            d = with_articles(corpus.get(name), "report --against")
            if d.id == doc.id:
                raise UsageError(f"--against names the draft itself ({d.id})")
            if d not in chosen:
                chosen.append(d)
        selection = f"对照文件由用户指定（{len(chosen)} 部）"
    else:
        ranked = sorted(others, key=lambda d: (-len(aligned_in.get(d.id, ())), others.index(d)))
        chosen = ranked[:top]
        if len(others) > top:
            selection = (
                f"语料库中草案以外的文件共 {len(others)} 部，对照其中与草案对应条文最多的 {top} 部"
            )
        else:
            selection = f"对照语料库中草案以外的全部 {len(others)} 部文件"
    if note:
        selection = f"{selection}；{note}"

    names = column_names([doc, *chosen])
    cities = compare.corpus_cities(corpus)
    rows_by_doc: list[dict[int, list]] = []
    for other in chosen:
        by_no: dict[tuple[int, int | None], list] = {}  # (no, 之X) → links
        for lk in compare.align(corpus, doc.id, other.id):
            by_no.setdefault((lk.a_article, lk.a_sub), []).append(lk)
        for links in by_no.values():
            links.sort(key=lambda lk: (-lk.score, lk.b_article, lk.b_sub or 0))
        rows_by_doc.append(by_no)

    rows = []
    for art in doc.articles:
        cells: list[Counterpart | None] = []
        for other, by_no in zip(chosen, rows_by_doc, strict=True):
            links = by_no.get((art.no, art.sub))
            if not links:
                cells.append(None)
                continue
            best = other.article(links[0].b_article, links[0].b_sub)
            cells.append(
                Counterpart(
                    _source(best),
                    links[0].score,
                    links[0].label,
                    tuple(compare.diff(art, best, cities=cities)),
                    tuple(
                        (_source(other.article(lk.b_article, lk.b_sub)), lk.score, lk.label)
                        for lk in links[1:]
                    ),
                )
            )
        rows.append(ReportRow(_source(art), tuple(cells)))

    chosen_ids = [d.id for d in chosen]
    fams = {f.family: f for f in compare.families(corpus)}
    need = min(min_docs, len(chosen))
    missing = []
    for g in gap_rows:
        if g.kind != "missing":
            continue
        keys = [k.rpartition(":") for k in fams[g.family].articles]
        arts = [_source(find_article(corpus.get(d), no)) for d, _, no in keys if d in chosen_ids]
        arts.sort(key=lambda a: (chosen_ids.index(a.doc), a.no))
        carried = len({a.doc for a in arts})
        if carried >= need and arts:
            missing.append(MissingProvision(g.family, g.family_label, carried, tuple(arts)))
    missing.sort(key=lambda m: (-m.documents, m.family))

    heat = _heatmap(compare.coverage(corpus), doc, [doc.id, *chosen_ids])
    aligned_any = sum(any(c is not None for c in r.cells) for r in rows)
    return Report(
        draft=_report_doc(doc, names.get(doc.id, doc.id), aligned_any, source_file),
        compared=tuple(
            _report_doc(d, names.get(d.id, d.id), sum(r.cells[j] is not None for r in rows), None)
            for j, d in enumerate(chosen)
        ),
        rows=tuple(rows),
        missing=tuple(missing),
        heatmap=heat,
        date=date or _dt.date.today().isoformat(),
        version=_version(),
        selection=selection,
        candidates=len(others),
    )


def _heatmap(cells, draft: Document, doc_ids: list[str]) -> Heatmap:
    by_family: dict[int, dict[str, tuple[int | None, float | None]]] = {}
    labels: dict[int, str] = {}
    for c in cells:
        if c.doc in doc_ids:
            by_family.setdefault(c.family, {})[c.doc] = (c.article, c.score)
            labels[c.family] = c.label
    kept = [f for f, row in by_family.items() if any(a is not None for a, _ in row.values())]
    order = {a.no: i for i, a in enumerate(draft.articles)}

    def key(f):
        mine = by_family[f].get(draft.id, (None, None))[0]
        if mine is not None:
            return (0, order.get(mine, 0), f)
        carried = sum(a is not None for a, _ in by_family[f].values())
        return (1, -carried, f)

    kept.sort(key=key)
    return Heatmap(
        docs=tuple(doc_ids),
        families=tuple((f, labels[f]) for f in kept),
        scores=tuple(tuple(by_family[f].get(d, (None, None))[1] for d in doc_ids) for f in kept),
        articles=tuple(tuple(by_family[f].get(d, (None, None))[0] for d in doc_ids) for f in kept),
    )


# -- writing -------------------------------------------------------------------------------------


def report_format(path: str | os.PathLike, fmt: str | None = None) -> str:
    """The format a report written to ``path`` gets: ``fmt``, else the suffix (``.html``,
    ``.htm``, ``.docx``); ``-`` (standard output) is HTML. Anything else is a UsageError."""
    path = os.fspath(path)
    if fmt is None:
        suffix = Path(path).suffix.lower()
        fmt = {".html": "html", ".htm": "html", ".docx": "docx"}.get(suffix)
        if fmt is None:
            if path == "-":
                return "html"
            raise UsageError(
                f"cannot tell the format of {path!r} from its suffix; "
                "name a .html or .docx file, or give --to html|docx"
            )
    if fmt not in REPORT_FORMATS:
        raise UsageError(f"unknown report format {fmt!r}; one of {', '.join(REPORT_FORMATS)}")
    if path != "-" and Path(path).is_dir():  # said before the work, not after it
        raise UsageError(f"{path}: is a directory; name the report's file in it")
    return fmt


def write_report(report: Report, path: str | os.PathLike, fmt: str | None = None) -> str:
    """Write the report as HTML or DOCX (``fmt``, else the suffix; ``-`` is standard output,
    HTML by default). Written through :func:`jdcorpus._cache.output`: a temporary file renamed
    into place, symlinks followed, devices written through. Returns the format written."""
    from ._cache import output

    shown = os.fspath(path)
    fmt = report_format(shown, fmt)
    if fmt == "html":
        from .render.report_html import report_html

        with output(shown, "w") as f:
            f.write(report_html(report))
    else:
        data = to_docx(report)
        with output(shown, "wb") as f:
            f.write(data)
    return fmt


# -- the heatmap as an image (for Word) ----------------------------------------------------------


def heatmap_inches(heat: Heatmap) -> tuple[float, float]:
    """The heatmap figure's size: room for the longest family label, a column per document."""
    longest = max(
        (len(str(f)) + 1 + min(len(label), LABEL_CHARS) for f, label in heat.families), default=10
    )
    return 1.6 + 0.12 * longest + 0.95 * len(heat.docs), 0.9 + 0.24 * max(len(heat.families), 1)


def heatmap_png(heat: Heatmap, names: dict[str, str], *, dpi: int = 150) -> bytes | None:
    """The coverage heatmap as a PNG drawn by matplotlib with a CJK font
    (:func:`jdcorpus.plotting.use_cjk_font`), or ``None`` when matplotlib is not installed
    (it comes with the ``test`` and ``notebooks`` extras)."""
    try:
        import matplotlib
    except ImportError:
        return None
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    from .plotting import use_cjk_font

    with matplotlib.rc_context():
        use_cjk_font()
        n_fam, n_doc = len(heat.families), len(heat.docs)
        data = np.array(
            [[np.nan if s is None else s for s in row] for row in heat.scores] or [[np.nan]],
            dtype=float,
        )
        fig = Figure(figsize=heatmap_inches(heat), dpi=dpi)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        cmap = ListedColormap(
            ["#d6e6f5", "#a9cce3", "#6fa8d6", "#3b7fc0", "#1f5a96"]
        ).with_extremes(bad="#ffffff")
        im = ax.imshow(
            np.ma.masked_invalid(data),
            cmap=cmap,
            vmin=0,
            vmax=1,
            aspect="auto",
            interpolation="nearest",
        )
        ax.set_xticks(range(n_doc), [names.get(d, d) for d in heat.docs], fontsize=9)
        ax.xaxis.tick_top()
        ax.set_yticks(
            range(n_fam),
            [f"{f} {_excerpt(label, LABEL_CHARS)}" for f, label in heat.families],
            fontsize=8,
        )
        ax.set_xticks(np.arange(-0.5, n_doc), minor=True)
        ax.set_yticks(np.arange(-0.5, n_fam), minor=True)
        ax.grid(which="minor", color="#bbbbbb", linewidth=0.5)
        ax.tick_params(which="minor", length=0)
        for i, row in enumerate(heat.articles):
            for j, no in enumerate(row):
                if no is not None:
                    s = heat.scores[i][j] or 0
                    ax.text(
                        j,
                        i,
                        str(no),
                        ha="center",
                        va="center",
                        fontsize=7,
                        color="white" if s >= 0.45 else "#1a1a1a",
                    )
                elif j == 0:
                    ax.text(j, i, "缺", ha="center", va="center", fontsize=7, color="#b03a2e")
        cb = fig.colorbar(im, ax=ax, fraction=0.04, pad=0.02)
        cb.set_label("对应程度（分值）", fontsize=8)
        cb.ax.tick_params(labelsize=7)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


# -- Word ---------------------------------------------------------------------------------------

#: Colours of the marks in Word (the same as the web page's).
INS_COLOUR = "1B7A3A"
DEL_COLOUR = "B42318"
JUR_COLOUR = "1A4D8F"


def to_docx(report: Report) -> bytes:
    """The report as a Word file (python-docx): landscape (A4, A3 beyond three compared
    documents), a real table whose header row repeats on every page, insertions underlined in
    colour and deletions struck through, then the missing provisions and the heatmap image."""
    from docx import Document as Docx
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_UNDERLINE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    doc = Docx()
    sec = doc.sections[0]
    wide = len(report.compared) > 3
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = (Mm(420), Mm(297)) if wide else (Mm(297), Mm(210))
    for side in ("left_margin", "right_margin"):
        setattr(sec, side, Mm(12))
    sec.top_margin = sec.bottom_margin = Mm(14)
    usable = sec.page_width - sec.left_margin - sec.right_margin

    normal = doc.styles["Normal"]
    normal.font.size = Pt(9)
    normal.font.name = "SimSun"
    rfonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), "宋体")

    def shade(cell, fill: str) -> None:
        shd = OxmlElement("w:shd")
        shd.set(qn("w:val"), "clear")
        shd.set(qn("w:color"), "auto")
        shd.set(qn("w:fill"), fill)
        cell._tc.get_or_add_tcPr().append(shd)

    def run(par, text, *, bold=False, size=None, colour=None, italic=False):
        r = par.add_run(text)
        r.bold = bold or None
        r.italic = italic or None
        if size:
            r.font.size = Pt(size)
        if colour:
            r.font.color.rgb = RGBColor.from_string(colour)
        return r

    def compact(par):
        par.paragraph_format.space_after = Pt(1)
        par.paragraph_format.space_before = Pt(0)
        return par

    def article_head(cell_or_doc, a: SourceArticle, first: bool):
        par = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
        compact(par)
        run(par, a.label, bold=True)
        if a.heading:
            run(par, f"【{a.heading}】", bold=True)
        return par

    def diff_runs(cell, ops):
        par = compact(cell.add_paragraph())
        for op in ops:
            pieces = []
            if op.op == "equal":
                pieces = [(op.b_text, None)]
            elif op.op == "delete":
                pieces = [(op.a_text, "del")]
            elif op.op == "insert":
                pieces = [(op.b_text, "ins")]
            elif op.op == "replace":
                pieces = [(op.a_text, "del"), (op.b_text, "ins")]
            else:  # jurisdiction
                pieces = [(op.b_text, "jur")]
            for text, mark in pieces:
                for k, line in enumerate(text.split("\n")):
                    if k:
                        par = compact(cell.add_paragraph())
                    if not line:
                        continue
                    r = par.add_run(line)
                    if mark == "ins":
                        r.font.underline = True
                        r.font.color.rgb = RGBColor.from_string(INS_COLOUR)
                    elif mark == "del":
                        r.font.strike = True
                        r.font.color.rgb = RGBColor.from_string(DEL_COLOUR)
                    elif mark == "jur":
                        r.font.underline = WD_UNDERLINE.DOTTED
                        r.font.color.rgb = RGBColor.from_string(JUR_COLOUR)

    # header
    title = doc.add_heading(level=0)
    run(title, f"对照表：{report.draft.title}")
    par = doc.add_paragraph()
    run(
        par,
        f"报告日期 {report.date} · jdcorpus {report.version} · {report.selection}",
        size=8,
        colour="555555",
    )
    if report.draft.source_file:
        run(par, f" · 草案文件 {report.draft.source_file}", size=8, colour="555555")
    head_texts = ("", "文件", "状态", "通过", "批准", "修订", "施行", "条数", "对应条文")
    widths_mm = (24, 84, 18, 23, 23, 23, 23, 12, 20)  # a line each on A4 landscape
    docs_table = doc.add_table(rows=1, cols=len(head_texts))
    docs_table.style = "Table Grid"
    docs_table.autofit = False
    for cell, text in zip(docs_table.rows[0].cells, head_texts, strict=True):
        run(cell.paragraphs[0], text, bold=True)
        shade(cell, "EEEEEE")
    for i, d in enumerate(report.docs):
        cells = docs_table.add_row().cells
        values = (
            "草案" if i == 0 else d.name,
            d.title,
            STATUS_ZH.get(d.status, d.status),
            d.adopted or "—",
            d.approved or "—",
            d.revised or "—",
            d.effective or "—",
            str(d.articles),
            f"{d.aligned} / {report.draft.articles}" if i else f"{d.aligned} / {d.articles}",
        )
        for cell, text in zip(cells, values, strict=True):
            run(cell.paragraphs[0], text, bold=i == 0)
        if i == 0:
            for cell in cells:
                shade(cell, "FBF8EF")
    _widths(docs_table, [Mm(w) for w in widths_mm])
    legend = doc.add_paragraph()
    run(legend, "图例：", bold=True, size=8)
    r = run(legend, "对照文件有而草案没有的文字", size=8, colour=INS_COLOUR)
    r.font.underline = True
    run(legend, "  ", size=8)
    r = run(legend, "草案有而对照文件没有的文字", size=8, colour=DEL_COLOUR)
    r.font.strike = True
    run(legend, "  ", size=8)
    r = run(legend, "管辖名称替换（不计为改动）", size=8, colour=JUR_COLOUR)
    r.font.underline = WD_UNDERLINE.DOTTED
    run(legend, "；分值为对应程度（0–1）。", size=8)

    # the table
    doc.add_heading("一、条文对照", level=1)
    n_cols = 1 + len(report.compared)
    table = doc.add_table(rows=1, cols=n_cols)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    width = int(usable / n_cols)
    head = table.rows[0]
    tr_pr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    tr_pr.append(repeat)
    for j, d in enumerate(report.docs):
        cell = head.cells[j]
        run(cell.paragraphs[0], ("草案：" if j == 0 else "") + d.name, bold=True)
        par = compact(cell.add_paragraph())
        run(par, d.title, size=7.5, colour="555555")
        shade(cell, "EFEBE0" if j == 0 else "EEEEEE")
    for row in report.rows:
        cells = table.add_row().cells
        first = cells[0]
        article_head(first, row.article, True)
        for line in row.article.text.split("\n"):
            compact(first.add_paragraph(line))
        shade(first, "FBF8EF")
        for cell, c in zip(cells[1:], row.cells, strict=True):
            if c is None:
                run(cell.paragraphs[0], "无对应条文", italic=True, colour="888888")
                shade(cell, "F4F4F4")
                continue
            par = article_head(cell, c.article, True)
            run(
                par,
                f"  {RELATION_ZH.get(c.relation, c.relation)} {c.score:.2f}",
                size=7.5,
                colour="555555",
            )
            diff_runs(cell, c.diff)
            if c.others:
                par = compact(cell.add_paragraph())
                listed = "；".join(
                    f"{a.label}（{RELATION_ZH.get(rel, rel)} {s:.2f}）" for a, s, rel in c.others
                )
                run(par, f"另见：{listed}", size=7.5, colour="555555")
    _widths(table, [width] * n_cols)

    # what the draft lacks
    doc.add_heading("二、草案未规定而对照文件规定的事项", level=1)
    if not report.missing:
        doc.add_paragraph("对照文件中至少两部规定的事项，草案均有规定。")
    names = {d.id: d.name for d in report.docs}
    for m in report.missing:
        par = doc.add_paragraph(style="List Number")
        run(par, f"{m.label}", bold=True)
        run(par, f"（{m.documents} 部文件规定；事项 {m.family}）", size=8, colour="555555")
        for a in m.articles:
            par = compact(doc.add_paragraph(style="List Bullet 2"))
            run(par, f"{names.get(a.doc, a.doc)} {a.label}", bold=True)
            if a.heading:
                run(par, f"【{a.heading}】", bold=True)
            run(par, " " + _excerpt(a.text, 90))

    # coverage
    doc.add_heading("三、覆盖概览", level=1)
    png = heatmap_png(report.heatmap, names)
    if png is None:
        doc.add_paragraph(
            "（覆盖热图需要 matplotlib：pip install 'jdcorpus[notebooks]'；各事项的条文见上。）"
        )
    else:
        from docx.shared import Emu, Inches

        fig_w, fig_h = heatmap_inches(report.heatmap)
        tall = sec.page_height - sec.top_margin - sec.bottom_margin - Mm(20)
        # its natural size, smaller if the page is narrower or shorter than it
        w = min(int(usable), int(tall * fig_w / fig_h), int(Inches(fig_w)))
        doc.add_picture(io.BytesIO(png), width=Emu(w))
        cap = doc.add_paragraph()
        run(
            cap,
            "行：规定事项（编号与名称）；列：文件；格中数字为条号，颜色越深对应越紧密；"
            "草案一列的“缺”为草案未规定的事项。",
            size=8,
            colour="555555",
        )
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _widths(table, widths) -> None:
    """Column widths that Word and LibreOffice both honour: the grid's and every cell's."""
    for col, w in zip(table.columns, widths, strict=True):
        col.width = w
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=True):
            cell.width = w
