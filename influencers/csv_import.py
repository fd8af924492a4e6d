"""Contact import from CSV: decoding, header recognition (English and Bahasa Indonesia), a preview of
every problem by row, field and reason, duplicates with update-or-skip, and one commit of the valid rows."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db import audit
from db.errors import FieldErrors
from db.roles import Actor, require
from db.types import utcnow
from influencers.contacts import CONTACT_FIELDS, ContactInput, _apply, validation_errors
from influencers.handles import profile_url
from influencers.models import PLATFORMS, Influencer, InfluencerLabel, SocialHandle

# Field -> header names recognised automatically (compared case-insensitively, spaces/_/- ignored).
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "nama",
        "full name",
        "nama lengkap",
        "influencer",
        "creator",
        "kreator",
        "creator name",
        "influencer name",
        "nama kreator",
        "nama influencer",
    ),
    "email": ("email", "e-mail", "surel", "email address", "alamat email"),
    "phone": ("phone", "telepon", "telp", "no hp", "nomor hp", "hp", "whatsapp", "wa", "mobile", "phone number"),
    "country": ("country", "negara"),
    "city": ("city", "kota"),
    "language": ("language", "bahasa"),
    "niches": ("niche", "niches", "kategori", "category", "categories", "ceruk"),
    "tags": ("tags", "tag", "label", "labels"),
    "notes": ("notes", "note", "catatan", "keterangan"),
    "agency_name": ("agency", "agensi", "agency name", "management", "manajemen"),
    "agency_contact": ("agency contact", "kontak agensi", "manager contact"),
    "status": ("status",),
    "owner": ("owner", "pemilik", "pic"),
    "instagram": ("instagram", "ig", "instagram handle"),
    "tiktok": ("tiktok", "tik tok", "tiktok handle"),
    "youtube": ("youtube", "yt", "youtube channel"),
    "facebook": ("facebook", "fb"),
    "x": ("x", "twitter", "x twitter"),
    "linkedin": ("linkedin",),
    "twitch": ("twitch",),
    "other": ("other", "website", "lainnya", "situs"),
    "followers": ("followers", "pengikut", "follower", "jumlah pengikut"),
    "engagement_rate": ("engagement rate", "engagement", "er", "tingkat engagement"),
    "avg_views": ("avg views", "average views", "rata rata views", "rata-rata tayangan", "views"),
}
for _platform in PLATFORMS:
    HEADER_ALIASES[f"{_platform}_followers"] = (f"{_platform} followers", f"pengikut {_platform}")
FIELDS = tuple(HEADER_ALIASES)
NUMBER_FIELDS = ("followers", "avg_views")
ON_DUPLICATE = ("update", "skip")
BATCH = 2000


class ImportFileError(ValueError):
    """The file cannot be read at all (encoding, no header, no name column)."""


def _key(text: str) -> str:
    return re.sub(r"[\s_\-]+", " ", text.strip().lower()).strip()


_ALIAS_INDEX = {_key(alias): name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


@dataclass(frozen=True)
class Problem:
    row: int  # line number in the file (the header is line 1)
    field: str
    reason: str


@dataclass
class RowPlan:
    row: int
    contact: ContactInput | None
    action: str = "import"  # import | update | skip | reject
    existing_id: int | None = None
    existing_name: str | None = None
    matched_on: str | None = None


@dataclass
class ImportPreview:
    """What an import would do; `apply_import` commits exactly this."""

    header_map: dict[str, str]  # column -> field
    ignored_columns: list[str]
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","

    def counts(self) -> dict[str, int]:
        out = {"imported": 0, "updated": 0, "skipped": 0, "rejected": 0}
        for plan in self.rows:
            out[{"import": "imported", "update": "updated", "skip": "skipped", "reject": "rejected"}[plan.action]] += 1
        return out

    @property
    def duplicates(self) -> list[RowPlan]:
        return [p for p in self.rows if p.existing_id is not None and p.action != "reject"]


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding: UTF-8 with or without BOM, else Latin-1 (which every byte string decodes)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    """`;` when the header line has more semicolons than commas (Excel in id_ID writes `;`)."""
    first = text.split("\n", 1)[0]
    return ";" if first.count(";") > first.count(",") else ","


def parse_mapping(items: list[str] | None) -> dict[str, str]:
    """`["Nama IG=instagram", ...]` -> {column: field}; unknown fields are refused."""
    mapping: dict[str, str] = {}
    for item in items or []:
        column, sep, target = item.partition("=")
        target = target.strip().lower()
        if not sep or not column.strip():
            raise ImportFileError(f"--map {item!r}: write it as COLUMN=field")
        if target not in FIELDS and target != "ignore":
            raise ImportFileError(f"--map {item!r}: {target!r} is not a field (fields: {', '.join(FIELDS)}, ignore)")
        mapping[column.strip()] = target
    return mapping


def recognise_headers(headers: list[str], mapping: dict[str, str] | None = None) -> tuple[dict[str, str], list[str]]:
    """Columns -> fields (explicit mapping first, then the known names); the columns left unused."""
    explicit = {_key(k): v for k, v in (mapping or {}).items()}
    header_map: dict[str, str] = {}
    ignored: list[str] = []
    taken: set[str] = set()
    for column in headers:
        target = explicit.get(_key(column)) or _ALIAS_INDEX.get(_key(column))
        if target and target != "ignore" and target not in taken:
            header_map[column] = target
            taken.add(target)
        else:
            ignored.append(column)
    return header_map, ignored


def _number(raw: str) -> int:
    text = raw.strip().lower().replace(" ", "")
    factor = 1
    for suffix, mult in (("k", 1_000), ("rb", 1_000), ("jt", 1_000_000), ("m", 1_000_000)):
        if text.endswith(suffix):
            text, factor = text[: -len(suffix)], mult
            break
    if factor == 1:
        text = text.replace(",", "").replace(".", "") if re.fullmatch(r"\d{1,3}([.,]\d{3})+", text) else text
    value = Decimal(text.replace(",", ".")) * factor
    if value != value.to_integral_value():
        raise InvalidOperation
    return int(value)


def row_to_contact(values: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """CSV values by field -> (contact data for ContactInput, number problems)."""
    data: dict[str, Any] = {}
    problems: dict[str, str] = {}
    numbers: dict[str, Any] = {}
    for name in ("followers", "avg_views", *[f"{p}_followers" for p in PLATFORMS]):
        raw = (values.get(name) or "").strip()
        if raw:
            try:
                numbers[name] = _number(raw)
                if numbers[name] < 0:
                    raise InvalidOperation
            except (InvalidOperation, ValueError):
                problems[name] = f"{raw!r} is not a whole number of {name.split('_')[-1].replace('avg', 'views')}"
    raw_er = (values.get("engagement_rate") or "").strip().rstrip("%").replace(",", ".")
    engagement = None
    if raw_er:
        try:
            engagement = Decimal(raw_er)
            if not 0 <= engagement <= 100:
                raise InvalidOperation
        except InvalidOperation:
            problems["engagement_rate"] = f"{values['engagement_rate']!r} is not a percentage between 0 and 100"
    for name in (
        "name",
        "email",
        "phone",
        "country",
        "city",
        "language",
        "niches",
        "tags",
        "notes",
        "agency_name",
        "agency_contact",
        "owner",
        "status",
    ):
        raw = (values.get(name) or "").strip()
        if raw:
            data[name] = raw
    handles: dict[str, dict[str, Any]] = {}
    for platform in PLATFORMS:
        raw = (values.get(platform) or "").strip()
        if raw:
            handles[platform] = {"handle": raw, "followers": numbers.get(f"{platform}_followers")}
    # Generic Followers / ER / views columns describe the first handle of the row (platform order).
    if handles:
        first = handles[next(iter(handles))]
        if first["followers"] is None:
            first["followers"] = numbers.get("followers")
        first["engagement_rate"] = engagement
        first["avg_views"] = numbers.get("avg_views")
    elif any(k in numbers for k in ("followers", "avg_views")) or engagement is not None:
        problems.setdefault("followers", "followers, engagement or views need a handle column in the same row")
    data["handles"] = handles
    return data, problems


def preview_import(
    session: Session,
    data: bytes,
    *,
    mapping: dict[str, str] | None = None,
    on_duplicate: str = "update",
    progress: Callable[[int, int], None] | None = None,
) -> ImportPreview:
    """Read and check the whole file without writing anything."""
    if on_duplicate not in ON_DUPLICATE:
        raise ImportFileError(f"on-duplicate must be update or skip, not {on_duplicate!r}")
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ImportFileError("the file is empty (no header row)") from None
    header_map, ignored = recognise_headers(headers, mapping)
    if "name" not in header_map.values():
        raise ImportFileError(
            f"no column is recognised as the name (columns: {', '.join(headers)}); "
            "name it Name or Nama, or map it with --map COLUMN=name"
        )
    preview = ImportPreview(header_map=header_map, ignored_columns=ignored, encoding=encoding, delimiter=delimiter)
    index = {i: header_map[h] for i, h in enumerate(headers) if h in header_map}
    existing_email, existing_handle = _existing_keys(session)
    seen_email: dict[str, int] = {}
    seen_handle: dict[tuple[str, str], int] = {}
    lines = list(reader)
    for offset, cells in enumerate(lines):
        line = offset + 2
        if progress and offset % 500 == 0:
            progress(offset, len(lines))
        if not any(c.strip() for c in cells):
            continue  # a blank line is not a row
        row_problems: dict[str, str] = {}
        if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers) :]):
            row_problems["row"] = f"{len(cells)} values but the header has {len(headers)} columns"
        values = {index[i]: c for i, c in enumerate(cells) if i in index}
        contact_data, number_problems = row_to_contact(values)
        row_problems.update(number_problems)
        contact: ContactInput | None = None
        try:
            contact = ContactInput.model_validate(contact_data)
        except ValidationError as exc:
            for name, reason in validation_errors(exc).items():
                row_problems.setdefault(name, reason)
        plan = RowPlan(row=line, contact=contact)
        if contact is not None and not row_problems:
            _match(plan, contact, row_problems, existing_email, existing_handle, seen_email, seen_handle, session)
        if row_problems:
            plan.action, plan.contact = "reject", None
            preview.problems += [Problem(line, f, r) for f, r in row_problems.items()]
        elif plan.existing_id is not None:
            plan.action = on_duplicate
        preview.rows.append(plan)
    if progress:
        progress(len(lines), len(lines))
    return preview


def _existing_keys(session: Session) -> tuple[dict[str, tuple[int, str]], dict[tuple[str, str], tuple[int, str]]]:
    """Every stored email and handle -> (surviving influencer id, name), read once for the whole file."""
    merged = dict(session.execute(select(Influencer.id, Influencer.merged_into_id)).all())
    names = dict(session.execute(select(Influencer.id, Influencer.name)).all())

    def live(pid: int) -> tuple[int, str]:
        hops = 0
        while merged.get(pid) is not None and hops < 20:
            pid, hops = merged[pid], hops + 1
        return pid, names[pid]

    emails = {e: live(i) for i, e in session.execute(select(Influencer.id, Influencer.email)) if e}
    handles = {
        (p, h): live(i)
        for i, p, h in session.execute(select(SocialHandle.influencer_id, SocialHandle.platform, SocialHandle.handle))
    }
    return emails, handles


def _match(plan, contact, problems, existing_email, existing_handle, seen_email, seen_handle, session) -> None:
    keys: list[tuple[str, Any]] = []
    if contact.email:
        keys.append(("email", contact.email))
    keys += [(p, (p, h.handle)) for p, h in contact.handles.items()]
    for name, key in keys:
        seen = seen_email if name == "email" else seen_handle
        if key in seen:
            value = key if name == "email" else key[1]
            problems[name] = f"{value!r} is also in row {seen[key]} of this file"
    matches: dict[int, tuple[str, str]] = {}
    for name, key in keys:
        hit = existing_email.get(key) if name == "email" else existing_handle.get(key)
        if hit is not None:
            matches.setdefault(hit[0], (hit[1], name))
    if len(matches) > 1:
        who = " and ".join(f"{n} (#{i}, by {f})" for i, (n, f) in matches.items())
        problems["row"] = f"matches two different influencers, {who}; merge them first"
    elif matches:
        plan.existing_id, (plan.existing_name, plan.matched_on) = next(iter(matches.items()))
    if not problems:
        for name, key in keys:
            (seen_email if name == "email" else seen_handle)[key] = plan.row


def _insert_new(session: Session, actor: Actor, contacts: list[ContactInput]) -> None:
    """Bulk-insert new contacts with their handles and labels (Core inserts: 10,000 rows in seconds)."""
    if not contacts:
        return
    now = utcnow()
    rows = []
    for contact in contacts:
        row = {name: getattr(contact, name) for name in CONTACT_FIELDS}
        row["owner"] = row["owner"] or actor.email
        rows.append(row)
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        result = session.execute(
            insert(Influencer.__table__).returning(Influencer.__table__.c.id, sort_by_parameter_order=True),
            rows[start : start + BATCH],
        )
        ids += list(result.scalars())
    handles, labels = [], []
    for pid, contact in zip(ids, contacts, strict=True):
        for platform, item in contact.handles.items():
            measured = any(v is not None for v in (item.followers, item.engagement_rate, item.avg_views))
            handles.append(
                {
                    "influencer_id": pid,
                    "platform": platform,
                    "handle": item.handle,
                    "profile_url": profile_url(platform, item.handle),
                    "followers": item.followers,
                    "engagement_rate": item.engagement_rate,
                    "avg_views": item.avg_views,
                    "metrics_updated_at": now if measured else None,
                }
            )
        labels += [{"influencer_id": pid, "kind": "niche", "value": v} for v in contact.niches]
        labels += [{"influencer_id": pid, "kind": "tag", "value": v} for v in contact.tags]
    for model, items in ((SocialHandle, handles), (InfluencerLabel, labels)):
        for start in range(0, len(items), BATCH):
            session.execute(insert(model.__table__), items[start : start + BATCH])


def apply_import(
    session: Session, actor: Actor, preview: ImportPreview, *, source: str = "csv", dry_run: bool = False
) -> dict[str, int]:
    """Write the previewed valid rows in the caller's transaction (all or nothing); returns the counts."""
    require(actor, "influencer.edit")
    counts = preview.counts()
    if dry_run:
        return counts
    new = [plan.contact for plan in preview.rows if plan.action == "import"]
    try:
        _insert_new(session, actor, new)
        for plan in preview.rows:
            if plan.action == "update":
                _apply(session.get(Influencer, plan.existing_id), plan.contact, replace=False)
        session.flush()
    except IntegrityError as exc:  # e.g. a concurrent writer took an email or handle since the preview
        reason = str(getattr(exc, "orig", exc)).splitlines()[0][:200]
        raise FieldErrors({"import": f"the database refused the rows ({reason}); preview the file again"}) from exc
    audit.record(
        session,
        actor,
        "import",
        "influencer",
        None,
        after={**counts, "source": source, "problems": len(preview.problems)},
        summary=(
            f"Imported influencers from {source}: {counts['imported']} new, {counts['updated']} updated, "
            f"{counts['skipped']} skipped, {counts['rejected']} rejected"
        ),
    )
    return counts
