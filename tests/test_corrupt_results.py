"""Corrupt or hand-edited results folders give one ``error:`` line naming the file, no traceback.

One small real results folder (the two-scenario experiment of ``batch_support``) is built once;
each test copies it, breaks one file (the manifest, the design table, a consolidated table) and
runs ``malisim status|compare|report|discover`` on the copy in-process. Every command must exit
with status 2 and print a single ``error:`` line that names the broken file and says what is
wrong.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from batch_support import write_two_scenario_experiment
from malisim.cli.main import main
from malisim.experiment import run_experiment

OUTCOME = "civilian_fatalities_total"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished results folder of the two-scenario experiment (16 tiny runs)."""
    root = tmp_path_factory.mktemp("corrupt_store")
    exp = write_two_scenario_experiment(root, "corrupt", seed=5)
    out = root / "out"
    run_experiment(exp, out, executor="serial", progress="none")
    return out


@pytest.fixture
def copy(store: Path, tmp_path: Path) -> Path:
    """A fresh copy of the results folder that a test may break."""
    target = tmp_path / "res"
    shutil.copytree(store, target)
    return target


def argv(command: str, folder: Path) -> list[str]:
    """The command line of ``command`` on a results folder (outputs inside the test folder)."""
    side = folder.parent
    if command == "status":
        return ["status", str(folder)]
    if command == "compare":
        return ["compare", str(folder), "--out", str(side / "analysis")]
    if command == "report":
        return ["report", str(folder), "-o", str(side / "report.html")]
    return [
        "discover", str(folder), "--outcome", OUTCOME, "--where", "> q50",
        "--out", str(side / "discovery"),
    ]  # fmt: skip


COMMANDS = ("status", "compare", "report", "discover")


def run_cli(capsys: pytest.CaptureFixture[str], command: str, folder: Path) -> tuple[int, str]:
    """Run a command in-process; return its exit status and standard error."""
    capsys.readouterr()
    code = main(argv(command, folder))
    return code, capsys.readouterr().err


def assert_one_error(code: int, err: str, file: str, *what: str) -> None:
    """Exit status 2 and one ``error:`` line naming ``file`` and containing each of ``what``."""
    assert "Traceback" not in err, f"a traceback instead of an error line:\n{err}"
    lines = [line for line in err.splitlines() if line.startswith("error:")]
    assert code == 2, f"exit status {code}, expected 2 (a user error); stderr:\n{err}"
    assert len(lines) == 1, f"expected one 'error:' line, got:\n{err}"
    assert file in lines[0], f"the error line does not name {file}: {lines[0]}"
    for text in what:
        assert text in lines[0], f"the error line does not say {text!r}: {lines[0]}"


# --------------------------------------------------------------------------------------------
# the manifest


def _write(text: str) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        (folder / "manifest.json").write_text(text, encoding="utf-8")

    return corrupt


def _edit(change: Callable[[dict], None]) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        path = folder / "manifest.json"
        manifest = json.loads(path.read_text(encoding="utf-8"))
        change(manifest)
        path.write_text(json.dumps(manifest), encoding="utf-8")

    return corrupt


def _set(keys: str, value: object) -> Callable[[dict], None]:
    *parents, last = keys.split(".")

    def change(manifest: dict) -> None:
        node = manifest
        for key in parents:
            node = node[key]
        node[last] = value

    return change


def _drop(keys: str) -> Callable[[dict], None]:
    *parents, last = keys.split(".")

    def change(manifest: dict) -> None:
        node = manifest
        for key in parents:
            node = node[key]
        del node[last]

    return change


MANIFEST_CASES = {
    "not_json": (_write("{this is not json"), "not valid JSON"),
    "empty": (_write(""), "not valid JSON"),
    "a_list": (_write("[1, 2, 3]"), "a JSON object"),
    "a_string": (_write('"results"'), "a JSON object"),
    "nested_deep": (_write("[" * 10_000 + "]" * 10_000), "nested too deeply"),
    "nested_deep_object": (_write('{"a":' * 10_000 + "1" + "}" * 10_000), "nested too deeply"),
    "no_experiment": (_edit(_drop("experiment")), "experiment"),
    "no_keep": (_edit(_drop("experiment.keep")), "experiment.keep"),
    "no_scenarios": (_edit(_drop("experiment.scenarios")), "experiment.scenarios"),
    "experiment_a_list": (_edit(_set("experiment", [1])), "experiment"),
    "keep_a_string": (_edit(_set("experiment.keep", "series")), "experiment.keep"),
    "scenarios_a_dict": (_edit(_set("experiment.scenarios", {"a": 1})), "experiment.scenarios"),
    "scenario_a_number": (_edit(_set("experiment.scenarios", [3])), "experiment.scenarios[0]"),
    "points_a_number": (_edit(_set("experiment.points", 7)), "experiment.points"),
    "sessions_a_string": (_edit(_set("sessions", "many")), "sessions"),
    "session_a_list": (_edit(_set("sessions", [[1]])), "sessions[0]"),
    "session_bad_time": (
        _edit(_set("sessions", [{"session": 1, "started": "yesterday", "ended": "today"}])),
        "sessions[0].started",
    ),
    "name_a_dict": (_edit(_set("experiment_name", {"x": 1})), "experiment_name"),
    "versions_a_list": (_edit(_set("versions", [1])), "versions"),
}


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", list(MANIFEST_CASES))
def test_broken_manifest_is_one_error_line(
    copy: Path, capsys: pytest.CaptureFixture[str], command: str, case: str
) -> None:
    corrupt, what = MANIFEST_CASES[case]
    corrupt(copy)
    code, err = run_cli(capsys, command, copy)
    assert_one_error(code, err, "manifest.json", what)


# --------------------------------------------------------------------------------------------
# the design and the consolidated tables


def _remove(name: str) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        (folder / name).unlink()

    return corrupt


def _bytes(name: str, data: bytes) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        (folder / name).write_bytes(data)

    return corrupt


def _wrong_columns(name: str) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        pd.DataFrame({"a": [1, 2], "b": ["x", "y"]}).to_parquet(folder / name)

    return corrupt


def _drop_column(name: str, column: str) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        table = pq.read_table(folder / name)
        pq.write_table(table.drop_columns([column]), folder / name)

    return corrupt


def _metadata(name: str, pandas_metadata: bytes) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        table = pq.read_table(folder / name)
        meta = dict(table.schema.metadata or {})
        meta[b"pandas"] = pandas_metadata
        pq.write_table(table.replace_schema_metadata(meta), folder / name)

    return corrupt


def _text_column(name: str, column: str) -> Callable[[Path], None]:
    def corrupt(folder: Path) -> None:
        table = pq.read_table(folder / name)
        i = table.column_names.index(column)
        texts = pa.array([f"n{k}" for k in range(table.num_rows)])
        pq.write_table(table.set_column(i, column, texts), folder / name)

    return corrupt


def _table_cases(name: str) -> dict[str, tuple[Callable[[Path], None], str]]:
    return {
        f"{name}_zero_bytes": (_bytes(name, b""), "not a readable Parquet file"),
        f"{name}_garbage": (_bytes(name, b"PAR1 garbage \x00\xff" * 50), "not a readable Parquet"),
        f"{name}_wrong_columns": (_wrong_columns(name), "lacks the column"),
        f"{name}_no_run_id": (_drop_column(name, "run_id"), "run_id"),
        f"{name}_bad_pandas_metadata": (_metadata(name, b"{not json"), "not a readable Parquet"),
        f"{name}_odd_pandas_metadata": (
            _metadata(name, b'{"columns": 5, "index_columns": "x"}'),
            "not a readable Parquet",
        ),
    }


DESIGN_CASES = {
    "design_missing": (_remove("design.parquet"), "missing"),
    "design_seed_text": (_text_column("design.parquet", "seed"), "seed"),
    **_table_cases("design.parquet"),
}
OUTCOME_CASES = _table_cases("outcomes.parquet")


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("case", list(DESIGN_CASES))
def test_broken_design_is_one_error_line(
    copy: Path, capsys: pytest.CaptureFixture[str], command: str, case: str
) -> None:
    corrupt, what = DESIGN_CASES[case]
    corrupt(copy)
    code, err = run_cli(capsys, command, copy)
    assert_one_error(code, err, "design.parquet", what)


@pytest.mark.parametrize("command", ["compare", "report", "discover"])
@pytest.mark.parametrize("case", list(OUTCOME_CASES))
def test_broken_outcomes_table_is_one_error_line(
    copy: Path, capsys: pytest.CaptureFixture[str], command: str, case: str
) -> None:
    corrupt, what = OUTCOME_CASES[case]
    corrupt(copy)
    code, err = run_cli(capsys, command, copy)
    assert_one_error(code, err, "outcomes.parquet", what)


@pytest.mark.parametrize("command", ["compare", "discover"])
def test_missing_outcomes_table_is_read_from_the_chunks(
    copy: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Without outcomes.parquet the runs are read from their chunks, as in an unfinished batch."""
    (copy / "outcomes.parquet").unlink()
    code, err = run_cli(capsys, command, copy)
    assert code == 0, f"a missing consolidated table should fall back to the chunks:\n{err}"


def test_status_of_a_folder_without_consolidated_tables_says_so(
    copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (copy / "outcomes.parquet").unlink()
    capsys.readouterr()
    assert main(["status", str(copy)]) == 0
    assert "tables not consolidated" in capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS)
def test_garbage_lines_in_the_status_log_are_skipped(
    copy: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """Lines that are not status records (text, JSON lists, objects without event) are skipped."""
    with open(copy / "status.jsonl", "ab") as fh:
        fh.write(b'garbage line\n[1, 2]\n"text"\n{"no_event": 1}\n\xff\xfe\n{"event":\n')
    code, err = run_cli(capsys, command, copy)
    assert code == 0, f"garbage status lines should be skipped:\n{err}"
