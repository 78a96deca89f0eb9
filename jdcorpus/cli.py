"""The ``jdcorpus`` command: a thin click shell, each command calls one library function.

Heavy modules (pandas, jieba, sklearn) are imported inside the commands that need them, never at
start-up: ``jdcorpus search`` starts in about the time of ``import click, whoosh.index``.
"""

from __future__ import annotations

import functools
import sys

import click

FORMATS = ("table", "json", "csv")


def format_option(f):
    """The shared ``--format table|json|csv`` option (sqlite-utils style, one decorator)."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(FORMATS),
        default="table",
        show_default=True,
        help="Output format.",
    )(f)


def library_errors(f):
    """Turn the library's expected errors into one-line messages with a non-zero exit code."""

    @functools.wraps(f)
    def wrapper(*args, **kwargs):
        from .corpus import AmbiguousDocument, UnknownDocument

        # parse.ParseError is a ValueError: not imported here, parse.py is slow to import and
        # this runs on every command (``jdcorpus search`` never parses).
        try:
            return f(*args, **kwargs)
        except (AmbiguousDocument, UnknownDocument) as e:
            raise click.ClickException(str(e.args[0] if e.args else e)) from None
        except (ValueError, KeyError, OSError) as e:
            msg = e.args[0] if isinstance(e, KeyError) and e.args else e
            raise click.ClickException(str(msg)) from None

    return wrapper


def emit(rows, fmt: str, columns=None, *, title: str | None = None) -> None:
    """Print rows (dicts) as a table, JSON or CSV."""
    from .export import render_rows

    click.echo(render_rows(rows, fmt, columns=columns, title=title), nl=False)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="jdcorpus")
def main():
    """jdcorpus: Chinese street-office regulations, parsed, searchable and comparable.

    \b
    Examples:
      jdcorpus docs
      jdcorpus show 长春 8
      jdcorpus search 网格
      jdcorpus parse some-regulation.txt --format json
    """


# -- corpus commands (issue 2) ----------------------------------------------------------------


@main.command()
@format_option
@library_errors
def docs(fmt):
    """List the documents of the bundled corpus."""
    from .corpus import load_corpus
    from .export import document_rows

    emit(document_rows(load_corpus()), fmt)


@main.command()
@click.argument("doc")
@click.argument("article", required=False, type=int)
@format_option
@library_errors
def show(doc, article, fmt):
    """Show a document's outline, or one ARTICLE of it.

    DOC is a document id, or a city name that names one document.
    """
    from .corpus import load_corpus
    from .export import render_article, render_outline

    corpus = load_corpus()
    d = corpus.get(doc)
    if article is None:
        click.echo(render_outline(d, fmt), nl=False)
    else:
        click.echo(render_article(d, d.article(article), fmt), nl=False)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
@format_option
@library_errors
def parse(file, fmt):
    """Parse any regulation text FILE (not added to a corpus) and print its structure."""
    from .export import render_parse
    from .parse import parse_file

    click.echo(render_parse(parse_file(file), fmt), nl=False)


# -- search (issue 3) -------------------------------------------------------------------------


def _progress():
    """A progress bar for index builds, on stderr when it is a terminal (else nothing)."""
    if not sys.stderr.isatty():
        return None
    return lambda items: click.progressbar(items, label="Building the search index", file=sys.stderr)


@main.command()
@click.argument("query", nargs=-1, required=True)
@click.option("--city", help="Only documents of this city (长春, 北京市 …).")
@click.option("--doc", help="Only this document (id, title, or a city with one document).")
@click.option("--kind", help="Only documents of this kind (条例, 规定 …).")
@click.option("--status", help="Only documents with this status (in_force, draft).")
@click.option("--chapter", help="Only articles in this chapter (number, or words of its title).")
@click.option("--limit", default=20, show_default=True, help="Most hits shown; 0 shows all.")
@click.option("--count", "count_only", is_flag=True, help="Print only the number of hits.")
@format_option
@library_errors
def search(query, city, doc, kind, status, chapter, limit, count_only, fmt):
    """Search the articles of the bundled corpus, best first.

    \b
    QUERY: words (all required), OR, NOT, "quoted phrases" (contiguous text),
    (parentheses), field filters city:北京 doc:changchun kind:条例 status:draft
    chapter:总则 heading:目的 word:网格 (whole jieba words only).
    A word matches every article whose normalized text contains it.
    Traditional script is normalized: 網格 finds what 网格 finds.
    \b
    Examples:
      jdcorpus search 网格
      jdcorpus search '"社区 工作者" NOT 北京' --limit 5
      jdcorpus search 物业 --city 北京 --format json
    JSON/CSV keys: doc, city, title, article, label, heading, chapter, score,
    snippet, matches ([start, end] character offsets of the highlights in snippet).
    """
    from . import index

    filters = dict(city=city, doc=doc, kind=kind, status=status, chapter=chapter)
    text = " ".join(query)
    if count_only:
        click.echo(index.count(None, text, progress=_progress(), **filters))
        return
    hits = index.search(None, text, limit=limit or None, progress=_progress(), **filters)
    if fmt == "table":
        click.echo(index.format_hits(hits, color=index._use_color()), nl=False, color=True)
    else:
        emit(hits, fmt)


@main.group("index")
def index_group():
    """Build, inspect or clear the search index (kept in a per-user cache directory)."""


@index_group.command("build")
@library_errors
def index_build():
    """Build the search index of the bundled corpus from scratch."""
    from .index import build_index

    st = build_index(force=True, progress=_progress())
    click.echo(f"built {st.path}: {st.articles} articles in {st.build_seconds:.2f} s")


@index_group.command("status")
@format_option
@library_errors
def index_status(fmt):
    """Show where the index is and whether it is built for the current corpus."""
    from .index import index_status as status

    st = status()
    rows = [{"field": k, "value": v} for k, v in vars(st).items()] if fmt == "table" else [st]
    emit(rows, fmt)


@index_group.command("clear")
@library_errors
def index_clear():
    """Remove every search index from the cache directory."""
    from .index import cache_dir, clear_index

    removed = clear_index()
    click.echo(f"removed {len(removed)} index director{'y' if len(removed) == 1 else 'ies'} from {cache_dir()}")


def run():  # pragma: no cover - console entry for `python -m jdcorpus`
    sys.exit(main())
