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
        from .parse import ParseError

        try:
            return f(*args, **kwargs)
        except (AmbiguousDocument, UnknownDocument) as e:
            raise click.ClickException(str(e.args[0] if e.args else e)) from None
        except (ParseError, ValueError, KeyError, OSError) as e:
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


def run():  # pragma: no cover - console entry for `python -m jdcorpus`
    sys.exit(main())
