"""Golden files: every export's exact bytes on the hand-built dataset (BOM, quoting, neutralising)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from pathlib import Path

import pytest

from finance.csvfile import BOM
from finance.exports import EXPORTS, export_chunks, file_name, read_rows
from tests.finance.conftest import NOW

GOLDEN = Path(__file__).parent / "golden"
SINCE, UNTIL = dt.date(2026, 10, 1), dt.date(2026, 11, 30)
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _export(session, name: str, currency: str = "IDR", **kw) -> bytes:
    return b"".join(export_chunks(session, name, SINCE, UNTIL, currency, now=NOW, **kw))


@pytest.mark.parametrize("currency", ["IDR", "USD"])
@pytest.mark.parametrize("name", list(EXPORTS))
def test_export_matches_its_golden_file(fs, name: str, currency: str) -> None:
    content = _export(fs, name, currency)
    path = GOLDEN / f"{name}_{currency}.csv"
    if UPDATE:
        path.write_bytes(content)
    assert content == path.read_bytes()


@pytest.mark.parametrize("name", list(EXPORTS))
def test_minimum_columns_come_first_in_the_contract_order(fs, name: str) -> None:
    contract = {
        "campaign-daily": "date,account_id,account_name,campaign_id,campaign_name,currency,spend,impressions,clicks,"
        "conversions,conversion_value",
        "campaign-monthly": "month,account_id,account_name,campaign_id,campaign_name,currency,spend,conversions,"
        "conversion_value,budget,reporting_currency,fx_rate,spend_reporting",
        "campaigns": "account_id,campaign_id,campaign_name,status,objective,currency,budget_level,daily_budget,"
        "lifetime_budget,start_time,stop_time",
        "influencer-payments": "payment_id,influencer,program,amount,currency,status,due_date,paid_date,"
        "invoice_number,reporting_currency,fx_rate,amount_reporting",
        "marketing-spend": "month,channel,program_or_campaign,currency,planned,committed,actual,reporting_currency,"
        "fx_rate,actual_reporting",
    }[name].split(",")
    header, _rows = read_rows(_export(fs, name))
    assert header[: len(contract)] == contract


def test_bom_by_default_and_none_on_request(fs) -> None:
    with_bom = _export(fs, "campaign-daily")
    without = _export(fs, "campaign-daily", bom=False)
    assert with_bom.startswith(BOM)
    assert not without.startswith(BOM)
    assert with_bom == BOM + without
    assert b"\r\n" in without


def test_commas_quotes_and_newlines_round_trip(fs) -> None:
    content = _export(fs, "campaign-daily", bom=False)
    rows = list(csv.reader(io.StringIO(content.decode("utf-8"), newline="")))
    names = {r[2] for r in rows[1:]}
    assert 'Kopi, "Nusantara"\nID' in names
    assert b'"Kopi, ""Nusantara""\nID"' in content


def test_amounts_are_plain_decimals_at_currency_precision(fs) -> None:
    header, rows = read_rows(_export(fs, "campaign-daily"))
    ix = {c: i for i, c in enumerate(header)}
    spends = {(r[ix["date"]], r[ix["campaign_id"]]): r[ix["spend"]] for r in rows}
    assert spends[("2026-10-31", "1001")] == "312501"  # IDR: 0 decimals, half up
    assert spends[("2026-10-31", "2001")] == "45.51"  # USD: 2 decimals, half up
    for r in rows:
        for col in ("spend", "conversion_value", "spend_reporting"):
            assert "," not in r[ix[col]]
            assert "e" not in r[ix[col]].lower()


def test_budget_level_and_major_unit_budgets(fs) -> None:
    header, rows = read_rows(_export(fs, "campaigns"))
    ix = {c: i for i, c in enumerate(header)}
    by_id = {r[ix["campaign_id"]]: r for r in rows}
    assert by_id["1001"][ix["budget_level"]] == "campaign"
    assert by_id["1001"][ix["daily_budget"]] == "500000"
    assert by_id["2001"][ix["budget_level"]] == "adset"
    assert by_id["2001"][ix["daily_budget"]] == "52.50"  # 40 + 12.50, the paused ad set is left out


def test_row_order_is_deterministic(fs) -> None:
    assert _export(fs, "campaign-daily") == _export(fs, "campaign-daily")
    _header, rows = read_rows(_export(fs, "campaign-daily"))
    keys = [(r[0], r[1], r[3]) for r in rows]
    assert keys == sorted(keys)


def test_file_name_says_what_it_holds() -> None:
    assert (
        file_name("campaign-daily", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "idr")
        == "pantau_campaign-daily_2026-10-01_2026-10-31_IDR.csv"
    )


def test_provisional_rows_inside_the_restatement_window(fs) -> None:
    now = dt.datetime(2026, 11, 20, 12, tzinfo=dt.UTC)  # Jakarta today 2026-11-20: window from 2026-10-23
    content = b"".join(export_chunks(fs, "campaign-daily", SINCE, UNTIL, "IDR", now=now))
    header, rows = read_rows(content)
    ix = {c: i for i, c in enumerate(header)}
    assert {r[ix["provisional"]] for r in rows} == {"true"}
    early = b"".join(
        export_chunks(fs, "campaign-daily", SINCE, UNTIL, "IDR", now=dt.datetime(2026, 11, 28, tzinfo=dt.UTC))
    )
    header, rows = read_rows(early)
    flags = {(r[0], r[3]): r[ix["provisional"]] for r in rows}
    assert flags[("2026-10-30", "1001")] == "false"  # 2026-11-28 - 28 days = 2026-10-31
    assert flags[("2026-10-31", "1001")] == "true"


def test_large_export_streams_in_chunks(fs) -> None:
    from campaigns.models import CampaignInsight
    from finance.csvfile import CHUNK_ROWS

    start = dt.date(2015, 1, 1)
    fs.bulk_insert_mappings(
        CampaignInsight,
        [
            {
                "campaign_id": cid,
                "date": start + dt.timedelta(days=i),
                "currency": "IDR",
                "spend": 1000,
                "impressions": 1,
                "clicks": 0,
                "conversions": 0,
                "conversion_value": 0,
            }
            for cid in (1, 3)
            for i in range(CHUNK_ROWS)
        ],
    )
    chunks = export_chunks(fs, "campaign-daily", start, start + dt.timedelta(days=CHUNK_ROWS), "IDR", now=NOW)
    assert not isinstance(chunks, (bytes, list))
    pieces = list(chunks)
    assert len(pieces) >= 3  # header + at least two row batches: the file is never held whole
    assert b"".join(pieces).count(b"\r\n") == 2 * CHUNK_ROWS + 1
