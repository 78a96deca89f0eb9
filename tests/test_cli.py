"""The CLI shell: every command documents itself; corpus commands and exports work end to end."""

import json

import pytest
from click.testing import CliRunner

from jdcorpus.cli import main


def _commands(group, prefix=()):
    for name, cmd in group.commands.items():
        yield (*prefix, name), cmd
        if hasattr(cmd, "commands"):
            yield from _commands(cmd, (*prefix, name))


ALL = list(_commands(main))


@pytest.mark.parametrize("path", [p for p, _ in ALL], ids=[" ".join(p) for p, _ in ALL])
def test_every_command_has_help(path):
    """Every command and subcommand answers --help with a description."""
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output
    assert dict(ALL)[path].help, f"{' '.join(path)} has no help text"


def test_docs_json_keys():
    """`jdcorpus docs --format json` lists every document with exactly the documented keys."""
    result = CliRunner().invoke(main, ["docs", "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == 6
    assert list(rows[0]) == [
        "id", "city", "province", "title", "kind", "status",
        "adopted", "approved", "effective", "articles", "chapters", "sections",
        "corpus", "source_file",
    ]  # fmt: skip
    assert {r["corpus"] for r in rows} == {"bundled"}
    assert {r["id"]: r["articles"] for r in rows}["beijing-zhize"] == 105


@pytest.mark.parametrize(
    "args,message,code",
    [
        (["show", "北京"], "beijing-tiaoli", 1),  # ambiguous city lists the candidates
        (["show", "上海"], "no document", 1),
        (["show", "长春", "99"], "no article 99", 1),
        # a file name whose suffix names no format is a usage error, as click's own are
        (["export", "articles", "out.txt"], "format", 2),
        (["report", "苏州", "-o", "."], "format", 2),
        (["report", "苏州", "-o", ".", "--to", "html"], "is a directory", 2),
    ],
)
def test_errors_are_one_line(args, message, code, tmp_path, monkeypatch):
    """Bad input gives a one-line error and a non-zero exit code, never a traceback."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == code, result.output
    assert message in result.output
    # CliRunner keeps an escaped exception out of the output: check that none escaped
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert len(result.output.strip().splitlines()) == 1, result.output


def test_show_by_city_and_article():
    """`show 长春 8` prints the article with its seven items."""
    result = CliRunner().invoke(main, ["show", "长春", "8", "--format", "json"])
    assert result.exit_code == 0, result.output
    art = json.loads(result.output)
    assert art["label"] == "第八条"
    assert sum(len(p["items"]) for p in art["paragraphs"]) == 7


def test_export_document_and_articles(tmp_path):
    """Exports write the requested files, and a failed export leaves an existing file intact."""
    runner = CliRunner()
    xml = tmp_path / "cc.xml"
    assert runner.invoke(main, ["export", "document", "changchun", str(xml)]).exit_code == 0
    assert xml.read_bytes().startswith(b"<?xml") and "第八条".encode() in xml.read_bytes()
    pq = tmp_path / "a.parquet"
    assert runner.invoke(main, ["export", "articles", str(pq)]).exit_code == 0
    import pandas as pd

    assert len(pd.read_parquet(pq)) == 320
    before = xml.read_bytes()
    bad = runner.invoke(main, ["export", "document", "上海", str(xml)])
    assert bad.exit_code != 0 and xml.read_bytes() == before


def test_show_original_is_the_source_text():
    """`show --original` prints the article in the words of the source (traditional 通化)."""
    result = CliRunner().invoke(main, ["show", "tonghua", "13", "--original"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("第十三條") and "格線化" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["show", "上海"],
        ["search", '"网格'],
        ["parse", "no-such-file.txt"],
        ["diff", "长春:999", "呼和浩特:24"],
    ],
    ids=lambda a: a[0],
)
def test_a_real_process_prints_one_error_line_and_no_traceback(args, tmp_path):
    """The no-traceback contract in a real process (CliRunner hides an escaped exception): the
    console entry point prints one ``Error:`` line on stderr, nothing on stdout, and exits 1."""
    import subprocess
    import sys

    r = subprocess.run(
        [sys.executable, "-m", "jdcorpus", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert r.returncode == 1, r.stderr
    assert "Traceback" not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("Error: "), r.stderr
    assert r.stdout == ""
