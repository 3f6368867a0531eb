"""The pre-commit hook: its manifest, the policy it reads, and commits it fails or lets through.

The last tests run pre-commit itself (when installed) in a temporary git repository, with the
``repo: local`` configuration docs/ci.md shows: pre-commit selects the staged files with the
manifest's ``files`` regex and calls ``exposure-scan hook`` as a commit would, offline. The
manifest's ``language: python`` form needs pre-commit to build a virtualenv and install
exposure_scan with all its dependencies from the package index, which is too slow for a test;
the hook entry point it calls is the one tested here.
Evidence holds documented test card numbers and ``example.com`` addresses only.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from exposure_scan.baseline import KEY_ENV
from exposure_scan.cli import build_parser, main
from exposure_scan.errors import ConfigurationError
from exposure_scan.policy import Policy, glob_regex, load_policy, matches, policy_from_table

REPO = Path(__file__).resolve().parents[1]
MANIFEST = REPO / ".pre-commit-hooks.yaml"
CI_DOC = REPO / "docs" / "ci.md"
EMAIL = "ada.lovelace@example.com"
EMAIL2 = "bob.builder@example.org"
EMAIL3 = "carol.danvers@example.net"
CARD = "4111111111111111"
KEY = "0123456789abcdef-test-baseline-key"


def _hook() -> dict[str, Any]:
    (hook,) = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(hook, dict)
    return hook


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", CI_DOC.read_text(encoding="utf-8"), re.S)


# -- manifest -----------------------------------------------------------------------------
def test_manifest_shape() -> None:
    hook = _hook()
    assert hook["id"] == "exposure-scan" and hook["language"] == "python"
    assert hook["pass_filenames"] is True and hook["require_serial"] is True
    argv = shlex.split(hook["entry"])
    assert argv[0] == "exposure-scan"
    assert build_parser().parse_args([*argv[1:], "a.csv"]).command == "hook"


def test_manifest_loads_in_pre_commit() -> None:
    clientlib = pytest.importorskip("pre_commit.clientlib")
    (hook,) = clientlib.load_manifest(str(MANIFEST))
    assert hook["id"] == "exposure-scan"


@pytest.mark.parametrize(
    ("name", "selected"),
    [
        ("users.csv", True),
        ("data/Export.CSV", True),
        ("a/b/people.tsv", True),
        ("orders.json", True),
        ("orders.jsonl", True),
        ("events.ndjson", True),
        ("t.parquet", True),
        ("dump.sql", True),
        ("dump.sql.gz", True),
        ("users.csv.zst", True),
        ("users.csv.bak", False),
        ("csv", False),
        ("users_csv", False),
        ("app.py", False),
        ("notes.txt", False),
        ("settings.jsonc", False),
        ("sql/README.md", False),
        ("users.csv.zip", False),
        ("parquet.md", False),
    ],
)
def test_manifest_files_regex(name: str, selected: bool) -> None:
    # pre-commit applies ``files`` with re.search to the path relative to the repository
    assert bool(re.search(_hook()["files"], name)) is selected


# -- globs and policy ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("pattern", "path", "hit"),
    [
        ("*.csv", "users.csv", True),
        ("*.csv", "deep/dir/users.csv", True),
        ("*.csv", "users.csv.gz", False),
        ("data/*.csv", "data/users.csv", True),
        ("data/*.csv", "data/sub/users.csv", False),
        ("data/*.csv", "other/data/users.csv", False),
        ("data/**", "data/sub/users.csv", True),
        ("data/**/*.csv", "data/users.csv", True),
        ("data/**/*.csv", "data/a/b/users.csv", True),
        ("**/fixtures/*.json", "x/fixtures/a.json", True),
        ("**/fixtures/*.json", "fixtures/a.json", True),
        ("data/synthetic", "data/synthetic/a.csv", True),  # a directory covers what is below
        ("data/synthetic/", "data/synthetic/a/b.csv", True),
        ("data/synthetic", "data/synthetic2/a.csv", False),
        ("package*.json", "web/package-lock.json", True),
        ("user?.csv", "user1.csv", True),
        ("user?.csv", "user12.csv", False),
        ("user[0-9].csv", "user7.csv", True),
        ("user[!0-9].csv", "user7.csv", False),
        ("user[!0-9].csv", "userx.csv", True),
        ("a+b(1).csv", "a+b(1).csv", True),  # regex characters are literal
        ("a+b(1).csv", "aab1.csv", False),
    ],
)
def test_glob(pattern: str, path: str, hit: bool) -> None:
    assert matches(path, [pattern]) is hit
    assert glob_regex(pattern).pattern  # compiles


def test_policy_from_pyproject(tmp_path: Path) -> None:
    (block,) = _blocks("toml")  # the example of docs/ci.md
    (tmp_path / "pyproject.toml").write_text(block, encoding="utf-8")
    policy = load_policy(tmp_path / "pyproject.toml")
    assert policy.must_be_absent == ("payment", "credentials")
    assert policy.baseline == tmp_path / ".exposure-baseline.json"
    assert policy.key_file == Path.home() / ".config/exposure_scan/baseline.key"
    assert policy.categories == {"hr": ("DATE_OF_BIRTH", "NATIONAL_ID")}
    assert policy.ner == "off" and not policy.public_key and not policy.require_accepted
    assert policy.scan_options()["categories"] == {
        "hr": frozenset({"DATE_OF_BIRTH", "NATIONAL_ID"})
    }
    selects = {
        name: policy.selects(tmp_path / name)
        for name in ("data/a.csv", "top.csv", "data/synthetic/b.csv", "src/x.json", "package.json")
    }
    assert selects == {
        "data/a.csv": True,
        "top.csv": True,
        "data/synthetic/b.csv": False,
        "src/x.json": False,
        "package.json": False,
    }


def test_policy_defaults_and_discovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert policy_from_table({}, root=tmp_path) == Policy(root=tmp_path)
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.exposure_scan]\nmust_be_absent = "payment, vehicle"\n',
        encoding="utf-8",
    )
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    found = load_policy()
    assert found.must_be_absent == ("payment", "vehicle") and found.root == tmp_path.resolve()
    assert found.selects("anything.bin")  # no include: every file


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"must_be_absnt": ["payment"]}, "unknown key(s) must_be_absnt"),
        ({"must_be_absent": [1]}, "must_be_absent must be a list of strings"),
        ({"include": {"a": 1}}, "include must be a list of strings"),
        ({"public_key": "yes"}, "public_key must be true or false"),
        ({"baseline": ""}, "baseline must be a path"),
        ({"ner": False}, "ner must be a string"),
        ({"categories": ["x"]}, "categories must be a table"),
        ({"categories": {"hr": "DATE_OF_BIRTH"}}, "categories.hr must be a list"),
    ],
)
def test_policy_errors(tmp_path: Path, table: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=re.escape(message)):
        policy_from_table(table, root=tmp_path)


def test_policy_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot read policy"):
        load_policy(tmp_path / "missing.toml")
    bad = tmp_path / "pyproject.toml"
    bad.write_text("[tool.exposure_scan\n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="cannot parse policy"):
        load_policy(bad)


# -- the hook command, as pre-commit calls it -----------------------------------------------
def _git(repo: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
    }
    p = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=60
    )
    assert p.returncode == 0, p.stderr
    return p.stdout


def _write(repo: Path, name: str, text: str) -> Path:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _staged(repo: Path) -> list[str]:
    """What pre-commit passes: staged, not deleted, and matching the manifest's ``files``."""
    names = _git(repo, "diff", "--staged", "--name-only", "--diff-filter=ACMRTUXB").split()
    return [n for n in names if re.search(_hook()["files"], n)]


POLICY = """\
[tool.exposure_scan]
must_be_absent = ["payment"]
exclude = ["fixtures/synthetic"]
baseline = ".exposure-baseline.json"
ner = "off"
"""


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    _git(root, "init", "-q")
    _write(root, "pyproject.toml", POLICY + "public_key = true\n")
    monkeypatch.chdir(root)
    monkeypatch.delenv(KEY_ENV, raising=False)
    return root


def _run_hook(capsys: pytest.CaptureFixture[str], files: list[str]) -> tuple[int, str, str]:
    code = main(["hook", *files])
    out, err = capsys.readouterr()
    return code, out, err


def test_hook_without_baseline_fails_on_any_finding(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(repo, "pyproject.toml", POLICY.replace('baseline = ".exposure-baseline.json"\n', ""))
    _write(repo, "data/users.csv", f"id,email\n1,{EMAIL}\n2,{EMAIL2}\n")
    _write(repo, "README.md", f"contact {EMAIL3}\n")
    _git(repo, "add", ".")
    files = _staged(repo)
    assert files == ["data/users.csv"]
    code, out, err = _run_hook(capsys, files)
    assert code == 1
    assert out.splitlines() == [
        "data/users.csv:2: EMAIL_ADDRESS in column 'email' (row 0): a***********@e******.com",
        "data/users.csv:3: EMAIL_ADDRESS in column 'email' (row 1): b**********@e******.org",
    ]
    assert "2 finding(s) of personal data not in the baseline in 1 file(s) (no baseline)" in err
    assert EMAIL not in out + err


def test_hook_with_baseline_fails_only_on_new_data(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(repo, "data/users.csv", f"id,email\n1,{EMAIL}\n2,{EMAIL2}\n")
    assert main(["baseline", "create", "data", "-q", "--no-timestamp"]) == 0
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "data and baseline")
    assert _run_hook(capsys, ["data/users.csv"])[0] == 0
    _write(repo, "data/users.csv", f"id,email\n0,{EMAIL3}\n1,{EMAIL}\n2,{EMAIL2}\n")
    _git(repo, "add", ".")
    code, out, err = _run_hook(capsys, _staged(repo))
    assert code == 1
    assert out.splitlines() == [
        "data/users.csv:2: EMAIL_ADDRESS in column 'email' (row 0): c************@e******.net"
    ]
    assert "1 new finding(s) not in the baseline, 2 known" in err


def test_hook_policy_violation_and_exclusions(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(repo, "fixtures/synthetic/cards.csv", f"id,card\n1,{CARD}\n")
    assert main(["baseline", "create", ".", "-q"]) == 0  # excluded files are not recorded
    assert _run_hook(capsys, ["fixtures/synthetic/cards.csv"])[:2] == (0, "")
    _write(repo, "data/cards.csv", f"id,card\n1,{CARD}\n")
    code, out, err = _run_hook(capsys, ["data/cards.csv"])
    assert code == 1 and "data/cards.csv:2: CREDIT_CARD" in out
    assert "policy violated: payment is present (1 occurrence(s))" in err and CARD not in err


def test_hook_secret_key(
    repo: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(repo, "pyproject.toml", POLICY)  # no public_key: a secret is needed
    _write(repo, "data/users.csv", f"id,email\n1,{EMAIL}\n")
    assert main(["baseline", "create", "data", "-q"]) == 2
    assert "needs a secret key" in capsys.readouterr().err
    monkeypatch.setenv(KEY_ENV, KEY)
    assert main(["baseline", "create", "data", "-q"]) == 0
    assert KEY not in (repo / ".exposure-baseline.json").read_text(encoding="utf-8")
    assert _run_hook(capsys, ["data/users.csv"])[0] == 0
    monkeypatch.delenv(KEY_ENV)
    code, _out, err = _run_hook(capsys, ["data/users.csv"])
    assert code == 2 and "needs a secret key" in err
    key_file = repo.parent / "baseline.key"
    key_file.write_text(KEY + "\n", encoding="utf-8")
    _write(repo, "pyproject.toml", POLICY + f'key_file = "{key_file}"\n')
    assert _run_hook(capsys, ["data/users.csv"])[0] == 0


def test_baseline_file_and_git_are_never_scanned(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(repo, "pyproject.toml", "[tool.exposure_scan]\npublic_key = true\nner = 'off'\n")
    _write(repo, "data/cards.csv", f"id,card\n1,{CARD}\n")
    _write(repo, ".git/hooks/leak.csv", f"id,email\n1,{EMAIL}\n")  # VCS metadata
    assert main(["baseline", "create", ".", "-q", "--no-timestamp"]) == 0
    baseline = repo / ".exposure-baseline.json"
    first = baseline.read_bytes()
    assert b"************1111" in first  # a masked card: a MASKED_CARD finding if scanned
    assert main(["baseline", "create", ".", "-q", "--no-timestamp"]) == 0
    assert baseline.read_bytes() == first  # the baseline did not record itself
    entries = json.loads(first)["entries"]
    assert [(e["source"], e["entity"]) for e in entries] == [("data/cards.csv", "CREDIT_CARD")]
    # the hook finds .exposure-baseline.json next to pyproject.toml, and never checks it
    assert _run_hook(capsys, [".exposure-baseline.json"]) == (
        0,
        "",
        "exposure-scan hook: no data file to check\n",
    )
    assert _run_hook(capsys, ["data/cards.csv", ".exposure-baseline.json"])[0] == 0
    _write(repo, "data/more.csv", f"id,email\n1,{EMAIL}\n")
    code, out, _err = _run_hook(capsys, ["data/more.csv"])
    assert code == 1 and out.startswith("data/more.csv:2: EMAIL_ADDRESS")


@pytest.mark.parametrize(
    ("setup", "argv", "message"),
    [
        ("typo", ["hook", "a.csv"], "unknown key(s) baselien"),
        ("none", ["hook", "missing.csv"], "no such file or directory: missing.csv"),
        ("none", ["hook", "a.csv"], "baseline not found"),
        ("none", ["hook", "a.csv", "--policy", "nope.toml"], "cannot read policy"),
    ],
)
def test_hook_errors_exit_2(
    repo: Path, capsys: pytest.CaptureFixture[str], setup: str, argv: list[str], message: str
) -> None:
    _write(repo, "a.csv", f"id,email\n1,{EMAIL}\n")
    if setup == "typo":
        _write(repo, "pyproject.toml", '[tool.exposure_scan]\nbaselien = "b.json"\n')
    code, _out, err = _run_hook(capsys, argv[1:])
    lines = [line for line in err.splitlines() if line.strip()]
    assert code == 2 and len(lines) == 1 and message in lines[0], err


def test_hook_with_nothing_to_check(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run_hook(capsys, []) == (0, "", "exposure-scan hook: no data file to check\n")


# -- docs/ci.md ---------------------------------------------------------------------------
def test_ci_doc_commands_parse() -> None:
    lines = [
        line
        for block in _blocks("sh")
        for line in block.splitlines()
        if line.startswith("exposure-scan ")
    ]
    workflow = yaml.safe_load(_blocks("yaml")[-1])
    steps = workflow["jobs"]["exposure-scan"]["steps"]
    runs = [s["run"] for s in steps if str(s.get("run", "")).startswith("exposure-scan ")]
    assert len(lines) >= 3 and len(runs) == 1
    for line in lines + runs:
        args = build_parser().parse_args(shlex.split(line)[1:])
        assert args.command in ("scan", "baseline", "hook")
    assert "--baseline" in runs[0] and "sarif" in runs[0]
    upload = next(s for s in steps if "upload-sarif" in str(s.get("uses", "")))
    assert upload["if"] == "always()" and upload["with"]["sarif_file"] in runs[0]
    assert workflow["jobs"]["exposure-scan"]["permissions"]["security-events"] == "write"


def test_ci_doc_pre_commit_configs_are_valid(tmp_path: Path) -> None:
    configs = [b for b in _blocks("yaml") if b.startswith("repos:")]
    assert len(configs) == 2
    clientlib = pytest.importorskip("pre_commit.clientlib")
    for i, block in enumerate(configs):
        path = tmp_path / f"config{i}.yaml"
        path.write_text(block, encoding="utf-8")
        config = clientlib.load_config(str(path))
        assert config["repos"][0]["hooks"][0]["id"] == "exposure-scan"
    local = yaml.safe_load(configs[0])["repos"][0]["hooks"][0]
    for key in ("entry", "files", "types", "require_serial", "name"):
        assert local[key] == _hook()[key]  # the local form is the manifest's hook


# -- pre-commit itself --------------------------------------------------------------------
def _local_config() -> str:
    """docs/ci.md's ``repo: local`` configuration, calling this Python when the console
    script is not on PATH (a checkout that was not pip-installed)."""
    block = next(b for b in _blocks("yaml") if "repo: local" in b)
    if shutil.which("exposure-scan") is None:
        block = block.replace(
            "entry: exposure-scan hook", f"entry: {sys.executable} -m exposure_scan hook"
        )
    return block


@pytest.mark.skipif(shutil.which("pre-commit") is None, reason="pre-commit is not installed")
def test_real_commits_through_pre_commit(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    _write(repo, "pyproject.toml", POLICY + "public_key = true\n")
    _write(repo, ".pre-commit-config.yaml", _local_config())
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "PYTHONPATH": str(REPO / "src"),
    }
    env.pop(KEY_ENV, None)
    subprocess.run(
        ["pre-commit", "install"], cwd=repo, env=env, check=True, capture_output=True, timeout=120
    )

    def commit(message: str) -> tuple[int, str]:
        """Exit code and all output (git prints the hook's output on stderr)."""
        _git(repo, "add", "-A")
        p = subprocess.run(
            ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-m", message],
            cwd=repo,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        return p.returncode, p.stdout + p.stderr

    _write(repo, "notes.md", f"write to {EMAIL3}\n")  # not a data file: the hook skips it
    code, out = commit("config")
    assert code == 0, out
    assert re.search(r"exposure-scan \(personal data in staged data files\)\.+\(no files", out)

    _write(repo, "data/users.csv", f"id,email\n1,{EMAIL}\n2,{EMAIL2}\n")
    code, out = commit("data")  # the policy names a baseline that does not exist yet
    assert code != 0 and "Failed" in out and "- exit code: 2" in out
    assert "baseline not found" in out and "exposure-scan baseline create" in out

    baseline = subprocess.run(
        [sys.executable, "-m", "exposure_scan", "baseline", "create", "data", "-q"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert baseline.returncode == 0, baseline.stderr
    code, out = commit("data with its baseline")
    assert code == 0, out
    assert re.search(r"staged data files\)\.+Passed", out)

    _write(repo, "data/users.csv", f"id,email\n1,{EMAIL}\n2,{EMAIL2}\n3,{EMAIL3}\n")
    code, out = commit("more data")
    assert code != 0
    assert "data/users.csv:4: EMAIL_ADDRESS in column 'email' (row 2)" in out
    assert "data/users.csv:2:" not in out and EMAIL3 not in out
    assert _git(repo, "log", "--format=%s").split("\n")[0] == "data with its baseline"


def test_docs_toml_block_is_valid_toml() -> None:
    (block,) = _blocks("toml")
    assert "exposure_scan" in tomllib.loads(block)["tool"]
