"""The Arrow-encoded findings array is byte for byte what json.dumps writes."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan.findings import FINDINGS_SCHEMA
from exposure_scan.render.json_findings import findings_json

TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12
) | st.sampled_from(['"', "\\", "\x00", "\x1f", "\x7f", "\u2028", "é", "😀", "a\nb"])


def finding() -> st.SearchStrategy[dict[str, object]]:
    return st.fixed_dictionaries(
        {
            "source": TEXT,
            "row": st.integers(0, 2**62),
            "column": TEXT,
            "entity": st.sampled_from(["PERSON", "EMAIL_ADDRESS"]),
            "start": st.integers(0, 2**31 - 1),
            "end": st.integers(0, 2**31 - 1),
            "score": st.floats(0, 1, width=32),
            "masked": TEXT,
            "value_hash": TEXT,
            "detector": TEXT,
        }
    )


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(finding(), max_size=8), indent=st.sampled_from([None, 0, 1, 2, 4]))
def test_same_bytes_as_json_dumps(rows: list[dict[str, object]], indent: int | None) -> None:
    table = pa.Table.from_pylist(rows, schema=FINDINGS_SCHEMA)
    want = json.dumps(table.to_pylist(), indent=indent, ensure_ascii=False)
    assert findings_json(table, indent, depth=0) == want


@pytest.mark.parametrize("indent", [None, 2])
def test_report_to_json_is_json_dumps_of_to_dict(tmp_path: Path, indent: int | None) -> None:
    path = tmp_path / 'od"d\\name.csv'
    path.write_text(
        'name,email,phone,note\n"Zoë ""Q"" Ä",zoe@example.org,+44 20 7946 0958,"a\tb"\n'
        "Bob Stone,bob@example.com,+39 06 6982 1234,x\n",
        encoding="utf-8",
    )
    report = exposure_scan.scan(path, ner="off")
    assert report.finding_count() >= 4
    want = json.dumps(report.to_dict(), indent=indent, ensure_ascii=False)
    assert report.to_json(indent=indent) == want
