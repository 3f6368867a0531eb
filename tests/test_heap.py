"""The C heap stays bounded over a long scan: large buffers are mapped, never carved from the
heap after glibc would have raised its mmap threshold (see exposure_scan.heap)."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PROBE = textwrap.dedent(
    """
    import ctypes, sys

    def in_heap(addr):
        for line in open("/proc/self/maps"):
            if line.rstrip().endswith("[heap]"):
                lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
                if lo <= addr < hi:
                    return True
        return False

    if sys.argv[1] == "bound":
        from exposure_scan.heap import bound_heap
        assert bound_heap()
    elif sys.argv[1] == "scan":
        import exposure_scan
        exposure_scan.scan(sys.argv[2], workers=1, ner="off")
    big = bytearray(8 << 20)
    del big  # freeing a mapped 8 MiB block: glibc raises its threshold to 8 MiB
    block = bytearray(2 << 20)
    print(in_heap(ctypes.addressof((ctypes.c_char * len(block)).from_buffer(block))))
    """
)

glibc = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="glibc's mallopt and /proc/self/maps",
)


def _probe(*args: str) -> str:
    # Setting any glibc malloc variable turns the dynamic threshold off; Dask's distributed
    # exports MALLOC_TRIM_THRESHOLD_ into the test process once a LocalCluster has run.
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, *args], capture_output=True, text=True, check=True, env=env
    )
    return out.stdout.strip()


@pytest.fixture(scope="module")
def hazard() -> None:
    """glibc carving a 2 MiB buffer from the heap once an 8 MiB block was freed: the
    behaviour that made a 10^7-row scan's driver grow. Where it does not show (a heap that
    cannot grow where it lies, a malloc tunable set), the tests below could not fail, so they
    skip."""
    if not any(_probe("plain") == "True" for _ in range(3)):
        pytest.skip("glibc mapped the block anyway here: nothing to bound")


@glibc
def test_bound_heap_maps_large_buffers(hazard: None) -> None:
    assert _probe("bound") == "False"


@glibc
def test_a_scan_bounds_the_heap_of_the_calling_process(hazard: None, tmp_path: Path) -> None:
    leak = tmp_path / "leak.csv"
    leak.write_text("name,email\nAda Lovelace,ada@example.org\n", encoding="utf-8")
    assert _probe("scan", str(leak)) == "False"


def test_bound_heap_without_mallopt_is_a_no_op(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    from exposure_scan import heap

    class NoMallopt:
        def __init__(self, name: object) -> None:
            pass

    heap.bound_heap.cache_clear()
    monkeypatch.setattr(ctypes, "CDLL", NoMallopt)
    try:
        assert heap.bound_heap() is False
    finally:
        heap.bound_heap.cache_clear()
