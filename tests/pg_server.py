"""A throwaway PostgreSQL server for tests: initdb + pg_ctl in a temporary directory.

Why a real server and not a mock: what matters here (COPY streaming through ADBC, read-only
transactions, TABLESAMPLE, catalog comments, password handling of libpq) is behaviour of the
server and the driver that a mock would only restate.

PostgreSQL refuses to run as root, so as root the server runs as an unprivileged system user
(``exposure_pg``, created when missing, else ``nobody``) that owns the temporary directory.
:func:`skip_reason` says why a server cannot be started here, so tests skip cleanly.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PgServer", "find_bindir", "pg_server", "skip_reason"]

#: Superuser password: obviously synthetic, used only by the fixture to load data.
SUPERUSER_PASSWORD = "fixture-superuser-pw"
_BINARIES = ("initdb", "pg_ctl", "postgres")


def find_bindir() -> Path | None:
    """The directory holding initdb, pg_ctl and postgres (newest Debian version first)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)
    found = shutil.which("pg_ctl")
    if found:
        candidates.append(str(Path(found).resolve().parent))
    for c in candidates:
        if all(os.access(Path(c) / b, os.X_OK) for b in _BINARIES):
            return Path(c)
    return None


def _run_as() -> str | None:
    """The user the server runs as: None (ourselves) unless we are root."""
    if os.geteuid() != 0:
        return None
    for name in ("exposure_pg", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "exposure_pg"], check=True, timeout=30
    )
    return "exposure_pg"


def skip_reason() -> str | None:
    """Why no server can be started (None: it can)."""
    if find_bindir() is None:
        return "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found"
    try:
        import adbc_driver_postgresql.dbapi  # noqa: F401
    except ImportError:
        return "adbc-driver-postgresql is not installed"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PgServer:
    """A running server: connect as ``superuser_url()`` or build URLs with :meth:`url`."""

    root: Path
    port: int
    bindir: Path
    user: str | None

    def url(self, user: str, password: str | None = None, db: str = "postgres") -> str:
        auth = user if password is None else f"{user}:{password}"
        return f"postgresql://{auth}@127.0.0.1:{self.port}/{db}"

    def superuser_url(self, db: str = "postgres") -> str:
        return self.url("postgres", SUPERUSER_PASSWORD, db)

    def _cmd(self, args: list[str], timeout: float = 60) -> None:
        subprocess.run(
            args,
            check=True,
            timeout=timeout,
            user=self.user,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            cwd=self.root,
        )

    def start(self) -> None:
        data = self.root / "data"
        pwfile = self.root / "pwfile"
        pwfile.write_text(SUPERUSER_PASSWORD + "\n")
        if self.user is not None:
            uid = pwd.getpwnam(self.user).pw_uid
            for p in (self.root, pwfile):
                os.chown(p, uid, -1)
        self._cmd(
            [
                str(self.bindir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--pwfile",
                str(pwfile),
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]
        )
        opts = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB"
        )
        self._cmd(
            [
                str(self.bindir / "pg_ctl"),
                "-D",
                str(data),
                "-l",
                str(self.root / "server.log"),
                "-w",
                "-t",
                "30",
                "-o",
                opts,
                "start",
            ]
        )

    def stop(self) -> None:
        pg_ctl = str(self.bindir / "pg_ctl")
        with contextlib.suppress(Exception):
            self._cmd([pg_ctl, "-D", str(self.root / "data"), "-m", "immediate", "stop"], 30)


@contextlib.contextmanager
def pg_server() -> Iterator[PgServer]:
    """Start a server for the duration of the block; everything it wrote is removed after."""
    bindir = find_bindir()
    assert bindir is not None, skip_reason()
    root = Path(tempfile.mkdtemp(prefix="exposure_pg_"))
    server = PgServer(root, _free_port(), bindir, _run_as())
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
