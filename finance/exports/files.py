"""Export files: periods checked, locked months served from their close snapshots byte for byte and the rest
built live, streamed as chunks, written and audited, and read back for previews and totals."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import audit
from db.calendar import is_whole_month, month_segments, month_start
from db.errors import N_, Day, Month
from db.money import currency_code, plain
from db.roles import Actor, require
from db.types import utcnow
from finance.csvfile import BOM, iter_csv, iter_csv_text, strip_header
from finance.exports.context import ZERO, ExportContext, ExportError, ExportSpec
from finance.exports.registry import get_spec
from finance.exports.xlsx import write_xlsx
from finance.fx import MissingRate, fx_policy, missing_by_pair, reporting_currency
from finance.models import ExportSnapshot, PeriodClose


def check_period(since: dt.date, until: dt.date) -> None:
    if since > until:
        raise ExportError(
            N_("The period starts ({since}) after it ends ({until})."), since=Day(since), until=Day(until)
        )


FORMATS = ("csv", "xlsx")


def file_name(name: str, since: dt.date, until: dt.date, currency: str, file_format: str = "csv") -> str:
    """`pantau_campaign-daily_2026-10-01_2026-10-31_IDR.csv` (or `.xlsx`)."""
    return f"pantau_{name}_{since.isoformat()}_{until.isoformat()}_{currency.upper()}.{file_format}"


def xlsx_bytes(name: str, content: bytes) -> bytes:
    """The XLSX file of an export's CSV bytes: the same rows and columns, typed cells (finance.exports.xlsx)."""
    out = io.BytesIO()
    write_xlsx(get_spec(name), [content], out)
    return out.getvalue()


def locked_months(session: Session) -> dict[dt.date, int]:
    """Locked month -> PeriodClose id."""
    rows = session.execute(select(PeriodClose.month, PeriodClose.id).where(PeriodClose.status == "locked"))
    return {month: pk for month, pk in rows}  # noqa: C416


@dataclass
class ExportReport:
    """What an export run leaves aside: the conversions it found no rate for (their cells are blank, flagged
    `fx_missing=true`). Filled as the file is produced: complete once every chunk has been read."""

    missing: set[MissingRate] = field(default_factory=set)

    def missing_by_pair(self) -> dict[str, list[str]]:
        """Pair (`IDR->VND`) -> the months (`2026-10`) with a missing rate, sorted."""
        return missing_by_pair(self.missing)


def build_live(
    session: Session,
    name: str,
    since: dt.date,
    until: dt.date,
    currency: str,
    *,
    bom: bool = True,
    now: dt.datetime | None = None,
    policy: str | None = None,
    locked: frozenset[dt.date] = frozenset(),
    strict: bool = False,
    report: ExportReport | None = None,
) -> Iterator[bytes]:
    """The export built from the current data (no snapshots), as byte chunks.

    `strict`: every rate is checked before the first byte and a missing one raises FxError; otherwise a
    converted cell without a rate is blank and flagged, and the missing pairs go to `report`."""
    spec = get_spec(name)
    check_period(since, until)
    ctx = ExportContext(
        session, since, until, currency.upper(), policy or fx_policy(session), now or utcnow(), locked, strict
    )
    if strict and spec.needs is not None:
        for cur, day in sorted(set(spec.needs(ctx))):  # in order: the same first missing pair on every database
            ctx.book.rate(cur, day)
    if spec.text:
        chunks = iter_csv_text(spec.columns, cast(Iterator[str], spec.build(ctx)), bom=bom)  # text specs build lines
    else:
        chunks = iter_csv(spec.columns, spec.text_indexes, spec.build(ctx), bom=bom)
    if report is None:
        return chunks
    return _reporting(chunks, ctx, report)


def _reporting(chunks: Iterator[bytes], ctx: ExportContext, report: ExportReport) -> Iterator[bytes]:
    yield from chunks
    report.missing.update(ctx.missing)


def export_chunks(
    session: Session,
    name: str,
    since: dt.date,
    until: dt.date,
    currency: str | None = None,
    *,
    bom: bool = True,
    now: dt.datetime | None = None,
    strict: bool = False,
    report: ExportReport | None = None,
) -> Iterator[bytes]:
    """The export as byte chunks: locked whole months come from their close snapshots (byte for byte),
    the rest is built live. Raises ExportError / FxError / CurrencyError before the first byte when it cannot
    be made; a missing FX rate raises only when `strict` (else its cells are blank, listed in `report`)."""
    spec = get_spec(name)
    check_period(since, until)
    currency = currency_code(currency) if currency else reporting_currency(session)
    now = now or utcnow()
    locks = locked_months(session)
    locked = frozenset(locks)

    def live(a: dt.date, b: dt.date, with_bom: bool) -> Iterator[bytes]:
        return build_live(
            session, name, a, b, currency, bom=with_bom, now=now, locked=locked, strict=strict, report=report
        )

    if not spec.by_month:
        if is_whole_month(since, until) and month_start(since) in locks:
            return iter([_snapshot_bytes(session, spec, locks[month_start(since)], currency, bom)])
        return live(since, until, bom)
    pieces: list[tuple[str, int | tuple[dt.date, dt.date]]] = []  # ("snap", close id) or ("live", (from, to))
    live_from: dt.date | None = None
    segments = month_segments(since, until)
    for a, b in segments:
        whole = is_whole_month(a, b) and month_start(a) in locks
        if whole:
            if live_from is not None:
                pieces.append(("live", (live_from, a - dt.timedelta(days=1))))
                live_from = None
            pieces.append(("snap", locks[month_start(a)]))
        elif live_from is None:
            live_from = a
    if live_from is not None:
        pieces.append(("live", (live_from, until)))
    # Fetch snapshots first so a missing one fails before any byte is produced.
    bodies = {
        pk: _body_in_columns(_snapshot_bytes(session, spec, pk, currency, True), spec.columns)
        for _kind, pk in pieces
        if isinstance(pk, int)  # the snapshots
    }
    if all(kind == "live" for kind, _ in pieces):
        return live(since, until, bom)
    if len(pieces) == 1:
        only = pieces[0][1]
        if isinstance(only, int):  # one piece, not all live: a snapshot
            return iter([_snapshot_bytes(session, spec, only, currency, bom)])

    # Live pieces are prepared (FX checked) before the first byte.
    parts: list[Iterator[bytes] | bytes] = []
    for _kind, value in pieces:
        if isinstance(value, int):
            parts.append(bodies[value])
        else:
            a, b = value
            chunks = live(a, b, False)
            parts.append(chunks)

    def stitched() -> Iterator[bytes]:
        yield b"".join(iter_csv(spec.columns, [], [], bom=bom))
        for part in parts:
            if isinstance(part, bytes):
                yield part
            else:
                next(part)  # its header
                yield from part

    return stitched()


def _body_in_columns(snapshot: bytes, columns: Sequence[str]) -> bytes:
    """A snapshot's rows (without its header) for a file with `columns`: its own bytes when it was written with
    them; a snapshot written before the export gained or moved columns is laid out in today's columns by name
    (its values as they were, a column it did not have blank), so a stitched file never has a row shifted under
    another header. Served alone (one closed month), a snapshot stays its own bytes."""
    header, body = strip_header(snapshot)
    written = next(csv.reader([header.decode("utf-8-sig").rstrip("\r\n")]))
    if written == list(columns):
        return body
    rows = read_rows(snapshot)[1]
    position = {name: i for i, name in enumerate(written)}
    laid = ([row[position[c]] if c in position else "" for c in columns] for row in rows)
    return strip_header(b"".join(iter_csv(columns, [], laid, bom=False)))[1]


def _snapshot_bytes(session: Session, spec: ExportSpec, close_id: int, currency: str, bom: bool) -> bytes:
    snap = session.scalar(
        select(ExportSnapshot).where(
            ExportSnapshot.period_close_id == close_id,
            ExportSnapshot.export_name == spec.name,
            ExportSnapshot.currency == currency,
        )
    )
    if snap is None:
        close = session.get(PeriodClose, close_id)
        have = sorted(
            set(
                session.scalars(
                    select(ExportSnapshot.currency).where(
                        ExportSnapshot.period_close_id == close_id, ExportSnapshot.export_name == spec.name
                    )
                )
            )
        )
        month = Month(close.month) if close else "?"
        raise ExportError(
            N_(
                "{month} is closed and its {export} export was snapshotted in {currencies} only; export it in one "
                "of those, or reopen the month."
            ),
            month=month,
            export=spec.name,
            currencies=", ".join(have) or "-",
        )
    content = bytes(snap.content)
    if not bom and content.startswith(BOM):
        content = content[len(BOM) :]
    return content


def write_export(
    session: Session,
    actor: Actor,
    name: str,
    since: dt.date,
    until: dt.date,
    currency: str | None,
    stream: io.BufferedIOBase,
    *,
    bom: bool = True,
    now: dt.datetime | None = None,
    strict: bool = False,
    report: ExportReport | None = None,
    file_format: str = "csv",
) -> tuple[int, str]:
    """Stream the export to a binary file object; returns (bytes written, sha256), audited as "export".

    `file_format="xlsx"`: the same CSV chunks written as one XLSX sheet (through a temporary file, so the
    size and hash are those of the whole file)."""
    require(actor, "export.run")
    if file_format not in FORMATS:
        raise ExportError(N_("Unknown file format {value}; choose csv or xlsx."), value=repr(file_format))
    digest = hashlib.sha256()
    size = 0
    chunks = export_chunks(session, name, since, until, currency, bom=bom, now=now, strict=strict, report=report)
    if file_format == "xlsx":
        with tempfile.TemporaryFile() as tmp:
            write_xlsx(get_spec(name), chunks, tmp)
            tmp.seek(0)
            chunks = iter(lambda: tmp.read(1 << 16), b"")
            size, sha = _copy(chunks, stream, digest)
    else:
        size, sha = _copy(chunks, stream, digest)
    cur = currency_code(currency) if currency else reporting_currency(session)
    record_export(session, actor, name, since, until, cur, None, size=size, sha=sha, file_format=file_format)
    return size, sha


def _copy(chunks: Iterator[bytes], stream: io.BufferedIOBase | IO[bytes], digest: hashlib._Hash) -> tuple[int, str]:
    size = 0
    for chunk in chunks:
        stream.write(chunk)
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def record_export(
    session: Session,
    actor: Actor,
    name: str,
    since: dt.date,
    until: dt.date,
    currency: str,
    content: bytes | None,
    *,
    size: int | None = None,
    sha: str | None = None,
    file_format: str = "csv",
) -> None:
    if content is not None:
        size, sha = len(content), hashlib.sha256(content).hexdigest()
    audit.record(
        session,
        actor,
        "export",
        "export",
        name,
        after={
            "export": name,
            "from": since.isoformat(),
            "to": until.isoformat(),
            "currency": currency.upper(),
            "bytes": size,
            "sha256": sha,
            **({"format": file_format} if file_format != "csv" else {}),
        },
        summary=f"Exported {file_name(name, since, until, currency, file_format)}",
    )


def read_rows(content: bytes, limit: int | None = None) -> tuple[list[str], list[list[str]]]:
    """Header and rows of an export file (for previews and tests)."""
    text = content.decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader)
    rows = []
    for row in reader:
        rows.append(row)
        if limit is not None and len(rows) >= limit:
            break
    return header, rows


def totals(name: str, content: bytes) -> list[dict[str, str]]:
    """Sum of each amount column per currency, read back from the file itself (what you see is what's in it)."""
    spec = get_spec(name)
    header, rows = read_rows(content)
    index = {c: i for i, c in enumerate(header)}
    sums: dict[tuple[str, str], Decimal] = {}
    for row in rows:
        for column, cur_column in spec.amount_columns:
            cell = row[index[column]]
            if cell == "":
                continue
            key = (column, row[index[cur_column]])
            sums[key] = sums.get(key, ZERO) + Decimal(cell)
    out = [{"column": column, "currency": cur, "total": plain(total, cur)} for (column, cur), total in sums.items()]
    out.sort(key=lambda r: ([c for c, _ in spec.amount_columns].index(r["column"]), r["currency"]))
    return [{"rows": str(len(rows)), **r} for r in out] if out else [{"rows": str(len(rows))}]
