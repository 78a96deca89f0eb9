"""``python -m jdcorpus``: the same command as the ``jdcorpus`` console script."""

from .cli import main

if __name__ == "__main__":  # pragma: no branch
    main(prog_name="jdcorpus")
