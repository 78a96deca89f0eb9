"""The notebooks run top to bottom in a fresh kernel on the installed package (nbclient)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "jdcorpus-test"
CELL_TIMEOUT = 600


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory):
    """A kernel spec that runs this interpreter (the test venv), whatever else is installed."""
    root = tmp_path_factory.mktemp("kernels")
    spec = root / KERNEL
    spec.mkdir()
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "jdcorpus tests", "language": "python"}), "utf-8"
    )
    return KernelSpecManager(kernel_dirs=[str(root)])


def test_notebooks_exist():
    """Both notebooks of issue 5 are there."""
    assert [p.name for p in NOTEBOOKS] == ["01_quickstart.ipynb", "02_comparing_cities.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path):
    """Notebooks are committed clean: no outputs, no execution counts."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)


def _texts(nb) -> list[str]:
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            if o.output_type == "stream":
                out.append(o.text)
            elif "data" in o and "text/plain" in o["data"]:
                out.append(o["data"]["text/plain"])
    return out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, kernel_specs):
    """Every cell runs without error in a fresh kernel; figures are drawn with Chinese glyphs."""
    nb = nbformat.read(path, as_version=4)
    km = KernelManager(kernel_name=KERNEL, kernel_spec_manager=kernel_specs)
    client = NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT,
        resources={"metadata": {"path": str(path.parent)}},
    )
    client.execute()  # raises CellExecutionError on the first failing cell
    texts = "\n".join(_texts(nb))
    pngs = [o for c in nb.cells for o in c.get("outputs", []) if "image/png" in o.get("data", {})]
    assert pngs, "no figure was drawn"
    # the test extra installs noto-cjk-sans-otc: in the suite the font must be found and used
    assert "No CJK font found" not in texts
    assert "CJK font for the figures" in texts
    # matplotlib warns "Glyph … missing from font(s)" for every character it draws as a box
    assert "missing from font" not in texts, "Chinese labels were drawn as empty boxes"


def test_cjk_font_registered():
    """The font package of the test extra is installed, and its CJK family becomes the default
    and has Chinese glyphs (never skipped: without the font the notebooks draw boxes)."""
    import matplotlib as mpl

    from jdcorpus import plotting

    assert plotting.cjk_font_files(), "noto-cjk-sans-otc (in the test extra) is not installed"
    family = plotting.use_cjk_font()
    assert family == "Noto Sans CJK SC"
    assert mpl.rcParams["font.sans-serif"][0] == family
    assert plotting.has_glyphs(family, "街道办事处网格化")
    assert not plotting.has_glyphs("DejaVu Sans", "街道")


def test_cjk_font_fallback(monkeypatch):
    """Without any CJK font the helper says None and leaves matplotlib's fonts as they were."""
    import matplotlib as mpl

    from jdcorpus import plotting

    monkeypatch.setattr(plotting, "cjk_font_files", lambda: [])
    monkeypatch.setattr(plotting, "CJK_FAMILIES", ("No Such Font CJK",))
    with mpl.rc_context():
        before = list(mpl.rcParams["font.sans-serif"])
        assert plotting.use_cjk_font() is None
        assert list(mpl.rcParams["font.sans-serif"]) == before
