"""A compact lexicon of given names and surnames, built once from ``names-dataset``.

Why a package and not a hand-written list: names-dataset (a maintained, 2025 release) ranks
names per country for 100+ countries, so a Yoruba, Tamil or Hungarian name weighs the same
as an English one. Its pickles take ~6 s and ~1 GB to load, far too much per scan, so the
first use distils them into a small gzip text file (the accent-folded names, then the
common ones, one a line) in the user cache directory, versioned by the names-dataset
version; later loads take ~80 ms (one decompression and split, no per-line Python loop).
Without names-dataset the lexicon is empty and column inference relies on the shape of the
values and the header, and says so in its evidence.

The package is never imported (its ``__init__`` imports pycountry): the pickles are read by
path.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import importlib.metadata
import importlib.util
import os
import pickle
import tempfile
import unicodedata
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

__all__ = [
    "COMMON_RANK",
    "MAX_RANK",
    "NameLexicon",
    "build_lexicon",
    "cache_dir",
    "fold",
    "name_lexicon",
    "place_lexicon",
]

#: Keep a name when some country ranks it at least this high: the ~200k names that make up
#: nearly every real name list; the long tail is mostly noise (typos, words, handles).
MAX_RANK: Final = 2000
#: A *common* name: some country ranks it this high. Measured shares of cells holding one:
#: real name columns 0.5-1.0, ordinary capitalised words 0-0.4 (colours 0.40, cities 0.17-0.27,
#: car models 0.10, animals 0.15, statuses 0.0); see :mod:`.roles`.
COMMON_RANK: Final = 300
#: Bump when the selection or the layout changes: it is part of the cache file's name, so a
#: file of another format is never read, only left to the versions that wrote it. Format 1
#: kept one ``<TAB>name<TAB>rank`` line per name, parsed line by line (~0.3-0.65 s a process);
#: format 2 stores the common names themselves (see :func:`build_lexicon`).
_FORMAT: Final = 2
_PACKAGE: Final = "names-dataset"
_PICKLES: Final = ("first_names.pkl.gz", "last_names.pkl.gz")

#: First and last line of a lexicon file, and the line between the names and the common
#: names. Names never hold whitespace (see :func:`_selected`), so none of these is a name. The
#: header names the format and COMMON_RANK (also in the file name): a file of another layout,
#: or written with another COMMON_RANK, is rejected whole. The trailer catches a file cut
#: short after a complete gzip stream (a damaged stream already fails in gzip).
_SEPARATOR: Final = "\t"
_TRAILER: Final = "\tend"


def _header(common_rank: int) -> str:
    return f"\texposure_scan names\tf{_FORMAT}\tcommon<={common_rank}"


_LETTERS: Final = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ł": "l", "ı": "i", "ð": "d", "þ": "th"}
    | {"ŀ": "l", "ħ": "h", "ŧ": "t", "’": "'", "ʼ": "'"}
)


@functools.cache
def _no_marks() -> dict[int, str | None]:
    """Combining marks (below U+1F000, where all of them are) -> deleted, plus _LETTERS."""
    table: dict[int, str | None] = {
        cp: None for cp in range(0x300, 0x1F000) if unicodedata.combining(chr(cp))
    }
    table.update(_LETTERS)
    return table


def fold(text: str) -> str:
    """Case- and accent-insensitive form (``Łukasz`` = ``lukasz``, ``Müller`` = ``muller``)."""
    if text.isascii():
        return text.casefold()
    return unicodedata.normalize("NFKD", text.casefold()).translate(_no_marks())


def folded_words(blob: str) -> frozenset[str]:
    """The folded entries of a comma-separated word list (how the hand-written lists here
    and in roles/structured are kept readable)."""
    return frozenset(fold(w.strip()) for w in blob.split(",") if w.strip())


@dataclass(frozen=True)
class NameLexicon:
    """Folded single-word names; ``source`` names the data (None: no lexicon available);
    ``common`` the subset some country ranks within :data:`COMMON_RANK`."""

    names: frozenset[str]
    source: str | None
    note: str = ""
    common: frozenset[str] = frozenset()

    @property
    def available(self) -> bool:
        return bool(self.names)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and fold(word) in self.names

    def __len__(self) -> int:
        return len(self.names)


def cache_dir() -> Path:
    """``$EXPOSURE_SCAN_CACHE``, else ``$XDG_CACHE_HOME/exposure_scan``, else
    ``~/.cache/exposure_scan``."""
    override = os.environ.get("EXPOSURE_SCAN_CACHE")
    if override:
        return Path(override)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "exposure_scan"


def _dataset() -> tuple[str, list[Path]] | None:
    """The installed names-dataset version and its pickles, without importing it."""
    try:
        spec = importlib.util.find_spec("names_dataset")
        version = importlib.metadata.version(_PACKAGE)
    except (ImportError, ValueError, importlib.metadata.PackageNotFoundError):
        return None
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "v3"
    paths = [folder / name for name in _PICKLES]
    if not all(p.is_file() for p in paths):
        return None
    return version, paths


def _selected(entries: Mapping[str, Any], max_rank: int) -> Iterable[tuple[str, int]]:
    """Single-word names some country ranks within ``max_rank``, folded, with that rank."""
    for name, info in entries.items():
        if not isinstance(name, str) or not isinstance(info, dict):
            continue
        ranks = info.get("rank") or {}
        if not ranks:
            continue
        try:
            best = min(int(r) for r in ranks.values())
        except (TypeError, ValueError):
            continue
        word = fold(name.strip())
        if best <= max_rank and word and not any(c.isspace() for c in word):
            yield word, best


def build_lexicon(
    pickles: Iterable[Path],
    dest: Path,
    *,
    max_rank: int = MAX_RANK,
    common_rank: int = COMMON_RANK,
) -> int:
    """Distil names-dataset pickles into ``dest`` (gzip text); returns the number of names.

    Layout, one item a line: the header (format and ``common_rank``), the names (sorted), a
    ``<TAB>`` line, the common names (best rank within ``common_rank``, sorted), the trailer
    ``<TAB>end``. :func:`read_ranked` splits that once, with no per-line Python work.

    The file is written next to ``dest`` and renamed into place, so concurrent builders and
    readers never see half a file.
    """
    ranks: dict[str, int] = {}
    for path in pickles:
        with gzip.open(path, "rb") as fh:
            entries = pickle.load(fh)  # the package's own data file, read as it reads it
        for word, rank in _selected(entries, max_rank):
            ranks[word] = min(rank, ranks.get(word, rank))
        del entries
    words = sorted(ranks)
    common = [w for w in words if ranks[w] <= common_rank]
    _write_atomically(dest, [_header(common_rank), *words, _SEPARATOR, *common, _TRAILER])
    return len(words)


def _write_atomically(dest: Path, lines: list[str]) -> None:
    """gzip text written next to ``dest`` and renamed into place."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=dest.name, suffix=".tmp", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
            gz.write("\n".join(lines).encode("utf-8"))
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_ranked(path: Path) -> tuple[frozenset[str], frozenset[str]]:
    """(all names, common names) of a lexicon file written by :func:`build_lexicon`.

    A file of another layout (an older format, another COMMON_RANK), cut short or corrupt
    raises ``EOFError`` (or ``OSError``/``UnicodeDecodeError`` from reading it), so the
    caller rebuilds it.
    """
    try:
        text = gzip.decompress(path.read_bytes()).decode("utf-8")
    except zlib.error as exc:  # a corrupt deflate stream: not an OSError
        raise EOFError(f"{path.name}: {exc}") from exc
    lines = text.split("\n")
    if lines[0] != _header(COMMON_RANK) or lines[-1] != _TRAILER:
        raise EOFError(f"{path.name}: not a complete lexicon file of format {_FORMAT}")
    try:
        sep = lines.index(_SEPARATOR, 1)
    except ValueError:
        raise EOFError(f"{path.name}: no common names") from None
    return frozenset(lines[1:sep]), frozenset(lines[sep + 1 : -1])


#: What reading a missing, damaged or outdated lexicon file raises: it is then rebuilt.
_UNREADABLE: Final = (OSError, EOFError, UnicodeDecodeError, ValueError)


def read_lexicon(path: Path) -> frozenset[str]:
    """The names of a lexicon file."""
    return read_ranked(path)[0]


def lexicon_path(version: str) -> Path:
    return cache_dir() / f"names-{version}-r{MAX_RANK}-c{COMMON_RANK}-f{_FORMAT}.txt.gz"


def _load(path: Path, source: str, note: str = "") -> NameLexicon:
    names, common = read_ranked(path)
    return NameLexicon(names, source, note, common)


@functools.cache
def name_lexicon() -> NameLexicon:
    """The name lexicon of this process: read from the cache, built on first use."""
    found = _dataset()
    if found is None:
        return NameLexicon(frozenset(), None, "names-dataset not installed")
    version, pickles = found
    source = f"{_PACKAGE} {version}"
    path = lexicon_path(version)
    try:
        return _load(path, source)
    except _UNREADABLE:
        pass  # not built yet, damaged, or of another layout: (re)build it
    try:
        build_lexicon(pickles, path)
        return _load(path, source)
    except OSError:
        # Read-only home: build in memory, once per process (slow, but correct).
        with tempfile.TemporaryDirectory() as tmp:
            scratch = Path(tmp) / path.name
            try:
                build_lexicon(pickles, scratch)
                return _load(scratch, source, "lexicon cache not writable")
            except (OSError, EOFError, pickle.UnpicklingError):
                return NameLexicon(frozenset(), None, "names-dataset unreadable")
    except (EOFError, pickle.UnpicklingError, MemoryError):
        return NameLexicon(frozenset(), None, "names-dataset unreadable")


def _places_from_geocoder() -> frozenset[str]:
    from phonenumbers.geodata import GEOCODE_DATA

    places: set[str] = set()
    for per_lang in GEOCODE_DATA.values():
        for text in per_lang.values():
            for part in text.split(","):
                word = fold(" ".join(part.split()))
                if len(word) >= 2 and not any(c.isdigit() for c in word):
                    places.add(word)
    return frozenset(places)


@functools.cache
def place_lexicon() -> frozenset[str]:
    """Folded place names from libphonenumber's geocoder (``Jersey City, NJ`` gives
    ``jersey city`` and ``nj``); empty when that data cannot be loaded.

    Building takes ~1.5 s (the geocoder's 290k prefixes), so the result is cached like the
    name lexicon, versioned by the phonenumbers version; later loads take ~50 ms.
    """
    try:
        version = importlib.metadata.version("phonenumbers")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - core dependency
        return frozenset()
    path = cache_dir() / f"places-phonenumbers-{version}-f1.txt.gz"
    try:
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            return frozenset(fh.read().split("\n")) - {""}
    except (OSError, EOFError, UnicodeDecodeError):
        pass  # not built yet, or damaged
    try:
        places = _places_from_geocoder()
    except ImportError:  # pragma: no cover - phonenumbers without its geocoder data
        return frozenset()
    with contextlib.suppress(OSError):  # a read-only cache: rebuilt next process, still right
        _write_atomically(path, sorted(places))
    return places
