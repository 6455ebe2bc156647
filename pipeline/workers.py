"""Worker processes of a local build, forked from a forkserver that imported the batch code once.

Spawned workers would each spend about a second importing polars, pandera and the extractors
before their first batch; forking from a server that preloaded them makes a worker ready at once,
and starting the server early (`warm_up`, before the build process imports the same modules)
overlaps its imports with the build process's own. The server never runs polars, so forking from
it is safe (polars forbids forking a process whose thread pool is running: not this one).
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import signal
from multiprocessing import forkserver

PRELOAD = ["pipeline.batch", "pipeline.warm"]   # everything a worker runs, warmed up (the build process imports none of it)


# A build's parallelism is its workers, one per core: a polars thread pool in each would only contend
# with the others (idle pool threads spin); the user's own setting wins.
WORKER_ENV = {"POLARS_MAX_THREADS": "1"}


def context() -> multiprocessing.context.BaseContext:
    """The forkserver context, its server started (once) with WORKER_ENV in its environment."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    added = {k: v for k, v in WORKER_ENV.items() if k not in os.environ}
    os.environ.update(added)
    try:
        forkserver.ensure_running()
    finally:
        for k in added:
            del os.environ[k]
    return ctx


def warm_up() -> None:
    """Start the forkserver now; it imports PRELOAD while this process goes on."""
    context()


def serve(conn, watch) -> None:
    """A worker's loop: a task in, its BatchResult out, until it gets None."""
    from pipeline.batch import run_task   # preloaded by the forkserver; here so the build process never imports it

    signal.signal(signal.SIGINT, signal.SIG_IGN)     # Ctrl-C is the build process's to handle
    gc.freeze()    # the preloaded modules' objects live as long as the worker: keep them out of every collection
    while (task := conn.recv()) is not None:
        conn.send(run_task(task, watch))
