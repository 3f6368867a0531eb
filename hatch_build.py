"""Build hook: compile the optional native helpers (``src/exposure_scan/native``).

Two per-value loops of a scan cost Python calls or numpy passes rather than Arrow kernels:
keyed hashing (~1 us a value in Python, ~15% of a scan) and counting each cell's digits and
letters (~7%). The C files there loop over Arrow buffers instead (hashing with OpenSSL's
SHA-256). They make one plain shared library loaded with ctypes, so the build needs a C
compiler and OpenSSL's headers, never Python's. Without them the build goes on, says so, and
the library runs the Python/numpy twins: the same results, slower. ``EXPOSURE_SCAN_NATIVE=0``
skips the compile.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

NATIVE = Path("src/exposure_scan/native")
LIBRARY = NATIVE / "_native.so"


def compile_library(root: Path) -> Path | None:
    """Compile the shared library next to its source; None (and a message) if it fails."""
    target = root / LIBRARY
    target.unlink(missing_ok=True)  # never a stale library from an earlier build
    if os.environ.get("EXPOSURE_SCAN_NATIVE", "1") == "0":
        return None
    if not sys.platform.startswith("linux") and sys.platform != "darwin":
        return None
    cc = shlex.split(os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc")
    command = [
        *cc,
        "-O2",
        "-shared",
        "-fPIC",
        "-Wall",
        "-Wno-deprecated-declarations",  # SHA256_Init & co.: deprecated in OpenSSL 3, kept
        *sorted(str(p) for p in (root / NATIVE).glob("*.c")),
        "-lcrypto",
        "-o",
        str(target),
    ]
    try:
        subprocess.run(command, check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        print(
            f"exposure_scan: native helpers not built, using Python ({detail.strip()})",
            file=sys.stderr,
        )
        target.unlink(missing_ok=True)
        return None
    return target


class CustomBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        built = compile_library(Path(self.root))
        if built is None:
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        if version != "editable":  # an editable install imports it from src/ in place
            build_data["force_include"][str(built)] = "exposure_scan/native/_native.so"
