"""Charts drawn once on the host as static SVG, so that evidence files stay small and run no script.

kaleido draws each plotly figure in a headless Chromium that stays up for the life of the process
(starting it costs seconds, a figure a fraction of one). Where no Chromium is found, or it fails or
hangs (a full disk can stall its start), :func:`figure_svg` returns ``None`` within a bounded time
and the evidence keeps its interactive charts instead.
"""

from __future__ import annotations

import atexit
import os
import queue
import shutil
import threading
import warnings

DEFAULT_WIDTH = 1000
START_TIMEOUT = 60  # seconds for Chromium to start and draw the first figure
DRAW_TIMEOUT = 30  # seconds for each later figure
_lock = threading.Lock()
_state = {"started": False, "unavailable": ""}


def browser() -> str | None:
    """The Chromium kaleido will use: ``$BROWSER_PATH``, else one on the PATH."""
    return os.environ.get("BROWSER_PATH") or next(
        (found for name in ("chromium", "chromium-browser", "google-chrome") if (found := shutil.which(name))), None)


def _draw(spec: dict, start: bool) -> bytes:
    import kaleido

    if start:
        kaleido.start_sync_server(silence_warnings=True, timeout=DRAW_TIMEOUT)
    width = (spec.get("layout") or {}).get("width") or DEFAULT_WIDTH
    return kaleido.calc_fig_sync(spec, opts={"format": "svg", "width": width})


def _bounded(spec: dict, start: bool) -> bytes:
    """Draw in a daemon thread, so that a browser that hangs cannot hang the run."""
    answer: queue.Queue = queue.Queue()

    def work() -> None:
        try:
            answer.put((True, _draw(spec, start)))
        except BaseException as err:  # handed to the caller below
            answer.put((False, err))

    threading.Thread(target=work, daemon=True, name="workbench-static-chart").start()
    try:
        ok, value = answer.get(timeout=START_TIMEOUT if start else DRAW_TIMEOUT)
    except queue.Empty:
        raise TimeoutError("Chromium did not draw the chart in time") from None
    if not ok:
        raise value
    return value


def figure_svg(spec: dict) -> bytes | None:
    """SVG of a plotly figure given as its JSON spec, or ``None`` when no browser can draw it here."""
    with _lock:
        if _state["unavailable"]:
            return None
        try:
            start = not _state["started"]
            if start:
                path = browser()
                if not path:
                    raise RuntimeError("no Chromium found (install it, or set BROWSER_PATH)")
                os.environ.setdefault("BROWSER_PATH", path)
            svg = _bounded(spec, start)
            if start:
                _state["started"] = True
                atexit.register(_stop)
            return svg
        except Exception as err:  # any failure to draw: fall back to interactive charts
            _state["unavailable"] = str(err) or type(err).__name__
            warnings.warn(f"static charts unavailable ({_state['unavailable']}); evidence keeps interactive charts",
                          stacklevel=2)
            return None


def _stop() -> None:
    import kaleido

    kaleido.stop_sync_server(silence_warnings=True)
