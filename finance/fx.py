"""Reporting currency, FX rates (edit, CSV import) and conversion under the workspace's FX policy.

Rules (see docs/exports.md):
- the same currency converts at exactly 1;
- for each day the direct rate (from -> to) is used when recorded, else the inverse of the opposite pair
  (1 / rate, rounded half-up to 10 decimals, the precision of the rate column);
- `daily`: the rate of that day, or the latest rate of the previous 7 days (weekends, holidays);
  `month_end`: the latest rate dated inside the month; `monthly_average`: the mean of every daily rate
  dated inside the month (10 decimals);
- a missing rate raises `FxError` naming the pair and the date or month: never a silent 1.0;
- converted amounts are rounded half-up to the target currency's precision (IDR 0, USD 2).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from db import audit
from db.money import quantize
from db.roles import Actor, require
from db.settings import get_setting
from finance.models import FxRate

POLICIES = ("monthly_average", "month_end", "daily")
RATE_PLACES = Decimal("0.0000000001")
DAILY_FALLBACK_DAYS = 7
ONE = Decimal(1)


class FxError(ValueError):
    """A conversion cannot be made (missing rate, bad policy) or a rate is invalid."""


def reporting_currency(session: Session) -> str:
    """The workspace reporting currency (setting, else PANTAU_REPORTING_CURRENCY, else USD)."""
    return str(get_setting(session, "reporting_currency")).upper()


def fx_policy(session: Session) -> str:
    policy = str(get_setting(session, "fx_policy"))
    if policy not in POLICIES:
        raise FxError(f"Unknown FX policy {policy!r}; use one of {', '.join(POLICIES)}.")
    return policy


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


@dataclass(frozen=True)
class UsedRate:
    """The rate a converted figure used: the value, its date (or month for averages) and the policy."""

    rate: Decimal
    rate_date: str
    policy: str


class RateBook:
    """Rates for one target currency, loaded once for a date range; conversion with a cache.

    Loads every rate into or out of `target` dated between `since - 7 days` and `until`.
    """

    def __init__(self, session: Session, target: str, since: dt.date, until: dt.date, policy: str) -> None:
        if policy not in POLICIES:
            raise FxError(f"Unknown FX policy {policy!r}; use one of {', '.join(POLICIES)}.")
        self.target = target.upper()
        self.policy = policy
        self._direct: dict[str, dict[dt.date, Decimal]] = {}
        self._opposite: dict[str, dict[dt.date, Decimal]] = {}
        start = min(since, month_start(since)) - dt.timedelta(days=DAILY_FALLBACK_DAYS)
        stmt = select(FxRate.date, FxRate.from_currency, FxRate.to_currency, FxRate.rate).where(
            FxRate.date.between(start, max(until, month_end(until))),
            or_(FxRate.to_currency == self.target, FxRate.from_currency == self.target),
        )
        for day, src, dst, rate in session.execute(stmt):
            if dst == self.target:
                self._direct.setdefault(src, {})[day] = Decimal(rate)
            else:
                self._opposite.setdefault(dst, {})[day] = Decimal(rate)
        self._cache: dict[tuple[str, object], UsedRate] = {}

    def _day_rate(self, currency: str, day: dt.date) -> Decimal | None:
        direct = self._direct.get(currency, {}).get(day)
        if direct is not None:
            return direct
        opposite = self._opposite.get(currency, {}).get(day)
        if opposite is not None and opposite != 0:
            return (ONE / opposite).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
        return None

    def _days(self, currency: str) -> set[dt.date]:
        return set(self._direct.get(currency, {})) | set(self._opposite.get(currency, {}))

    def rate_for_day(self, currency: str, day: dt.date) -> UsedRate:
        """The rate for one day under the `daily` policy."""
        currency = currency.upper()
        if currency == self.target:
            return UsedRate(ONE, day.isoformat(), "same_currency")
        key = (currency, day)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        for back in range(DAILY_FALLBACK_DAYS + 1):
            candidate = day - dt.timedelta(days=back)
            rate = self._day_rate(currency, candidate)
            if rate is not None:
                used = UsedRate(rate, candidate.isoformat(), "daily")
                self._cache[key] = used
                return used
        raise FxError(
            f"No FX rate {currency}->{self.target} for {day.isoformat()} (nor the {DAILY_FALLBACK_DAYS} days "
            f"before it, in either direction). Add it on the Exports page or with `python cli.py fx import`."
        )

    def rate_for_month(self, currency: str, month: dt.date) -> UsedRate:
        """The rate for a month under `monthly_average` or `month_end`."""
        currency = currency.upper()
        first, last = month_start(month), month_end(month)
        if currency == self.target:
            return UsedRate(ONE, first.strftime("%Y-%m"), "same_currency")
        key = (currency, first)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        days = sorted(d for d in self._days(currency) if first <= d <= last)
        if not days:
            raise FxError(
                f"No FX rate {currency}->{self.target} in {first.strftime('%Y-%m')} (policy {self.policy}, "
                f"in either direction). Add rates on the Exports page or with `python cli.py fx import`."
            )
        if self.policy == "month_end":
            day = days[-1]
            used = UsedRate(self._day_rate(currency, day), day.isoformat(), "month_end")  # type: ignore[arg-type]
        else:
            rates = [self._day_rate(currency, d) for d in days]
            mean = (sum(rates, Decimal(0)) / len(rates)).quantize(RATE_PLACES, rounding=ROUND_HALF_UP)  # type: ignore[arg-type]
            used = UsedRate(mean, first.strftime("%Y-%m"), "monthly_average")
        self._cache[key] = used
        return used

    def rate(self, currency: str, day: dt.date) -> UsedRate:
        """The rate for a figure dated `day` under the book's policy."""
        if self.policy == "daily":
            return self.rate_for_day(currency, day)
        return self.rate_for_month(currency, day)

    def convert(self, amount: Decimal, currency: str, day: dt.date) -> tuple[Decimal, UsedRate]:
        """`amount` in the target currency at its precision, and the rate used."""
        used = self.rate(currency, day)
        return quantize(amount * used.rate, self.target), used


# --- Editing and importing rates -------------------------------------------------------------------------


def _code(value: str, field: str) -> str:
    code = (value or "").strip().upper()
    if len(code) != 3 or not code.isalpha():
        raise FxError(f"{field}: {value!r} is not a 3-letter currency code")
    return code


def _rate(value: object) -> Decimal:
    try:
        rate = Decimal(str(value).strip().replace(" ", ""))
    except (InvalidOperation, ValueError):
        raise FxError(f"rate: {value!r} is not a decimal number (use . as the decimal separator)") from None
    if not rate.is_finite() or rate <= 0:
        raise FxError(f"rate: {value!r} must be a positive number")
    if rate.as_tuple().exponent < -10:  # type: ignore[operator]
        rate = rate.quantize(RATE_PLACES, rounding=ROUND_HALF_UP)
    return rate


def _date(value: object) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise FxError(f"date: {value!r} is not an ISO date (YYYY-MM-DD)") from None


def set_rate(
    session: Session,
    actor: Actor,
    day: dt.date | str,
    from_currency: str,
    to_currency: str,
    rate: Decimal | str,
    source: str | None = "manual",
) -> FxRate:
    """Create or update one rate (1 `from` = `rate` `to` on `day`), audited."""
    require(actor, "fx.edit")
    day = _date(day)
    src, dst = _code(from_currency, "from"), _code(to_currency, "to")
    if src == dst:
        raise FxError(f"from and to are both {src}: the same currency always converts at 1")
    value = _rate(rate)
    row = session.scalar(
        select(FxRate).where(FxRate.date == day, FxRate.from_currency == src, FxRate.to_currency == dst)
    )
    before = None if row is None else audit.snapshot(row)
    if row is None:
        row = FxRate(date=day, from_currency=src, to_currency=dst, rate=value, source=source, updated_by=actor.email)
        session.add(row)
    else:
        row.rate, row.source, row.updated_by = value, source, actor.email
    session.flush()
    audit.record(
        session,
        actor,
        "update" if before else "create",
        "fx_rate",
        row.id,
        before=before,
        after=audit.snapshot(row),
        summary=f"FX {src}->{dst} {day.isoformat()} = {value}",
    )
    return row


def delete_rate(session: Session, actor: Actor, rate_id: int) -> None:
    """Remove one rate, audited."""
    require(actor, "fx.edit")
    row = session.get(FxRate, rate_id)
    if row is None:
        raise FxError(f"FX rate {rate_id} does not exist")
    before = audit.snapshot(row)
    session.delete(row)
    audit.record(session, actor, "delete", "fx_rate", rate_id, before=before, summary="FX rate deleted")


HEADER_ALIASES = {
    "date": "date",
    "tanggal": "date",
    "from": "from",
    "from_currency": "from",
    "base": "from",
    "to": "to",
    "to_currency": "to",
    "quote": "to",
    "rate": "rate",
    "kurs": "rate",
    "source": "source",
    "sumber": "source",
}


@dataclass
class ImportResult:
    created: int
    updated: int
    errors: list[str]


def import_rates_csv(session: Session, actor: Actor, data: bytes | str, source: str = "csv") -> ImportResult:
    """Import `date,from,to,rate[,source]` rows. A bad row is rejected whole and reported (row, field,
    reason); the valid rows are written, all in the caller's transaction."""
    require(actor, "fx.edit")
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise FxError("The FX file is empty; expected a header row date,from,to,rate[,source]")
    columns = [HEADER_ALIASES.get(h.strip().lower()) for h in header]
    missing = [c for c in ("date", "from", "to", "rate") if c not in columns]
    if missing:
        raise FxError(f"The FX file has no {', '.join(missing)} column (header: {', '.join(header)})")
    created = updated = 0
    errors: list[str] = []
    seen: set[tuple[dt.date, str, str]] = set()
    for number, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        record = {col: raw[i] if i < len(raw) else "" for i, col in enumerate(columns) if col}
        try:
            day = _date(record["date"])
            src, dst = _code(record["from"], "from"), _code(record["to"], "to")
            if (day, src, dst) in seen:
                raise FxError(f"{src}->{dst} {day.isoformat()} appears twice in the file")
            seen.add((day, src, dst))
            exists = session.scalar(
                select(FxRate.id).where(FxRate.date == day, FxRate.from_currency == src, FxRate.to_currency == dst)
            )
            with session.begin_nested():
                set_rate(session, actor, day, src, dst, record["rate"], (record.get("source") or source).strip())
        except FxError as exc:
            errors.append(f"row {number}: {exc}")
            continue
        if exists:
            updated += 1
        else:
            created += 1
    return ImportResult(created, updated, errors)


def list_rates(session: Session, since: dt.date | None = None, until: dt.date | None = None) -> list[FxRate]:
    stmt = select(FxRate).order_by(FxRate.date.desc(), FxRate.from_currency, FxRate.to_currency)
    if since:
        stmt = stmt.where(FxRate.date >= since)
    if until:
        stmt = stmt.where(FxRate.date <= until)
    return list(session.scalars(stmt))


def converter(
    session: Session, since: dt.date, until: dt.date, targets: tuple[str, ...] = (), policy: str | None = None
) -> Callable[[Decimal, str, str, dt.date], Decimal | None]:
    """A converter for pages' totals: (amount, from, to, day) -> amount in `to`, or None without a rate.

    Rates into each of `targets` (default: the reporting currency) are loaded now, so the converter
    keeps working after the session closes; other targets give None.
    """
    policy = policy or fx_policy(session)
    books = {t.upper(): RateBook(session, t, since, until, policy) for t in (targets or (reporting_currency(session),))}

    def convert(amount: Decimal, source: str, target: str, day: dt.date) -> Decimal | None:
        if source.upper() == target.upper():
            return amount
        book = books.get(target.upper())
        if book is None:
            return None
        try:
            return book.convert(amount, source, day)[0]
        except FxError:
            return None

    return convert
