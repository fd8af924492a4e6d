"""`python cli.py payments refund`: the refund service's checks through the real command line, one-line refusals
naming the option, exit codes, the audit under the CLI actor, and the closed-month check."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from db.calendar import workspace_today
from db.engine import session_scope
from db.models import AuditEntry
from db.roles import CLI_ACTOR
from finance.close import close_month
from influencers.models import PaymentRefund
from tests import builders as b
from tests.cli_run import run_cli
from tests.influencers.conftest import FINANCE

D = dt.date
ROOT = Path(__file__).resolve().parents[2]


def _today() -> dt.date:
    with session_scope() as s:
        return workspace_today(s)


def _paid(url: str, *, status: str = "paid", paid_on: dt.date | None = None) -> int:
    """A payment of Rp2.500.000 (paid on `paid_on`, default 40 days ago) on a contracted creator; its id."""
    paid_on = paid_on or _today() - dt.timedelta(days=40)
    with session_scope(url) as s:
        program = b.program(s, currency="IDR")
        collab = b.collaboration(s, program, fee="2500000", contract_date=paid_on - dt.timedelta(days=10))
        values = {"paid_date": paid_on, "paid_by": FINANCE.email} if status == "paid" else {}
        return b.payment(s, collab, "2500000", status=status, **values).id


def _refunds(url: str, payment_id: int) -> list[tuple[Decimal, dt.date, str, str | None, str]]:
    with session_scope(url) as s:
        rows = s.scalars(select(PaymentRefund).where(PaymentRefund.payment_id == payment_id).order_by(PaymentRefund.id))
        return [(r.amount, r.refund_date, r.reason, r.reference, r.recorded_by) for r in rows]


def test_a_refund_is_recorded_audited_and_reported(migrated_url: str) -> None:
    pid = _paid(migrated_url)
    day = _today() - dt.timedelta(days=2)
    result = run_cli(
        "payments", "refund", str(pid), "--amount", "1000000", "--date", day.isoformat(),
        "--reason", "Cancelled: one reel of two", "--reference", "TRF-2026-118",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().strip() == (
        f"Refund #1 recorded on payment #{pid}: 1000000 IDR on {day.isoformat()}; net paid now 1500000 IDR."
    )
    assert _refunds(migrated_url, pid) == [
        (Decimal("1000000"), day, "Cancelled: one reel of two", "TRF-2026-118", CLI_ACTOR.email)
    ]
    with session_scope(migrated_url) as s:
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "refund")).one()
        assert (entry.actor, entry.entity_type, entry.entity_id) == (CLI_ACTOR.email, "payment", str(pid))
    # The rest may come back later; then nothing is left and a third refund is refused with the amounts.
    again = run_cli("payments", "refund", str(pid), "--amount", "1500000", "--date", day.isoformat(), "--reason", "x")
    assert again.returncode == 0, again.stderr
    assert b"net paid now 0 IDR" in again.stdout
    third = run_cli("payments", "refund", str(pid), "--amount", "1", "--date", day.isoformat(), "--reason", "x")
    assert third.returncode == 1
    assert third.stderr.decode().strip() == (
        f"error: refund not recorded on payment #{pid}: --amount: 1 IDR is more than what is left to refund on "
        f"payment #{pid}: 0 IDR (paid 2500000 IDR, refunded 2500000 IDR)"
    )
    assert len(_refunds(migrated_url, pid)) == 2


def test_every_refusal_names_its_option_at_once(migrated_url: str) -> None:
    paid_on = _today() - dt.timedelta(days=40)
    pid = _paid(migrated_url, paid_on=paid_on)
    before = paid_on - dt.timedelta(days=1)
    result = run_cli("payments", "refund", str(pid), "--amount", "0", "--date", before.isoformat(), "--reason", "  ")
    assert result.returncode == 1
    line = result.stderr.decode().strip()
    assert len(line.splitlines()) == 1
    assert line == (
        f"error: refund not recorded on payment #{pid}: --amount: the amount must be more than zero; "
        f"--date: the refund date {before.isoformat()} is before the payment's paid date {paid_on.isoformat()}; "
        "--reason: say why the money came back (a cancelled job, a payment made twice, ...)"
    )
    future = _today() + dt.timedelta(days=1)
    ahead = run_cli(
        "payments", "refund", str(pid), "--amount", "2.500.001", "--date", future.isoformat(), "--reason", "x"
    )
    assert ahead.returncode == 1
    assert b"--date: the refund date is in the future" in ahead.stderr
    assert b"--amount: " in ahead.stderr
    assert _refunds(migrated_url, pid) == []


def test_a_date_that_is_not_iso_is_refused_with_the_other_problems(migrated_url: str) -> None:
    pid = _paid(migrated_url)
    result = run_cli("payments", "refund", str(pid), "--amount", "-5", "--date", "3/11/2026", "--reason", "dobel")
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (
        f"error: refund not recorded on payment #{pid}: --amount: the amount must be more than zero; "
        "--date: '3/11/2026' is not a date (YYYY-MM-DD)"
    )
    assert _refunds(migrated_url, pid) == []


def test_only_a_paid_payment_that_exists_can_be_refunded(migrated_url: str) -> None:
    pending = _paid(migrated_url, status="approved")
    today = _today().isoformat()
    result = run_cli("payments", "refund", str(pending), "--amount", "1", "--date", today, "--reason", "x")
    assert result.returncode == 1
    assert result.stderr.decode().strip() == (
        f"error: Payment #{pending} is approved: only a paid payment can be refunded."
    )
    missing = run_cli("payments", "refund", "999", "--amount", "1", "--date", today, "--reason", "x")
    assert missing.returncode == 1
    assert missing.stderr.decode().strip() == "error: Payment #999 does not exist."


def test_a_refund_dated_in_a_closed_month_is_refused(migrated_url: str) -> None:
    today = _today()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    pid = _paid(migrated_url, paid_on=last_month)
    with session_scope(migrated_url) as s:
        b.fx_rate(s, last_month, "IDR", "USD", "0.0000625")  # closing snapshots the USD exports too
    with session_scope(migrated_url) as s:
        close_month(s, FINANCE, last_month)
    in_closed = last_month + dt.timedelta(days=5)
    result = run_cli(
        "payments", "refund", str(pid), "--amount", "500000", "--date", in_closed.isoformat(), "--reason", "x"
    )
    assert result.returncode == 1
    assert "--date: " in result.stderr.decode()
    assert f"{last_month:%Y-%m}" in result.stderr.decode()
    assert _refunds(migrated_url, pid) == []
    ok = run_cli("payments", "refund", str(pid), "--amount", "500000", "--date", today.isoformat(), "--reason", "x")
    assert ok.returncode == 0, ok.stderr


def test_the_script_refuses_in_one_line_without_a_traceback(migrated_url: str) -> None:
    pid = _paid(migrated_url)
    proc = subprocess.run(
        [sys.executable, "cli.py", "payments", "refund", str(pid), "--amount", "abc", "--date", "2026-13-01",
         "--reason", "x"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stderr.strip().startswith(f"error: refund not recorded on payment #{pid}: --amount: ")
    assert "--date: '2026-13-01' is not a date (YYYY-MM-DD)" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr
    help_text = subprocess.run(
        [sys.executable, "cli.py", "payments", "refund", "--help"], cwd=ROOT, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert help_text.returncode == 0
    assert "--reference" in help_text.stdout


AMOUNTS = st.one_of(
    st.text(max_size=16),
    st.decimals(min_value=-(10**7), max_value=10**7, places=2, allow_nan=False).map(str),
    st.sampled_from(["1.000.000", "Rp 500.000", "1e6", "NaN", "-0", "2500000", "0,5", "\u0661\u0662"]),
)
DATES = st.one_of(st.text(max_size=12), st.dates(D(1990, 1, 1), D(2110, 12, 31)).map(D.isoformat))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(amount="1\n2", date="2026-11-01", reason="x", reference=None)
@example(amount="5", date="2026\n-11-01", reason="a\nb", reference="r\u202e1")
@example(amount="\u200b5", date="\t", reason="\x00", reference="x" * 12)
@given(amount=AMOUNTS, date=DATES, reason=st.text(max_size=24), reference=st.one_of(st.none(), st.text(max_size=12)))
def test_any_typed_input_is_recorded_or_refused_in_one_line(
    migrated_url: str, amount: str, date: str, reason: str, reference: str | None
) -> None:
    """Whatever is typed: exit 0 with a refund, or exit 1 with one line on stderr and nothing written; never more
    refunded than paid."""
    if _PROPERTY_PAYMENT.get(migrated_url) is None:
        _PROPERTY_PAYMENT[migrated_url] = _paid(migrated_url)
    pid = _PROPERTY_PAYMENT[migrated_url]
    before = len(_refunds(migrated_url, pid))
    args = ["payments", "refund", str(pid), "--amount", amount, "--date", date, "--reason", reason]
    result = run_cli(*args, *(["--reference", reference] if reference is not None else []))
    stderr = result.stderr.decode()
    assert result.returncode in (0, 1), stderr
    after = _refunds(migrated_url, pid)
    if result.returncode == 0:
        assert len(after) == before + 1
        assert b"recorded on payment" in result.stdout
    else:
        assert len(after) == before
        assert stderr.startswith("error: ")
        assert len(stderr.strip().splitlines()) == 1, stderr
        assert "Traceback" not in stderr
    assert sum((amount for amount, *_rest in after), Decimal(0)) <= Decimal(2500000)


_PROPERTY_PAYMENT: dict[str, int] = {}
