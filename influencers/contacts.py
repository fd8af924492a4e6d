"""Influencer contacts: validation and normalisation, create and edit with conflict checks,
duplicate detection on email or handle, merging two records, and the interactions timeline."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any, cast

import phonenumbers
from babel import Locale
from email_validator import EmailNotValidError, validate_email
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from db import audit
from db.errors import N_, Codes, ConflictError, DomainError, FieldErrors, Message, NotFound
from db.roles import Actor, require
from db.settings import get_setting
from db.types import utcnow
from db.validation import field_errors, pydantic_reason
from db.versioning import bump
from influencers import promo_sales
from influencers.handles import HandleError, normalize_handle, profile_url
from influencers.models import (
    INFLUENCER_STATUSES,
    INTERACTION_CHANNELS,
    PLATFORMS,
    STAGES,
    Collaboration,
    CollaborationReach,
    Deliverable,
    Influencer,
    InfluencerLabel,
    Interaction,
    Payment,
    ProgramCampaign,
    SocialHandle,
    StageChange,
)

CONTACT_FIELDS = (
    "name",
    "email",
    "phone",
    "country",
    "city",
    "language",
    "notes",
    "agency_name",
    "agency_contact",
    "status",
    "owner",
)

NAME_REQUIRED = N_("a name is required")
# Status words people write in Bahasa Indonesia (the codes and their English words work as they are).
STATUS_WORDS = {"aktif": "active", "jangan_dihubungi": "do_not_contact", "jangan_hubungi": "do_not_contact"}


@cache
def _country_names() -> dict[str, str]:
    """Lowercase country names in English and Bahasa Indonesia -> ISO2 code."""
    names: dict[str, str] = {}
    for lang in ("en", "id"):
        for code, name in Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha():
                names[name.lower()] = code
    return names


def normalize_country(raw: str | None) -> str | None:
    """ISO 3166-1 alpha-2 from a code or an English/Indonesian country name."""
    text = (raw or "").strip()
    if not text:
        return None
    if len(text) == 2 and text.upper() in phonenumbers.SUPPORTED_REGIONS:
        return text.upper()
    code = _country_names().get(text.lower())
    if code is None:
        raise DomainError(N_("{value} is not a country (use a 2-letter code such as ID or SG)"), value=repr(text))
    return code


def normalize_email(raw: str | None) -> str | None:
    """Syntax-checked, lowercase e-mail (no DNS look-up)."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        local, at, domain = text.rpartition("@")
        if not at:
            reason = N_("it has no @")
        elif not local:
            reason = N_("nothing comes before the @")
        elif "." not in domain or domain.startswith(".") or domain.endswith("."):
            reason = N_("the part after the @ is not a domain such as example.com")
        else:
            reason = N_("it has characters or a form an e-mail address cannot have")
        # email_validator's own sentences are English; ours are translated on pages.
        raise DomainError(
            N_("{value} is not a valid e-mail address ({reason})"), value=repr(text), reason=Message(reason)
        ) from None


PHONE_REASONS = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: N_("its country code is not one that exists"),
    phonenumbers.NumberParseException.NOT_A_NUMBER: N_("it is not a number"),
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: N_("it is too short"),
    phonenumbers.NumberParseException.TOO_SHORT_NSN: N_("it is too short"),
    phonenumbers.NumberParseException.TOO_LONG: N_("it is too long"),
}


def normalize_phone(raw: str | None, country: str | None, default_country: str | None = None) -> str | None:
    """E.164 (`+6281234567890`), parsed with the contact's country as the default region, else with
    `default_country` (the workspace's, `db.settings` `default_country`) for a local number such as
    `0812-3456-7890`. A number that cannot be read raises a DomainError saying why (never stored half-read)."""
    text = (raw or "").strip()
    if not text:
        return None
    region = country or default_country
    if not region and not text.startswith(("+", "00")):
        raise DomainError(
            N_("{value} has no country code: add the contact's country or write it as +<code> ..."), value=repr(text)
        )
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        reason = PHONE_REASONS.get(exc.error_type, N_("it is not a number"))
        raise DomainError(
            N_("{value} is not a phone number ({reason})"), value=repr(text), reason=Message(reason)
        ) from None
    if not phonenumbers.is_valid_number(number):
        if region and not text.startswith(("+", "00")):
            raise DomainError(N_("{value} is not a valid phone number for {country}"), value=repr(text), country=region)
        raise DomainError(N_("{value} is not a valid phone number"), value=repr(text))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def split_labels(raw: Any) -> list[str]:
    """Niches or tags from a list or a `a, b; c | d` string: trimmed, lowercase, unique, in order."""
    items = raw if isinstance(raw, (list, tuple, set)) else re.split(r"[,;|]", str(raw or ""))
    seen: list[str] = []
    for item in items:
        value = str(item).strip().lower()
        if value and value not in seen:
            seen.append(value)
    return seen


class HandleInput(BaseModel):
    """One social handle with its audience figures."""

    model_config = ConfigDict(str_strip_whitespace=True)

    handle: str
    followers: int | None = Field(default=None, ge=0)
    engagement_rate: Decimal | None = Field(default=None, ge=0, le=100)  # percent
    avg_views: int | None = Field(default=None, ge=0)


class ContactInput(BaseModel):
    """A contact as typed in a form or read from a CSV row, before it is stored."""

    model_config = ConfigDict(str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=200)
    email: str | None = None
    country: str | None = None
    phone: str | None = None  # after country: parsed with the country as the default region
    city: str | None = Field(default=None, max_length=120)
    language: str | None = Field(default=None, max_length=20)
    niches: list[str] = []
    tags: list[str] = []
    notes: str | None = None
    agency_name: str | None = Field(default=None, max_length=200)
    agency_contact: str | None = Field(default=None, max_length=320)
    status: str = "active"
    owner: str | None = Field(default=None, max_length=320)
    handles: dict[str, HandleInput] = {}

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return normalize_email(value)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return normalize_country(value)

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, value: Any) -> str:
        text = str(value or "active").strip().lower().replace("-", "_").replace(" ", "_")
        text = STATUS_WORDS.get(text, text)
        if text not in INFLUENCER_STATUSES:
            raise DomainError(
                N_("{value} is not a status (use one of {choices})"),
                value=repr(value),
                choices=Codes("influencer_status", INFLUENCER_STATUSES),
            )
        return text

    @field_validator("niches", "tags", mode="before")
    @classmethod
    def _labels(cls, value: Any) -> list[str]:
        labels = split_labels(value)
        too_long = [v for v in labels if len(v) > 80]
        if too_long:
            raise DomainError(N_("{value} is longer than 80 characters"), value=repr(too_long[0]))
        return labels

    @field_validator("city", "language", "notes", "agency_name", "agency_contact", "owner", mode="after")
    @classmethod
    def _blank_is_none(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("handles", mode="before")
    @classmethod
    def _handles(cls, value: Any) -> Any:
        """Drop blank handles and normalise the rest (before numbers, so every problem is reported)."""
        if not isinstance(value, dict):
            return value
        kept: dict[str, Any] = {}
        errors: dict[str, Message] = {}
        for platform, item in value.items():
            item = {"handle": item} if isinstance(item, str) else dict(item or {})
            if not str(item.get("handle") or "").strip():
                continue
            try:
                item["handle"] = normalize_handle(platform, str(item["handle"]))
            except HandleError as exc:
                errors[platform] = exc.message
            kept[platform] = item
        if errors:
            raise FieldErrors(errors)  # one reason per platform field
        return kept

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None, info: ValidationInfo) -> str | None:
        if "country" not in info.data:
            return value  # the country itself is wrong; its message comes first
        default = (info.context or {}).get("default_country") if isinstance(info.context, dict) else None
        return normalize_phone(value, info.data["country"], default)

    @field_validator("language", mode="after")
    @classmethod
    def _language(cls, value: str | None) -> str | None:
        return value.lower() if value else None


def parse_contact(data: dict[str, Any] | ContactInput, default_country: str | None = None) -> ContactInput:
    """Validate a contact; raise FieldErrors naming every field and its reason. A local phone number of a
    contact without a country is read in `default_country` (the workspace's, `workspace_country`)."""
    if isinstance(data, ContactInput):
        return data
    try:
        return ContactInput.model_validate(data, context={"default_country": default_country})
    except ValidationError as exc:
        raise FieldErrors(validation_errors(exc)) from None


def workspace_country(session: Session) -> str | None:
    """The workspace's `default_country` setting as an ISO code (None when it is cleared or not a country):
    the region local phone numbers (`0812-...`) are read in for contacts without a country, in forms and imports."""
    try:
        return normalize_country(str(get_setting(session, "default_country") or ""))
    except DomainError:
        return None


def validation_errors(exc: ValidationError) -> dict[str, Message]:
    """pydantic errors -> {field: reason} with our field names (`instagram_followers`, `phone`), translatable."""
    errors: dict[str, Message] = {}
    for item in exc.errors():
        named = field_errors(item)
        if named is not None:
            for name, reason in named.items():
                errors.setdefault(name, reason)
            continue
        loc = [str(p) for p in item["loc"]]
        if loc and loc[0] == "handles":
            name = loc[1] if len(loc) < 3 or loc[2] == "handle" else f"{loc[1]}_{loc[2]}"
        else:
            name = loc[0] if loc else "row"
        if item["type"] in ("missing", "string_too_short") and name == "name":
            errors.setdefault(name, Message(NAME_REQUIRED))
            continue
        errors.setdefault(name, pydantic_reason(item))
    return errors


# -- duplicates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    """An existing influencer that has the same email or handle."""

    influencer_id: int
    name: str
    field: str  # email | instagram | tiktok ...
    value: str


def _live(session: Session, influencer_id: int) -> Influencer:
    """Follow merged_into_id to the record that survives a merge."""
    person = session.get(Influencer, influencer_id)
    seen = set()
    while person is not None and person.merged_into_id is not None and person.id not in seen:
        seen.add(person.id)
        person = session.get(Influencer, person.merged_into_id)
    if person is None:
        raise NotFound(N_("influencer #{id} does not exist"), id=influencer_id)
    return person


def find_duplicates(
    session: Session, email: str | None, handles: dict[str, str], exclude_id: int | None = None
) -> list[Duplicate]:
    """Existing influencers (after merges) sharing `email` or one of the (platform, handle) pairs."""
    found: list[Duplicate] = []
    if email:
        for row in session.execute(select(Influencer.id).where(Influencer.email == email)):
            person = _live(session, row.id)
            found.append(Duplicate(person.id, person.name, "email", email))
    pairs = [(p, h) for p, h in handles.items() if h]
    if pairs:
        stmt = select(SocialHandle.influencer_id, SocialHandle.platform, SocialHandle.handle).where(
            or_(*[and_(SocialHandle.platform == p, SocialHandle.handle == h) for p, h in pairs])
        )
        for hit in session.execute(stmt):
            person = _live(session, hit.influencer_id)
            found.append(Duplicate(person.id, person.name, hit.platform, hit.handle))
    return [d for d in found if d.influencer_id != exclude_id]


def _refuse_duplicates(session: Session, contact: ContactInput, exclude_id: int | None) -> None:
    dups = find_duplicates(session, contact.email, {p: h.handle for p, h in contact.handles.items()}, exclude_id)
    if dups:
        raise FieldErrors(
            {
                d.field: Message(
                    N_("{value} already belongs to {name} (#{id})"),
                    {"value": repr(d.value), "name": d.name, "id": d.influencer_id},
                )
                for d in dups
            }
        )


# -- create and edit ---------------------------------------------------------------------------


def contact_snapshot(person: Influencer) -> dict[str, Any]:
    """The record as people see it: columns plus handles and labels (audit, conflict messages)."""
    values = audit.snapshot(person)
    values["handles"] = {h.platform: h.handle for h in sorted(person.handles, key=lambda h: (h.platform, h.id or 0))}
    values["niches"] = sorted(label.value for label in person.labels if label.kind == "niche")
    values["tags"] = sorted(label.value for label in person.labels if label.kind == "tag")
    return values


def form_values(person: Influencer) -> dict[str, Any]:
    """Values to prefill the edit form with, including the version it was loaded at."""
    values = {f: getattr(person, f) for f in CONTACT_FIELDS}
    values["id"] = person.id
    values["version_id"] = person.version_id
    values["niches"] = [lbl.value for lbl in person.labels if lbl.kind == "niche"]
    values["tags"] = [lbl.value for lbl in person.labels if lbl.kind == "tag"]
    values["handles"] = {
        h.platform: {
            "handle": h.handle,
            "followers": h.followers,
            "engagement_rate": h.engagement_rate,
            "avg_views": h.avg_views,
        }
        for h in person.handles
    }
    return values


def _apply(person: Influencer, contact: ContactInput, *, replace: bool) -> None:
    """Copy validated values onto `person`. `replace=False` (CSV update) keeps what the input leaves blank."""
    for name in CONTACT_FIELDS:
        value = getattr(contact, name)
        if replace or value not in (None, ""):
            if name == "status" and not replace and value == "active" and person.status:
                continue  # a CSV row without a status never reactivates a do-not-contact creator
            setattr(person, name, value)
    _apply_labels(person, "niche", contact.niches, replace)
    _apply_labels(person, "tag", contact.tags, replace)
    _apply_handles(person, contact.handles, replace)


def import_changes(person: Influencer, contact: ContactInput) -> bool:
    """Whether `_apply(person, contact, replace=False)` (an import's update) would change anything: the same
    rules, read without writing, so re-importing identical data says "unchanged" and touches nothing."""
    for name in CONTACT_FIELDS:
        value = getattr(contact, name)
        if value in (None, ""):
            continue
        if name == "status" and value == "active" and person.status:
            continue
        if getattr(person, name) != value:
            return True
    for kind, values in (("niche", contact.niches), ("tag", contact.tags)):
        current = {lbl.value for lbl in person.labels if lbl.kind == kind}
        if any(value not in current for value in values):
            return True
    by_platform: dict[str, SocialHandle] = {}
    for h in person.handles:
        by_platform.setdefault(h.platform, h)
    for platform, item in contact.handles.items():
        handle = by_platform.get(platform)
        if handle is None or handle.handle != item.handle:
            return True
        metrics = {"followers": item.followers, "engagement_rate": item.engagement_rate, "avg_views": item.avg_views}
        if any(value is not None and _metric_differs(getattr(handle, key), value) for key, value in metrics.items()):
            return True
    return False


def _metric_differs(old: Any, new: Any) -> bool:
    if old is None:
        return True
    return Decimal(str(old)) != Decimal(str(new))


def import_update(person: Influencer, contact: ContactInput) -> bool:
    """Apply an import row to an existing contact (blanks keep what is stored); when anything changed, the
    version moves on (`db.versioning.bump`), also for handle- or tag-only changes, so an edit form opened before
    the import is refused instead of saving over it. Returns whether it changed."""
    if not import_changes(person, contact):
        return False
    _apply(person, contact, replace=False)
    person.updated_at = utcnow()
    bump(person)
    return True


def _apply_labels(person: Influencer, kind: str, values: list[str], replace: bool) -> None:
    current = {lbl.value: lbl for lbl in person.labels if lbl.kind == kind}
    for value in values:
        if value not in current:
            person.labels.append(InfluencerLabel(kind=kind, value=value))
    if replace:
        for value, lbl in current.items():
            if value not in values:
                person.labels.remove(lbl)


def _apply_handles(person: Influencer, handles: dict[str, HandleInput], replace: bool) -> None:
    by_platform: dict[str, SocialHandle] = {}
    for h in person.handles:
        by_platform.setdefault(h.platform, h)
    now = utcnow()
    for platform, item in handles.items():
        current = by_platform.get(platform)
        if current is None or current.handle != item.handle:
            if current is not None and replace:
                person.handles.remove(current)
            current = SocialHandle(
                platform=platform, handle=item.handle, profile_url=profile_url(platform, item.handle)
            )
            person.handles.append(current)
        metrics = {"followers": item.followers, "engagement_rate": item.engagement_rate, "avg_views": item.avg_views}
        changed = False
        for key, value in metrics.items():
            if value is None and not replace:
                continue
            if getattr(current, key) != value:
                setattr(current, key, value)
                changed = True
        if changed:
            current.metrics_updated_at = now
    if replace:
        for platform, h in by_platform.items():
            if platform not in handles and h in person.handles:
                person.handles.remove(h)


def create_influencer(session: Session, actor: Actor, data: dict[str, Any] | ContactInput) -> Influencer:
    """Add a contact; refuses invalid fields and duplicates (same email or handle) with field reasons."""
    require(actor, "influencer.edit")
    contact = parse_contact(data, workspace_country(session))
    _refuse_duplicates(session, contact, None)
    person = Influencer(name=contact.name, status=contact.status, handles=[], labels=[])
    _apply(person, contact, replace=True)
    if not person.owner:
        person.owner = actor.email
    session.add(person)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "influencer",
        person.id,
        after=contact_snapshot(person),
        summary=f"Added influencer {person.name}",
    )
    return person


def get_influencer(session: Session, influencer_id: int) -> Influencer:
    person = session.get(Influencer, influencer_id)
    if person is None:
        raise NotFound(N_("influencer #{id} does not exist"), id=influencer_id)
    return person


def _check_version(entity: str, obj: Any, version_id: int | None, latest: dict[str, Any]) -> None:
    if version_id is not None and obj.version_id != int(version_id):
        raise ConflictError(entity, obj.id, latest)


def update_influencer(
    session: Session, actor: Actor, influencer_id: int, data: dict[str, Any] | ContactInput, version_id: int | None
) -> Influencer:
    """Save an edit made on the version `version_id`; a newer saved version refuses it (ConflictError)."""
    require(actor, "influencer.edit")
    person = get_influencer(session, influencer_id)
    _check_version("influencer", person, version_id, contact_snapshot(person))
    if person.merged_into_id is not None:
        raise NotFound(
            N_("influencer #{id} was merged into #{target}; edit that record"),
            id=influencer_id,
            target=person.merged_into_id,
        )
    contact = parse_contact(data, workspace_country(session))
    _refuse_duplicates(session, contact, person.id)
    before = contact_snapshot(person)
    _apply(person, contact, replace=True)
    person.updated_at = utcnow()  # bumps the version even when only handles or labels changed
    try:
        session.flush()
    except StaleDataError:
        session.rollback()  # the unit of work failed; re-read what the other session saved
        latest = session.get(Influencer, influencer_id)
        raise ConflictError("influencer", influencer_id, contact_snapshot(latest) if latest else None) from None
    audit.record(
        session,
        actor,
        "update",
        "influencer",
        person.id,
        before=before,
        after=contact_snapshot(person),
        summary=f"Edited influencer {person.name}",
    )
    return person


# -- merge -------------------------------------------------------------------------------------


@dataclass
class MergeReport:
    """What a merge moved, and how same-program collaborations were combined."""

    kept_id: int
    merged_id: int
    moved: dict[str, int] = field(default_factory=dict)
    combined_collaborations: list[str] = field(default_factory=list)


def _stage_rank(stage: str) -> int:
    return -1 if stage == "declined" else STAGES.index(stage)


def merge_influencers(session: Session, actor: Actor, keep_id: int, merge_id: int) -> MergeReport:
    """Merge `merge_id` into `keep_id`: every handle, label, interaction, collaboration and payment moves
    to the kept record, blanks on the kept record are filled from the other, and the other record stays
    (marked merged_into_id) so old links still resolve.

    Two collaborations in the same program cannot both exist for one person: the one further along the
    pipeline is kept (declined counts lowest); the other's deliverables, payments, stage history and linked
    campaigns move onto it and its terms are written into the kept collaboration's notes. Follower counts at
    contract (`influencers.reach`) stay with their collaboration; the other's move onto the kept one only when it
    has none (as its blank terms are filled)."""
    require(actor, "influencer.edit")
    if keep_id == merge_id:
        raise FieldErrors({"merge": Message(N_("choose two different influencers"))})
    keep, other = get_influencer(session, keep_id), get_influencer(session, merge_id)
    if keep.merged_into_id is not None or other.merged_into_id is not None:
        raise FieldErrors(
            {"merge": Message(N_("one of these records was already merged; merge the surviving record instead"))}
        )
    before = {"kept": contact_snapshot(keep), "merged": contact_snapshot(other)}
    report = MergeReport(kept_id=keep.id, merged_id=other.id)

    email = other.email
    for name in CONTACT_FIELDS:
        if getattr(keep, name) in (None, "") and getattr(other, name) not in (None, ""):
            if name == "email":
                other.email = None
                session.flush()  # the e-mail is unique: free it before the kept record takes it
                keep.email = email
            else:
                setattr(keep, name, getattr(other, name))
    if other.notes and keep.notes != other.notes and keep.notes and other.notes not in keep.notes:
        keep.notes = f"{keep.notes}\n\n[merged from #{other.id}] {other.notes}"
    if other.status == "do_not_contact":
        keep.status = "do_not_contact"  # the safer of the two

    moved_handles = list(other.handles)
    for h in moved_handles:
        other.handles.remove(h)
        keep.handles.append(h)
    report.moved["handles"] = len(moved_handles)
    have = {(lbl.kind, lbl.value) for lbl in keep.labels}
    labels = 0
    for lbl in list(other.labels):
        if (lbl.kind, lbl.value) not in have:
            keep.labels.append(InfluencerLabel(kind=lbl.kind, value=lbl.value))
            have.add((lbl.kind, lbl.value))
            labels += 1
    report.moved["labels"] = labels
    session.flush()

    result = session.execute(
        update(Interaction).where(Interaction.influencer_id == other.id).values(influencer_id=keep.id)
    )
    report.moved["interactions"] = cast(CursorResult[Any], result).rowcount or 0

    kept_collabs = {
        c.program_id: c for c in session.scalars(select(Collaboration).where(Collaboration.influencer_id == keep.id))
    }
    moved_collabs = payments = 0
    for collab in list(session.scalars(select(Collaboration).where(Collaboration.influencer_id == other.id))):
        payments += len(collab.payments)
        mine = kept_collabs.get(collab.program_id)
        if mine is None:
            collab.influencer_id = keep.id
            moved_collabs += 1
            continue
        winner, loser = (mine, collab) if _stage_rank(mine.stage) >= _stage_rank(collab.stage) else (collab, mine)
        _combine_collaborations(session, winner, loser)
        if winner is collab:
            session.flush()
            collab.influencer_id = keep.id
        report.combined_collaborations.append(
            f"program #{collab.program_id}: kept collaboration #{winner.id} ({winner.stage}); "
            f"#{loser.id} ({loser.stage}) was folded into it with its deliverables, payments and history"
        )
        moved_collabs += 1
    report.moved["collaborations"] = moved_collabs
    report.moved["payments"] = payments

    other.merged_into_id = keep.id
    keep.updated_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "merge",
        "influencer",
        keep.id,
        before=before,
        after={
            "kept": contact_snapshot(keep),
            "merged_into_id": keep.id,
            "moved": report.moved,
            "combined": report.combined_collaborations,
        },
        summary=f"Merged influencer #{other.id} into #{keep.id} ({keep.name})",
    )
    return report


def _combine_collaborations(session: Session, winner: Collaboration, loser: Collaboration) -> None:
    """Move everything of `loser` onto `winner`, keep `loser`'s terms in the notes, delete `loser`."""
    promo_sales.move_sales(session, loser, winner)  # before anything moves: it may refuse the merge
    for model in (Deliverable, Payment):  # records people edit: their version moves on, so open forms notice
        session.execute(
            update(model)
            .where(model.collaboration_id == loser.id)
            .values(collaboration_id=winner.id, version_id=model.version_id + 1)
        )
    session.execute(
        update(StageChange).where(StageChange.collaboration_id == loser.id).values(collaboration_id=winner.id)
    )
    session.execute(
        update(ProgramCampaign).where(ProgramCampaign.collaboration_id == loser.id).values(collaboration_id=winner.id)
    )
    if session.scalar(select(CollaborationReach.id).where(CollaborationReach.collaboration_id == winner.id)) is None:
        session.execute(
            update(CollaborationReach)
            .where(CollaborationReach.collaboration_id == loser.id)
            .values(collaboration_id=winner.id)
        )
    terms = (
        f"[merged collaboration #{loser.id}] stage {loser.stage}, fee type {loser.fee_type}, "
        f"fee {loser.fee if loser.fee is not None else '-'} {loser.currency}, "
        f"product value {loser.product_value if loser.product_value is not None else '-'}, "
        f"promo code {loser.promo_code or '-'}, tracking link {loser.tracking_url or '-'}"
    )
    if loser.notes:
        terms += f", notes: {loser.notes}"
    winner.notes = f"{winner.notes}\n{terms}" if winner.notes else terms
    for name in (
        "fee",
        "product_value",
        "commission_rate",
        "contract_date",
        "promo_code",
        "tracking_url",
        "start_date",
        "end_date",
    ):
        if (
            getattr(winner, name) is None
            and getattr(loser, name) is not None
            and (name not in ("fee", "product_value") or loser.currency == winner.currency)
        ):
            setattr(winner, name, getattr(loser, name))
    session.flush()
    session.expire(winner, ["deliverables", "payments"])
    session.delete(loser)
    session.flush()


# -- interactions ------------------------------------------------------------------------------


def add_interaction(
    session: Session,
    actor: Actor,
    influencer_id: int,
    channel: str,
    summary: str,
    at: dt.datetime | None = None,
) -> Interaction:
    """Log a touch point on the influencer's timeline (by whom = the actor)."""
    require(actor, "influencer.edit")
    person = get_influencer(session, influencer_id)
    errors = {}
    if channel not in INTERACTION_CHANNELS:
        errors["channel"] = Message(
            N_("{value} is not a channel; use one of {choices}"),
            {"value": repr(channel), "choices": Codes("interaction_channel", INTERACTION_CHANNELS)},
        )
    if not (summary or "").strip():
        errors["summary"] = Message(N_("write what happened"))
    if at is not None and at.tzinfo is None:
        errors["at"] = Message(N_("the time needs a time zone"))
    if errors:
        raise FieldErrors(errors)
    item = Interaction(
        influencer_id=person.id, channel=channel, summary=summary.strip(), by_user=actor.email, at=at or utcnow()
    )
    session.add(item)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "interaction",
        item.id,
        after=audit.snapshot(item),
        summary=f"Logged a {channel} interaction with {person.name}",
    )
    return item


__all__ = [
    "PLATFORMS",
    "ContactInput",
    "Duplicate",
    "HandleInput",
    "MergeReport",
    "add_interaction",
    "create_influencer",
    "find_duplicates",
    "form_values",
    "merge_influencers",
    "normalize_country",
    "normalize_email",
    "normalize_phone",
    "parse_contact",
    "update_influencer",
    "workspace_country",
]
