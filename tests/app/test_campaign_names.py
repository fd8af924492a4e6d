"""The campaign-label rule (pages/components/campaign_names.py): same-named campaigns told apart, numbers whole."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pages.components.campaign_names import campaign_label_list


def test_a_shared_name_gets_its_account_then_its_platform_id() -> None:
    labels = campaign_label_list(
        ["Payday", "Payday", "Payday", "Ramadan", "Payday"],
        ["Kopi ID", "Kopi ID", "Kopi SG", "Kopi ID", "Teh ID"],
        ["120200000000000123", "120200000000000456", "120200000000000789", "1", None],
        [1, 2, 3, 4, 5],
    )
    assert labels == [
        "Payday (Kopi ID · 120200000000000123)",
        "Payday (Kopi ID · 120200000000000456)",
        "Payday (Kopi SG)",
        "Ramadan",
        "Payday (Teh ID)",
    ]


def test_campaigns_known_only_by_name_or_with_one_id_fall_back_to_pantaus_number() -> None:
    labels = campaign_label_list(["Payday"] * 3, ["Kopi ID"] * 3, [None, float("nan"), "77"], [12, 13, 14])
    assert labels == ["Payday (Kopi ID · #12)", "Payday (Kopi ID · #13)", "Payday (Kopi ID · 77)"]


names = st.sampled_from(["Payday", "Payday ", "Ramadan", "Harbolnas 12.12", "=SUM(A1)", "Promo (ID)"])
rows = st.lists(
    st.tuples(names, st.sampled_from(["Kopi ID", "Kopi SG", "Teh"]), st.one_of(st.none(), st.sampled_from(["1", "2"]))),
    max_size=12,
)


@given(rows)
def test_every_label_is_different_and_a_name_of_its_own_is_left_as_it_is(listed) -> None:
    ids = list(range(100, 100 + len(listed)))
    labels = campaign_label_list([r[0] for r in listed], [r[1] for r in listed], [r[2] for r in listed], ids)
    assert len(set(labels)) == len(labels)
    counts = {n: [r[0] for r in listed].count(n) for n, _a, _p in listed}
    for (name, account, pid), label, pk in zip(listed, labels, ids, strict=True):
        assert label.startswith(name)
        if counts[name] == 1:
            assert label == name
        else:
            assert account in label
            assert label.endswith(")")
            # account alone when the account has one; else its platform id, else Pantau's number, in full
            shown = (f"{name} ({account})", f"{name} ({account} · {pid})", f"{name} ({account} · #{pk})")
            assert label in shown
