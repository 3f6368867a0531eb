"""A repository's exposure policy, read from ``[tool.exposure_scan]`` in ``pyproject.toml``.

The pre-commit hook and ``exposure-scan baseline create`` read the same table, so the files a
commit is checked on, the scan settings and the baseline key are those the baseline was made
with; otherwise a baseline made with NER off would not cover a hook run with NER on.
Unknown keys are errors: a misspelt ``must_be_absnt`` must not silently switch the policy off.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigurationError

__all__ = ["Policy", "find_pyproject", "glob_regex", "load_policy", "matches"]

TABLE = "tool.exposure_scan"
#: Directories never walked into: version-control metadata is not the repository's data
VCS_DIRS = frozenset({".git", ".hg", ".svn", ".jj"})

#: key -> what it holds (for the error that lists the known keys)
KEYS = {
    "must_be_absent": "categories or entities that must be absent (list or comma string)",
    "include": "globs of files to check (default: every file given)",
    "exclude": "globs of files never checked",
    "baseline": "path of the baseline file, relative to pyproject.toml",
    "key_file": "file holding the baseline's secret HMAC key",
    "public_key": "true: hash the baseline with the public key (data public anyway)",
    "require_accepted": "true: baseline entries count only once audited as accepted",
    "ner": "named-entity recognition: auto, off or a spaCy pipeline",
    "categories": "caller-defined categories: name = [entities]",
}


@dataclass(frozen=True)
class Policy:
    """What ``[tool.exposure_scan]`` says; paths are resolved against ``root``."""

    root: Path = field(default_factory=Path.cwd)
    must_be_absent: tuple[str, ...] = ()
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    baseline: Path | None = None
    key_file: Path | None = None
    public_key: bool = False
    require_accepted: bool = False
    ner: str = "auto"
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: The file read, None when no pyproject.toml was found
    source: Path | None = None

    def relative(self, path: str | os.PathLike[str]) -> str:
        """``path`` relative to the policy root, with ``/`` separators (what globs match)."""
        absolute = os.path.abspath(path)
        try:
            rel = os.path.relpath(absolute, self.root)
        except ValueError:  # another drive on Windows
            return Path(absolute).as_posix()
        return Path(rel).as_posix()

    def selects(self, path: str | os.PathLike[str]) -> bool:
        """True when ``path`` is included (or no ``include`` is set) and not excluded."""
        rel = self.relative(path)
        if self.include and not matches(rel, self.include):
            return False
        return not matches(rel, self.exclude)

    def select(
        self,
        paths: Iterable[str | os.PathLike[str]],
        *,
        skip: Iterable[str | os.PathLike[str] | None] = (),
    ) -> list[str]:
        """The files ``paths`` stand for that it selects, minus ``skip`` (the baseline file,
        whose masked values would otherwise be findings of their own).

        Directories are walked in sorted order, without version-control metadata (``.git``).
        """
        skipped = {os.path.realpath(s) for s in skip if s is not None}
        out: list[str] = []
        for p in paths:
            path = os.fspath(p)
            if os.path.isdir(path):
                for root, dirs, names in os.walk(path):
                    dirs[:] = sorted(d for d in dirs if d not in VCS_DIRS)
                    out += [os.path.join(root, n) for n in sorted(names)]
            else:
                out.append(path)
        return [p for p in out if self.selects(p) and os.path.realpath(p) not in skipped]

    def scan_options(self) -> dict[str, Any]:
        """Keyword arguments of ``exposure_scan.scan`` that the policy sets."""
        options: dict[str, Any] = {"ner": self.ner}
        if self.must_be_absent:
            options["must_be_absent"] = self.must_be_absent
        if self.categories:
            options["categories"] = {k: frozenset(v) for k, v in self.categories.items()}
        return options


# -- globs --------------------------------------------------------------------------------
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A gitignore-style glob as a regex over ``/``-separated relative paths.

    ``*`` and ``?`` stay within one path segment, ``**`` spans segments, ``[abc]`` is a class;
    a pattern without an inner ``/`` matches a name at any depth (``*.csv``), one with a ``/``
    is anchored at the root (``data/*.csv``). Hand-written because ``fnmatch`` lets ``*``
    cross ``/`` and ``PurePath.full_match`` needs Python 3.13.
    """
    p = pattern.strip().replace("\\", "/")
    anchored = "/" in p.rstrip("/")
    p = p.strip("/")
    out: list[str] = [] if anchored else ["(?:.*/)?"]
    i = 0
    while i < len(p):
        c = p[i]
        if p.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif p.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[" and (end := p.find("]", i + 2)) != -1:
            body = p[i + 1 : end].replace("\\", "\\\\")
            if body.startswith("!"):
                body = "^" + body[1:]
            elif body.startswith("^"):
                body = "\\" + body
            out.append("[" + body + "]")
            i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return re.compile("".join(out))


def matches(path: str, patterns: Iterable[str]) -> bool:
    """True when a pattern matches ``path`` or one of its parent directories (``data/``)."""
    regexes = [glob_regex(p) for p in patterns if p.strip()]
    if not regexes:
        return False
    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    return any(r.fullmatch(prefix) for r in regexes for prefix in prefixes)


# -- reading ------------------------------------------------------------------------------
def find_pyproject(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` in ``start`` (default: the working directory) or above."""
    here = Path(start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        candidate = directory / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_policy(path: str | os.PathLike[str] | None = None) -> Policy:
    """The policy in ``path`` (default: the nearest pyproject.toml); empty when there is none.

    A named file that does not exist or does not parse raises :class:`ConfigurationError`.
    """
    if path is None:
        found = find_pyproject()
        if found is None:
            return Policy()
        file = found
    else:
        file = Path(path)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"cannot read policy {file}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"cannot parse policy {file}: {exc}") from None
    table = data.get("tool", {}).get("exposure_scan", {})
    if not isinstance(table, dict):
        raise ConfigurationError(f"{file}: [{TABLE}] must be a table")
    return policy_from_table(table, root=file.resolve().parent, source=file)


def policy_from_table(
    table: Mapping[str, Any], *, root: Path, source: Path | None = None
) -> Policy:
    """A :class:`Policy` from the parsed ``[tool.exposure_scan]`` table, validated."""
    where = f"{source or 'pyproject.toml'} [{TABLE}]"
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise ConfigurationError(
            f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(KEYS)}"
        )

    def names(key: str) -> tuple[str, ...]:
        value = table.get(key, ())
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            raise ConfigurationError(f"{where}: {key} must be a list of strings")
        return tuple(v.strip() for v in value if v.strip())

    def flag(key: str) -> bool:
        value = table.get(key, False)
        if not isinstance(value, bool):
            raise ConfigurationError(f"{where}: {key} must be true or false")
        return value

    def path(key: str) -> Path | None:
        value = table.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ConfigurationError(f"{where}: {key} must be a path")
        return root / Path(value.strip()).expanduser()

    ner = table.get("ner", "auto")
    if not isinstance(ner, str):
        raise ConfigurationError(f"{where}: ner must be a string (auto, off or a pipeline)")
    cats = table.get("categories", {})
    if not isinstance(cats, dict):
        raise ConfigurationError(f"{where}: categories must be a table of name = [entities]")
    categories: dict[str, tuple[str, ...]] = {}
    for name, members in sorted(cats.items()):
        if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
            raise ConfigurationError(f"{where}: categories.{name} must be a list of entities")
        categories[name] = tuple(m.strip().upper() for m in members)
    return Policy(
        root=root,
        must_be_absent=names("must_be_absent"),
        include=names("include"),
        exclude=names("exclude"),
        baseline=path("baseline"),
        key_file=path("key_file"),
        public_key=flag("public_key"),
        require_accepted=flag("require_accepted"),
        ner=ner,
        categories=categories,
        source=source,
    )
