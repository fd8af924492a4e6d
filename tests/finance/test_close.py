"""Period close: byte-for-byte reproducible exports, the difference report, reopening, permissions."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from campaigns.models import CampaignInsight
from db.models import AuditEntry
from db.roles import Actor, PermissionDenied
from finance.close import CloseError, close_month, difference_report, reopen_month
from finance.csvfile import BOM
from finance.exports import EXPORTS, ExportError, export_chunks, read_rows
from finance.fx import set_rate
from finance.models import ExportSnapshot
from tests.bahasa import in_bahasa
from tests.finance.conftest import NOW

D = dt.date
FINANCE = Actor("fin@example.com", "finance")
OCT = D(2026, 10, 1)
TODAY = D(2026, 12, 15)
OCT_END = D(2026, 10, 31)


def _file(session, name: str, since=OCT, until=OCT_END, currency: str = "IDR", now=NOW) -> bytes:
    return b"".join(export_chunks(session, name, since, until, currency, now=now))


def _restate(session) -> None:
    """Meta restates October after the close: more spend and a conversion on one day."""
    session.execute(
        update(CampaignInsight)
        .where(CampaignInsight.date == D(2026, 10, 31), CampaignInsight.spend > 1000)
        .values(spend=CampaignInsight.spend + 1000, conversions=CampaignInsight.conversions + 1)
    )
    session.flush()


def test_a_closed_month_exports_the_same_bytes_after_a_restatement(fs) -> None:
    before = {name: _file(fs, name) for name in EXPORTS}
    close_month(fs, FINANCE, OCT, today=TODAY, now=NOW)
    closed = {name: _file(fs, name) for name in EXPORTS}
    _restate(fs)
    later = {name: _file(fs, name, now=NOW + dt.timedelta(days=7)) for name in EXPORTS}
    assert later == closed
    assert later["campaign-daily"] == before["campaign-daily"]  # nothing was provisional in this dataset
    # Unlocked November is live; a range across both stitches the snapshot and live rows.
    live = _file(fs, "campaign-daily", since=OCT, until=D(2026, 11, 30))
    assert live.startswith(closed["campaign-daily"])


def test_the_difference_report_shows_what_meta_restated(fs) -> None:
    close_month(fs, FINANCE, OCT, today=TODAY, now=NOW)
    assert difference_report(fs, OCT) == []
    _restate(fs)
    diffs = {d.campaign_id: d for d in difference_report(fs, OCT)}
    assert set(diffs) == {"1001", "1002"}
    sale = diffs["1001"]
    assert (sale.spend_then, sale.spend_now) == (Decimal("562501"), Decimal("563501"))
    assert sale.spend_change == Decimal("1000")
    assert sale.conversions_change == Decimal("1")


def test_close_snapshots_the_reporting_and_data_currencies(fs) -> None:
    close = close_month(fs, FINANCE, OCT, today=TODAY, now=NOW)
    assert "IDR, USD" in close.notes
    assert _file(fs, "campaign-monthly", currency="USD")
    with pytest.raises(ExportError, match="snapshotted in IDR, USD only"):
        _file(fs, "campaign-monthly", currency="EUR")


def test_reopen_serves_live_data_again_and_is_audited(fs) -> None:
    close_month(fs, FINANCE, OCT, today=TODAY, now=NOW)
    closed = _file(fs, "campaign-monthly")
    _restate(fs)
    with pytest.raises(CloseError, match="reason"):
        reopen_month(fs, FINANCE, OCT, " ")
    reopen_month(fs, FINANCE, OCT, "Meta restated Oct 31")
    assert _file(fs, "campaign-monthly") != closed
    close_month(fs, FINANCE, OCT, today=TODAY, now=NOW)
    assert _file(fs, "campaign-monthly") != closed  # the new close has the restated figures
    actions = list(
        fs.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "period_close").order_by(AuditEntry.id))
    )
    assert actions == ["close", "reopen", "close"]


def test_close_rules(fs, monkeypatch) -> None:
    with pytest.raises(CloseError, match="not ended") as early:
        close_month(fs, FINANCE, D(2026, 12, 1), today=TODAY)
    assert str(early.value) == "2026-12 has not ended yet; a month can be closed from 2027-01-01."  # CLI: ISO
    assert in_bahasa(monkeypatch, early.value.message) == (
        "Desember 2026 belum berakhir; bulan bisa ditutup mulai 1 Jan 2027."
    )
    with pytest.raises(PermissionDenied):
        close_month(fs, Actor("m@example.com", "manager"), OCT, today=TODAY)
    close_month(fs, FINANCE, OCT, today=TODAY, now=NOW)
    with pytest.raises(CloseError, match="already closed"):
        close_month(fs, FINANCE, OCT, today=TODAY)


def test_close_fails_cleanly_without_reporting_rates(fs, monkeypatch) -> None:
    set_rate(fs, FINANCE, D(2026, 9, 1), "USD", "VND", "25000")
    from db.models import Setting

    fs.add(Setting(key="reporting_currency", value="VND"))  # the ECB publishes no VND rates
    fs.flush()
    with pytest.raises(CloseError, match=r"No IDR→VND rate in 2026-10") as caught:
        close_month(fs, FINANCE, OCT, today=TODAY, now=NOW)
    assert "python cli.py fx import" in str(caught.value)  # the command line
    shown = in_bahasa(monkeypatch, caught.value.message)  # the page: the month named, the FX rates section
    assert shown.startswith("Tidak bisa menutup Oktober 2026 dalam VND: Tidak ada kurs IDR→VND pada Oktober 2026")
    assert shown.endswith("atau impor file kurs di sana.")


def test_a_snapshot_from_before_a_column_change_is_stitched_by_column_name(fs) -> None:
    """An export that gained a column since a month was closed (influencer-payments' refund columns): a range
    over the closed month and a live one lays the snapshot's rows out in today's columns by name (the new column
    blank), never a row shifted under another header; the closed month alone is still its snapshot's bytes."""
    close_month(fs, FINANCE, OCT, today=TODAY, now=NOW)
    snap = fs.scalars(
        select(ExportSnapshot).where(ExportSnapshot.export_name == "campaign-daily", ExportSnapshot.currency == "IDR")
    ).one()
    header, rows = read_rows(snap.content)
    dropped = header.index("conversions")  # as if the export had no `conversions` column when October closed
    old_header = [c for i, c in enumerate(header) if i != dropped]
    old_rows = [[c for i, c in enumerate(r) if i != dropped] for r in rows]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows([old_header, *old_rows])
    snap.content = BOM + buffer.getvalue().encode("utf-8")
    snap.sha256 = hashlib.sha256(snap.content).hexdigest()
    fs.flush()

    assert _file(fs, "campaign-daily") == snap.content  # the closed month alone: its bytes as stored
    both_header, both_rows = read_rows(_file(fs, "campaign-daily", since=OCT, until=D(2026, 11, 30)))
    assert both_header == header
    october = [r for r in both_rows if r[header.index("date")].startswith("2026-10")]
    assert len(october) == len(rows)
    for then, now in zip(rows, october, strict=True):
        assert all(now[i] == then[i] for i in range(len(header)) if i != dropped)
        assert now[dropped] == ""
