"""AIMS Workbench in JupyterLab: the server endpoints and the prebuilt lab extension.

The lab extension adds a launcher card per AIMS process and a side panel of AI systems with
their review status; the server extension answers it from the workspace (``$WORKBENCH_WORKSPACE``,
else the server's root folder).
"""

__version__ = "0.1.0"


def _jupyter_labextension_paths() -> list[dict]:
    return [{"src": "labextension", "dest": "jupyterlab-aims-workbench"}]


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "jupyterlab_aims_workbench"}]


def _load_jupyter_server_extension(server_app) -> None:
    from .handlers import setup_handlers

    setup_handlers(server_app)
    server_app.log.info("AIMS Workbench endpoints at /aims-workbench/")
