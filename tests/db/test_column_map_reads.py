"""`db.column_map.read_mapped_table` keeps the last files read: a page asks several questions of one upload on each
rerun (columns, suggested shop, date order, decimal mark, dry run), and a large export was read once for each."""

from __future__ import annotations

import pytest

from db.column_map import TABLES_KEPT, read_mapped_table
from db.tabular import Limits, TabularError
from influencers.promo_sales import _recognised

DATA = b"code,date,orders,revenue\nKOPIAYU,2026-11-03,1,150000\n"


def test_the_same_upload_is_read_once_and_another_mapping_or_file_is_read_again() -> None:
    first = read_mapped_table(bytes(bytearray(DATA)), "sales.csv", _recognised)  # a new bytes object, as on a rerun
    again = read_mapped_table(bytes(bytearray(DATA)), "sales.csv", _recognised)
    assert again is first
    mapped = read_mapped_table(DATA, "sales.csv", _recognised, {"revenue": "net"})
    assert mapped is not first
    assert read_mapped_table(DATA, "sales.csv", _recognised, {"revenue": "net"}) is mapped
    other = DATA.replace(b"150000", b"150001")
    assert read_mapped_table(other, "sales.csv", _recognised).rows[0].cells[-1] == "150001"
    assert read_mapped_table(DATA, "other.csv", _recognised) is not first  # the name is part of what is read
    small = Limits(max_bytes=10)
    with pytest.raises(TabularError):
        read_mapped_table(DATA, "sales.csv", _recognised, limits=small)  # limits are part of it too


def test_a_refused_file_is_refused_each_time_and_only_a_few_tables_are_kept() -> None:
    for _ in range(2):
        with pytest.raises(TabularError):
            read_mapped_table(b"", "empty.csv", _recognised)
    tables = [
        read_mapped_table(DATA + f"KOPIAYU,2026-11-0{n},1,1\n".encode(), "s.csv", _recognised) for n in range(4, 9)
    ]
    oldest = DATA + b"KOPIAYU,2026-11-04,1,1\n"
    assert len(tables) > TABLES_KEPT
    assert read_mapped_table(oldest, "s.csv", _recognised) is not tables[0]  # read again: no longer kept
