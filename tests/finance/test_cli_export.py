"""`python cli.py export` and `fx import`: files, stdout, BOM switch, and one-line errors with exit code 1."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from cli import app
from db.engine import session_scope
from db.models import AuditEntry
from finance.csvfile import BOM
from finance.exports import read_rows
from finance.models import FxRate
from tests.bahasa import in_bahasa
from tests.cli_run import run_cli

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def _script(*args: str) -> subprocess.CompletedProcess:
    """The real `python cli.py` process: its stdout bytes and one-line errors as a shell or cron sees them."""
    return subprocess.run([sys.executable, "cli.py", *args], cwd=ROOT, capture_output=True, timeout=120)


_cli = run_cli  # the same commands in process (tests/cli_run.py)


def test_export_to_a_file_with_bom_and_audit(finance_url: str, tmp_path: Path) -> None:
    target = tmp_path / "daily.csv"
    result = runner.invoke(
        app,
        [
            "export",
            "campaign-daily",
            "--from",
            "2026-10-01",
            "--to",
            "2026-10-31",
            "--currency",
            "USD",
            "-o",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    content = target.read_bytes()
    assert content.startswith(BOM + b"date,account_id,")
    assert b",USD," in content
    assert not (tmp_path / "daily.csv.part").exists()
    with session_scope(finance_url) as s:
        assert s.scalar(select(func.count()).where(AuditEntry.action == "export")) == 1


def test_export_to_stdout_without_bom(finance_url: str) -> None:
    proc = _script("export", "campaigns", "--from", "2026-10-01", "--to", "2026-10-31", "--no-bom")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(b"account_id,campaign_id,campaign_name,")


def test_bad_export_name_exits_1_with_one_line(finance_url: str) -> None:
    proc = _script("export", "campaign-weekly")
    assert proc.returncode == 1
    assert proc.stdout == b""
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1
    assert "Unknown export 'campaign-weekly'" in lines[0]


def test_bad_dates_exit_1(finance_url: str) -> None:
    for args, message in (
        (["--from", "2026-02-30"], "--from '2026-02-30' is not a date"),
        (["--from", "2026-10-31", "--to", "2026-10-01"], "starts (2026-10-31) after it ends"),
    ):
        proc = _cli("export", "campaign-daily", *args)
        assert proc.returncode == 1, proc.stderr
        lines = proc.stderr.decode().strip().splitlines()
        assert len(lines) == 1
        assert message in lines[0]


def test_a_backwards_period_names_its_days_as_dates_on_a_page(monkeypatch) -> None:
    import datetime as dt

    import pytest

    from finance.exports import ExportError
    from finance.exports.files import check_period

    with pytest.raises(ExportError) as caught:
        check_period(dt.date(2026, 10, 31), dt.date(2026, 10, 1))
    assert str(caught.value) == "The period starts (2026-10-31) after it ends (2026-10-01)."
    shown = in_bahasa(monkeypatch, caught.value.message)
    assert shown == "Periode dimulai (31 Okt 2026) setelah berakhir (1 Okt 2026)."


def test_a_missing_fx_rate_leaves_cells_blank_and_is_listed_on_stderr(finance_url: str, tmp_path: Path) -> None:
    """VND: no rate anywhere (neither finance's nor the ECB's). The file still exports, exit 0."""
    target = tmp_path / "monthly.csv"
    args = ["export", "campaign-monthly", "--from", "2026-10-01", "--to", "2026-11-30", "--currency", "VND"]
    proc = _cli(*args, "-o", str(target))
    assert proc.returncode == 0, proc.stderr
    header, rows = read_rows(target.read_bytes())
    ix = {c: i for i, c in enumerate(header)}
    assert header[-3:] == ["fx_source", "fx_missing", "platform"]
    assert {r[ix["fx_missing"]] for r in rows} == {"true"}
    assert {r[ix["spend_reporting"]] for r in rows} == {""}
    assert {r[ix["fx_rate"]] for r in rows} == {""}
    assert [r[ix["spend"]] for r in rows] == ["562501", "75000", "45.51", "100000", "50.10"]  # native: always
    warnings = [line for line in proc.stderr.decode().splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: no FX rate IDR->VND in 2026-10, 2026-11: those converted cells are blank (fx_missing=true). "
        "Add rates on the Exports page or with `python cli.py fx import`; --strict fails instead.",
        "warning: no FX rate USD->VND in 2026-10, 2026-11: those converted cells are blank (fx_missing=true). "
        "Add rates on the Exports page or with `python cli.py fx import`; --strict fails instead.",
    ]
    stdout = _cli(*args, "--no-bom")
    assert stdout.returncode == 0
    assert stdout.stdout == target.read_bytes()[len(BOM) :]


def test_strict_fails_on_a_missing_fx_rate_and_writes_nothing(finance_url: str, tmp_path: Path) -> None:
    target = tmp_path / "monthly.csv"
    args = ["export", "campaign-monthly", "--from", "2026-10-01", "--to", "2026-10-31", "--currency", "VND"]
    proc = _cli(*args, "--strict")
    assert proc.returncode == 1
    assert proc.stdout == b""
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1
    assert "No IDR→VND rate in 2026-10" in lines[0]
    proc = _cli(*args, "--strict", "-o", str(target))
    assert proc.returncode == 1
    assert not target.exists()
    assert not (tmp_path / "monthly.csv.part").exists()


def test_a_currency_that_is_not_iso_4217_is_refused(finance_url: str) -> None:
    proc = _cli("export", "campaign-daily", "--currency", "XYZ")
    assert proc.returncode == 1
    assert proc.stdout == b""
    assert proc.stderr.decode().strip() == "error: XYZ is not an ISO 4217 currency code (e.g. IDR, USD, SGD)."


def test_fx_import(finance_url: str, tmp_path: Path) -> None:
    good = tmp_path / "rates.csv"
    good.write_text("date,from,to,rate\n2026-10-01,EUR,IDR,17500.25\n2026-10-02,EUR,IDR,17510\n")
    result = runner.invoke(app, ["fx", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("date,from,to,rate\n2026-10-03,EUR,IDR,abc\n")
    proc = _cli("fx", "import", str(bad))
    assert proc.returncode == 1
    assert b"row 2: rate" in proc.stderr
    with session_scope(finance_url) as s:
        assert s.scalar(select(func.count()).select_from(FxRate).where(FxRate.from_currency == "EUR")) == 2
    missing = _cli("fx", "import", str(tmp_path / "nope.csv"))
    assert missing.returncode == 1
    assert b"does not exist" in missing.stderr


def test_export_to_an_xlsx_file_has_the_csv_rows_typed(finance_url: str, tmp_path: Path) -> None:
    import datetime as dt
    import io

    from openpyxl import load_workbook

    args = ["export", "campaign-daily", "--from", "2026-10-01", "--to", "2026-10-31", "--currency", "IDR"]
    xlsx_target, csv_target = tmp_path / "Harian.XLSX", tmp_path / "daily.csv"
    result = runner.invoke(app, [*args, "-o", str(xlsx_target)])
    assert result.exit_code == 0, result.output
    assert "pantau_campaign-daily_2026-10-01_2026-10-31_IDR.xlsx" in result.stderr
    assert runner.invoke(app, [*args, "-o", str(csv_target)]).exit_code == 0
    assert csv_target.read_bytes().startswith(BOM + b"date,account_id,")  # a .csv name still writes CSV
    content = xlsx_target.read_bytes()
    assert content.startswith(b"PK")  # a zip: the XLSX container
    assert not (tmp_path / "Harian.XLSX.part").exists()
    header, rows = read_rows(csv_target.read_bytes())
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    got = list(sheet.iter_rows(values_only=True))
    assert list(got[0]) == header
    assert len(got) - 1 == len(rows)
    first = dict(zip(header, got[1], strict=True))
    assert first["date"] == dt.datetime(2026, 10, 30)
    assert first["account_id"] == "100"
    assert first["spend"] == 250000
    with session_scope(finance_url) as s:
        formats = [
            e.after.get("format", "csv") for e in s.scalars(select(AuditEntry).where(AuditEntry.action == "export"))
        ]
    assert sorted(formats) == ["csv", "xlsx"]
