"""A detector that kills the worker process it runs in: for tests of lost workers.

It stands for a worker killed by the OOM killer or an operator. It dies once (a flag file
remembers) on a marker value, and only outside the driver process, so the driver's own
fallback scan and the local reference scan behave. Kept in an importable module so that
worker processes (forkserver, Dask nannies) can unpickle it.
"""

from __future__ import annotations

import os
from pathlib import Path

from exposure_scan.detectors.base import Detector


class _InWorker(Detector):
    """A marker detector that acts only outside the driver process (``driver_pid``), on a
    file path it is given."""

    entity = "MARKER"

    def __init__(self, driver_pid: int, path: str) -> None:
        self.driver_pid_ = driver_pid
        self.path = path

    def in_worker(self) -> bool:
        return os.getpid() != self.driver_pid_


class DiesInWorker(_InWorker):
    name = "dies_in_worker"
    pattern = r"KILL-ME"

    def validate(self, value: str) -> bool:
        if self.in_worker() and not os.path.exists(self.path):  # the flag file
            Path(self.path).write_text("died once")
            os._exit(1)
        return True


class RecordsEnvironment(_InWorker):
    """Writes, from a worker process, what it sees of ``OPENBLAS_NUM_THREADS`` (once per
    process, into the directory ``path``): for the test of the workers' environment."""

    name = "records_environment"
    pattern = r"RECORD-ME"

    def validate(self, value: str) -> bool:
        if self.in_worker():
            seen = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
            Path(self.path, f"{os.getpid()}.env").write_text(seen)
        return True
