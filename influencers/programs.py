"""Programs and collaborations: create and edit (with conflict checks), linked Meta campaigns, promo codes,
UTM tracking links, and the stage pipeline with its move rules and history."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from babel.numbers import list_currencies
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy import select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from campaigns.models import Campaign
from db import audit
from db.errors import ConflictError, FieldErrors, NotFound, TransitionError
from db.roles import Actor, require
from db.types import utcnow
from influencers.contacts import validation_errors
from influencers.models import (
    FEE_TYPES,
    PROGRAM_STATUSES,
    STAGES,
    Collaboration,
    Deliverable,
    Influencer,
    Payment,
    Program,
    ProgramCampaign,
    StageChange,
)

PIPELINE = STAGES[:-1]  # prospect ... completed; "declined" sits beside the pipeline
STAGE_LABELS = {
    "prospect": "Prospect",
    "contacted": "Contacted",
    "negotiating": "Negotiating",
    "contracted": "Contracted",
    "content_in_review": "Content in review",
    "live": "Live",
    "completed": "Completed",
    "declined": "Declined",
}


def _currency(value: str) -> str:
    code = (value or "").strip().upper()
    if code not in list_currencies():
        raise ValueError(f"{value!r} is not a currency code (such as IDR or USD)")
    return code


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
            raise ValueError("use letters and digits only")
        return value.upper() if value else None

    @field_validator("landing_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value and urlsplit(value).scheme not in ("http", "https"):
            raise ValueError("the landing page must start with http:// or https://")
        return value

    @field_validator("status")
    @classmethod
    def _status(cls, value: str) -> str:
        if value not in PROGRAM_STATUSES:
            raise ValueError(f"use one of {', '.join(PROGRAM_STATUSES)}")
        return value

    @model_validator(mode="after")
    def _dates(self) -> ProgramInput:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("end_date\tthe end date is before the start date")
        return self


def _parse(model: type[BaseModel], data: dict[str, Any] | BaseModel) -> Any:
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise FieldErrors(validation_errors(exc)) from None


def get_program(session: Session, program_id: int) -> Program:
    program = session.get(Program, program_id)
    if program is None:
        raise NotFound(f"program #{program_id} does not exist")
    return program


def program_snapshot(program: Program, session: Session) -> dict[str, Any]:
    values = audit.snapshot(program)
    values["campaign_ids"] = linked_campaign_ids(session, program.id)
    return values


def linked_campaign_ids(session: Session, program_id: int) -> list[int]:
    stmt = select(ProgramCampaign.campaign_id).where(ProgramCampaign.program_id == program_id)
    return sorted(session.scalars(stmt))


def _set_campaigns(session: Session, program: Program, campaign_ids: list[int]) -> None:
    wanted = set(campaign_ids)
    known = set(session.scalars(select(Campaign.id).where(Campaign.id.in_(wanted)))) if wanted else set()
    if wanted - known:
        raise FieldErrors({"campaign_ids": f"unknown campaign ids {sorted(wanted - known)}"})
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
        raise FieldErrors({"name": f"a program named {name!r} already exists (#{other})"})


def create_program(session: Session, actor: Actor, data: dict[str, Any] | ProgramInput) -> Program:
    """Add a program and link its Meta campaigns."""
    require(actor, "program.edit")
    values = _parse(ProgramInput, data)
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
    program = get_program(session, program_id)
    if version_id is not None and program.version_id != int(version_id):
        raise ConflictError("program", program.id, program_snapshot(program, session))
    values = _parse(ProgramInput, data)
    _name_taken(session, values.name, program.id)
    before = program_snapshot(program, session)
    for key, value in values.model_dump(exclude={"campaign_ids"}).items():
        setattr(program, key, value)
    _set_campaigns(session, program, values.campaign_ids)
    program.updated_at = utcnow()
    _flush("program", program.id, session)
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


_MODELS = {
    "program": Program,
    "collaboration": Collaboration,
    "deliverable": Deliverable,
    "payment": Payment,
}


def _flush(entity: str, entity_id: int, session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        session.rollback()  # the unit of work failed; re-read what the other session saved
        latest = session.get(_MODELS[entity], entity_id)
        raise ConflictError(entity, entity_id, audit.snapshot(latest) if latest else None) from None


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
            raise ValueError(f"use one of {', '.join(FEE_TYPES)}")
        return value

    @field_validator("promo_code", "tracking_url", "notes")
    @classmethod
    def _blank(cls, value: str | None) -> str | None:
        return value or None

    @model_validator(mode="after")
    def _terms(self) -> CollaborationInput:
        problems = []
        if self.fee_type == "commission" and self.commission_rate is None:
            problems.append("commission_rate\ta commission needs its rate in percent")
        if self.fee_type in ("flat", "per_deliverable") and self.fee is None:
            problems.append("fee\ta flat or per-deliverable fee needs an amount (0 is allowed)")
        if self.fee_type == "product_only" and not self.product_value:
            problems.append("product_value\tproduct-only collaborations need the product's value")
        if self.start_date and self.end_date and self.end_date < self.start_date:
            problems.append("end_date\tthe flight ends before it starts")
        if problems:
            raise ValueError("\n".join(problems))
        return self


def get_collaboration(session: Session, collaboration_id: int) -> Collaboration:
    collab = session.get(Collaboration, collaboration_id)
    if collab is None:
        raise NotFound(f"collaboration #{collaboration_id} does not exist")
    return collab


def add_collaboration(
    session: Session, actor: Actor, program_id: int, influencer_id: int, terms: dict[str, Any] | None = None
) -> Collaboration:
    """Put an influencer into a program as a prospect, with a promo code and tracking link from the program."""
    require(actor, "program.edit")
    program = get_program(session, program_id)
    person = session.get(Influencer, influencer_id)
    if person is None or person.merged_into_id is not None:
        raise FieldErrors({"influencer_id": f"influencer #{influencer_id} does not exist or was merged"})
    if person.status == "do_not_contact":
        raise FieldErrors({"influencer_id": f"{person.name} is marked do-not-contact"})
    existing = session.scalar(
        select(Collaboration.id).where(Collaboration.program_id == program.id, Collaboration.influencer_id == person.id)
    )
    if existing is not None:
        raise FieldErrors({"influencer_id": f"{person.name} is already in {program.name} (collaboration #{existing})"})
    values = _parse(CollaborationInput, {"currency": program.currency, "fee": 0, **(terms or {})})
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
    collab = get_collaboration(session, collaboration_id)
    if version_id is not None and collab.version_id != int(version_id):
        raise ConflictError("collaboration", collab.id, audit.snapshot(collab))
    values = _parse(CollaborationInput, terms)
    before = audit.snapshot(collab)
    for key, value in values.model_dump().items():
        setattr(collab, key, value)
    collab.updated_at = utcnow()
    _flush("collaboration", collab.id, session)
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


def move_stage(
    session: Session, actor: Actor, collaboration_id: int, to_stage: str, version_id: int | None = None
) -> Collaboration:
    """Move a collaboration to `to_stage`, recording who and when (StageChange + audit)."""
    require(actor, "program.edit")
    collab = get_collaboration(session, collaboration_id)
    if version_id is not None and collab.version_id != int(version_id):
        raise ConflictError("collaboration", collab.id, audit.snapshot(collab))
    if to_stage not in STAGES:
        raise TransitionError(f"{to_stage!r} is not a stage")
    if to_stage not in allowed_moves(collab.stage):
        raise TransitionError(
            f"A collaboration in {STAGE_LABELS[collab.stage]} cannot move to {STAGE_LABELS[to_stage]}; "
            f"it can move to {', '.join(STAGE_LABELS[s] for s in allowed_moves(collab.stage))}."
        )
    before = audit.snapshot(collab)
    now = utcnow()
    session.add(
        StageChange(collaboration_id=collab.id, from_stage=collab.stage, to_stage=to_stage, at=now, by_user=actor.email)
    )
    from_stage = collab.stage
    collab.stage, collab.stage_changed_at, collab.stage_changed_by = to_stage, now, actor.email
    if to_stage == "contracted" and collab.contract_date is None:
        collab.contract_date = now.date()
    _flush("collaboration", collab.id, session)
    audit.record(
        session,
        actor,
        "stage",
        "collaboration",
        collab.id,
        before=before,
        after=audit.snapshot(collab),
        summary=f"Moved collaboration #{collab.id} from {from_stage} to {to_stage}",
    )
    return collab
