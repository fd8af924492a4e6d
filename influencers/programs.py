"""Programs and collaborations: create and edit (with conflict checks), linked Meta campaigns, promo codes,
UTM tracking links, the fee warning, and the stage pipeline with its move rules, guards, bulk moves and history (a
move into a contracted stage records the follower counts the deal is priced on, `influencers.reach`)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from campaigns.models import Campaign
from db import audit
from db.calendar import workspace_today
from db.errors import N_, Codes, ConflictError, DomainError, FieldErrors, Message, NotFound, TransitionError
from db.money import CurrencyError, currency_code
from db.parse import ParseError, is_blank, parse_amount, parse_date
from db.roles import Actor, require
from db.text import TextError, clean_text
from db.types import utcnow
from db.versioning import check_version, flush_or_conflict
from influencers.contacts import validation_errors
from influencers.fees import contracted_fee
from influencers.models import (
    CONTRACTED_STAGES,
    FEE_TYPES,
    PROGRAM_STATUSES,
    STAGES,
    Collaboration,
    Deliverable,
    Influencer,
    Program,
    ProgramCampaign,
    StageChange,
)
from influencers.reach import enters_contract, record_contract_reach

PIPELINE = STAGES[:-1]  # prospect ... completed; "declined" sits beside the pipeline
# English stage names for messages; pages show pages.components.terms.STAGE_LABELS (translated).
STAGE_LABELS = {
    "prospect": N_("Prospect"),
    "contacted": N_("Contacted"),
    "negotiating": N_("Negotiating"),
    "contracted": N_("Contracted"),
    "content_in_review": N_("Content in review"),
    "live": N_("Live"),
    "completed": N_("Completed"),
    "declined": N_("Declined"),
}


def stage_word(stage: str) -> Message:
    """A stage as a translatable word inside a message (pages translate it with the sentence)."""
    return Message(STAGE_LABELS.get(stage, stage))


def stage_list(stages: Iterable[str]) -> Message:
    """Stages as a translatable list, "Contacted, Declined"."""
    words = {f"s{i}": stage_word(stage) for i, stage in enumerate(stages)}
    return Message(", ".join("{" + key + "}" for key in words), words)


def _currency(value: str) -> str:
    try:
        return currency_code(value)
    except CurrencyError as exc:
        raise ValueError(str(exc)) from None


# -- input checks shared by programs, collaborations, deliverables and payments -------------------


def validated(
    model: type[BaseModel],
    data: Mapping[str, Any] | BaseModel,
    *,
    texts: Mapping[str, bool] | None = None,
    dates: Iterable[str] = (),
    amounts: Iterable[str] = (),
    currency: str | None = None,
) -> Any:
    """`data` checked by `model`, with every problem reported at once, field by field (FieldErrors).

    Beyond the model: `texts` (field -> multiline) are cleaned by `db.text.clean_text` before they are validated,
    `dates` must fall in 2000-01-01 .. 2100-12-31 and `amounts` must be amounts of `currency` (default: the data's
    `currency`) within its bound and precision (`db.parse`), so nothing is stored other than what was typed.
    """
    raw = dict(data.model_dump() if isinstance(data, BaseModel) else data)
    errors: dict[str, str | Message] = {}
    for name, multiline in (texts or {}).items():
        value = raw.get(name)
        if isinstance(value, str):
            try:
                raw[name] = clean_text(
                    value, field=name, multiline=multiline, max_length=100_000 if multiline else None
                )
            except TextError as exc:
                errors[name] = exc.message
    values = None
    try:
        values = model.model_validate({k: v for k, v in raw.items() if k not in errors})
    except ValidationError as exc:
        for name, reason in validation_errors(exc).items():
            errors.setdefault(name, reason)
    for name in dates:
        value = raw.get(name)
        if name in errors or is_blank(value):
            continue
        try:
            parse_date(value)
        except ParseError as exc:
            errors[name] = exc.message
    code = currency or getattr(values, "currency", None) or _known_currency(raw.get("currency"))
    for name in amounts:
        value = raw.get(name)
        if name in errors or is_blank(value) or code is None:
            continue
        try:
            parse_amount(value, code)
        except ParseError as exc:
            errors[name] = exc.message
    if errors:
        raise FieldErrors(errors)
    return values


def _known_currency(value: object) -> str | None:
    try:
        return currency_code(value)
    except CurrencyError:
        return None


# -- programs -----------------------------------------------------------------------------------


class ProgramInput(BaseModel):
    """A program as typed in the form."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    brand: str | None = Field(default=None, max_length=200)
    objective: str | None = Field(default=None, max_length=60)
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    budget: Decimal | None = Field(default=None, ge=0)
    currency: str
    owner: str | None = Field(default=None, max_length=320)
    brief: str | None = None
    promo_code_prefix: str | None = Field(default=None, max_length=20)
    landing_url: str | None = Field(default=None, max_length=500)
    utm_source: str | None = Field(default="influencer", max_length=100)
    utm_medium: str | None = Field(default="social", max_length=100)
    utm_campaign: str | None = Field(default=None, max_length=200)
    status: str = "planned"
    campaign_ids: list[int] = []

    _cur = field_validator("currency")(lambda cls, v: _currency(v))

    @field_validator(
        "brand",
        "objective",
        "owner",
        "brief",
        "landing_url",
        "utm_source",
        "utm_medium",
        "utm_campaign",
        "promo_code_prefix",
    )
    @classmethod
    def _blank(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("promo_code_prefix")
    @classmethod
    def _prefix(cls, value: str | None) -> str | None:
        if value and not re.fullmatch(r"[A-Za-z0-9]+", value):
            raise DomainError(N_("use letters and digits only"))
        return value.upper() if value else None

    @field_validator("landing_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if not value:
            return value
        try:
            scheme = urlsplit(value).scheme
        except ValueError:  # e.g. an unclosed "[" in the host
            raise DomainError(N_("{value} is not a valid web address"), value=repr(value)) from None
        if scheme not in ("http", "https"):
            raise DomainError(N_("the landing page must start with http:// or https://"))
        return value

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        if value not in PROGRAM_STATUSES:
            raise DomainError(N_("use one of {choices}"), choices=Codes("program_status", PROGRAM_STATUSES))
        return value

    @model_validator(mode="after")
    def _dates(self) -> ProgramInput:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise FieldErrors({"end_date": Message(N_("the end date is before the start date"))})
        return self


PROGRAM_TEXTS = {
    "name": False,
    "brand": False,
    "objective": False,
    "owner": False,
    "brief": True,
    "promo_code_prefix": False,
    "landing_url": False,
    "utm_source": False,
    "utm_medium": False,
    "utm_campaign": False,
}


def _program_input(data: Mapping[str, Any] | ProgramInput) -> ProgramInput:
    return validated(ProgramInput, data, texts=PROGRAM_TEXTS, dates=("start_date", "end_date"), amounts=("budget",))


def get_program(session: Session, program_id: int) -> Program:
    program = session.get(Program, program_id)
    if program is None:
        raise NotFound(N_("Program #{id} does not exist."), id=program_id)
    return program


def program_snapshot(program: Program, session: Session) -> dict[str, Any]:
    values = audit.snapshot(program)
    with session.no_autoflush:
        values["campaign_ids"] = linked_campaign_ids(session, program.id)
    return values


def linked_campaign_ids(session: Session, program_id: int) -> list[int]:
    stmt = select(ProgramCampaign.campaign_id).where(ProgramCampaign.program_id == program_id)
    return sorted(session.scalars(stmt))


def _set_campaigns(session: Session, program: Program, campaign_ids: list[int]) -> None:
    wanted = set(campaign_ids)
    known = set(session.scalars(select(Campaign.id).where(Campaign.id.in_(wanted)))) if wanted else set()
    if wanted - known:
        raise FieldErrors(
            {
                "campaign_ids": Message(
                    N_("unknown campaign ids {ids}"), {"ids": ", ".join(map(str, sorted(wanted - known)))}
                )
            }
        )
    rows = {
        link.campaign_id: link
        for link in session.scalars(select(ProgramCampaign).where(ProgramCampaign.program_id == program.id))
    }
    for cid in wanted - set(rows):
        session.add(ProgramCampaign(program_id=program.id, campaign_id=cid))
    for cid, link in rows.items():
        if cid not in wanted:
            session.delete(link)


def _name_taken(session: Session, name: str, exclude: int | None) -> None:
    other = session.scalar(select(Program.id).where(Program.name == name))
    if other is not None and other != exclude:
        raise FieldErrors(
            {"name": Message(N_("a program named {name} already exists (#{id})"), {"name": repr(name), "id": other})}
        )


def create_program(session: Session, actor: Actor, data: dict[str, Any] | ProgramInput) -> Program:
    """Add a program and link its Meta campaigns."""
    require(actor, "program.edit")
    values = _program_input(data)
    _name_taken(session, values.name, None)
    program = Program(**values.model_dump(exclude={"campaign_ids"}))
    program.owner = program.owner or actor.email
    session.add(program)
    session.flush()
    _set_campaigns(session, program, values.campaign_ids)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "program",
        program.id,
        after=program_snapshot(program, session),
        summary=f"Created program {program.name}",
    )
    return program


def update_program(
    session: Session, actor: Actor, program_id: int, data: dict[str, Any] | ProgramInput, version_id: int | None
) -> Program:
    """Save an edit of a program loaded at `version_id` (ConflictError when someone saved since)."""
    require(actor, "program.edit")

    def latest(obj: Program) -> dict[str, Any]:
        return program_snapshot(obj, session)

    # No autoflush until the one flush below: a concurrent save must surface as a ConflictError from
    # flush_or_conflict, never as a StaleDataError from a query's autoflush halfway through.
    with session.no_autoflush:
        program = get_program(session, program_id)
        check_version("program", program, version_id, latest)
        values = _program_input(data)
        _name_taken(session, values.name, program.id)
        before = program_snapshot(program, session)
        for key, value in values.model_dump(exclude={"campaign_ids"}).items():
            setattr(program, key, value)
        _set_campaigns(session, program, values.campaign_ids)
        program.updated_at = utcnow()  # the row is written (and its version moves) even if only links changed
    flush_or_conflict(session, "program", Program, program_id, latest)
    audit.record(
        session,
        actor,
        "update",
        "program",
        program.id,
        before=before,
        after=program_snapshot(program, session),
        summary=f"Edited program {program.name}",
    )
    return program


# -- promo codes and tracking links -----------------------------------------------------------


def build_tracking_url(
    landing_url: str | None,
    *,
    source: str | None,
    medium: str | None,
    campaign: str | None,
    content: str | None = None,
) -> str | None:
    """The landing URL with utm_* parameters from the program; its other query parameters are kept."""
    if not landing_url:
        return None
    parts = urlsplit(landing_url)
    utm = {"utm_source": source, "utm_medium": medium, "utm_campaign": campaign, "utm_content": content}
    utm = {k: v for k, v in utm.items() if v}
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in utm]
    return urlunsplit(parts._replace(query=urlencode(kept + list(utm.items()))))


def tracking_url_for(program: Program, influencer: Influencer) -> str | None:
    content = influencer.handles[0].handle if influencer.handles else re.sub(r"\W+", "-", influencer.name.lower())
    return build_tracking_url(
        program.landing_url,
        source=program.utm_source or "influencer",
        medium=program.utm_medium or "social",
        campaign=program.utm_campaign or re.sub(r"\W+", "-", program.name.lower()).strip("-"),
        content=content,
    )


def promo_code_for(session: Session, program: Program, influencer: Influencer) -> str | None:
    """`<PREFIX><NAME>` (uppercase letters/digits, max 20), made unique inside the program."""
    if not program.promo_code_prefix:
        return None
    base = influencer.handles[0].handle if influencer.handles else influencer.name
    stem = (program.promo_code_prefix + re.sub(r"[^A-Za-z0-9]", "", base).upper())[:18]
    taken = set(session.scalars(select(Collaboration.promo_code).where(Collaboration.program_id == program.id)))
    code, n = stem, 1
    while code in taken:
        n += 1
        code = f"{stem}{n}"
    return code


# -- collaborations ---------------------------------------------------------------------------


class CollaborationInput(BaseModel):
    """Fee terms of an influencer in a program."""

    model_config = ConfigDict(str_strip_whitespace=True)

    fee_type: str = "flat"
    fee: Decimal | None = Field(default=None, ge=0)
    commission_rate: Decimal | None = Field(default=None, ge=0, le=100)
    product_value: Decimal | None = Field(default=None, ge=0)
    currency: str
    contract_date: dt.date | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    promo_code: str | None = Field(default=None, max_length=60)
    tracking_url: str | None = Field(default=None, max_length=1000)
    notes: str | None = None

    _cur = field_validator("currency")(lambda cls, v: _currency(v))

    @field_validator("fee_type")
    @classmethod
    def _fee_type(cls, value: str) -> str:
        if value not in FEE_TYPES:
            raise DomainError(N_("use one of {choices}"), choices=Codes("fee_type", FEE_TYPES))
        return value

    @field_validator("promo_code", "tracking_url", "notes")
    @classmethod
    def _blank(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _terms(self) -> CollaborationInput:
        problems: dict[str, Message] = {}
        if self.fee_type == "commission" and self.commission_rate is None:
            problems["commission_rate"] = Message(N_("a commission needs its rate in percent"))
        if self.fee_type in ("flat", "per_deliverable") and self.fee is None:
            problems["fee"] = Message(N_("a flat or per-deliverable fee needs an amount (0 is allowed)"))
        if self.fee_type == "product_only" and not self.product_value:
            problems["product_value"] = Message(N_("product-only collaborations need the product's value"))
        if self.start_date and self.end_date and self.end_date < self.start_date:
            problems["end_date"] = Message(N_("the flight ends before it starts"))
        if problems:
            raise FieldErrors(problems)
        return self


COLLABORATION_TEXTS = {"promo_code": False, "tracking_url": False, "notes": True}


def _collaboration_input(data: Mapping[str, Any]) -> CollaborationInput:
    return validated(
        CollaborationInput,
        data,
        texts=COLLABORATION_TEXTS,
        dates=("contract_date", "start_date", "end_date"),
        amounts=("fee", "product_value"),
    )


def get_collaboration(session: Session, collaboration_id: int) -> Collaboration:
    collab = session.get(Collaboration, collaboration_id)
    if collab is None:
        raise NotFound(N_("Collaboration #{id} does not exist."), id=collaboration_id)
    return collab


def add_collaboration(
    session: Session, actor: Actor, program_id: int, influencer_id: int, terms: dict[str, Any] | None = None
) -> Collaboration:
    """Put an influencer into a program as a prospect, with a promo code and tracking link from the program."""
    require(actor, "program.edit")
    program = get_program(session, program_id)
    person = session.get(Influencer, influencer_id)
    if person is None or person.merged_into_id is not None:
        raise FieldErrors(
            {"influencer_id": Message(N_("influencer #{id} does not exist or was merged"), {"id": influencer_id})}
        )
    if person.status == "do_not_contact":
        raise FieldErrors({"influencer_id": Message(N_("{name} is marked do-not-contact"), {"name": person.name})})
    existing = session.scalar(
        select(Collaboration.id).where(Collaboration.program_id == program.id, Collaboration.influencer_id == person.id)
    )
    if existing is not None:
        raise FieldErrors(
            {
                "influencer_id": Message(
                    N_("{name} is already in {program} (collaboration #{id})"),
                    {"name": person.name, "program": program.name, "id": existing},
                )
            }
        )
    values = _collaboration_input({"currency": program.currency, "fee": 0, **(terms or {})})
    collab = Collaboration(program_id=program.id, influencer_id=person.id, stage="prospect", **values.model_dump())
    collab.promo_code = collab.promo_code or promo_code_for(session, program, person)
    collab.tracking_url = collab.tracking_url or tracking_url_for(program, person)
    collab.stage_changed_at, collab.stage_changed_by = utcnow(), actor.email
    session.add(collab)
    session.flush()
    session.add(StageChange(collaboration_id=collab.id, from_stage=None, to_stage="prospect", by_user=actor.email))
    audit.record(
        session,
        actor,
        "create",
        "collaboration",
        collab.id,
        after=audit.snapshot(collab),
        summary=f"Added {person.name} to {program.name}",
    )
    return collab


def update_collaboration(
    session: Session, actor: Actor, collaboration_id: int, terms: dict[str, Any], version_id: int | None
) -> Collaboration:
    """Save fee terms edited on `version_id` (ConflictError when someone saved since)."""
    require(actor, "program.edit")
    with session.no_autoflush:
        collab = get_collaboration(session, collaboration_id)
        check_version("collaboration", collab, version_id)
        values = _collaboration_input(terms)
        before = audit.snapshot(collab)
        for key, value in values.model_dump().items():
            setattr(collab, key, value)
        collab.updated_at = utcnow()
    flush_or_conflict(session, "collaboration", Collaboration, collaboration_id)
    audit.record(
        session,
        actor,
        "update",
        "collaboration",
        collab.id,
        before=before,
        after=audit.snapshot(collab),
        summary=f"Edited collaboration #{collab.id}",
    )
    return collab


def fee_missing(
    stage: str,
    fee_type: str,
    fee: Decimal | None,
    commission_rate: Decimal | None = None,
    deliverable_fees: Iterable[Decimal | None] = (),
) -> bool:
    """True for a collaboration at contracted or later whose contract pays nothing (the fee the budgets count,
    `influencers.fees.contracted_fee`, is zero), unless it is product-only or earns a commission rate."""
    if stage not in CONTRACTED_STAGES or fee_type == "product_only":
        return False
    if fee_type == "commission" and commission_rate:
        return False
    return contracted_fee(fee_type, fee, deliverable_fees) <= 0


def collaborations_without_fee(session: Session, program_id: int) -> set[int]:
    """The program's contracted collaborations that have no fee (their cards and terms form warn)."""
    rows = session.execute(
        select(
            Collaboration.id,
            Collaboration.stage,
            Collaboration.fee_type,
            Collaboration.fee,
            Collaboration.commission_rate,
        ).where(Collaboration.program_id == program_id, Collaboration.stage.in_(CONTRACTED_STAGES))
    ).all()
    if not rows:
        return set()
    own: dict[int, list[Decimal | None]] = {}
    for cid, item_fee in session.execute(
        select(Deliverable.collaboration_id, Deliverable.fee).where(
            Deliverable.collaboration_id.in_([r.id for r in rows])
        )
    ):
        own.setdefault(cid, []).append(item_fee)
    return {r.id for r in rows if fee_missing(r.stage, r.fee_type, r.fee, r.commission_rate, own.get(r.id, ()))}


# -- stage moves ------------------------------------------------------------------------------


def allowed_moves(stage: str) -> list[str]:
    """Stages a collaboration may move to from `stage`: one step on, one step back, declined, or reopen."""
    if stage == "declined":
        return ["prospect"]
    i = PIPELINE.index(stage)
    moves = []
    if i + 1 < len(PIPELINE):
        moves.append(PIPELINE[i + 1])
    if i > 0:
        moves.append(PIPELINE[i - 1])
    if stage != "completed":
        moves.append("declined")
    return moves


@dataclass(frozen=True)
class Refusal:
    """Why one collaboration of a (bulk) move cannot move."""

    collaboration_id: int
    influencer: str
    reason: Message


class BulkMoveRefused(TransitionError):
    """Some selected collaborations cannot move: nothing moved; `refusals` names each one and why."""

    def __init__(self, to_stage: str, refusals: list[Refusal]):
        self.to_stage = to_stage
        self.refusals = refusals
        super().__init__(
            N_("Nothing was moved: {count} of the selected collaborations cannot move to {stage}."),
            count=len(refusals),
            stage=stage_word(to_stage),
        )


class UndeliveredDeliverables(TransitionError):
    """Moving to Completed while deliverables are not published needs `confirm_undelivered=True`;
    `refusals` names each collaboration with how many of its deliverables are not published."""

    def __init__(self, refusals: list[Refusal], not_published: int):
        self.refusals = refusals
        self.not_published = not_published
        if len(refusals) == 1:
            super().__init__(refusals[0].reason)
        else:
            super().__init__(
                N_(
                    "{count} collaborations have deliverables not published yet ({not_published} in all); "
                    "confirm to move them to Completed anyway."
                ),
                count=len(refusals),
                not_published=not_published,
            )


def _delivery_counts(session: Session, collaboration_ids: list[int]) -> dict[int, tuple[int, int]]:
    """collaboration id -> (deliverables not published, all deliverables)."""
    stmt = (
        select(
            Deliverable.collaboration_id,
            func.sum(case((Deliverable.status == "published", 0), else_=1)),
            func.count(Deliverable.id),
        )
        .where(Deliverable.collaboration_id.in_(collaboration_ids))
        .group_by(Deliverable.collaboration_id)
    )
    return {cid: (int(open_ or 0), int(total)) for cid, open_, total in session.execute(stmt)}


def _undelivered(session: Session, collabs: list[Collaboration], names: Mapping[int, str]) -> tuple[list[Refusal], int]:
    counts = _delivery_counts(session, [c.id for c in collabs])
    refusals, not_published = [], 0
    for collab in collabs:
        open_, total = counts.get(collab.id, (0, 0))
        if total == 0:
            reason = Message(
                N_("{influencer} has no deliverables recorded; confirm to move it to Completed anyway."),
                {"influencer": names[collab.id]},
            )
        elif open_:
            reason = Message(
                N_(
                    "{influencer} has {count} of {total} deliverables not published yet; confirm to move it to "
                    "Completed anyway."
                ),
                {"influencer": names[collab.id], "count": open_, "total": total},
            )
        else:
            continue
        not_published += open_
        refusals.append(Refusal(collab.id, names[collab.id], reason))
    return refusals, not_published


def _refusal(collab: Collaboration, version_id: int | None, to_stage: str) -> Message | None:
    """Why `collab` (loaded at `version_id` on the board) cannot move to `to_stage`, or None."""
    if version_id is not None and collab.version_id != int(version_id):
        return Message(
            N_("changed by someone else since the board was loaded (it is now at {stage})"),
            {"stage": stage_word(collab.stage)},
        )
    if collab.stage == to_stage:
        return Message(N_("is already at {stage}"), {"stage": stage_word(to_stage)})
    if to_stage not in allowed_moves(collab.stage):
        return Message(
            N_("cannot move from {stage} to {target}; it can move to {choices}"),
            {
                "stage": stage_word(collab.stage),
                "target": stage_word(to_stage),
                "choices": stage_list(allowed_moves(collab.stage)),
            },
        )
    return None


def _influencer_names(session: Session, collabs: list[Collaboration]) -> dict[int, str]:
    ids = {c.influencer_id for c in collabs}
    names = dict(session.execute(select(Influencer.id, Influencer.name).where(Influencer.id.in_(ids))).all())
    return {c.id: names.get(c.influencer_id, f"#{c.influencer_id}") for c in collabs}


def _apply_move(
    session: Session, actor: Actor, collab: Collaboration, to_stage: str, today: dt.date, now: dt.datetime
) -> dict[str, Any]:
    """Move one checked collaboration (no flush); its snapshot before the move."""
    before = audit.snapshot(collab)
    session.add(
        StageChange(collaboration_id=collab.id, from_stage=collab.stage, to_stage=to_stage, at=now, by_user=actor.email)
    )
    collab.stage, collab.stage_changed_at, collab.stage_changed_by = to_stage, now, actor.email
    if to_stage == "contracted" and collab.contract_date is None:
        collab.contract_date = today
    return before


def _check_stage(to_stage: str) -> None:
    if to_stage not in STAGES:
        raise TransitionError(N_("{stage} is not a stage."), stage=str(to_stage))


def move_stage(
    session: Session,
    actor: Actor,
    collaboration_id: int,
    to_stage: str,
    version_id: int | None = None,
    *,
    confirm_undelivered: bool = False,
) -> Collaboration:
    """Move a collaboration to `to_stage`, recording who and when (StageChange + audit).

    Refused with ConflictError when it changed since `version_id`, TransitionError when the move is not allowed,
    and UndeliveredDeliverables when it would reach Completed with deliverables not published (or none) unless
    `confirm_undelivered`."""
    return move_stages(
        session, actor, {collaboration_id: version_id}, to_stage, confirm_undelivered=confirm_undelivered
    )[0]


def move_stages(
    session: Session,
    actor: Actor,
    versions: Mapping[int, int | None],
    to_stage: str,
    *,
    confirm_undelivered: bool = False,
) -> list[Collaboration]:
    """Move several collaborations (id -> the version the board showed) to `to_stage` in one unit of work.

    All or nothing: every move is checked first (its version, `allowed_moves`, the Completed guard); when any is
    refused nothing moves and BulkMoveRefused names each refused one and why. One collaboration alone raises the
    plain ConflictError / TransitionError instead. Each move writes a StageChange and an audit entry and bumps
    the collaboration's version; a move into a contracted stage from before it also records the creator's follower
    counts then (`influencers.reach`, the first time only), shown in that audit entry as `contract_reach`."""
    require(actor, "program.edit")
    _check_stage(to_stage)
    ids = list(dict.fromkeys(int(i) for i in versions))
    if not ids:
        raise TransitionError(N_("Select at least one collaboration to move."))
    with session.no_autoflush:
        found = {c.id: c for c in session.scalars(select(Collaboration).where(Collaboration.id.in_(ids)))}
        missing = [i for i in ids if i not in found]
        if len(ids) == 1 and missing:
            raise NotFound(N_("Collaboration #{id} does not exist."), id=ids[0])
        collabs = [found[i] for i in ids if i in found]
        names = _influencer_names(session, collabs)
        if len(ids) == 1:
            collab = collabs[0]
            check_version("collaboration", collab, versions[ids[0]])
            reason = _refusal(collab, None, to_stage)
            if reason is not None:
                raise TransitionError(N_("{influencer} {reason}."), influencer=names[collab.id], reason=reason)
        else:
            refusals = [Refusal(i, f"#{i}", Message(N_("no longer exists"))) for i in missing]
            for collab in collabs:
                reason = _refusal(collab, versions.get(collab.id), to_stage)
                if reason is not None:
                    refusals.append(Refusal(collab.id, names[collab.id], reason))
            if refusals:
                raise BulkMoveRefused(to_stage, refusals)
        if to_stage == "completed" and not confirm_undelivered:
            pending, not_published = _undelivered(session, collabs, names)
            if pending:
                raise UndeliveredDeliverables(pending, not_published)
        today, now = workspace_today(session), utcnow()
        befores = {c.id: _apply_move(session, actor, c, to_stage, today, now) for c in collabs}
        from_stages = {c.id: befores[c.id]["stage"] for c in collabs}
        reach = record_contract_reach(
            session, [c for c in collabs if enters_contract(from_stages[c.id], to_stage)], now
        )
    _flush_moves(session, collabs)
    for collab in collabs:
        after = audit.snapshot(collab)
        if collab.id in reach:  # part of the move: the follower counts the deal is priced on
            after["contract_reach"] = reach[collab.id]
        audit.record(
            session,
            actor,
            "stage",
            "collaboration",
            collab.id,
            before=befores[collab.id],
            after=after,
            summary=f"Moved collaboration #{collab.id} from {from_stages[collab.id]} to {to_stage}"
            + (f" (one of {len(collabs)} moved together)" if len(collabs) > 1 else ""),
        )
    return collabs


def _flush_moves(session: Session, collabs: list[Collaboration]) -> None:
    """Write the moves; a collaboration saved by someone else in between turns into a ConflictError naming it."""
    if len(collabs) == 1:
        flush_or_conflict(session, "collaboration", Collaboration, collabs[0].id)
        return
    loaded = {c.id: c.version_id for c in collabs}  # versions as read (they move on at the flush)
    try:
        session.flush()
    except StaleDataError:
        session.rollback()
        for cid, version in loaded.items():
            latest = session.get(Collaboration, cid)
            if latest is None or latest.version_id != version:
                raise ConflictError(
                    "collaboration", cid, audit.snapshot(latest) if latest is not None else None
                ) from None
        raise ConflictError("collaboration", collabs[0].id, None) from None
