"""The contacts import keeps rows the tabular reader flagged out of the column-wide engagement-rate decision: a row
with an unquoted comma shifts a follower count into the rate column, and that one row must not turn a column of
fractions into percents (which refuses every other rate as ambiguous). The flagged row itself is rejected."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from influencers.csv_import import apply_import, preview_import
from influencers.models import SocialHandle
from tests.influencers.conftest import SPECIALIST

CONTACTS = (
    b"Nama,Instagram,Pengikut,Engagement Rate\r\n"
    b"Rina Kartika,rinakartika,10400000,0.017\r\n"
    b"Dimas Pratama,dimaspratama,977200,0.043\r\n"
)


def test_a_shifted_row_does_not_turn_fractions_into_percents(session) -> None:
    data = CONTACTS + b"Putri Anggraini,putrianggraini,12,500,0.021\r\n"  # `12,500` unquoted: one cell too many
    preview = preview_import(session, data, file_name="kol.csv")
    rejected = [p for p in preview.problems if p.row == 4]
    assert rejected
    assert "1 more cell(s) than the header" in rejected[0].reason
    assert {p.row for p in preview.problems} == {4}  # the other rows' fractions are not made ambiguous
    apply_import(session, SPECIALIST, preview)
    rates = {h.handle: h.engagement_rate for h in session.scalars(select(SocialHandle))}
    assert rates == {"rinakartika": Decimal("1.7"), "dimaspratama": Decimal("4.3")}


def test_a_cut_last_row_is_rejected_and_takes_no_part_in_the_rates(session) -> None:
    preview = preview_import(session, CONTACTS + b"Putri Anggraini,putrianggraini,12", file_name="kol.csv")
    assert {p.row for p in preview.problems} == {4}
    assert any("ends early" in p.reason for p in preview.problems)
    assert preview.counts()["imported"] == 2
