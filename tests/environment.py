"""Loaded as a pytest plugin (``-p tests.environment``) before Django reads its settings: tests keep Merit's
embedded files in a temporary home, never the user's, and use a fixed public URL."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("MERIT_HOME", tempfile.mkdtemp(prefix="merit-test-home-"))
os.environ.setdefault("MERIT_BASE_URL", "https://merit.test")
os.environ.setdefault("MERIT_ALLOWED_HOSTS", "merit.test,testserver,localhost")
# Connections close after each request, so the live server used by browser tests leaves none open at teardown.
os.environ.setdefault("MERIT_DB_CONN_MAX_AGE", "0")
