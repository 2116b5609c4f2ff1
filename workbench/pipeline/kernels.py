"""How runs talk to their kernels: papermill's nbclient engine without its idle waits.

Every run still executes its template on a new kernel. Measured on a 20-risk assessment, these
took about 0.5 s of a 1.5 s run and change nothing in the evidence:

- the client is ready as soon as the kernel answers (jupyter_client's waits for 0.2 s of silence
  on IOPub first; nbclient ignores messages of other requests anyway);
- the manager notices within 10 ms, not 100 ms, that a kernel it shut down has exited;
- the notebook is written once at the end, not before and after every cell;
- the kernel is stopped at once after its last cell (``shutdown_kernel="immediate"``, set by
  :func:`workbench.pipeline.execute.execute`) instead of being asked to shut down and waited for: nothing of the
  run is left to do in it, and the register is only read there.
"""

from __future__ import annotations

import logging
import time
from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.manager import AsyncKernelManager
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import remove_args

ENGINE = "workbench"


class Client(AsyncKernelClient):
    """The asynchronous kernel client, ready once the kernel answers ``kernel_info`` and IOPub is
    connected."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            self.kernel_info()
            try:
                reply = await self.shell_channel.get_msg(timeout=1)
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply":
                try:
                    await self.iopub_channel.get_msg(timeout=0.05)  # the reply's status: IOPub is connected
                except Empty:
                    pass
                else:
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


class Manager(AsyncKernelManager):
    """The asynchronous kernel manager with :class:`Client`, noticing within 10 ms that a kernel it
    shut down has exited."""

    def __init__(self, **kwargs):
        super().__init__(client_class=f"{__name__}.Client", **kwargs)

    async def _async_wait(self, pollinterval: float = 0.01) -> None:
        await super()._async_wait(pollinterval=min(pollinterval, 0.01))


class Engine(NBClientEngine):
    """papermill's nbclient engine on a :class:`Manager`, writing the notebook once at the end
    instead of before and after every cell (26 writes of the whole notebook for a 12-cell
    template). papermill's closing write follows whatever happened, so a failed cell, a timeout or
    a dead kernel still leaves the partial notebook."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None, stderr_file=None,
                                 start_timeout=60, execution_timeout=None, kernel_env=None, **kwargs):
        """``kernel_env``: the kernel's whole environment (default: this process's)."""
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        client = PapermillNotebookClient(
            nb_man, km=Manager(kernel_name=kernel_name), timeout=execution_timeout, startup_timeout=start_timeout,
            kernel_name=kernel_name, log=logging.getLogger("papermill"), log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file, **kwargs)
        save, nb_man.save = nb_man.save, lambda **_: None
        try:
            return client.execute(cleanup_kc=True, **({"env": kernel_env} if kernel_env is not None else {}))
        finally:
            nb_man.save = save


papermill_engines.register(ENGINE, Engine)
