"""Property-based: the Ads Manager, contact and FX importers fed random bytes and mutated real-shaped files give a
preview (and an import) or one domain refusal, never a traceback: no library exception, no database error."""

from __future__ import annotations

import csv
import functools
import io
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaigns.adsmanager import AccountTarget, apply_import, preview_import
from db.errors import DomainError
from db.roles import CLI_ACTOR
from finance.fx import import_rates_csv
from influencers import csv_import

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ADS = sorted(p.name for p in FIXTURES.glob("adsmanager_*"))
CONTACTS = sorted(p.name for p in FIXTURES.glob("contacts_*"))
FX = ["fx_rates_duplicate_rate.csv", "fx/jisdor_bi.csv"]
FUZZ = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
# Cell values that have broken importers: unbounded numbers, Excel's damage, markers, controls, long text.
NASTY = [
    "Infinity", "-inf", "NaN", "1e30", "1E+400", "-0", "0x1F", "1_000", "١٢٣", "12,5 rb", "1.20253E+17", "7/1/2026",
    "2026-02-30", "0000-00-00", "NULL", "#N/A", "—", "=SUM(A1)", "\x00", "\x1b[31m", "\u202e", "\ud800", "x" * 5000,
    "99999999999999999999999999", "-5", "1.23456789", "", " ", '"', "act_12", "SENT", "https://x.com/", "@",
]  # fmt: skip


# Strategies built once, not inside `mutated` per draw: hypothesis validates a strategy made afresh (a new
# `sampled_from`, `one_of`) again on every draw. The values drawn are the same.
CELL_VALUES = st.one_of(st.sampled_from(NASTY), st.text(max_size=30))
DAMAGES = st.sampled_from(["truncate", "flip", "insert", "delete"])
INSERTS = st.sampled_from([b'"', b"\x00", b",", b"\r", b"\n", b";", b"\t"])


@functools.cache
def _names(names: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(names)


@functools.cache
def _bytes(name: str) -> bytes:
    """A fixture's bytes, read once (not on every draw)."""
    return (FIXTURES / name).read_bytes()


def _cells(name: str) -> list[list[str]] | None:
    """A fresh copy of a fixture's cells (parsed once), for a draw to damage."""
    parsed = _parsed(name)
    return None if parsed is None else [list(row) for row in parsed]


@functools.cache
def _parsed(name: str) -> list[list[str]] | None:
    if not name.endswith((".csv", ".txt")):
        return None
    data = _bytes(name)
    for encoding in ("utf-8-sig", "utf-16", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    delimiter = "\t" if text.count("\t") > text.count(",") else ";" if text.count(";") > text.count(",") else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


@st.composite
def mutated(draw, names: list[str]):
    """A fixture with bytes damaged, or with cells replaced by nasty or random text."""
    name = draw(_names(tuple(names)))
    rows = _cells(name)
    if rows and draw(st.booleans()):
        for _ in range(draw(st.integers(1, 6))):
            row = draw(st.integers(0, len(rows) - 1))
            if rows[row]:
                column = draw(st.integers(0, len(rows[row]) - 1))
                rows[row][column] = draw(CELL_VALUES)
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        return name, out.getvalue().encode("utf-8", "surrogatepass")
    data = bytearray(_bytes(name))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        kind = draw(DAMAGES)
        if kind == "truncate":
            del data[position:]
        elif kind == "flip" and data:
            data[position] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[position:position] = draw(INSERTS)
        elif data:
            del data[position : position + draw(st.integers(1, 64))]
    return name, bytes(data)


def _random_or(names: list[str]):
    return st.one_of(st.tuples(st.just("random.csv"), st.binary(max_size=2048)), mutated(names))


def _only_domain_errors(run) -> None:
    """`run` succeeds or raises a DomainError with a one-line message (any other exception fails the test)."""
    message = None
    try:
        run()
    except DomainError as error:
        message = str(error)
    if message is not None:
        assert message.strip()
        assert "Traceback" not in message


@FUZZ
@given(sample=_random_or(ADS), target=st.sampled_from([None, AccountTarget(name="Fuzz", currency="IDR")]))
def test_ads_manager_import_gives_a_preview_or_a_domain_error(session, sample, target) -> None:
    name, data = sample

    def run() -> None:
        with session.begin_nested() as savepoint:
            preview = preview_import(session, data, name, target)
            apply_import(session, CLI_ACTOR, preview)
            savepoint.rollback()

    _only_domain_errors(run)


@FUZZ
@given(sample=_random_or(CONTACTS))
def test_contact_import_gives_a_preview_or_a_domain_error(session, sample) -> None:
    name, data = sample

    def run() -> None:
        with session.begin_nested() as savepoint:
            preview = csv_import.preview_import(session, data, file_name=name)
            csv_import.apply_import(session, CLI_ACTOR, preview)
            savepoint.rollback()

    _only_domain_errors(run)


@FUZZ
@given(sample=_random_or(FX))
def test_fx_import_gives_a_result_or_a_domain_error(session, sample) -> None:
    _name, data = sample

    def run() -> None:
        with session.begin_nested() as savepoint:
            import_rates_csv(session, CLI_ACTOR, data)
            savepoint.rollback()

    _only_domain_errors(run)
