"""Period close: lock a month, snapshot its exports byte for byte, reopen it, and report what Meta restated since.

At close every export is snapshotted for the month in the reporting currency (built strict: a missing FX
rate stops the close, a month is never locked with blank converted cells) and in every other currency the
data uses (accounts, programs, payments) when its rates exist; those that cannot be built are listed in the
close's notes. A locked whole month is then always served from its snapshot; a currency without a snapshot
is refused with the list of those available.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from campaigns.models import AdAccount, Campaign, CampaignInsight
from db import audit
from db.calendar import month_end, month_start, workspace_today
from db.errors import N_, Day, DomainError, Month
from db.money import quantize
from db.roles import Actor, require
from db.types import utcnow
from finance.exports import EXPORTS, build_live, locked_months, read_rows
from finance.fx import FxError, reporting_currency
from finance.models import ExportSnapshot, PeriodClose
from influencers.models import Payment, Program

ZERO = Decimal(0)


class CloseError(DomainError):
    """A month cannot be closed or reopened as asked."""


def data_currencies(session: Session) -> list[str]:
    """Every currency the workspace's money is in."""
    found: set[str] = set()
    for column in (AdAccount.currency, Program.currency, Payment.currency):
        found.update(c.upper() for c in session.scalars(select(column).distinct()) if c)
    return sorted(found)


def get_close(session: Session, month: dt.date) -> PeriodClose | None:
    return session.scalar(select(PeriodClose).where(PeriodClose.month == month_start(month)))


def list_closes(session: Session) -> list[PeriodClose]:
    return list(session.scalars(select(PeriodClose).order_by(PeriodClose.month.desc())))


def close_month(
    session: Session,
    actor: Actor,
    month: dt.date,
    *,
    notes: str | None = None,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> PeriodClose:
    """Lock `month` and snapshot its exports; audited. The month must have ended."""
    require(actor, "period.close")
    first, last = month_start(month), month_end(month)
    today = today or workspace_today(session)
    if last >= today:
        raise CloseError(
            N_("{month} has not ended yet; a month can be closed from {day}."),
            month=Month(first),
            day=Day(last + dt.timedelta(1)),
        )
    row = get_close(session, first)
    if row is not None and row.status == "locked":
        raise CloseError(N_("{month} is already closed (by {who})."), month=Month(first), who=row.locked_by)
    reporting = reporting_currency(session)
    currencies = [reporting, *[c for c in data_currencies(session) if c != reporting]]
    locked = frozenset(locked_months(session)) | {first}
    snapshots: list[ExportSnapshot] = []
    skipped: list[str] = []
    for currency in currencies:
        built: list[ExportSnapshot] = []
        try:
            for name in EXPORTS:
                chunks = build_live(session, name, first, last, currency, bom=True, now=now, locked=locked, strict=True)
                content = b"".join(chunks)
                built.append(
                    ExportSnapshot(
                        export_name=name,
                        currency=currency,
                        content=content,
                        sha256=hashlib.sha256(content).hexdigest(),
                        params={"from": first.isoformat(), "to": last.isoformat(), "bom": True},
                    )
                )
        except FxError as exc:
            if currency == reporting:
                raise CloseError(
                    N_("Cannot close {month} in {currency}: {reason}"),
                    month=Month(first),
                    currency=reporting,
                    reason=exc.message if isinstance(exc, DomainError) else str(exc),
                ) from None
            skipped.append(f"{currency}: {exc}")
            continue
        snapshots.extend(built)
    before = None
    if row is None:
        row = PeriodClose(month=first, status="locked", locked_by=actor.email, locked_at=utcnow())
        session.add(row)
    else:
        before = audit.snapshot(row)
        row.status, row.locked_by, row.locked_at = "locked", actor.email, utcnow()
    summary = f"Snapshots in {', '.join(sorted({s.currency for s in snapshots}))}."
    if skipped:
        summary += " Not snapshotted (missing FX rates): " + "; ".join(skipped)
    row.notes = "\n".join(x for x in (notes, summary) if x)
    session.flush()
    for snap in snapshots:
        snap.period_close_id = row.id
        session.add(snap)
    session.flush()
    audit.record(
        session,
        actor,
        "close",
        "period_close",
        row.id,
        before=before,
        after={
            **audit.snapshot(row),
            "snapshots": {f"{s.export_name}/{s.currency}": s.sha256 for s in snapshots},
        },
        summary=f"Closed {first:%Y-%m}",
    )
    return row


def reopen_month(session: Session, actor: Actor, month: dt.date, reason: str) -> PeriodClose:
    """Unlock a closed month (its snapshots are dropped, their hashes kept in the audit log); audited."""
    require(actor, "period.close")
    first = month_start(month)
    row = get_close(session, first)
    if row is None or row.status != "locked":
        raise CloseError(N_("{month} is not closed."), month=Month(first))
    if not (reason or "").strip():
        raise CloseError(N_("Give a reason for reopening the month."))
    snaps = session.execute(
        select(ExportSnapshot.export_name, ExportSnapshot.currency, ExportSnapshot.sha256).where(
            ExportSnapshot.period_close_id == row.id
        )
    ).all()
    before = {**audit.snapshot(row), "snapshots": {f"{n}/{c}": h for n, c, h in snaps}}
    session.execute(delete(ExportSnapshot).where(ExportSnapshot.period_close_id == row.id))
    row.status = "reopened"
    row.notes = ((row.notes or "") + f"\nReopened by {actor.email}: {reason.strip()}").strip()
    session.flush()
    audit.record(
        session,
        actor,
        "reopen",
        "period_close",
        row.id,
        before=before,
        after=audit.snapshot(row),
        summary=f"Reopened {first:%Y-%m}: {reason.strip()}",
    )
    return row


@dataclass(frozen=True)
class Difference:
    """One campaign whose figures changed since the close."""

    account_id: str
    campaign_id: str
    campaign_name: str
    currency: str
    spend_then: Decimal
    spend_now: Decimal
    conversions_then: Decimal
    conversions_now: Decimal

    @property
    def spend_change(self) -> Decimal:
        return self.spend_now - self.spend_then

    @property
    def conversions_change(self) -> Decimal:
        return self.conversions_now - self.conversions_then


def difference_report(session: Session, month: dt.date) -> list[Difference]:
    """Per campaign: spend and conversions in the close snapshot vs the data now (only changed campaigns)."""
    first, last = month_start(month), month_end(month)
    row = get_close(session, first)
    if row is None or row.status != "locked":
        raise CloseError(N_("{month} is not closed; there is nothing to compare."), month=Month(first))
    snap = session.scalar(
        select(ExportSnapshot)
        .where(ExportSnapshot.period_close_id == row.id, ExportSnapshot.export_name == "campaign-monthly")
        .order_by(ExportSnapshot.id)
        .limit(1)
    )
    if snap is None:
        raise CloseError(N_("{month} has no campaign-monthly snapshot to compare with."), month=Month(first))
    header, rows = read_rows(bytes(snap.content))
    ix = {c: i for i, c in enumerate(header)}
    then: dict[tuple[str, str], tuple[str, str, Decimal, Decimal]] = {}
    for r in rows:
        key = (r[ix["account_id"]], r[ix["campaign_id"]])
        then[key] = (r[ix["campaign_name"]], r[ix["currency"]], Decimal(r[ix["spend"]]), Decimal(r[ix["conversions"]]))
    # Now, as campaign-monthly writes it: each day's spend rounded to the currency, then added.
    stmt = (
        select(
            AdAccount.account_id,
            Campaign.meta_id,
            Campaign.id,
            Campaign.name,
            CampaignInsight.currency,
            CampaignInsight.spend,
            CampaignInsight.conversions,
        )
        .join(Campaign, Campaign.id == CampaignInsight.campaign_id)
        .join(AdAccount, AdAccount.id == Campaign.account_id)
        .where(CampaignInsight.date.between(first, last))
    )
    now: dict[tuple[str, str], tuple[str, str, Decimal, Decimal]] = {}
    for acct, meta_id, cid, name, cur, spend, conv in session.execute(stmt):
        key = (acct, meta_id or f"pantau-{cid}")
        _name, _cur, spend_sum, conv_sum = now.get(key, (name, cur, ZERO, ZERO))
        now[key] = (name, cur, spend_sum + quantize(spend, cur), conv_sum + conv)
    out = []
    for key in sorted(set(then) | set(now)):
        a = then.get(key)
        b = now.get(key)
        name = (b or a)[0]  # type: ignore[index]
        cur = (b or a)[1]  # type: ignore[index]
        spend_then, conv_then = (a[2], a[3]) if a else (ZERO, ZERO)
        spend_now, conv_now = (b[2], b[3]) if b else (ZERO, ZERO)
        if spend_then != spend_now or conv_then != conv_now:
            out.append(Difference(key[0], key[1], name, cur, spend_then, spend_now, conv_then, conv_now))
    return out
