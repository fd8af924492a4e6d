"""Campaign names people can tell apart: THE rule every table and picker that lists campaigns uses.

A name only one listed campaign has is shown as it is. A name several campaigns share gets its ad account
(`Payday (Kopi ID)`); when campaigns of one account still share it, the platform's own campaign id too
(`Payday (Kopi ID · 120200000000123)`), written in full (an id is never cut), or Pantau's number (`#12`) for a
campaign only known by name. Every label of a list is different.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any


def _blank(value: Any) -> bool:
    return value is None or value != value or str(value).strip() == ""  # None, NaN, ""


def campaign_label_list(
    names: Sequence[str],
    accounts: Sequence[str],
    platform_ids: Sequence[str | None],
    ids: Sequence[int],
) -> list[str]:
    """One label per campaign (columns row for row), by the rule above, over the campaigns given: pass every
    campaign that the page can list (e.g. the whole table, not the five rows shown) so a label stays the same
    whatever is filtered out of view."""
    names = [str(n) for n in names]
    accounts = [str(a) for a in accounts]
    by_name = Counter(names)
    by_account = Counter(zip(names, accounts, strict=True))
    pids = ["" if _blank(p) else str(p) for p in platform_ids]
    by_pid = Counter(zip(names, accounts, pids, strict=True))
    labels = []
    for name, account, pid, pk in zip(names, accounts, pids, ids, strict=True):
        if by_name[name] == 1:
            labels.append(name)
        elif by_account[(name, account)] == 1:
            labels.append(f"{name} ({account})")
        elif pid and by_pid[(name, account, pid)] == 1:
            labels.append(f"{name} ({account} · {pid})")
        else:
            labels.append(f"{name} ({account} · #{int(pk)})")
    return labels


def campaign_labels(rows: Any) -> list[str]:
    """`campaign_label_list` of a campaign table (`campaigns.performance.campaign_performance`'s columns `name`,
    `account`, `platform_id`, `id`), row for row."""
    if len(rows) == 0:
        return []
    return campaign_label_list(
        list(rows["name"]), list(rows["account"]), list(rows["platform_id"]), [int(i) for i in rows["id"]]
    )
