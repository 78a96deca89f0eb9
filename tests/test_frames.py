"""DataFrames of the corpus and of result lists (jdcorpus.frames)."""

from __future__ import annotations

import dataclasses
import importlib.util
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

from jdcorpus import frames
from jdcorpus.model import Article, Document, Item, Paragraph, fields_of, scalar_fields
from jdcorpus.results import Results

HERE = Path(__file__).parent


def _handmade():
    spec = importlib.util.spec_from_file_location("handmade", HERE / "fixtures" / "handmade.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


handmade = _handmade()

FRAME_OF = {
    "documents": (Document, frames.documents_frame),
    "articles": (Article, frames.articles_frame),
    "paragraphs": (Paragraph, frames.paragraphs_frame),
    "items": (Item, frames.items_frame),
}


@pytest.fixture(scope="module")
def corpus():
    return handmade.corpus()


@pytest.mark.parametrize("name", list(FRAME_OF))
def test_every_model_field_is_a_column(name, corpus):
    """Every field of the unit's dataclass appears as a column (renamed only as documented)."""
    cls, build = FRAME_OF[name]
    df = build(corpus)
    rename = frames.RENAMES.get(cls, {})
    expected = [rename.get(f.name, f.name) for f in fields_of(cls) if f.name != "source_text"]
    missing = [c for c in expected if c not in df.columns]
    assert not missing, f"{name} lacks {missing}"
    assert list(df.columns) == [c.name for c in frames.columns(name)]
    assert all(k in df.columns for k in frames.KEYS[name])


@pytest.mark.parametrize(
    "name, column, dtype",
    [
        ("documents", "doc_id", "category"),
        ("documents", "city", "category"),
        ("documents", "kind", "category"),
        ("documents", "adopted", "datetime64[ns]"),
        ("documents", "effective", "datetime64[ns]"),
        ("documents", "title", "string"),
        ("documents", "articles", "Int64"),
        ("documents", "characters", "Int64"),
        ("articles", "doc_id", "category"),
        ("articles", "city", "category"),
        ("articles", "kind", "category"),
        ("articles", "article_no", "Int64"),
        ("articles", "chapter_no", "Int64"),
        ("articles", "section_no", "Int64"),
        ("articles", "heading", "string"),
        ("articles", "text", "string"),
        ("articles", "original", "string"),
        ("articles", "paragraphs", "Int64"),
        ("articles", "items", "Int64"),
        ("paragraphs", "paragraph_no", "Int64"),
        ("paragraphs", "items", "Int64"),
        ("items", "item_no", "Int64"),
        ("items", "label", "string"),
    ],
)
def test_dtypes(name, column, dtype, corpus):
    """Each column has the dtype issue 5 asks for (categoricals, nullable ints, strings, dates)."""
    df = FRAME_OF[name][1](corpus)
    assert str(df[column].dtype) == dtype


def test_documents_frame_values(corpus):
    """One row per document; unknown dates are NaT; counts agree with the model objects."""
    df = frames.documents_frame(corpus).set_index("doc_id")
    assert list(df.index) == ["alpha", "beta"]
    assert df.loc["alpha", "adopted"] == pd.Timestamp("2019-06-01")
    assert pd.isna(df.loc["alpha", "effective"]) and pd.isna(df.loc["beta", "adopted"])
    for d in corpus.documents:
        row = df.loc[d.id]
        assert row["articles"] == len(d.articles)
        assert row["chapters"] == len(d.chapters)
        assert row["sections"] == len(d.sections)
        assert row["warnings"] == len(d.warnings)
        assert row["paragraphs"] == sum(len(a.paragraphs) for a in d.articles)
        assert row["items"] == sum(len(a.items) for a in d.articles)
        assert row["characters"] == sum(len("".join(a.text.split())) for a in d.articles)


def test_a_document_of_paragraphs_is_counted_by_its_paragraphs():
    """An instrument without articles is a row of the documents frame with 0 articles and the
    paragraphs, items and characters of its paragraphs; it has no row among the articles, but
    one per paragraph among the units (``articles(units=True)``)."""
    from jdcorpus.corpus import Corpus
    from jdcorpus.parse import parse_text

    (doc,) = parse_text(
        "某市关于某事的决定\n一、市人民政府负责。\n二、禁止下列行为：\n（一）甲；\n（二）乙。\n",
        require_articles=False,
    )
    c = Corpus([doc], name="decision")
    row = frames.documents_frame(c).set_index("doc_id").loc[doc.id]
    assert (row["articles"], row["paragraphs"], row["items"]) == (0, 2, 2)
    assert row["characters"] == len("一、市人民政府负责。二、禁止下列行为：（一）甲；（二）乙。")
    assert frames.articles_frame(c).empty
    # with units=True its paragraphs are rows, labelled as search shows them
    units = c.articles(units=True)
    assert list(units["label"]) == ["第1段", "第2段"] and list(units["items"]) == [0, 2]
    assert list(units.columns) == list(frames.articles_frame(c).columns)


def test_articles_frame_values(corpus):
    """One row per article with its document context; missing heading/section are <NA>."""
    df = frames.articles_frame(corpus)
    assert len(df) == 5
    row = df[(df.doc_id == "alpha") & (df.article_no == 2)].iloc[0]
    assert (row.city, row.kind, row.chapter_title, row.section_title) == (
        "长春",
        "条例",
        "职责",
        "一般规定",
    )
    assert (row.paragraphs, row["items"]) == (2, 2)
    first = df.iloc[0]
    assert pd.isna(first.heading) and pd.isna(first.section_no)
    assert df.groupby("city", observed=True).size().to_dict() == {"长春": 3, "苏州": 2}


def test_merge_on_documented_keys(corpus):
    """articles ⋈ paragraphs ⋈ items on the documented keys: one row per unit, categoricals kept."""
    arts, paras, items = (
        frames.articles_frame(corpus),
        frames.paragraphs_frame(corpus),
        frames.items_frame(corpus),
    )
    m = arts.merge(paras, on=list(frames.KEYS["articles"]), suffixes=("", "_paragraph"))
    assert len(m) == len(paras) == sum(len(a.paragraphs) for a in corpus.iter_articles())
    assert m["doc_id"].dtype == "category"
    assert m.groupby("city", observed=True)["paragraph_no"].count().sum() == len(paras)
    mi = paras.merge(items, on=list(frames.KEYS["paragraphs"]), suffixes=("_paragraph", ""))
    assert len(mi) == len(items) == 5
    # the item counts on the paragraph rows agree with the item rows
    counted = mi.groupby(list(frames.KEYS["paragraphs"]), observed=True).size()
    assert (
        paras.set_index(list(frames.KEYS["paragraphs"]))["items"].loc[counted.index] == counted
    ).all()


def test_empty_lead_text_is_not_missing(corpus):
    """A 款 made only of items has text "" (not <NA>), and keeps it through CSV."""
    paras = frames.paragraphs_frame(corpus)
    lead = paras[(paras.doc_id == "beta") & (paras.article_no == 2)].text.iloc[0]
    assert lead == ""


@pytest.mark.parametrize("name", list(FRAME_OF))
def test_parquet_round_trip_keeps_dtypes(name, corpus, tmp_path):
    """to_parquet / read_parquet gives back an identical frame, dtypes included."""
    df = FRAME_OF[name][1](corpus)
    df.to_parquet(tmp_path / "f.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "f.parquet"), df)


@pytest.mark.parametrize("name", list(FRAME_OF))
def test_csv_round_trip_keeps_dtypes(name, corpus, tmp_path):
    """to_csv / read_frame_csv gives back an identical frame: dtypes, NA and "" kept apart."""
    df = FRAME_OF[name][1](corpus)
    df.to_csv(tmp_path / "f.csv", index=False)
    pd.testing.assert_frame_equal(frames.read_frame_csv(tmp_path / "f.csv", name), df)


def test_read_articles_csv(corpus, tmp_path):
    """read_articles_csv is the articles reader; plain read_csv would lose the dtypes."""
    df = frames.articles_frame(corpus)
    df.to_csv(tmp_path / "a.csv", index=False)
    back = frames.read_articles_csv(tmp_path / "a.csv")
    assert back.dtypes.astype(str).to_dict() == df.dtypes.astype(str).to_dict()
    assert pd.read_csv(tmp_path / "a.csv")["doc_id"].dtype != "category"


def test_unknown_frame_name():
    """Asking for the columns of a frame that does not exist is a ValueError naming the choices."""
    with pytest.raises(ValueError, match="articles"):
        frames.columns("chapters")


# -- generic result rows ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    doc: str
    city: str | None
    article: int
    label: str
    heading: str | None
    score: float
    adopted: str | None
    exact: bool
    matches: tuple[tuple[int, int], ...] = ()


HITS = [
    Hit("alpha", "长春", 2, "第二条", None, 3.5, "2019-06-01", True, ((0, 2), (5, 7))),
    Hit("beta", "苏州", 1, "第一条", "目的与依据", 1.25, None, False),
]


def test_to_frame_columns_and_dtypes():
    """A list of dataclass rows becomes one column per field, typed by the field's annotation."""
    df = frames.to_frame(HITS)
    assert list(df.columns) == [f.name for f in dataclasses.fields(Hit)]
    dtypes = df.dtypes.astype(str).to_dict()
    assert dtypes == {
        "doc": "category",
        "city": "category",
        "article": "Int64",
        "label": "string",
        "heading": "string",
        "score": "float64",
        "adopted": "datetime64[ns]",
        "exact": "boolean",
        "matches": "object",
    }
    assert df.matches.iloc[0] == ((0, 2), (5, 7))
    assert pd.isna(df.heading.iloc[0]) and pd.isna(df.adopted.iloc[1])


@pytest.mark.parametrize("how", ["attribute", "argument"])
def test_empty_results_keep_columns(how):
    """An empty Results whose row type is known gives an empty frame with the right columns."""
    rows = Results()
    if how == "attribute":
        rows.row_type = Hit
        df = rows.to_frame()
    else:
        df = frames.to_frame(rows, row_type=Hit)
    assert len(df) == 0
    assert list(df.columns) == [f.name for f in dataclasses.fields(Hit)]
    assert str(df.score.dtype) == "float64" and str(df.article.dtype) == "Int64"


def test_results_to_frame_delegates():
    """Results.to_frame() is frames.to_frame: the one DataFrame convention for every result list."""
    pd.testing.assert_frame_equal(Results(HITS).to_frame(), frames.to_frame(HITS))


def test_model_rows_to_frame(corpus):
    """to_frame also takes model objects (e.g. a list of Articles): scalar fields typed, tuples kept."""
    arts = list(corpus.iter_articles())
    df = frames.to_frame(arts)
    assert len(df) == len(arts)
    assert set(scalar_fields(Article)) <= set(df.columns)
    assert df.paragraphs.iloc[0] == arts[0].paragraphs


# -- architecture -------------------------------------------------------------------------------


def test_frames_is_the_only_module_importing_pandas():
    """No module of the package but frames.py imports pandas."""
    pkg = Path(frames.__file__).parent
    offenders = [
        p.name
        for p in pkg.glob("*.py")
        if p.name != "frames.py"
        and any(
            line.strip().startswith(("import pandas", "from pandas"))
            for line in p.read_text("utf-8").splitlines()
        )
    ]
    assert offenders == []


def test_cli_and_export_do_not_load_pandas():
    """Importing the CLI and the renderers does not load pandas (kept off the start-up path)."""
    code = "import sys, jdcorpus.cli, jdcorpus.export; print('pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- the bundled corpus ---------------------------------------------------------------------------


def test_bundled_frames(bundled):
    """On the bundled corpus: one row per document, article, 款 and 项, with the model's counts."""
    docs = bundled.documents()
    arts = bundled.articles()
    assert len(docs) == len(bundled.documents)
    assert len(arts) == sum(len(d.articles) for d in bundled.documents) == docs["articles"].sum()
    assert len(bundled.paragraphs()) == docs["paragraphs"].sum() == arts["paragraphs"].sum()
    assert len(bundled.items()) == docs["items"].sum() == arts["items"].sum()
    assert set(arts.city.cat.categories) == {d.city for d in bundled.documents}
    assert arts.article_no.notna().all() and arts.text.notna().all()
    # dates: a known date is a Timestamp, every unknown one NaT
    for d in bundled.documents:
        row = docs.set_index("doc_id").loc[d.id]
        for name in frames.DATE_NAMES & {f.name for f in fields_of(Document)}:
            value = getattr(d, name)
            assert pd.isna(row[name]) if value is None else row[name] == pd.Timestamp(value), (
                d.id,
                name,
            )


# -- every result list of the library --------------------------------------------------------------

RESULT_LISTS = {
    "search": lambda c: c.search("网格"),
    "search-empty": lambda c: c.search("火星殖民"),
    "align": lambda c: c.align("changchun", "hohhot"),
    "families": lambda c: c.families(),
    "coverage": lambda c: c.coverage(),
    "reuse": lambda c: c.reuse(),
    "gaps": lambda c: c.gaps("suzhou"),
}


@pytest.mark.parametrize("name", list(RESULT_LISTS))
def test_result_lists_to_frame(name, bundled):
    """Each result list of the library is a Results whose frame has one column per row field."""
    results = RESULT_LISTS[name](bundled)
    assert isinstance(results, Results)
    row_type = getattr(results, "row_type", None) or type(results[0])
    df = results.to_frame()
    assert list(df.columns) == [f.name for f in dataclasses.fields(row_type)]
    assert len(df) == len(results)
    if name == "search-empty":
        assert len(df) == 0 and str(df["score"].dtype) == "float64"
    else:
        assert len(df) > 0
