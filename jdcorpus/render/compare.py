"""Comparisons for people: ``align``, ``families``, ``coverage``, ``reuse`` and ``gaps`` as
Chinese tables for drafting staff, and a diff side by side in the terminal.

Every function returns a string; the rows come from :mod:`jdcorpus.compare`. The HTML page of a
diff is :mod:`.html`.
"""

from __future__ import annotations

from collections import Counter

import click

from ..compare.diff import diff_summary
from ..compare.masking import bare
from .text import ANSI, char_width, display_width, pad, render_rows, truncate

#: How the link labels read in tables.
LABELS_ZH = {"near-verbatim": "近乎逐字", "same-provision": "同一规定", "related": "相关"}


def short_names(corpus) -> dict[str, str]:
    """A short Chinese name per document for table headers: the city, plus the kind where a city
    has several documents (北京·条例, 北京·职责规定)."""

    docs = list(corpus.documents)
    cities = Counter(d.city for d in docs if d.city)
    names = {}
    for d in docs:
        if d.city and cities[d.city] == 1:
            names[d.id] = d.city
        elif d.city and d.kind:
            names[d.id] = f"{d.city}·{d.kind}"
        else:
            names[d.id] = d.id
    if len(set(names.values())) < len(names):  # still ambiguous: fall back to ids
        names = {d.id: d.id for d in docs}
    return names


def cn_label(article) -> str:
    return article.label or f"第{article.no}条"


def art_cell(article, width: int = 40) -> str:
    head = f"【{article.heading}】" if article.heading else ""
    text = " ".join(article.text.split("\n"))
    return f"{cn_label(article)}{head} {text}"[: width * 2]


def format_align(corpus, links, doc_a, doc_b) -> str:
    """``align`` as a table: both articles (label, heading, opening words), score and relation."""

    a, b = corpus.get(doc_a), corpus.get(doc_b)
    names = short_names(corpus)
    counts = {k: sum(1 for lk in links if lk.label == k) for k in LABELS_ZH}
    title = (
        f"{a.title} ⟷ {b.title}\n"
        f"对应条文 {len(links)} 对："
        + "，".join(f"{LABELS_ZH[k]} {n}" for k, n in counts.items())
        + "\n"
    )
    rows = [
        {
            names[a.id]: art_cell(a.article(lk.a_article, lk.a_sub)),
            names[b.id]: art_cell(b.article(lk.b_article, lk.b_sub)),
            "相似度": lk.score,
            "关系": LABELS_ZH.get(lk.label, lk.label),
        }
        for lk in links
    ]
    out = render_rows(rows, "table", title=title, max_cell=56)
    for d, side in ((a, "a_article"), (b, "b_article")):
        sub = side.replace("article", "sub")
        linked = {(getattr(lk, side), getattr(lk, sub)) for lk in links}
        alone = [art for art in d.articles if (art.no, art.sub) not in linked]
        if alone:
            out += f"\n{names[d.id]}无对应条文（{len(alone)} 条）：" + "、".join(
                art.label if art.sub else f"第{art.no}条" for art in alone
            )
    return out + "\n"


def format_families(corpus, fams) -> str:

    names = short_names(corpus)
    rows = []
    for f in fams:
        arts = []
        for key in f.articles:
            doc, no = key.rsplit(":", 1)
            arts.append(f"{names.get(doc, doc)}{no}")
        rows.append(
            {"族": f.family, "主题": f.label, "文件数": f.documents, "条文": " ".join(arts)}
        )
    title = f"条文族：各文件中规定同一事项的条文（共 {len(fams)} 族，按覆盖文件数排序）\n"
    return render_rows(rows, "table", title=title, max_cell=90)


def format_coverage(corpus, cells) -> str:

    names = short_names(corpus)
    order = [d.id for d in corpus.documents if d.articles]
    by_fam: dict[int, dict] = {}
    for c in cells:
        row = by_fam.setdefault(c.family, {"族": c.family, "主题": c.label})
        row[names[c.doc]] = f"第{c.article}条" if c.article is not None else "—"
    rows = list(by_fam.values())
    totals = {
        names[d]: sum(1 for c in cells if c.doc == d and c.article is not None) for d in order
    }
    title = (
        f"覆盖矩阵：条文族 × 文件（共 {len(rows)} 族；— 表示该文件没有相应条文）\n"
        + "，".join(f"{k} {v} 族" for k, v in totals.items())
        + "\n"
    )
    cols = ["族", "主题"] + [names[d] for d in order]
    return render_rows(rows, "table", columns=cols, title=title, max_cell=30)


def format_reuse(corpus, pairs) -> str:

    names = short_names(corpus)

    def arrow(direction):
        if not direction:
            return "日期不明"
        x, y = direction.split(" -> ")
        return f"{names.get(x, x)} → {names.get(y, y)}"

    rows = [
        {
            "条文甲": f"{names[p.a_doc]} 第{p.a_article}条",
            "条文乙": f"{names[p.b_doc]} 第{p.b_article}条",
            "共享比例": f"{p.containment:.0%}",
            "最长共同片段": f"（{len(bare(p.longest_run))}字）{' '.join(p.longest_run.split())}",
            "可能方向": arrow(p.direction),
        }
        for p in pairs
    ]
    title = (
        f"跨城市文字复用：{len(pairs)} 对条文共享大段文字（按共享比例排序；"
        "比较前已屏蔽城市名、机关名、数字和日期；方向仅依文本日期推断）\n"
    )
    return render_rows(rows, "table", title=title, max_cell=70)


def format_similar(corpus, article, rows_) -> str:
    """``similar`` as a table: each close article (document, label, heading, opening words), its
    score and its relation by ``align`` (— where align does not link the two)."""

    names = short_names(corpus)
    head = f"【{article.heading}】" if article.heading else ""
    title = (
        f"与 {names[article.doc_id]} {cn_label(article)}{head} 最相近的其他文件条文"
        f"（{len(rows_)} 条）：\n"
    )
    rows = [
        {
            "文件": names.get(r.doc, r.doc),
            "条文": art_cell(corpus.article(r.doc, r.article)),
            "相似度": r.score,
            "关系": LABELS_ZH.get(r.match, r.match) if r.match else "—",
        }
        for r in rows_
    ]
    return render_rows(rows, "table", title=title, max_cell=56)


def _label(no: int, sub: int | None) -> str:
    """第12条, or 第12条之1 for an inserted article (as gaps' rows carry it)."""
    return f"第{no}条" + (f"之{sub}" if sub else "")


def format_gaps(corpus, rows_, draft, min_docs: int) -> str:

    d = corpus.get(draft)
    names = short_names(corpus)
    # 草案 only for a draft: a document in force compared the same way is 本文件
    what = "草案" if d.status == "draft" else "本文件"
    out = [f"{'草案' if d.status == 'draft' else '文件'}比较：{d.title}\n"]
    match = [g for g in rows_ if g.kind == "match"]
    best: dict[tuple[int, int | None], list] = {}  # (no, 之X) → matches
    for g in match:
        best.setdefault((g.draft_article, g.draft_sub), []).append(g)
    rows = []
    for art in d.articles:
        found = best.get((art.no, art.sub), [])
        rows.append(
            {
                f"{what}条文": art_cell(art, 18),
                "对应文件数": len(found),
                "最相近的条文": "；".join(
                    f"{names[g.doc]}{_label(g.article, g.sub)}"
                    f"({LABELS_ZH.get(g.label, g.label)} {g.score:.2f})"
                    for g in found[:3]
                )
                or f"（无对应，{what}独有）",
            }
        )
    out.append(render_rows(rows, "table", title=f"一、{what}各条与其他文件的对应", max_cell=70))
    missing = [g for g in rows_ if g.kind == "missing"]
    rows = [
        {
            "族": g.family,
            "主题": g.family_label,
            "文件数": g.documents,
            "示例条文": f"{names[g.doc]} " + art_cell(corpus.article(g.doc, g.article), 30),
        }
        for g in missing
    ]
    out.append(
        render_rows(
            rows,
            "table",
            title=f"\n二、{what}缺少、而至少 {min_docs} 个其他文件都有的规定（{len(missing)} 项）",
            max_cell=80,
        )
    )
    return "".join(out)


def wrap(text: str, width: int) -> list[str]:
    """Split ``text`` into lines of at most ``width`` display columns (ANSI codes count 0)."""

    lines, cur, used = [], [], 0
    pos = 0
    while pos < len(text):
        m = ANSI.match(text, pos)
        if m:
            cur.append(m.group())
            pos = m.end()
            continue
        ch = text[pos]
        pos += 1
        if ch == "\n":
            lines.append("".join(cur))
            cur, used = [], 0
            continue
        w = char_width(ch)
        if used + w > width:
            lines.append("".join(cur))
            cur, used = [], 0
        cur.append(ch)
        used += w
    lines.append("".join(cur))
    return lines


def diff_rows(ops, mark) -> list[tuple[str, str]]:
    """Both sides of a diff cut into rows at the line breaks they share, so that paragraphs and
    items stay side by side. ``mark(op, side, text)`` renders a changed piece."""
    rows: list[tuple[str, str]] = []
    left: list[str] = []
    right: list[str] = []
    for o in ops:
        if o.op == "equal":
            pieces = o.a_text.split("\n")
            for k, piece in enumerate(pieces):
                if k:
                    rows.append(("".join(left), "".join(right)))
                    left, right = [], []
                left.append(mark("equal", "a", piece))
                right.append(mark("equal", "b", piece))
        else:
            if o.a_text:
                left.append(mark(o.op, "a", o.a_text))
            if o.b_text:
                right.append(mark(o.op, "b", o.b_text))
    rows.append(("".join(left), "".join(right)))
    return rows


def format_diff(ops, title_a: str, title_b: str, *, width: int = 100, color: bool = False) -> str:
    """Two columns, a on the left and b on the right: [-删去-] {+新增+} ⟨管辖名称⟩."""

    def style(s, fg):
        if not color or not s:
            return s
        return click.style(s, fg=fg)

    def mark(op, side, text):
        if op == "equal":
            return text
        if op == "jurisdiction":
            return style(f"⟨{text}⟩", "cyan")
        return style(f"[-{text}-]", "red") if side == "a" else style(f"{{+{text}+}}", "green")

    col = max((width - 3) // 2, 16)
    lines = [
        f"{pad(truncate(title_a, col), col)} │ {truncate(title_b, col)}",
        f"{'─' * col}─┼─{'─' * col}",
    ]
    for left, right in diff_rows(ops, mark):
        la, lb = wrap(left, col), wrap(right, col)
        for k in range(max(len(la), len(lb))):
            x = la[k] if k < len(la) else ""
            y = lb[k] if k < len(lb) else ""
            lines.append(f"{pad(x, col)} │ {y}".rstrip())
    s = diff_summary(ops)
    lines.append("")
    summary = (
        f"实质性改动 {s['changes']} 处，管辖名称替换 {s['jurisdiction']} 处（⟨…⟩，不计为改动）；"
        f"相同文字占 {s['equal_share']:.0%}。"
    )
    legend = "图例：[-删去-] {+新增+} ⟨名称替换⟩"
    total = 2 * col + 3
    if display_width(summary) + 2 + display_width(legend) <= total:
        lines.append(f"{summary}  {legend}")
    else:
        lines.extend(wrap(summary, total) + wrap(legend, total))
    return "\n".join(lines) + "\n"
