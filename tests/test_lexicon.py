"""The name lexicon's cache file: layout, round trip, rejection of stale or damaged files.

Format 2 stores the names, then the common names, and is read with one split (no per-line
Python loop). ``_old_*`` below are verbatim copies of format 1's writer and reader (before
that change): what the new reader returns must equal what they gave for the same data.
"""

from __future__ import annotations

import gzip
import pickle
import tempfile
import zlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exposure_scan.detectors import lexicon


# --------------------------------------------------------------------------- format 1
def _old_build(pickles: list[Path], dest: Path, max_rank: int = lexicon.MAX_RANK) -> None:
    """Format 1's ``build_lexicon``: names, then one ``<TAB>name<TAB>rank`` line per name."""
    ranks: dict[str, int] = {}
    for path in pickles:
        with gzip.open(path, "rb") as fh:
            entries = pickle.load(fh)
        for word, rank in lexicon._selected(entries, max_rank):
            ranks[word] = min(rank, ranks.get(word, rank))
        del entries
    words = sorted(ranks)
    lines = [*words, *(f"\t{w}\t{ranks[w]}" for w in words)]
    with gzip.open(dest, "wb") as fh:
        fh.write("\n".join(lines).encode("utf-8"))


def _old_read(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    """Format 1's ``read_ranked``."""
    names: set[str] = set()
    common: set[str] = set()
    ranked = False
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh.read().split("\n"):
            if not line.startswith("\t"):
                if line:
                    names.add(line)
                continue
            _, word, rank = line.split("\t", 2)
            ranked = True
            if int(rank) <= lexicon.COMMON_RANK:
                common.add(word)
    if names and not ranked:
        raise EOFError(f"{path.name}: no ranks (an older lexicon file)")
    return frozenset(names), frozenset(common & names)


# --------------------------------------------------------------------------- helpers
C, M = lexicon.COMMON_RANK, lexicon.MAX_RANK

#: Ranks on both sides of COMMON_RANK and MAX_RANK, a name in both files (best rank wins),
#: accents and case folded, multi-word and rank-less names dropped.
FIRST: dict[str, Any] = {
    "Anna": {"rank": {"IT": C + 1, "DE": 900}},
    "Łukasz": {"rank": {"PL": C}},
    "Verona": {"rank": {"IT": C + 1}},
    "Edge": {"rank": {"US": M}},
    "Beyond": {"rank": {"US": M + 1}},
    "Mary Ann": {"rank": {"US": 1}},
    "Zzyzx": {"rank": {}},
    "Bad": {"rank": {"US": "n/a"}},
}
LAST: dict[str, Any] = {"ANNA": {"rank": {"GR": 2}}, "Müller": {"rank": {"DE": 3}}}
NAMES = {"anna", "lukasz", "verona", "edge", "muller"}
COMMON = {"anna", "lukasz", "muller"}


def _pickles(folder: Path, *datasets: Mapping[str, Any]) -> list[Path]:
    paths = []
    for i, data in enumerate(datasets or (FIRST, LAST)):
        path = folder / f"names{i}.pkl.gz"
        with gzip.open(path, "wb") as fh:
            pickle.dump(dict(data), fh)
        paths.append(path)
    return paths


def _gzip(path: Path, text: str) -> Path:
    path.write_bytes(gzip.compress(text.encode("utf-8")))
    return path


@pytest.fixture
def built(tmp_path: Path) -> Path:
    dest = tmp_path / "lex.txt.gz"
    assert lexicon.build_lexicon(_pickles(tmp_path), dest) == len(NAMES)
    return dest


# --------------------------------------------------------------------------- round trip
def test_round_trip_gives_the_names_and_the_common_ones(built: Path) -> None:
    names, common = lexicon.read_ranked(built)
    assert (names, common) == (NAMES, COMMON)
    assert isinstance(names, frozenset) and isinstance(common, frozenset)
    assert lexicon.read_lexicon(built) == NAMES


def test_round_trip_equals_the_format_1_reader(built: Path, tmp_path: Path) -> None:
    old = tmp_path / "old.txt.gz"
    _old_build(_pickles(tmp_path), old)
    assert lexicon.read_ranked(built) == _old_read(old)


def test_an_empty_selection_round_trips(tmp_path: Path) -> None:
    dest = tmp_path / "lex.txt.gz"
    assert lexicon.build_lexicon(_pickles(tmp_path, {"A B": {"rank": {"US": 1}}}), dest) == 0
    assert lexicon.read_ranked(dest) == (frozenset(), frozenset())


def test_the_file_is_names_then_common_names_between_markers(built: Path) -> None:
    lines = gzip.decompress(built.read_bytes()).decode("utf-8").split("\n")
    sep = lines.index("\t")
    assert lines[1:sep] == sorted(NAMES)
    assert lines[sep + 1 : -1] == sorted(COMMON)
    assert lines[0].startswith("\t") and lines[-1].startswith("\t")  # never a name


_word = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=6
).map(lambda w: w.title())
_rank = st.integers(1, M + 50) | st.sampled_from([C - 1, C, C + 1, M, M + 1])


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(_word, st.dictionaries(st.sampled_from("ABC"), _rank), max_size=30),
    st.dictionaries(_word, st.dictionaries(st.sampled_from("ABC"), _rank), max_size=30),
)
def test_any_data_reads_as_format_1_read_it(
    first: dict[str, dict[str, int]], last: dict[str, dict[str, int]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pickles = _pickles(folder, *({k: {"rank": v} for k, v in d.items()} for d in (first, last)))
        lexicon.build_lexicon(pickles, folder / "new.txt.gz")
        _old_build(pickles, folder / "old.txt.gz")
        assert lexicon.read_ranked(folder / "new.txt.gz") == _old_read(folder / "old.txt.gz")


# --------------------------------------------------------------------------- rejected files
def _damaged(built: Path, tmp_path: Path, what: str) -> Path:
    """A copy of the lexicon file ``built`` damaged or outdated as ``what`` says."""
    raw = built.read_bytes()
    text = gzip.decompress(raw).decode("utf-8")
    dest = tmp_path / "damaged.txt.gz"
    if what == "format 1 (ranks)":
        _old_build(_pickles(tmp_path), dest)
        return dest
    if what == "truncated gzip":
        dest.write_bytes(raw[:-9])  # the end of the stream and its CRC lost
        return dest
    if what == "corrupt deflate stream":
        assert raw[3] == 0  # no optional gzip header fields: deflate data starts at byte 10
        corrupt = bytearray(raw)
        corrupt[10] |= 0b110  # block type 3: reserved, invalid
        dest.write_bytes(bytes(corrupt))
        return dest
    content = {
        "format 1 (no ranks)": "anna\nnowak",
        "empty": "",
        "no trailer": text[: text.rindex("\n")],
        "cut mid-name": text[: len(text) // 2],
        "no separator": text.replace("\n\t\n", "\n", 1),
        "another format": text.replace(f"\tf{lexicon._FORMAT}\t", "\tf1\t", 1),
    }[what]
    return _gzip(dest, content)


#: Readable gzip, wrong content: ``read_ranked`` must say EOFError (as format 1 did).
WRONG_CONTENT = [
    "format 1 (ranks)",
    "format 1 (no ranks)",
    "empty",
    "no trailer",
    "cut mid-name",
    "no separator",
    "another format",
]


@pytest.mark.parametrize("what", WRONG_CONTENT)
def test_outdated_or_cut_content_raises_eoferror(built: Path, tmp_path: Path, what: str) -> None:
    path = _damaged(built, tmp_path, what)
    assert lexicon.read_ranked(built) == (NAMES, COMMON)  # the original is fine
    with pytest.raises(EOFError):
        lexicon.read_ranked(path)


def test_a_corrupt_deflate_stream_raises_eoferror_not_zlib_error(
    built: Path, tmp_path: Path
) -> None:
    path = _damaged(built, tmp_path, "corrupt deflate stream")
    with pytest.raises(zlib.error):
        zlib.decompress(path.read_bytes(), 31)  # the damage the test means to make
    with pytest.raises(EOFError):
        lexicon.read_ranked(path)


@pytest.mark.parametrize("cut", [1, 4, 9, 30, "half", "all"])
def test_a_truncated_gzip_file_raises_what_name_lexicon_catches(
    built: Path, cut: int | str
) -> None:
    raw = built.read_bytes()
    kept = len(raw) // 2 if cut == "half" else 0 if cut == "all" else len(raw) - int(cut)
    assert 0 <= kept < len(raw)
    built.write_bytes(raw[:kept])
    with pytest.raises(lexicon._UNREADABLE):
        lexicon.read_ranked(built)


def test_a_missing_file_raises_what_name_lexicon_catches(tmp_path: Path) -> None:
    with pytest.raises(lexicon._UNREADABLE):
        lexicon.read_ranked(tmp_path / "absent.txt.gz")


def test_another_common_rank_rejects_the_file_and_names_another_one(
    built: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = lexicon.lexicon_path("1.0")
    monkeypatch.setattr(lexicon, "COMMON_RANK", C + 1)
    assert lexicon.lexicon_path("1.0") != before
    with pytest.raises(EOFError):  # common names of another threshold: never silently reused
        lexicon.read_ranked(built)


def test_the_format_is_in_the_file_name(monkeypatch: pytest.MonkeyPatch) -> None:
    before = lexicon.lexicon_path("1.0")
    assert f"-f{lexicon._FORMAT}." in before.name and lexicon._FORMAT >= 2
    monkeypatch.setattr(lexicon, "_FORMAT", lexicon._FORMAT + 1)
    assert lexicon.lexicon_path("1.0") != before


# --------------------------------------------------------------------------- name_lexicon
@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "cache"
    monkeypatch.setenv("EXPOSURE_SCAN_CACHE", str(folder))
    pickles = _pickles(tmp_path)
    monkeypatch.setattr(lexicon, "_dataset", lambda: ("9.9.9", pickles))
    lexicon.name_lexicon.cache_clear()
    yield folder
    lexicon.name_lexicon.cache_clear()


@pytest.mark.parametrize("what", [*WRONG_CONTENT, "corrupt deflate stream", "truncated gzip"])
def test_name_lexicon_rebuilds_outdated_or_damaged_files(
    cache: Path, built: Path, tmp_path: Path, what: str
) -> None:
    path = lexicon.lexicon_path("9.9.9")
    assert path.parent == cache
    cache.mkdir()
    path.write_bytes(_damaged(built, tmp_path, what).read_bytes())
    lex = lexicon.name_lexicon()
    assert (lex.names, lex.common, lex.note) == (NAMES, COMMON, "")
    assert lexicon.read_ranked(path) == (NAMES, COMMON)  # rebuilt in place


def test_name_lexicon_reads_a_good_file_without_the_pickles(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = lexicon.name_lexicon()
    assert (first.names, first.common) == (NAMES, COMMON)

    def no_pickles(*_a: object, **_k: object) -> None:
        raise AssertionError("the pickles were read again")

    monkeypatch.setattr(lexicon, "build_lexicon", no_pickles)
    lexicon.name_lexicon.cache_clear()
    again = lexicon.name_lexicon()
    assert (again.names, again.common) == (NAMES, COMMON)


# --------------------------------------------------------------------------- real data
@pytest.mark.skipif(lexicon._dataset() is None, reason="names-dataset not installed")
def test_real_lexicon_reads_as_format_1_read_it(tmp_path: Path) -> None:
    """The lexicon a scan gets (the cache file, format 2) equals what format 1's writer and
    reader made of the same names-dataset pickles (reading them takes ~10 s)."""
    found = lexicon._dataset()
    assert found is not None
    old = tmp_path / "f1.txt.gz"
    _old_build(found[1], old)
    names, common = _old_read(old)
    lex = lexicon.name_lexicon()
    assert lex.source == f"names-dataset {found[0]}"
    assert len(names) > 50_000 and len(common) > 5_000
    assert lex.names == names
    assert lex.common == common
    assert lexicon.read_ranked(lexicon.lexicon_path(found[0])) == (names, common)
