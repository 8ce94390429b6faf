"""Settings for the test suite: bloc's own, with a throwaway data directory."""

import os
import tempfile

os.environ.setdefault("BLOC_DATA_DIR", tempfile.mkdtemp(prefix="bloc-test-"))

from bloc.settings import *  # noqa: E402,F403
