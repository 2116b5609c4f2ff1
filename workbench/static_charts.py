"""Charts drawn once on the host as static SVG, so that evidence files stay small and run no script.

kaleido draws each plotly figure in a headless Chromium that stays up for the life of the process
(starting it costs seconds, a figure a fraction of one). Where no Chromium is found, or it fails,
:func:`figure_svg` returns ``None`` and the evidence keeps its interactive charts instead.
"""

from __future__ import annotations

import atexit
import os
import shutil
import threading
import warnings

DEFAULT_WIDTH = 1000
_lock = threading.Lock()
_state = {"started": False, "unavailable": ""}


def browser() -> str | None:
    """The Chromium kaleido will use: ``$BROWSER_PATH``, else one on the PATH."""
    return os.environ.get("BROWSER_PATH") or next(
        (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)


def figure_svg(spec: dict) -> bytes | None:
    """SVG of a plotly figure given as its JSON spec, or ``None`` when no browser can draw it here."""
    with _lock:
        if _state["unavailable"]:
            return None
        try:
            import kaleido

            if not _state["started"]:
                path = browser()
                if not path:
                    raise RuntimeError("no Chromium found (install it, or set BROWSER_PATH)")
                os.environ.setdefault("BROWSER_PATH", path)
                kaleido.start_sync_server(silence_warnings=True)
                atexit.register(kaleido.stop_sync_server, silence_warnings=True)
                _state["started"] = True
            width = (spec.get("layout") or {}).get("width") or DEFAULT_WIDTH
            return kaleido.calc_fig_sync(spec, opts={"format": "svg", "width": width})
        except Exception as err:  # any failure to draw: fall back to interactive charts
            _state["unavailable"] = str(err) or type(err).__name__
            warnings.warn(f"static charts unavailable ({_state['unavailable']}); evidence keeps interactive charts",
                          stacklevel=2)
            return None
