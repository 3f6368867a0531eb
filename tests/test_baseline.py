"""Baselines: keys, stable files, known vs new findings, audit, and the CLI around them.

Evidence holds documented test card numbers and ``example.com`` addresses only.
"""

from __future__ import annotations

import io
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import exposure_scan
from exposure_scan import baseline as bl
from exposure_scan.cli import main
from exposure_scan.detectors import CreditCardDetector, EmailDetector
from exposure_scan.errors import ConfigurationError
from exposure_scan.masking import key_fingerprint

KEY = b"0123456789abcdef-test-baseline-key"
OTHER = b"fedcba9876543210-other-baseline-key"
CARD = "4111111111111111"
CARD2 = "5555555555554444"
EMAIL = "ada.lovelace@example.com"
EMAIL2 = "bob.builder@example.org"
DETECTORS = [EmailDetector(), CreditCardDetector()]


def _scan(paths: Any, key: bytes = KEY, **options: Any) -> exposure_scan.Report:
    options.setdefault("ner", "off")
    options.setdefault("detectors", DETECTORS)
    return exposure_scan.scan(paths, key=key, **options)


def _csv(path: Path, rows: list[tuple[str, str]], header: str = "email,card") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(header + "\n" + "".join(f"{a},{b}\n" for a, b in rows), encoding="utf-8")
    return path


@pytest.fixture
def leak(tmp_path: Path) -> Path:
    return _csv(tmp_path / "data" / "users.csv", [(EMAIL, CARD), (EMAIL2, "")])


def _baseline(paths: Any, root: Path, **kw: Any) -> bl.Baseline:
    plist = paths if isinstance(paths, list) else [paths]
    return bl.create(_scan(plist), KEY, root=root, paths=plist, **kw)


# -- keys ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "env", "expected"),
    [
        ({"key": KEY}, {}, (KEY, "secret")),
        ({"key": KEY.decode()}, {}, (KEY, "secret")),
        ({}, {bl.KEY_ENV: " " + KEY.decode() + "\n"}, (KEY, "secret")),
        ({"key": KEY}, {bl.KEY_ENV: OTHER.decode()}, (KEY, "secret")),  # explicit beats env
        ({"public": True}, {}, (bl.PUBLIC_KEY, "public")),
        ({"public": True}, {bl.KEY_ENV: KEY.decode()}, (KEY, "secret")),  # a secret wins
        ({"key": bl.PUBLIC_KEY}, {}, (bl.PUBLIC_KEY, "public")),
    ],
)
def test_resolve_key(kwargs: dict[str, Any], env: dict[str, str], expected: Any) -> None:
    assert bl.resolve_key(env=env, **kwargs) == expected


def test_resolve_key_from_file_and_public_baseline(tmp_path: Path) -> None:
    f = tmp_path / "k"
    f.write_bytes(KEY + b"\n")
    assert bl.resolve_key(key_file=f, env={}) == (KEY, "secret")
    public = bl.Baseline(entries=[], key_fingerprint="x", key_source="public")
    assert bl.resolve_key(env={}, baseline=public) == (bl.PUBLIC_KEY, "public")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "needs a secret key"),
        ({"baseline": bl.Baseline(entries=[], key_fingerprint="x")}, "needs a secret key"),
        ({"key": b"short"}, "too short"),
        ({"key": ""}, "too short"),
        ({"key_file": "/nonexistent/key"}, "cannot read key file"),
    ],
)
def test_resolve_key_refuses(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        bl.resolve_key(env={}, **kwargs)


def test_empty_key_file_refused(tmp_path: Path) -> None:
    f = tmp_path / "k"
    f.write_text("\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="empty"):
        bl.resolve_key(key_file=f, env={})


# -- create -------------------------------------------------------------------------------
def test_entries_hash_values_never_store_them(leak: Path, tmp_path: Path) -> None:
    b = _baseline(leak, tmp_path)
    text = b.to_json()
    for raw in (CARD, EMAIL, EMAIL2, KEY.decode(), KEY.hex()):
        assert raw not in text
    data = json.loads(text)
    assert data["key"] == {"fingerprint": key_fingerprint(KEY), "source": "secret"}
    got = [(e["source"], e["column"], e["entity"], e["masked"]) for e in data["entries"]]
    assert sorted(got) == [
        ("data/users.csv", "card", "CREDIT_CARD", "************1111"),
        ("data/users.csv", "email", "EMAIL_ADDRESS", "a***********@e******.com"),
        ("data/users.csv", "email", "EMAIL_ADDRESS", "b**********@e******.org"),
    ]
    assert data["entries"] == sorted(
        data["entries"], key=lambda e: (e["source"], e["column"], e["entity"], e["hash"])
    )
    assert data["detectors"] == {"credit_card@1": "CREDIT_CARD", "email@1": "EMAIL_ADDRESS"}
    assert data["paths"] == ["data/users.csv"] and data["options"]["sampled"] is False
    assert all(len(e["hash"]) == 32 and not e["accepted"] for e in data["entries"])


def test_hash_is_bound_to_its_location(tmp_path: Path) -> None:
    a = _csv(tmp_path / "a.csv", [(EMAIL, "")])
    b = _csv(tmp_path / "b.csv", [(EMAIL, "")])
    c = _csv(tmp_path / "c.csv", [(EMAIL, "")], header="mail,card")
    entries = _baseline([a, b, c], tmp_path).entries
    assert len(entries) == 3 and len({e.hash for e in entries}) == 3


def test_repeated_values_are_one_entry_with_a_count(tmp_path: Path) -> None:
    path = _csv(tmp_path / "r.csv", [(EMAIL, ""), (EMAIL, ""), (EMAIL2, "")])
    counts = sorted(e.count for e in _baseline(path, tmp_path).entries)
    assert counts == [1, 2]


def test_two_creations_are_byte_identical(leak: Path, tmp_path: Path) -> None:
    one = _baseline(leak, tmp_path, timestamp=False).to_json()
    two = _baseline(leak, tmp_path, timestamp=False).to_json()
    assert one == two and one.endswith("}\n") and "generated_at" not in one
    stamped = json.loads(_baseline(leak, tmp_path).to_json())
    assert stamped["generated_at"].endswith("Z")
    assert list(json.loads(one)) == sorted(json.loads(one))


def test_cli_creations_are_byte_identical(
    leak: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(bl.KEY_ENV, KEY.decode())
    outs = []
    for name in ("one.json", "two.json"):
        argv = ["baseline", "create", "data", "-o", name, "--no-timestamp", "--ner", "off", "-q"]
        assert main(argv) == 0
        outs.append((tmp_path / name).read_bytes())
    assert outs[0] == outs[1]
    assert b'"source": "data/users.csv"' in outs[0]


def test_report_must_be_hashed_with_the_baseline_key(leak: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="another key"):
        bl.create(_scan(leak, key=OTHER), KEY, root=tmp_path)


def test_recreation_keeps_audit_decisions(leak: Path, tmp_path: Path) -> None:
    first, _ = bl.accept_all(_baseline(leak, tmp_path))
    _csv(leak, [(EMAIL, CARD), (EMAIL2, ""), ("carol@example.net", "")])
    again = _baseline(leak, tmp_path, previous=first)
    assert sorted(e.accepted for e in again.entries) == [False, True, True, True]
    other_key = bl.Baseline(
        entries=first.entries, key_fingerprint=key_fingerprint(OTHER), root=tmp_path
    )
    fresh = _baseline(leak, tmp_path, previous=other_key)
    assert not any(e.accepted for e in fresh.entries)  # other key: decisions do not carry


# -- load ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json", "not JSON"),
        ("[]", "not an exposure_scan baseline"),
        ("{}", "not an exposure_scan baseline"),
        ('{"tool": "exposure_scan", "entries": [], "format": 9}', "unsupported baseline format"),
        ('{"tool": "exposure_scan", "entries": [{}], "format": 1}', "damaged entries"),
    ],
)
def test_load_errors(tmp_path: Path, content: str, message: str) -> None:
    f = tmp_path / "b.json"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigurationError, match=message):
        bl.load(f)


def test_save_load_round_trip(leak: Path, tmp_path: Path) -> None:
    b = _baseline(leak, tmp_path)
    f = tmp_path / "b.json"
    b.save(f)
    again = bl.load(f)
    assert again == b and again.root == tmp_path.resolve()
    assert again.to_json() == f.read_text(encoding="utf-8")


# -- apply --------------------------------------------------------------------------------
@dataclass
class Case:
    rows: list[tuple[str, str]]
    new: int
    stale: int


@pytest.mark.parametrize(
    "case",
    [
        Case([(EMAIL, CARD), (EMAIL2, "")], new=0, stale=0),  # unchanged
        Case([(EMAIL2, ""), (EMAIL, CARD)], new=0, stale=0),  # rows moved: still known
        Case([(EMAIL, CARD), (EMAIL2, ""), (EMAIL, "")], new=0, stale=0),  # a repeat is known
        Case([(EMAIL, CARD), (EMAIL2, CARD2)], new=1, stale=0),  # a new card
        Case([(EMAIL, ""), (EMAIL2, "")], new=0, stale=1),  # card removed: stale entry
        Case([(EMAIL2, CARD), (EMAIL, "")], new=0, stale=0),  # same values, other rows
        Case([(CARD, EMAIL)], new=2, stale=3),  # values swapped columns: both new
    ],
)
def test_apply_known_and_new(leak: Path, tmp_path: Path, case: Case) -> None:
    b = _baseline(leak, tmp_path)
    _csv(leak, case.rows)
    result = bl.apply(_scan(leak), b, KEY)
    assert (result.new, len(result.stale)) == (case.new, case.stale)
    assert result.known == result.full.findings_table().num_rows - case.new
    assert result.report.findings_table().num_rows == case.new
    assert result.failed is bool(case.new)
    assert CARD not in result.summary() and EMAIL not in result.summary()


def test_same_value_in_another_file_is_new(leak: Path, tmp_path: Path) -> None:
    b = _baseline(leak, tmp_path)
    copy = _csv(tmp_path / "data" / "copy.csv", [(EMAIL, CARD), (EMAIL2, "")])
    result = bl.apply(_scan([leak, copy]), b, KEY)
    assert result.new == 3 and not result.stale
    assert set(result.new_findings().column("source").to_pylist()) == {str(copy)}


@pytest.mark.parametrize(
    ("key", "scan_key", "message"),
    [(OTHER, OTHER, "not the baseline's key"), (KEY, OTHER, "another key")],
)
def test_apply_refuses_other_keys(
    leak: Path, tmp_path: Path, key: bytes, scan_key: bytes, message: str
) -> None:
    b = _baseline(leak, tmp_path)
    with pytest.raises(ConfigurationError, match=message):
        bl.apply(_scan(leak, key=scan_key), b, key)


def test_require_accepted(leak: Path, tmp_path: Path) -> None:
    b = _baseline(leak, tmp_path)
    loose = bl.apply(_scan(leak), b, KEY)
    strict = bl.apply(_scan(leak), b, KEY, require_accepted=True)
    assert (loose.new, strict.new) == (0, 3)
    assert set(strict.status) == {bl.UNACCEPTED} and set(loose.status) == {bl.BASELINED}
    accepted, changed = bl.accept_all(b)
    assert changed == 3
    ok = bl.apply(_scan(leak), accepted, KEY, require_accepted=True)
    assert ok.new == 0 and set(ok.status) == {bl.ACCEPTED}


def test_policy_is_judged_on_the_new_findings(leak: Path, tmp_path: Path) -> None:
    b = _baseline(leak, tmp_path)
    known = bl.apply(_scan(leak, must_be_absent=("CREDIT_CARD",)), b, KEY)
    assert not known.violations and not known.failed
    assert known.full.violations  # the whole scan has the card
    _csv(leak, [(EMAIL, CARD), (EMAIL2, CARD2)])
    new = bl.apply(_scan(leak, must_be_absent=("CREDIT_CARD",)), b, KEY)
    assert [v.name for v in new.violations] == ["CREDIT_CARD"] and new.failed


def test_inconclusive_still_fails(leak: Path, tmp_path: Path) -> None:
    b = _baseline(leak, tmp_path)
    sampled = bl.apply(_scan(leak, sample=1, must_be_absent=("CREDIT_CARD",)), b, KEY)
    assert sampled.new == 0
    assert [v.status.value for v in sampled.violations] == ["inconclusive"]


def test_new_detectors_are_reported(leak: Path, tmp_path: Path) -> None:
    b = bl.create(_scan(leak, detectors=[EmailDetector()]), KEY, root=tmp_path)
    result = bl.apply(_scan(leak), b, KEY)
    assert result.new_detectors == ("credit_card@1",) and result.new == 1
    assert "credit_card@1" in result.summary()


def test_scan_with_baseline_and_create_baseline(
    leak: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(bl.KEY_ENV, raising=False)
    b = bl.create_baseline(
        leak, public_key=True, root=tmp_path, ner="off", detectors=DETECTORS, timestamp=False
    )
    assert b.key_source == "public" and "detectors" not in b.options
    f = tmp_path / ".exposure-baseline.json"
    b.save(f)
    result = bl.scan_with_baseline(leak, f, ner="off", detectors=DETECTORS)  # no key needed
    assert result.new == 0 and result.known == 3
    monkeypatch.setenv(bl.KEY_ENV, KEY.decode())
    secret = bl.create_baseline(leak, root=tmp_path, ner="off", detectors=DETECTORS)
    assert secret.key_source == "secret"
    with pytest.raises(ConfigurationError, match="not the baseline's key"):
        bl.scan_with_baseline(leak, secret, key=OTHER, ner="off", detectors=DETECTORS)


def test_sources_are_relative_to_the_baseline_file(
    leak: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = _baseline(leak, tmp_path)
    f = tmp_path / "b.json"
    b.save(f)
    monkeypatch.chdir(leak.parent)  # another working directory, a relative path
    result = bl.apply(_scan("users.csv"), bl.load(f), KEY)
    assert result.new == 0 and result.known == 3


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    before=st.lists(st.integers(0, 30), min_size=1, max_size=8),
    after=st.lists(st.integers(0, 30), max_size=8),
)
def test_new_is_exactly_the_values_not_seen_before(
    tmp_path: Path, before: list[int], after: list[int]
) -> None:
    path = tmp_path / "h.csv"

    def write(ids: list[int]) -> None:
        _csv(path, [(f"user{i}@example.com", "") for i in ids])

    write(before)
    b = _baseline(path, tmp_path)
    write(before + after)
    result = bl.apply(_scan(path), b, KEY)
    assert result.new == sum(1 for i in after if i not in set(before))
    assert not result.stale
    assert bl.apply(_scan(path), _baseline(path, tmp_path), KEY).new == 0


# -- audit --------------------------------------------------------------------------------
def test_audit_answers(leak: Path, tmp_path: Path) -> None:
    b = _baseline(leak, tmp_path)
    answers = iter(["y", "s", "no"])
    asked: list[tuple[int, int]] = []

    def ask(entry: bl.Entry, i: int, n: int) -> str:
        asked.append((i, n))
        return next(answers)

    updated, changed = bl.audit(b, ask)
    assert changed == 1 and asked == [(1, 3), (2, 3), (3, 3)]
    assert [e.accepted for e in updated.entries] == [True, False, False]
    stop = iter(["q"])
    same, none = bl.audit(b, lambda *_: next(stop))
    assert none == 0 and same == b
    withdrawn, one = bl.audit(updated, lambda *_: "n", entries=updated.entries[:1])
    assert one == 1 and not any(e.accepted for e in withdrawn.entries)


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture
def saved(leak: Path, tmp_path: Path) -> Path:
    f = tmp_path / ".exposure-baseline.json"
    _baseline(leak, tmp_path, timestamp=False).save(f)
    return f


def test_cli_audit_interactive(
    saved: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", _Tty("maybe\ny\ns\nn\n"))
    assert main(["baseline", "audit", str(saved)]) == 0
    out, err = capsys.readouterr()
    assert out.count("accept? [y]es / [n]o / [s]kip / [q]uit:") == 4  # "maybe" asked again
    assert "CREDIT_CARD" in out and "************1111" in out and CARD not in out
    assert "1 entr(ies) changed; 1 of 3 accepted" in err
    data = json.loads(saved.read_text(encoding="utf-8"))
    assert [e["accepted"] for e in data["entries"]] == [True, False, False]
    monkeypatch.setattr(sys, "stdin", _Tty(""))  # end of input: stops, changes nothing
    assert main(["baseline", "audit", str(saved), "--all"]) == 0


def test_cli_audit_accept_all_and_list(
    saved: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["baseline", "audit", str(saved), "--list"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0].split() == ["accepted", "entity", "count", "source", "column", "masked"]
    assert len(listing) == 4 and all(line.startswith("no ") for line in listing[1:])
    before = saved.read_bytes()
    assert main(["baseline", "audit", str(saved)]) == 2  # not a terminal, no flag
    assert "stdin is not a terminal" in capsys.readouterr().err
    assert saved.read_bytes() == before
    assert main(["baseline", "audit", str(saved), "--accept-all", "-q"]) == 0
    after = json.loads(saved.read_text(encoding="utf-8"))
    assert all(e["accepted"] for e in after["entries"])
    assert saved.read_text(encoding="utf-8").replace("true", "false") == before.decode()


# -- scan --baseline ----------------------------------------------------------------------
def test_cli_scan_with_baseline(
    leak: Path, saved: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(bl.KEY_ENV, KEY.decode())
    argv = ["scan", str(leak), "--ner", "off", "--baseline", str(saved)]
    assert main(argv) == 0
    out, err = capsys.readouterr()
    assert "3 finding(s) in the baseline not shown" in out.splitlines()[0]
    assert "baseline: 0 new finding(s) not in the baseline, 3 known" in err
    assert main([*argv, "--require-accepted", "-q"]) == 1
    capsys.readouterr()
    _csv(leak, [(EMAIL, CARD), (EMAIL2, CARD2)])
    assert main([*argv, "-f", "json"]) == 1
    out, err = capsys.readouterr()
    data = json.loads(out)
    assert [f["masked"] for f in data["findings"]] == ["************4444"]
    assert data["meta"]["baseline"]["known"] == 3 and CARD2 not in out + err
    assert main([*argv, "-f", "sarif"]) == 1
    results = json.loads(capsys.readouterr().out)["runs"][0]["results"]
    assert sorted(r["baselineState"] for r in results) == [
        "new",
        "unchanged",
        "unchanged",
        "unchanged",
    ]
    assert sum("suppressions" in r for r in results) == 3


@pytest.mark.parametrize(
    ("argv", "env", "message"),
    [
        (["--require-accepted"], True, "--require-accepted needs --baseline"),
        (["--baseline", "{missing}"], True, "cannot read baseline"),
        (["--baseline", "{saved}"], False, "needs a secret key"),
        (["--baseline", "{saved}", "--key-file", "{other}"], True, "not the baseline's key"),
    ],
)
def test_cli_scan_baseline_errors(
    leak: Path,
    saved: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    env: bool,
    message: str,
) -> None:
    other = tmp_path / "other.key"
    other.write_bytes(OTHER)
    names = {"missing": tmp_path / "nope.json", "saved": saved, "other": other}
    if env:
        monkeypatch.setenv(bl.KEY_ENV, KEY.decode())
    else:
        monkeypatch.delenv(bl.KEY_ENV, raising=False)
    args = [a.format(**names) if a.startswith("{") else a for a in argv]
    with monkeypatch.context() as m:
        m.chdir(tmp_path / "data")  # no pyproject policy around
        assert main(["scan", str(leak), "--ner", "off", *args]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and message in err[0], err


def test_cli_create_refuses_without_key(
    leak: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(bl.KEY_ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["baseline", "create", "data", "--ner", "off"]) == 2
    assert "needs a secret key" in capsys.readouterr().err
    assert not (tmp_path / bl.DEFAULT_FILE).exists()
    assert main(["baseline", "create", "data", "--ner", "off", "--public-key"]) == 0
    err = capsys.readouterr().err
    assert "key: public" in err and "protects nothing" in err
    data = json.loads((tmp_path / bl.DEFAULT_FILE).read_text(encoding="utf-8"))
    assert data["key"]["source"] == "public" and data["paths"] == ["data"]
    assert os.path.exists(tmp_path / bl.DEFAULT_FILE)


def test_scan_takes_a_baseline_argument(tmp_path: Path) -> None:
    """The library form of ``scan --baseline``: only findings not in the baseline remain."""
    import exposure_scan

    data = tmp_path / "export.csv"
    data.write_text("email\nold@example.com\n")
    key = b"a-baseline-key-of-32-bytes-long!"
    made = bl.create_baseline([data], key=key, root=tmp_path, timestamp=False, ner="off")
    path = tmp_path / ".exposure-baseline.json"
    made.save(path)
    data.write_text("email\nold@example.com\nnew@example.com\n")
    report = exposure_scan.scan(data, baseline=path, key=key, ner="off")
    assert report.findings_table()["row"].to_pylist() == [1]
