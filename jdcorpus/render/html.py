"""HTML views: a standalone page showing a diff of two articles side by side."""

from __future__ import annotations

from html import escape

from ..compare.diff import diff_summary
from .compare import diff_rows


def diff_html(ops, title_a: str, title_b: str) -> str:
    """A standalone HTML page showing the diff side by side, for legislators and staff."""

    def mark(op, side, text):
        t = escape(text).replace("\n", "<br>")
        if op == "equal" or not t:
            return t
        if op == "jurisdiction":
            return f'<span class="jur" title="管辖名称替换">{t}</span>'
        return f'<del title="删去">{t}</del>' if side == "a" else f'<ins title="新增">{t}</ins>'

    body = "\n".join(
        f"<tr><td>{left}</td><td>{right}</td></tr>" for left, right in diff_rows(ops, mark)
    )
    s = diff_summary(ops)
    return f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{escape(title_a)} ⟷ {escape(title_b)}</title>
<style>
body {{ font-family: "Noto Serif CJK SC", "Songti SC", serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; width: 100%; table-layout: fixed; }}
th, td {{ border: 1px solid #ccc; padding: .8em; vertical-align: top; line-height: 1.9; }}
th {{ background: #f4f4f4; }}
del {{ background: #fdd; color: #a00; }}
ins {{ background: #dfd; color: #060; text-decoration: none; }}
.jur {{ background: #e3ecfa; color: #1a4d8f; border-bottom: 1px dotted #1a4d8f; }}
.legend span, .legend del, .legend ins {{ padding: 0 .3em; }}
</style>
</head>
<body>
<h1>条文比较</h1>
<p class="legend">图例：<del>删去的文字</del> <ins>新增的文字</ins>
<span class="jur">管辖名称替换（不计为实质性改动）</span></p>
<p>实质性改动 {s["changes"]} 处，管辖名称替换 {s["jurisdiction"]} 处；相同文字占 {s["equal_share"]:.0%}。</p>
<table>
<tr><th>{escape(title_a)}</th><th>{escape(title_b)}</th></tr>
{body}
</table>
</body>
</html>
"""
