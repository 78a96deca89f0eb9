"""Rendering for people: text tables and display width (:mod:`.text`), terminal and JSON views
of documents and articles (:mod:`.views`), and the views of search hits and comparisons.

Nothing here writes files (that is :mod:`jdcorpus.export` and :mod:`jdcorpus.report`); every
function returns a string. Submodules are imported where used, to keep the CLI's start cheap.
"""
