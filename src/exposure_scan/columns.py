"""From any Arrow column to scannable string cells, with a path back to the record.

Nested data is flattened to dotted paths (structs) and list elements are scanned one by one
(each keeps the index of its record). Numbers become their decimal text (card numbers and
phones are stored as integers by careless exports), binary data that is valid UTF-8 is
scanned as text, and anything else is *skipped with a reason*, which counts against coverage.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


@dataclass
class Cells:
    """One scannable column: string values and, for list elements, the owning row of each."""

    name: str
    values: pa.Array  # string or large_string
    parent: np.ndarray | None  # index into the batch's rows, per value; None = identity
    numeric: bool  # came from a numeric Arrow type: only numeric detectors apply
    skipped_reason: str | None = None
    skipped_count: int = 0
    arrow_type: pa.DataType | None = None  # the type as read, before conversion to text


def to_string(arr: pa.Array) -> pa.Array | None:
    """The text the detectors see for a column of any type (None: not representable)."""
    return _to_string(arr)


def _to_string(arr: pa.Array) -> pa.Array | None:
    t = arr.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return arr
    if pa.types.is_string_view(t):
        return arr.cast(pa.string())
    if pa.types.is_dictionary(t):
        return _to_string(arr.dictionary_decode())
    if pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_fixed_size_binary(t):
        try:
            return arr.cast(pa.large_string() if pa.types.is_large_binary(t) else pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None
    if pa.types.is_floating(t):
        return _float_to_string(arr)
    try:
        return pc.cast(arr, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _float_to_string(arr: pa.Array) -> pa.Array:
    """Integral floats as integers: a card number stored as a float must read
    ``4111111111111111``, not ``4.111111111111111e+15`` (which no detector can match)."""
    x = arr.cast(pa.float64()).to_numpy(zero_copy_only=False)
    with np.errstate(invalid="ignore"):
        integral = np.isfinite(x) & (np.floor(x) == x) & (np.abs(x) < 9.0e18)
    as_int = pc.cast(pa.array(np.where(integral, x, 0).astype(np.int64)), pa.string())
    as_float = pc.cast(arr, pa.string())
    return pc.if_else(pa.array(integral, mask=np.asarray(arr.is_null())), as_int, as_float)


def _is_numeric(t: pa.DataType) -> bool:
    return bool(
        pa.types.is_integer(t)
        or pa.types.is_floating(t)
        or pa.types.is_decimal(t)
        or pa.types.is_boolean(t)
    )


def iter_cells(batch: pa.RecordBatch) -> Iterator[Cells]:
    for name, col in zip(batch.schema.names, batch.columns, strict=True):
        yield from _walk(name, col, None)


def _walk(name: str, arr: pa.Array, parent: np.ndarray | None) -> Iterator[Cells]:
    t = arr.type
    if pa.types.is_struct(t):
        for i in range(t.num_fields):
            child = pc.struct_field(arr, [i])
            yield from _walk(f"{name}.{t.field(i).name}", child, parent)
        return
    if (
        pa.types.is_list(t)
        or pa.types.is_large_list(t)
        or pa.types.is_fixed_size_list(t)
        or pa.types.is_list_view(t)
    ):
        if pa.types.is_list_view(t):
            arr = arr.cast(pa.list_(t.value_type))
        owners = pc.list_parent_indices(arr).to_numpy()
        flat = pc.list_flatten(arr)
        new_parent = owners if parent is None else parent[owners]
        yield from _walk(name, flat, new_parent)
        return
    if pa.types.is_map(t):
        owners = pc.list_parent_indices(arr).to_numpy()
        new_parent = owners if parent is None else parent[owners]
        yield from _walk(f"{name}.key", arr.keys, new_parent)
        yield from _walk(f"{name}.value", arr.items, new_parent)
        return
    if pa.types.is_null(t):
        return  # an all-null column holds no cells
    strings = _to_string(arr)
    if strings is None:
        yield Cells(
            name,
            pa.array([], pa.string()),
            parent,
            False,
            skipped_reason=f"not scannable as text ({t})",
            skipped_count=len(arr) - arr.null_count,
        )
        return
    yield Cells(name, strings, parent, _is_numeric(t), arrow_type=t)
