"""Autouse fixtures for test modules that drive Chromium with Playwright's sync API: import both.

pytest-jupyter's autouse fixtures (loaded by test_lab_server.py) would close the event loop the
sync Playwright API runs on; these overrides leave it alone.
"""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def jp_asyncio_loop():
    """Leave the event loop alone."""
    yield None


@pytest.fixture(autouse=True)
def jp_server_cleanup():
    """No in-process jupyter server here to clean up (see jp_asyncio_loop)."""
    yield
