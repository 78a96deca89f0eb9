"""The 对照表 as one self-contained web page (:func:`report_html`).

One file: inline CSS, the heatmap as inline SVG, no script, no font or image fetched from
anywhere; every text from a document is escaped. The table is machine-checkable: one
``<tr data-article="N">`` per draft article (N its number), the marks are ``<ins>`` (text the
compared article has and the draft lacks) and ``<del>`` (the draft's text the compared article
lacks), a substituted jurisdiction name is a ``<span class="jur">``, and a cell without a
counterpart has ``class="none"``.

On screen the draft's column sticks to the left when the table scrolls sideways; printed, the
page is landscape (A4 or A3, as the print dialog chooses), the table fills the width and its
header row repeats on every page.

Takes the plain data of :class:`jdcorpus.report.Report` (this module does not import it).
"""

from __future__ import annotations

from html import escape

__all__ = ["STATUS_ZH", "RELATION_ZH", "report_html", "heatmap_svg", "diff_marks"]

STATUS_ZH = {"in_force": "现行有效", "draft": "草案"}
RELATION_ZH = {"near-verbatim": "近乎逐字", "same-provision": "同一规定", "related": "相关"}

#: Family labels longer than this are cut (with …) in the heatmap; the list above it has them whole.
LABEL_CHARS = 24
#: Width of one column on screen: about 22 Chinese characters a line stays readable side by side.
COLUMN_EM = 21

_CSS = """
:root { --ins: #1b7a3a; --ins-bg: #e3f4e6; --del: #b42318; --del-bg: #fde8e6;
        --jur: #1a4d8f; --jur-bg: #e6eefa; --draft-bg: #fbf8ef; --line: #c9c9c9; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
       "WenQuanYi Micro Hei", sans-serif; color: #1d1d1d; margin: 1.5em 2em; line-height: 1.65;
       font-size: 15px; }
h1 { font-size: 1.6em; margin: 0 0 .2em; }
h2 { font-size: 1.25em; margin: 1.6em 0 .6em; border-bottom: 2px solid #333; padding-bottom: .2em; }
.subtitle { font-size: 1.1em; margin: 0 0 .8em; }
.meta { color: #555; font-size: .9em; margin: .3em 0; }
table.docs { border-collapse: collapse; font-size: .9em; margin: .6em 0; }
table.docs th, table.docs td { border: 1px solid var(--line); padding: .25em .6em; text-align: left;
       vertical-align: top; }
table.docs thead th { background: #eee; }
table.docs tr.draft td { background: var(--draft-bg); font-weight: bold; }
.legend { font-size: .9em; margin: .6em 0 1em; }
.legend > * { margin-right: 1.2em; }
ins { color: var(--ins); background: var(--ins-bg); text-decoration: underline;
      text-decoration-color: var(--ins); text-underline-offset: .18em; }
del { color: var(--del); background: var(--del-bg); text-decoration: line-through;
      text-decoration-color: var(--del); }
.jur { color: var(--jur); background: var(--jur-bg); border-bottom: 1px dotted var(--jur); }
.scroll { overflow-x: auto; border: 1px solid var(--line); }
table.compare { border-collapse: separate; border-spacing: 0; table-layout: fixed; width: 100%; }
table.compare th, table.compare td { border-right: 1px solid var(--line);
      border-bottom: 1px solid var(--line); padding: .5em .65em; vertical-align: top;
      text-align: left; font-weight: normal; overflow-wrap: anywhere; word-break: normal; }
table.compare thead th { background: #eeeeee; font-weight: bold; position: sticky; top: 0;
      z-index: 2; }
table.compare thead th .title { display: block; font-weight: normal; font-size: .8em; color: #555; }
table.compare .draft { background: var(--draft-bg); position: sticky; left: 0; z-index: 1;
      box-shadow: 2px 0 0 var(--line); }
table.compare thead th.draft { z-index: 3; background: #efebe0; }
.art-head { font-weight: bold; margin-bottom: .2em; }
.art-head .heading { font-weight: bold; }
.rel { display: inline-block; font-size: .78em; font-weight: normal; color: #fff;
       border-radius: .3em; padding: 0 .35em; margin-left: .35em; vertical-align: .1em; }
.rel.near-verbatim { background: #1f5a96; }
.rel.same-provision { background: #3b7fc0; }
.rel.related { background: #8aa9c8; }
.score { font-size: .8em; color: #555; margin-left: .3em; font-weight: normal; }
.text p { margin: 0 0 .25em; }
.others { font-size: .82em; color: #555; margin-top: .35em; border-top: 1px dashed var(--line);
       padding-top: .2em; }
td.none { color: #888; background: #f6f6f6; font-style: italic; }
tr.unique th.draft::after { content: "（各对照文件均无对应条文）"; display: block; color: #b03a2e;
       font-size: .82em; }
ol.missing { padding-left: 1.6em; }
ol.missing > li { margin-bottom: .8em; }
ol.missing .family { font-weight: bold; }
ol.missing .count { color: #555; font-size: .88em; margin-left: .4em; }
ol.missing ul { margin: .2em 0; padding-left: 1.2em; }
ol.missing ul li { font-size: .92em; }
.heatmap svg { max-width: 100%; height: auto; }
.heatmap .note { font-size: .85em; color: #555; }
footer { margin-top: 2em; font-size: .8em; color: #777; }
@page { size: landscape; margin: 11mm 9mm; }
@media print {
  body { margin: 0; font-size: 8.6pt; line-height: 1.45; }
  .scroll { overflow: visible; border: none; }
  table.compare { width: 100% !important; min-width: 0 !important; }
  table.compare th, table.compare td { padding: .3em .4em; }
  table.compare thead { display: table-header-group; }
  table.compare thead th, table.compare .draft { position: static; box-shadow: none; }
  table.compare { border-left: 1px solid var(--line); border-top: 1px solid var(--line); }
  .art-head { break-after: avoid; }
  h2 { break-after: avoid; }
  section.missing, section.coverage { break-before: page; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _text(s: str | None) -> str:
    return escape(s or "")


def _lines(s: str) -> str:
    """Text with its line breaks (款 and 项) as separate paragraphs."""
    return "".join(f"<p>{escape(line)}</p>" for line in s.split("\n"))


def diff_marks(ops) -> str:
    """The compared article's text with the differences from the draft marked: ``<del>`` the
    draft's words it lacks, ``<ins>`` its own, ``<span class="jur">`` a substituted name."""
    out: list[str] = []
    for op in ops:
        if op.op == "equal":
            out.append(escape(op.b_text))
        elif op.op == "delete":
            out.append(f"<del>{escape(op.a_text)}</del>")
        elif op.op == "insert":
            out.append(f"<ins>{escape(op.b_text)}</ins>")
        elif op.op == "replace":
            out.append(f"<del>{escape(op.a_text)}</del><ins>{escape(op.b_text)}</ins>")
        else:  # a jurisdiction name substituted: not a change
            out.append(
                f'<span class="jur" title="草案：{escape(op.a_text, quote=True)}">'
                f"{escape(op.b_text)}</span>"
            )
    html = "".join(out)
    # a line break inside a mark closes and reopens it, so every 款 is its own paragraph
    for tag in ("ins", "del"):
        html = _split_marks(html, tag)
    return "".join(f"<p>{part}</p>" for part in html.split("\n"))


def _split_marks(html: str, tag: str) -> str:
    parts = []
    pos = 0
    open_, close = f"<{tag}>", f"</{tag}>"
    while True:
        i = html.find(open_, pos)
        if i < 0:
            parts.append(html[pos:])
            break
        j = html.find(close, i)
        parts.append(html[pos:i])
        inner = html[i + len(open_) : j]
        parts.append(open_ + inner.replace("\n", f"{close}\n{open_}") + close)
        pos = j + len(close)
    return "".join(parts).replace(f"{open_}{close}", "")


def _head(a, extra: str = "") -> str:
    heading = f'<span class="heading">【{_text(a.heading)}】</span>' if a.heading else ""
    return (
        f'<div class="art-head"><span class="label">{_text(a.label)}</span>{heading}{extra}</div>'
    )


def _cell(c, doc_id: str) -> str:
    if c is None:
        return f'<td class="none" data-doc="{escape(doc_id, quote=True)}">无对应条文</td>'
    rel = escape(c.relation, quote=True)
    extra = (
        f'<span class="rel {rel}">{RELATION_ZH.get(c.relation, _text(c.relation))}</span>'
        f'<span class="score">{c.score:.2f}</span>'
    )
    others = ""
    if c.others:
        listed = "；".join(
            f"{_text(a.label)}"
            + (f"【{_text(a.heading)}】" if a.heading else "")
            + f"（{RELATION_ZH.get(rel_, _text(rel_))} {s:.2f}）"
            for a, s, rel_ in c.others
        )
        others = f'<div class="others">另见：{listed}</div>'
    return (
        f'<td data-doc="{escape(doc_id, quote=True)}" data-match="{c.article.no}">'
        f'{_head(c.article, extra)}<div class="text">{diff_marks(c.diff)}</div>{others}</td>'
    )


def _date(d) -> str:
    return _text(d) if d else "—"


def heatmap_svg(heat, names: dict[str, str]) -> str:
    """The coverage heatmap (families × documents) as inline SVG: a cell's shade is the score of
    the document's article in the family, its number the article; a family the draft lacks is
    marked 缺 in the draft's column. Every cell has a tooltip (``<title>``)."""
    label_w, cell_w, cell_h, top = 330, 92, 20, 34
    n_doc, n_fam = len(heat.docs), len(heat.families)
    width = label_w + cell_w * n_doc + 10
    height = top + cell_h * n_fam + 62
    palette = ["#d6e6f5", "#a9cce3", "#6fa8d6", "#3b7fc0", "#1f5a96"]

    def colour(score: float) -> str:
        return palette[min(int(score * len(palette)), len(palette) - 1)]

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="覆盖概览" '
        'font-family="Noto Sans CJK SC, Source Han Sans SC, PingFang SC, Microsoft YaHei, sans-serif">'
    ]
    for j, d in enumerate(heat.docs):
        x = label_w + cell_w * j + cell_w / 2
        weight = ' font-weight="bold"' if j == 0 else ""
        out.append(
            f'<text x="{x:.0f}" y="{top - 10}" font-size="13" text-anchor="middle"{weight}>'
            f"{_text(names.get(d, d))}</text>"
        )
    for i, ((fam, label), scores, arts) in enumerate(
        zip(heat.families, heat.scores, heat.articles, strict=True)
    ):
        y = top + cell_h * i
        out.append(
            f'<text x="{label_w - 8}" y="{y + cell_h * 0.7:.0f}" font-size="12" '
            f'text-anchor="end"><title>{fam} {_text(label)}</title>'
            f"{fam} {_text(_excerpt(label, LABEL_CHARS))}</text>"
        )
        for j, (d, s, no) in enumerate(zip(heat.docs, scores, arts, strict=True)):
            x = label_w + cell_w * j
            name = _text(names.get(d, d))
            if no is None:
                tip = f"{name}：无（事项 {fam} {_text(label)}）"
                fill = "#fff1ee" if j == 0 else "#ffffff"
                mark = (
                    f'<text x="{x + cell_w / 2:.0f}" y="{y + cell_h * 0.72:.0f}" font-size="11" '
                    f'text-anchor="middle" fill="#b03a2e">缺</text>'
                    if j == 0
                    else ""
                )
            else:
                score = s or 0.0
                tip = f"{name} 第{no}条 · {score:.2f}（事项 {fam} {_text(label)}）"
                fill = colour(score)
                ink = "#ffffff" if score >= 0.4 else "#1d1d1d"
                mark = (
                    f'<text x="{x + cell_w / 2:.0f}" y="{y + cell_h * 0.72:.0f}" font-size="11" '
                    f'text-anchor="middle" fill="{ink}">{no}</text>'
                )
            out.append(
                f'<g><title>{tip}</title><rect x="{x}" y="{y}" width="{cell_w}" '
                f'height="{cell_h}" fill="{fill}" stroke="#c9c9c9" stroke-width="1"/>{mark}</g>'
            )
    y = top + cell_h * n_fam + 18
    out.append(f'<text x="{label_w}" y="{y + 12}" font-size="11" fill="#555">对应程度</text>')
    for k, c in enumerate(palette):
        x = label_w + 60 + k * 46
        out.append(f'<rect x="{x}" y="{y}" width="46" height="16" fill="{c}"/>')
    for k in range(len(palette) + 1):  # the bounds of the shades
        x = label_w + 60 + k * 46
        out.append(
            f'<text x="{x}" y="{y + 30}" font-size="10" text-anchor="middle" fill="#555">'
            f"{k / len(palette):.1f}</text>"
        )
    out.append("</svg>")
    return "".join(out)


def report_html(report) -> str:
    """The whole report as one HTML page (a string)."""
    names = {d.id: d.name for d in report.docs}
    n_cols = 1 + len(report.compared)
    doc_rows = []
    for i, d in enumerate(report.docs):
        role = "草案" if i == 0 else _text(d.name)
        aligned = f"{d.aligned} / {report.draft.articles}" if i else f"{d.aligned} / {d.articles}"
        doc_rows.append(
            f'<tr class="{"draft" if i == 0 else "compared"}" data-doc="{escape(d.id, quote=True)}">'
            f"<td>{role}</td><td>{_text(d.title)}</td><td>{STATUS_ZH.get(d.status, _text(d.status))}</td>"
            f"<td>{_date(d.adopted)}</td><td>{_date(d.approved)}</td><td>{_date(d.revised)}</td>"
            f"<td>{_date(d.effective)}</td><td>{d.articles}</td><td>{aligned}</td></tr>"
        )
    source = (
        f" · 草案文件 <code>{_text(report.draft.source_file)}</code>"
        if report.draft.source_file
        else ""
    )
    head_cells = [
        f'<th class="draft" scope="col">草案：{_text(report.draft.name)}'
        f'<span class="title">{_text(report.draft.title)}</span></th>'
    ] + [
        f'<th scope="col" data-doc="{escape(d.id, quote=True)}">{_text(d.name)}'
        f'<span class="title">{_text(d.title)}</span></th>'
        for d in report.compared
    ]
    body_rows = []
    for row in report.rows:
        a = row.article
        unique = all(c is None for c in row.cells) and row.cells
        cells = "".join(_cell(c, d.id) for c, d in zip(row.cells, report.compared, strict=True))
        body_rows.append(
            f'<tr data-article="{a.no}" id="art-{a.no}"{" class=unique" if unique else ""}>'
            f'<th class="draft" scope="row">{_head(a)}<div class="text">{_lines(a.text)}</div></th>'
            f"{cells}</tr>"
        )
    missing = []
    for m in report.missing:
        arts = "".join(
            f"<li><b>{_text(names.get(a.doc, a.doc))} {_text(a.label)}"
            + (f"【{_text(a.heading)}】" if a.heading else "")
            + f'</b> <span class="excerpt" title="{escape(a.text, quote=True)}">'
            + f"{_text(_excerpt(a.text, 64))}</span></li>"
            for a in m.articles
        )
        missing.append(
            f'<li data-family="{m.family}"><span class="family">{_text(m.label)}</span>'
            f'<span class="count">{m.documents} 部文件规定 · 事项 {m.family}</span><ul>{arts}</ul></li>'
        )
    missing_html = (
        f'<ol class="missing">{"".join(missing)}</ol>'
        if missing
        else "<p>对照文件中至少两部规定的事项，草案均有规定。</p>"
    )
    min_width = f"{n_cols * COLUMN_EM}em"
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="jdcorpus {_text(report.version)}">
<title>对照表：{_text(report.draft.title)}</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>对照表</h1>
<p class="subtitle">{_text(report.draft.title)}　与 {len(report.compared)} 部文件对照</p>
<p class="meta">报告日期 {_text(report.date)} · jdcorpus {_text(report.version)} · {_text(report.selection)}{source}</p>
<table class="docs">
<thead><tr><th></th><th>文件</th><th>状态</th><th>通过</th><th>批准</th><th>修订</th><th>施行</th><th>条数</th><th>对应条文</th></tr></thead>
<tbody>
{"".join(doc_rows)}
</tbody>
</table>
<p class="legend">图例：<ins>对照文件有而草案没有的文字</ins><del>草案有而对照文件没有的文字</del><span class="jur">管辖名称替换（不计为改动）</span><span>分值：对应程度（0–1）；近乎逐字 / 同一规定 / 相关</span></p>
</header>
<main>
<section class="table">
<h2>一、条文对照</h2>
<div class="scroll">
<table class="compare" style="min-width: {min_width}">
<thead><tr>{"".join(head_cells)}</tr></thead>
<tbody>
{chr(10).join(body_rows)}
</tbody>
</table>
</div>
</section>
<section class="missing">
<h2>二、草案未规定而对照文件规定的事项</h2>
{missing_html}
</section>
<section class="coverage">
<h2>三、覆盖概览</h2>
<div class="heatmap">
{heatmap_svg(report.heatmap, names)}
<p class="note">行：规定事项（编号与名称）；列：文件；格中数字为条号，颜色越深对应越紧密；草案一列的“缺”为草案未规定的事项。</p>
</div>
</section>
</main>
<footer>由 jdcorpus {_text(report.version)} 生成于 {_text(report.date)}。对应关系与分值由文本相似度自动计算，仅供起草参考。</footer>
</body>
</html>
"""


def _excerpt(text: str, n: int) -> str:
    flat = " ".join(text.split("\n"))
    return flat if len(flat) <= n else flat[: n - 1] + "…"
