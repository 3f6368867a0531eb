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


class DiesInWorker(Detector):
    entity = "MARKER"
    name = "dies_in_worker"
    pattern = r"KILL-ME"

    def __init__(self, driver_pid: int, flag: str) -> None:
        self.driver_pid_ = driver_pid
        self.flag = flag

    def validate(self, value: str) -> bool:
        if os.getpid() != self.driver_pid_ and not os.path.exists(self.flag):
            Path(self.flag).write_text("died once")
            os._exit(1)
        return True


class RecordsEnvironment(Detector):
    """Writes, from a worker process, what it sees of ``OPENBLAS_NUM_THREADS`` (once per
    process, into ``directory``): for the test of the workers' environment."""

    entity = "MARKER"
    name = "records_environment"
    pattern = r"RECORD-ME"

    def __init__(self, driver_pid: int, directory: str) -> None:
        self.driver_pid_ = driver_pid
        self.directory = directory

    def validate(self, value: str) -> bool:
        if os.getpid() != self.driver_pid_:
            seen = os.environ.get("OPENBLAS_NUM_THREADS", "unset")
            Path(self.directory, f"{os.getpid()}.env").write_text(seen)
        return True
