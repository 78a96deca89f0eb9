"""Test set-up for the whole run (tests/ and the package's doctests).

Every test session gets its own cache and its own empty user corpus — never the user's, even when
they have set JDCORPUS_CACHE_DIR or JDCORPUS_HOME — so a run can neither read stale state nor
change a researcher's files.
"""

import os
import tempfile

_ROOT = tempfile.mkdtemp(prefix="jdcorpus-test-")
os.environ["JDCORPUS_CACHE_DIR"] = os.path.join(_ROOT, "cache")
os.environ["JDCORPUS_HOME"] = os.path.join(_ROOT, "home")
