"""The 对照表 in a real browser: the commands of issue 12's "done when", their HTML opened in
headless Chromium, their Word file read back with python-docx.

Chromium is Debian's ``chromium`` package (``.ci/run`` installs it). The page's own markup has no
script; the test opens a copy with a probe script appended that measures what the browser shows
(rows, computed styles of the marks, the sticky column) and writes it into the page, read back
with ``--dump-dom``. A full-page screenshot of each report is saved as a test artifact in
``$JDCORPUS_TEST_ARTIFACTS`` (default: ``test-artifacts/`` at the top of the checkout).
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent
DRAFT_FILE = HERE / "fixtures" / "report" / "draft_wuxi_gb18030.txt"
CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
ARTIFACTS = Path(os.environ.get("JDCORPUS_TEST_ARTIFACTS") or HERE.parent / "test-artifacts")
#: Chromium cannot draw a screenshot much taller than 16,384 device pixels: a longer page is
#: drawn at a smaller scale so the whole page fits.
MAX_SHOT = 16000
WIDTH = 1600

needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium found (install Debian's package: apt-get install chromium; .ci/run does)",
)

PROBE = """<script>
(function () {
  function look(e) {
    const s = getComputedStyle(e), r = e.getBoundingClientRect();
    return {deco: s.textDecorationLine, color: s.color, bg: s.backgroundColor,
            display: s.display, visibility: s.visibility, opacity: s.opacity,
            w: r.width, h: r.height, text: e.textContent};
  }
  const rows = [...document.querySelectorAll('table.compare tbody tr[data-article]')];
  const scroller = document.querySelector('.scroll');
  const first = document.querySelector('table.compare tbody th.draft');
  const before = first.getBoundingClientRect().left;
  scroller.scrollLeft = 600;
  const out = {
    rows: rows.map(r => r.dataset.article),
    rowHeights: rows.map(r => r.getBoundingClientRect().height),
    cellsPerRow: rows.map(r => r.children.length),
    ins: [...document.querySelectorAll('table.compare ins')].map(look),
    del: [...document.querySelectorAll('table.compare del')].map(look),
    none: [...document.querySelectorAll('table.compare td.none')].map(look),
    sticky: {before: before, after: first.getBoundingClientRect().left,
             scrolled: scroller.scrollLeft, box: scroller.getBoundingClientRect().left},
    heatmapCells: document.querySelectorAll('.heatmap svg rect').length,
    height: document.documentElement.scrollHeight,
  };
  scroller.scrollLeft = 0;
  const pre = document.createElement('pre');
  pre.id = 'probe-result';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",  # CI runs as root, where Chromium's sandbox refuses to start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    assert r.returncode == 0, r.stderr[-2000:]
    return r


def probe(page: Path, tmp: Path, width: int = WIDTH) -> dict:
    """What Chromium shows of a report page (see PROBE), in a window narrower than the table
    (five or more columns of 21em each)."""
    copy = tmp / f"probe-{page.name}"
    text = page.read_text("utf-8")
    copy.write_text(text.replace("</body>", PROBE + "</body>"), "utf-8")
    r = chromium(f"--window-size={width},900", "--dump-dom", copy.as_uri(), profile=tmp / "profile")
    m = re.search(r'<pre id="probe-result">(.*?)</pre>', r.stdout, re.S)
    assert m, r.stdout[-2000:]
    return json.loads(html.unescape(m.group(1)))


def screenshot(page: Path, tmp: Path, name: str, height: int) -> Path:
    """A full-page screenshot of ``page`` (``height`` CSS pixels tall at WIDTH) saved as a test
    artifact."""
    scale = min(1.0, MAX_SHOT / height)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    out = ARTIFACTS / name
    chromium(
        f"--window-size={WIDTH},{height}",
        f"--force-device-scale-factor={scale:.4f}",
        f"--screenshot={out}",
        page.as_uri(),
        profile=tmp / "profile",
    )
    return out


def _jdcorpus(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    r = subprocess.run(
        [sys.executable, "-m", "jdcorpus", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
    )
    assert r.returncode == 0, r.stderr
    return r


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The three commands of the issue, run as a user would, in a scratch directory."""
    work = tmp_path_factory.mktemp("reports")
    shutil.copy(DRAFT_FILE, work / "some-draft.txt")
    _jdcorpus("report", "suzhou", "-o", "r.html", cwd=work)
    _jdcorpus("report", "suzhou", "-o", "r.docx", cwd=work)
    _jdcorpus("report", "some-draft.txt", "-o", "draft.html", cwd=work)
    return work


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


@needs_chromium
@pytest.mark.parametrize(
    "page, articles, shot",
    [("r.html", 22, "report-suzhou.png"), ("draft.html", 9, "report-draft-file.png")],
)
def test_report_in_chromium(made, tmp_path, page, articles, shot):
    """In Chromium the table has one visible row per draft article (a cell per document each),
    insertions show underlined and deletions struck through in colour, empty cells show, the
    draft's column stays put when the table scrolls sideways, and a full-page screenshot is
    saved."""
    seen = probe(made / page, tmp_path)
    assert seen["rows"] == [str(n) for n in range(1, articles + 1)]
    assert all(h > 20 for h in seen["rowHeights"])
    assert len(set(seen["cellsPerRow"])) == 1 and seen["cellsPerRow"][0] >= 2
    for kind, deco in (("ins", "underline"), ("del", "line-through")):
        marks = seen[kind]
        assert marks, f"no <{kind}> in the page"
        for m in marks:
            assert deco in m["deco"], m
            assert m["visibility"] == "visible" and m["opacity"] == "1", m
            assert m["display"] != "none" and m["color"] != m["bg"], m
        shown = [m for m in marks if m["text"].strip()]
        assert all(m["w"] > 0 and m["h"] > 0 for m in shown)
    assert {m["color"] for m in seen["ins"]} != {m["color"] for m in seen["del"]}
    assert all(m["w"] > 0 and m["h"] > 0 for m in seen["none"])
    sticky = seen["sticky"]
    assert sticky["scrolled"] > 0, f"the table does not scroll sideways at {WIDTH} px"
    assert abs(sticky["after"] - sticky["box"]) <= 2, sticky  # pinned to the scroller's edge
    assert seen["heatmapCells"] > 10

    out = screenshot(made / page, tmp_path, shot, seen["height"])
    w, h = _png_size(out)
    assert w >= 1000 and h >= 2000, (w, h)  # the whole page, not the first screen


@needs_chromium
def test_report_prints_landscape_with_the_table_header_on_every_page(made, tmp_path):
    """Printed, the page is landscape and runs over several pages."""
    pdf = tmp_path / "r.pdf"
    chromium(
        "--no-pdf-header-footer",
        f"--print-to-pdf={pdf}",
        (made / "r.html").as_uri(),
        profile=tmp_path / "profile",
    )
    data = pdf.read_bytes()
    boxes = {tuple(map(float, b.split())) for b in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", data)}
    assert boxes and all(x1 - x0 > y1 - y0 for x0, y0, x1, y1 in boxes), boxes
    assert len(re.findall(rb"/Type\s*/Page\b", data)) > 5


def test_report_docx_reads_back(made):
    """The Word file of `jdcorpus report suzhou -o r.docx`: the table with a repeated header,
    one row per draft article, coloured underlines and strike-throughs, and the heatmap."""
    import docx
    from docx.oxml.ns import qn

    word = docx.Document(io.BytesIO((made / "r.docx").read_bytes()))
    table = max(word.tables, key=lambda t: len(t.rows))
    assert len(table.rows) == 23
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    runs = [r for row in table.rows[1:] for c in row.cells for p in c.paragraphs for r in p.runs]
    assert any(r.font.underline is True and r.font.color.rgb is not None for r in runs)
    assert any(r.font.strike for r in runs)
    assert len(word.inline_shapes) == 1
