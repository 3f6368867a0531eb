"""``python -m exposure_scan``: the same command line as ``exposure-scan``."""

from __future__ import annotations

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
