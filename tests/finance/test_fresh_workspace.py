"""End to end: a fresh Indonesian workspace synced from Meta (fake Graph API), nobody types a rate, and every
export downloads through the CLI (exit 0): reported in rupiah by default, JPY converted at ECB reference rates."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from finance.exports import EXPORTS, read_rows
from tests.cli_run import run_cli
from tests.fakes.graph_api import TOKEN, FakeGraph

DAYS = ("2026-10-26", "2026-10-27", "2026-10-28")  # inside the bundled ECB history (it ends 2026-10-30)


@pytest.fixture
def graph(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGraph]:
    with FakeGraph() as server:
        monkeypatch.setenv("FB_GRAPH_URL", server.url)
        monkeypatch.setenv("FB_ACCESS_TOKEN", TOKEN)
        monkeypatch.setenv("FB_MAX_WAIT_SECONDS", "0.01")
        monkeypatch.setenv("FB_ASYNC_POLL_SECONDS", "0.01")
        monkeypatch.delenv("FB_AD_ACCOUNT_IDS", raising=False)
        monkeypatch.delenv("FB_APP_SECRET", raising=False)
        monkeypatch.delenv("PANTAU_REPORTING_CURRENCY", raising=False)
        server.add_account("111", "Toko Kopi", currency="IDR", timezone_name="Asia/Jakarta")
        server.add_account("222", "Tokyo", currency="JPY", timezone_name="Asia/Tokyo")
        server.add_campaign("111", "c_idr", "Ramadan sale", daily_budget="500000", objective="OUTCOME_SALES")
        server.add_campaign("222", "c_jpy", "Tokyo launch", daily_budget="5000")
        for day in DAYS:
            server.add_insight("campaign", "c_idr", day, spend="5000000", impressions=10000, clicks=300)
            server.add_insight("campaign", "c_jpy", day, spend="3200", impressions=500, clicks=9)
        yield server


_cli = run_cli  # the CLI in process (tests/cli_run.py); tests/finance/test_cli_export.py runs the real script


def test_a_fresh_idr_workspace_downloads_every_export_without_typing_a_rate(
    database_url: str, graph: FakeGraph, tmp_path: Path
) -> None:
    synced = _cli("sync", "facebook", "--since", DAYS[0], "--until", DAYS[-1])
    assert synced.returncode == 0, synced.stderr.decode()
    files = {}
    for name in EXPORTS:
        target = tmp_path / f"{name}.csv"
        proc = _cli("export", name, "--from", "2026-10-01", "--to", "2026-10-31", "-o", str(target))
        assert proc.returncode == 0, (name, proc.stderr.decode())
        assert "warning" not in proc.stderr.decode(), proc.stderr.decode()  # every rate was there
        files[name] = read_rows(target.read_bytes())
    # Reported in the accounts' main currency, IDR, with no setting and no PANTAU_REPORTING_CURRENCY.
    assert "_IDR.csv" in _cli("export", "campaigns", "-o", str(tmp_path / "c.csv")).stderr.decode()
    header, rows = files["campaign-daily"]
    ix = {c: i for i, c in enumerate(header)}
    assert len(rows) == 6
    by_currency = {}
    for row in rows:
        assert row[ix["reporting_currency"]] == "IDR"
        assert row[ix["fx_missing"]] == "false"
        by_currency.setdefault(row[ix["currency"]], set()).add(row[ix["fx_source"]])
    assert by_currency == {"IDR": {"same_currency"}, "JPY": {"ecb_reference"}}
    jpy = [r for r in rows if r[ix["currency"]] == "JPY"]
    for row in jpy:  # 3,200 JPY at the ECB cross rate of the day (rounded to 10 decimals), rounded to the rupiah
        expected = (Decimal("3200") * Decimal(row[ix["fx_rate"]])).quantize(Decimal(1))
        assert Decimal(row[ix["spend_reporting"]]) == expected
        assert Decimal(row[ix["fx_rate"]]) > 100  # about 110 IDR per yen in October 2026
    header_m, monthly = files["campaign-monthly"]
    mx = {c: i for i, c in enumerate(header_m)}
    jpy_month = next(r for r in monthly if r[mx["currency"]] == "JPY")
    assert jpy_month[mx["fx_source"]] == "ecb_reference"
    # One rounding rule: the monthly row is the sum of its daily rows.
    assert Decimal(jpy_month[mx["spend_reporting"]]) == sum(Decimal(r[ix["spend_reporting"]]) for r in jpy)


def test_a_currency_without_any_rate_still_exports_flagged_and_strict_refuses(
    database_url: str, graph: FakeGraph, tmp_path: Path
) -> None:
    assert _cli("sync", "facebook", "--since", DAYS[0], "--until", DAYS[-1]).returncode == 0
    for name in EXPORTS:
        target = tmp_path / f"{name}.csv"
        proc = _cli(
            "export", name, "--from", "2026-10-01", "--to", "2026-10-31", "--currency", "VND", "-o", str(target)
        )
        assert proc.returncode == 0, (name, proc.stderr.decode())
        header, rows = read_rows(target.read_bytes())
        converts = "fx_missing" in header and bool(rows)  # campaigns converts nothing; no payments were made
        if converts:
            assert {r[header.index("fx_missing")] for r in rows} == {"true"}
            assert "warning: no FX rate IDR->VND in 2026-10" in proc.stderr.decode()
        strict = _cli("export", name, "--from", "2026-10-01", "--to", "2026-10-31", "--currency", "VND", "--strict")
        assert strict.returncode == (1 if converts else 0), (name, strict.stderr.decode())


def test_the_fx_tab_of_a_fresh_workspace_says_the_reference_rates_are_used(migrated_url: str, app_test) -> None:
    """No rate typed: the Exports page's FX rates tab says (in Bahasa Indonesia) that exports convert at the ECB
    reference rates, not that they need rates first (they export without any, above)."""
    from db.engine import session_scope
    from tests import builders
    from tests.pages import open_page

    with session_scope(migrated_url) as s:
        builders.campaign(s, builders.account(s, currency="JPY"))
    at = open_page(app_test(), "pages/exports/exports.py", language="id")
    infos = " | ".join(str(i.value) for i in at.info)
    assert "Finance belum mencatat kurs valas: ekspor dan total dikonversi dengan kurs referensi ECB" in infos
    assert "membutuhkannya" not in infos
