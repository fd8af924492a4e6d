"""Moving a program's stored promo code sales from one shop to another.

Sales stored before shops were kept apart (migration 0018) are under `other` when their file's name named no
single shop, and a person can choose the wrong shop on an import. Left there, the right shop's next import would
add its sales to theirs ("other shops' sales of these days stay and add up"), counting them twice. `move_shop`
moves them, all of a shop's sales of the program or those of one imported file, to the shop they are from. A
sale the target shop already holds a period of (the same creator, overlapping days) refuses the whole move,
naming the creator and the days: moving would count those days twice in one shop; nothing moves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from db import audit
from db.errors import N_, Codes, Day, DomainError, FieldErrors, Message, joined
from db.roles import Actor, require
from influencers.models import SHOPS, Collaboration, Influencer, PromoSale
from influencers.programs import get_program
from influencers.promo_sales import take_sales_turn

NOT_A_SHOP = N_("{value} is not a shop; use one of {shops}")
SAME_SHOP = N_("the sales are in {shop} already; choose another shop")
NOTHING_TO_MOVE = N_("This program has no promo code sales in {shop}{file} to move.")
FROM_FILE = N_(" from {file}")
CLASH = N_(
    "{creator} already has {shop} sales of {start} to {end}, which the sales to move ({moved_start} to "
    "{moved_end}) overlap: moving them would count those days twice; delete one of them by importing that shop's "
    "file again, then move the rest"
)
MAX_CLASHES = 20  # named one by one; the rest are counted
MORE_CLASHES = N_("and {count} more of the sales to move overlap days {shop} holds the same way")


@dataclass
class ShopMove:
    """What a move did (or, in a dry run, would do)."""

    moved: int = 0  # sale rows
    orders: int = 0
    creators: int = 0
    files: list[str] = field(default_factory=list)  # the files the moved sales were imported from


def shop_files(session: Session, program_id: int, shop: str) -> list[str]:
    """The files the program's sales in `shop` were imported from, by name."""
    stmt = (
        select(PromoSale.source_file)
        .join(Collaboration, Collaboration.id == PromoSale.collaboration_id)
        .where(Collaboration.program_id == program_id, PromoSale.shop == shop)
        .distinct()
    )
    return sorted(name for name in session.scalars(stmt) if name)


def move_shop(
    session: Session,
    actor: Actor,
    program_id: int,
    from_shop: str,
    to_shop: str,
    *,
    source_file: str | None = None,
    dry_run: bool = False,
) -> ShopMove:
    """Move the program's sales in `from_shop` (only those imported from `source_file` when given) to `to_shop`.

    Bad shops are `FieldErrors` (`from_shop`, `to_shop`); no such sales, or a sale the target shop holds
    overlapping days of for the same creator, is a `DomainError` and nothing moves (see the module docstring).
    Audited; written in the caller's transaction. `dry_run` says what would move and writes nothing."""
    require(actor, "program.edit")
    problems: dict[str, Message] = {}
    for name, value in (("from_shop", from_shop), ("to_shop", to_shop)):
        if value not in SHOPS:
            problems[name] = Message(NOT_A_SHOP, {"value": str(value)[:40], "shops": Codes("shop", SHOPS)})
    if not problems and from_shop == to_shop:
        problems["to_shop"] = Message(SAME_SHOP, {"shop": Codes("shop", [to_shop])})
    if problems:
        raise FieldErrors(problems)
    get_program(session, program_id)
    if not dry_run:
        for shop in sorted((from_shop, to_shop)):  # one order for every move and import: no deadlock
            take_sales_turn(session, program_id, shop)
    moving = _sales(session, program_id, from_shop, source_file)
    if not moving:
        file = Message(FROM_FILE, {"file": source_file}) if source_file else ""
        raise DomainError(NOTHING_TO_MOVE, shop=Codes("shop", [from_shop]), file=file)
    _refuse_clashes(session, program_id, moving, to_shop)
    report = ShopMove(
        moved=len(moving),
        orders=sum(sale.orders for sale, _name in moving),
        creators=len({sale.collaboration_id for sale, _name in moving}),
        files=sorted({sale.source_file for sale, _name in moving if sale.source_file}),
    )
    if dry_run:
        return report
    for sale, _name in moving:
        sale.shop = to_shop
    session.flush()
    audit.record(
        session,
        actor,
        "update",
        "promo_sale",
        None,
        before={"program_id": program_id, "shop": from_shop, "file": source_file},
        after={"program_id": program_id, "shop": to_shop, "sales": report.moved, "orders": report.orders},
        summary=(
            f"Moved {report.moved} promo code sale rows of program #{program_id} from {from_shop} to {to_shop}"
            + (f" (file {source_file})" if source_file else "")
        ),
    )
    return report


def _sales(session: Session, program_id: int, shop: str, source_file: str | None) -> list[tuple[PromoSale, str]]:
    stmt = (
        select(PromoSale, Influencer.name)
        .join(Collaboration, Collaboration.id == PromoSale.collaboration_id)
        .join(Influencer, Influencer.id == Collaboration.influencer_id)
        .where(Collaboration.program_id == program_id, PromoSale.shop == shop)
        .order_by(Influencer.name, PromoSale.period_start)
    )
    if source_file is not None:
        stmt = stmt.where(PromoSale.source_file == source_file)
    return [(sale, name) for sale, name in session.execute(stmt).tuples()]


def _refuse_clashes(session: Session, program_id: int, moving: list[tuple[PromoSale, str]], to_shop: str) -> None:
    held: dict[int, list[PromoSale]] = {}
    stmt = (
        select(PromoSale)
        .join(Collaboration, Collaboration.id == PromoSale.collaboration_id)
        .where(Collaboration.program_id == program_id, PromoSale.shop == to_shop)
    )
    for sale in session.scalars(stmt):
        held.setdefault(sale.collaboration_id, []).append(sale)
    clashes: list[Message] = []
    for sale, name in moving:
        for kept in held.get(sale.collaboration_id, []):
            if _overlap(sale.period_start, sale.period_end, kept.period_start, kept.period_end):
                clashes.append(
                    Message(
                        CLASH,
                        {
                            "creator": name,
                            "shop": Codes("shop", [to_shop]),
                            "start": Day(kept.period_start),
                            "end": Day(kept.period_end),
                            "moved_start": Day(sale.period_start),
                            "moved_end": Day(sale.period_end),
                        },
                    )
                )
                break
    if clashes:
        shown = clashes[:MAX_CLASHES]
        if len(clashes) > MAX_CLASHES:
            rest = {"count": len(clashes) - MAX_CLASHES, "shop": Codes("shop", [to_shop])}
            shown.append(Message(MORE_CLASHES, rest))
        raise DomainError(joined(shown))


def _overlap(a_start: dt.date, a_end: dt.date, b_start: dt.date, b_end: dt.date) -> bool:
    return a_start <= b_end and b_start <= a_end
