"""Influencers: the CRM directory with search and filters, add/edit forms, the detail view with
handles, collaborations, interactions and results, CSV import, merging duplicates and the fee benchmarks of the
team's own programs."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from db.engine import session_scope
from db.errors import N_, DomainError, Message
from db.parse import ParseError, format_count, format_percent
from db.tabular import DEFAULT_LIMITS, MB
from influencers import contacts, csv_import, queries, roi
from influencers.models import INFLUENCER_STATUSES, INTERACTION_CHANNELS, PLATFORMS
from pages.components.auth import require_page
from pages.components.budget_widgets import tile
from pages.components.column_picker import column_pickers
from pages.components.data import CACHE_TTL, clear_caches, db_key, moment_values, today
from pages.components.empty import empty_state
from pages.components.fee_benchmarks import benchmarks_tab
from pages.components.i18n import _, current_language, current_locale, picker_format
from pages.components.influencer_forms import (
    field_error,
    flash,
    fmt,
    form_feedback,
    load_form,
    refuse,
    reload_form,
    run_action,
    value,
)
from pages.components.inputs import count_input, error_text, message_text, percent_input, read_count, read_percent
from pages.components.money import money, number
from pages.components.program_results import results_text
from pages.components.table_dates import dated_table
from pages.components.terms import (
    CHANNEL_LABELS,
    COLUMN_LABELS,
    column_labels,
    field_label,
    handles_text,
    is_missing,
    labelled,
    platform_label,
    term,
)

actor = require_page("influencers")
can_edit = actor.can("influencer.edit")
st.title(_("Influencers"))
st.caption(_("Creators you work with: contacts, handles, followers, collaborations and results."))
flash()

TIER_LABELS = {
    "nano": _("Nano (under 10k)"),
    "micro": _("Micro (10k to 100k)"),
    "mid": _("Mid (100k to 500k)"),
    "macro": _("Macro (500k to 1M)"),
    "mega": _("Mega (1M and more)"),
}
STATUS_LABELS = {"active": _("Active"), "do_not_contact": _("Do not contact")}
# The directory's orders (`queries.SORTS`) in the user's words, never their codes ("name", "updated").
SORT_LABELS = {
    "name": _("Name"),
    "followers": _("Followers"),
    "country": _("Country"),
    "status": _("Status"),
    "updated": _("Last changed"),
}


def _sort_chosen() -> None:
    """Choosing an order sets its usual direction (followers: largest first, the rest A to Z); the toggle then
    stays as the user sets it. A widget's `value=` only counts on its first run, so it cannot do this."""
    st.session_state["inf_desc"] = st.session_state["inf_sort"] == "followers"


# A figure typed beside a platform whose handle is empty: the service keeps figures with a handle only.
FIGURE_NEEDS_HANDLE = N_("type the handle too; followers and engagement are kept with a handle")
METRICS = ("followers", "engagement_rate")

CONTACT_KEYS = ("name", "email", "phone", "country", "city", "language", "agency_name", "agency_contact", "owner")


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _with_moments(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """`frame` with its stored (UTC) timestamps in `column` as moments the table shows in the workspace zone."""
    return frame.assign(**{column: moment_values(frame[column]).set_axis(frame.index)})


def _directory(key: str, filters: tuple, sort: str, descending: bool):  # key: the database (cache key)
    with session_scope() as session:
        return queries.influencer_directory(session, sort=sort, descending=descending, **dict(filters))


@st.cache_data(ttl=CACHE_TTL, show_spinner=False)
def _options(key: str):
    with session_scope() as session:
        return queries.filter_options(session), queries.influencer_count(session)


def _contact_data(form: str) -> dict | None:
    """The form's widgets as service input; None, with each figure's reason kept for its field, when a follower
    count or engagement rate is not understood (read by the rule the fields show: `db.parse`, the user's locale)
    or is typed without its handle: nothing is saved then."""
    data = {k: value(form, k) for k in CONTACT_KEYS}
    data["notes"] = value(form, "notes")
    data["status"] = value(form, "status") or "active"
    data["niches"] = value(form, "niches") or ""
    data["tags"] = value(form, "tags") or ""
    handles: dict[str, dict] = {}
    errors: dict[str, Message] = {}
    for p in PLATFORMS:
        handle = str(value(form, f"{p}_handle") or "")
        item: dict = {"handle": handle}
        for metric, read in (("followers", read_count), ("engagement_rate", read_percent)):
            try:
                item[metric] = read(f"{form}_{p}_{metric}")
            except ParseError as exc:
                errors[f"{p}_{metric}"] = exc.message
                continue
            if item[metric] is not None and not handle.strip():
                errors[f"{p}_{metric}"] = Message(FIGURE_NEEDS_HANDLE)
        handles[p] = item
    if errors:
        refuse(form, errors)
        return None
    data["handles"] = handles
    return data


def _contact_labels() -> dict[str, str]:
    """Every contact field's label in the user's language (form-wide messages name fields by it, not its code)."""
    names = [*csv_import.FIELDS, *(f"{p}_{m}" for p in PLATFORMS for m in ("followers", "engagement_rate"))]
    return {name: field_label(name) for name in names}


def _field_error(form: str, *fields: str) -> None:
    """The shared field message, naming each field by its label in the user's language, never by its code."""
    field_error(form, *fields, labels={name: field_label(name) for name in fields})


def _contact_fields(form: str) -> None:
    """The contact widgets (inside an st.form), each with its field-level message."""
    left, right = st.columns(2)
    with left:
        st.text_input(_("Name"), key=f"{form}_name")
        _field_error(form, "name")
        st.text_input(_("Email"), key=f"{form}_email")
        _field_error(form, "email")
        st.text_input(
            _("Phone"),
            key=f"{form}_phone",
            help=_("Local numbers such as 0812-3456-7890 use the country below, else the workspace's country."),
        )
        _field_error(form, "phone")
        st.text_input(_("Country (ISO code, e.g. ID)"), key=f"{form}_country")
        _field_error(form, "country")
        st.text_input(_("City"), key=f"{form}_city")
        _field_error(form, "city")
        st.text_input(_("Language"), key=f"{form}_language")
    with right:
        st.text_input(_("Niches (comma separated)"), key=f"{form}_niches")
        _field_error(form, "niches")
        st.text_input(_("Tags (comma separated)"), key=f"{form}_tags")
        _field_error(form, "tags")
        st.selectbox(
            _("Status"), INFLUENCER_STATUSES, key=f"{form}_status", format_func=lambda s: STATUS_LABELS.get(s, s)
        )
        st.text_input(_("Owner (email)"), key=f"{form}_owner")
        st.text_input(_("Agency"), key=f"{form}_agency_name")
        st.text_input(_("Agency or manager contact"), key=f"{form}_agency_contact")
    st.text_area(_("Notes"), key=f"{form}_notes")
    st.write(_("Social handles: type the handle or paste the profile address."))
    for platform in PLATFORMS:
        a, b, c = st.columns([3, 2, 2])
        a.text_input(platform_label(platform), key=f"{form}_{platform}_handle")
        # typed the user's way (1.250.000 and 3,5 in Bahasa Indonesia); a refusal is said under its field, which
        # the message names with its platform ("Pengikut (Instagram)")
        read = {
            f"{platform}_followers": count_input(
                _("Followers"),
                key=f"{form}_{platform}_followers",
                field=field_label(f"{platform}_followers"),
                container=b,
            ),
            f"{platform}_engagement_rate": percent_input(
                _("Engagement rate %"),
                key=f"{form}_{platform}_engagement_rate",
                field=field_label(f"{platform}_engagement_rate"),
                container=c,
            ),
        }
        refused_there = {name for name, got in read.items() if got is None and value(form, name)}
        _field_error(form, platform, *(name for name in read if name not in refused_there))


def _blank_values() -> dict:
    values = dict.fromkeys((*CONTACT_KEYS, "notes", "niches", "tags"), "")
    values["status"] = "active"
    for p in PLATFORMS:
        values.update({f"{p}_handle": "", f"{p}_followers": "", f"{p}_engagement_rate": ""})
    return values


def _values_of(form_data: dict) -> dict:
    values = {k: form_data.get(k) or "" for k in (*CONTACT_KEYS, "notes")}
    values["status"] = form_data["status"]
    values["niches"] = ", ".join(form_data["niches"])
    values["tags"] = ", ".join(form_data["tags"])
    for p in PLATFORMS:
        h = form_data["handles"].get(p) or {}
        values[f"{p}_handle"] = h.get("handle") or ""
        # as the user writes numbers (1.250.000 and 3,5 in Bahasa Indonesia), read back by the same rule
        followers, rate = h.get("followers"), h.get("engagement_rate")
        values[f"{p}_followers"] = "" if followers is None else format_count(int(followers), current_locale())
        values[f"{p}_engagement_rate"] = "" if rate is None else format_percent(rate, current_locale())
    return values


def _influencer_named(influencer_id: int) -> str:
    """A typed record number as the influencer it names: `Ayu Lestari (#12)`."""
    with session_scope() as session:
        person = session.get(contacts.Influencer, influencer_id)
        name = person.name if person is not None else None
    if name is None:
        return _("#{id} (no influencer has this number)", id=influencer_id)
    return f"{name} (#{influencer_id})"


def _save_new() -> None:
    def create(session, data):
        person = contacts.create_influencer(session, actor, data)
        st.session_state["inf_open"] = person.id

    data = _contact_data("inf_add")
    if data is not None and run_action("inf_add", create, data, success=_("Influencer added.")):
        reload_form("inf_add")


def _save_edit(influencer_id: int) -> None:
    version = st.session_state.get("inf_edit__version")
    data = _contact_data("inf_edit")
    if data is not None and run_action(
        "inf_edit",
        contacts.update_influencer,
        actor,
        influencer_id,
        data,
        version,
        success=_("Changes saved."),
    ):
        reload_form("inf_edit")


# -- directory ---------------------------------------------------------------------------------

options, count = _options(db_key())
tab_names = [_("Directory")]
if can_edit:
    tab_names += [_("Add influencer"), _("Import CSV"), _("Duplicates")]
tab_names += [_("Fee benchmarks")]
tabs = st.tabs(tab_names)

with tabs[0]:
    if count == 0:
        empty_state(
            _("Your influencer directory appears here once you add or import creators."),
            sync=False,
            extra=_("Add a creator in the Add influencer tab, or upload a contact list in the Import CSV tab."),
        )
    else:
        f1, f2, f3, f4 = st.columns(4)
        search = f1.text_input(_("Search name, email or handle"), key="inf_search")
        platform = f2.selectbox(
            _("Platform"),
            [None, *PLATFORMS],
            key="inf_platform",
            format_func=lambda p: _("Any") if p is None else platform_label(p),
        )
        tier = f3.selectbox(
            _("Follower tier"),
            [None, *queries.TIERS],
            key="inf_tier",
            format_func=lambda t: _("Any") if t is None else TIER_LABELS[t],
        )
        status = f4.selectbox(
            _("Status"),
            [None, *INFLUENCER_STATUSES],
            key="inf_status",
            format_func=lambda s: _("Any") if s is None else STATUS_LABELS[s],
        )
        g1, g2, g3, g4 = st.columns(4)
        niche = g1.selectbox(
            _("Niche"), [None, *options["niche"]], key="inf_niche", format_func=lambda v: _("Any") if v is None else v
        )
        country = g2.selectbox(
            _("Country"),
            [None, *options["country"]],
            key="inf_country",
            format_func=lambda v: _("Any") if v is None else v,
        )
        tag = g3.selectbox(
            _("Tag"), [None, *options["tag"]], key="inf_tag", format_func=lambda v: _("Any") if v is None else v
        )
        sort = g4.selectbox(
            _("Sort by"),
            list(queries.SORTS),
            key="inf_sort",
            format_func=lambda s: SORT_LABELS[s],
            on_change=_sort_chosen,
        )
        descending = g4.toggle(_("Descending"), key="inf_desc")
        filters = tuple(
            (k, v)
            for k, v in {
                "search": search,
                "platform": platform,
                "tier": tier,
                "status": status,
                "niche": niche,
                "country": country,
                "tag": tag,
            }.items()
            if v
        )
        table, total = _directory(db_key(), filters, sort, descending)
        st.caption(_("{shown} of {total} influencers match.", shown=len(table), total=total))
        if table.empty:
            st.info(_("No influencer matches these filters. Clear a filter or search for something else."))
        else:
            shown = table.drop(columns=["id", "updated_at"]).assign(handles=[handles_text(h) for h in table["handles"]])
            st.dataframe(
                labelled(shown, {"status": "influencer_status", "tier": "tier"}),
                hide_index=True,
                width="stretch",
                key="influencers_table",
                column_config=column_labels(
                    table.columns, followers=st.column_config.NumberColumn(_("Followers"), format="localized")
                ),
            )
            names = dict(zip(table["id"], table["name"], strict=True))
            current = st.session_state.get("inf_open")
            ids = list(names)
            if current is not None and current not in names:
                ids = [current, *ids]
                with session_scope() as s:
                    person = s.get(contacts.Influencer, current)
                    names[current] = person.name if person else f"#{current}"
            st.selectbox(
                _("Open influencer"),
                [None, *ids],
                key="inf_open",
                format_func=lambda i: _("Choose one to see the details") if i is None else f"{names[i]} (#{i})",
            )

# -- add, import, duplicates -------------------------------------------------------------------

IMPORT_ACTIONS = {
    "import": N_("New"),
    "update": N_("Update"),
    "unchanged": N_("Unchanged"),
    "skip": N_("Skip"),
    "reject": N_("Rejected"),
}
# The import's file-level refusals in page words: the command line's name `--map`; here it is the column list.
PAGE_FILE_ERRORS = {
    csv_import.NO_NAME_COLUMN: N_(
        "No column is recognised as the name (columns: {columns}); name it Name or Nama, or choose Name for it in "
        "the list of columns."
    ),
    csv_import.SAME_FIELD_TWICE: N_(
        "Columns '{first}' and '{second}' are both mapped to {field}; a field takes one column: choose another "
        "field for one of them, or Do not import."
    ),
}
PAGE_COLUMN_WARNING = N_(
    "Column '{column}': {count} value(s) do not fit {field} (rows {rows}; e.g. {examples}: {reason}); they were "
    "left out and the rest of each row was imported. Choose another field for the column in the list of columns, "
    "or Do not import."
)
IGNORE = "ignore"  # csv_import's field for a column left out on purpose
FIELD_CHOICES = (IGNORE, *csv_import.FIELDS)


def _import_file_error(exc: DomainError) -> str:
    """Why the file cannot be imported, in the user's language, fields by their labels, without command-line
    options."""
    template = PAGE_FILE_ERRORS.get(exc.message.text)
    if template is None:
        return error_text(exc)
    params = dict(exc.message.params)
    if "field" in params:
        params["field"] = field_label(str(params["field"]))
    return message_text(Message(template, params))


def _column_warning(warning: csv_import.ColumnWarning) -> str:
    """A column warning with the field's label and the page's way to ignore a column."""
    return message_text(Message(PAGE_COLUMN_WARNING, {**warning.params(), "field": field_label(warning.field)}))


def _choice_label(choice: str) -> str:
    return _("Do not import") if choice == IGNORE else field_label(choice)


def _column_mapping(data: bytes, file_name: str) -> dict[str, str] | None:
    """The file's columns, each with a picker of the field it feeds (its recognised field first; a column not
    recognised waits for a choice) and sample values; returns the choices as `csv_import`'s mapping (None, with
    the reason shown, when the file cannot be read). The pickers' keys are the file's (its content and name):
    another file starts from its own recognised fields."""
    try:
        columns = csv_import.file_columns(data, file_name)
    except DomainError as exc:
        st.error(_import_file_error(exc))
        return None
    labels = {choice: _choice_label(choice) for choice in FIELD_CHOICES}  # translated once per run
    return column_pickers(columns, FIELD_CHOICES, labels, key="inf_import_col", data=data, file_name=file_name)


if can_edit:
    with tabs[1]:
        load_form("inf_add", "new", _blank_values())
        with st.form("inf_add_form", clear_on_submit=False):
            _contact_fields("inf_add")
            st.form_submit_button(_("Add influencer"), on_click=_save_new, type="primary", key="inf_add_submit")
        form_feedback("inf_add", labels=_contact_labels())

    with tabs[2]:
        st.write(
            _(
                "Upload a contact list (CSV, TSV, XLSX or XLS). Headers such as Name/Nama, Email/Surel, "
                "Phone/Telepon/No. HP/WhatsApp, Country/Negara, City/Kota, Instagram, TikTok, YouTube, "
                "Link/URL/Profile (profile addresses of any platform), Followers/Pengikut, Engagement rate, "
                "Niche/Kategori and Tags/Label are recognised on whichever row holds them; map any other column "
                "below. Followers such as 10.4M or 12,5 rb are read as written; local phone numbers such as "
                "0812-3456-7890 are read in the contact's country, else the workspace's. A value that does not fit "
                "its column is left out with a warning and the rest of the row is imported. A row is rejected when "
                "it has no name, matches someone else's email or handle, has a phone that cannot be read, an "
                "engagement rate that could be a fraction or a percent (write it with %), or a link to a video or "
                "post instead of a profile."
            )
        )
        upload = st.file_uploader(
            _("Contact list"),
            type=["csv", "txt", "tsv", "xlsx", "xls"],
            key="inf_import_file",
            max_upload_size=DEFAULT_LIMITS.max_bytes // MB,
        )
        duplicate_labels = {"update": _("Update the existing influencer"), "skip": _("Skip the row")}
        on_dup = st.radio(
            _("Rows matching an existing email or handle"),
            csv_import.ON_DUPLICATE,
            key="inf_import_dup",
            format_func=duplicate_labels.__getitem__,  # translated once per run, not when the widget is read
            horizontal=True,
        )
        if upload is not None:
            data = upload.getvalue()
            mapping = _column_mapping(data, upload.name)
            preview = None
            if mapping is not None:
                try:
                    with session_scope() as s:
                        preview = csv_import.preview_import(
                            s, data, mapping=mapping, on_duplicate=on_dup, file_name=upload.name
                        )
                except DomainError as exc:
                    st.error(_import_file_error(exc))
            if preview is not None:
                counts = preview.counts()
                cols = st.columns(5)
                for col, (key, label) in zip(
                    cols,
                    (
                        ("imported", _("New")),
                        ("updated", _("Update")),
                        ("unchanged", _("Unchanged")),
                        ("skipped", _("Skip")),
                        ("rejected", _("Rejected")),
                    ),
                    strict=True,
                ):
                    col.metric(label, counts[key])
                if preview.header_line > 1:
                    st.caption(_("The header is on row {row} of the file.", row=preview.header_line))
                for warning in preview.file_warnings:  # e.g. the last row may be cut: a warning, never a refusal
                    st.warning(message_text(warning))
                for note in preview.notes:
                    st.info(message_text(note))
                if preview.unmapped_columns:
                    st.warning(
                        _(
                            "Not imported (no field): {columns}. Choose a field for each in the list of columns, "
                            "or Do not import.",
                            columns=", ".join(preview.unmapped_columns),
                        )
                    )
                for warning in preview.warnings:
                    st.warning(_column_warning(warning))
                if preview.problems:
                    st.subheader(_("Rejected rows"))
                    st.dataframe(
                        pd.DataFrame(
                            [
                                {
                                    _("Row"): p.row,
                                    _("Field"): field_label(p.field) or "—",
                                    _("Reason"): message_text(p.message) if p.message else _(p.reason),
                                }
                                for p in preview.problems
                            ]
                        ),
                        hide_index=True,
                        key="inf_import_problems",
                    )
                if preview.duplicates:
                    st.subheader(_("Already in the directory"))
                    st.dataframe(
                        pd.DataFrame(
                            [
                                {
                                    _("Row"): p.row,
                                    _("Influencer"): f"{p.existing_name} (#{p.existing_id})",
                                    _("Matched on"): field_label(p.matched_on or "") or "—",
                                    _("Action"): _(IMPORT_ACTIONS.get(p.action, p.action)),
                                }
                                for p in preview.duplicates
                            ]
                        ),
                        hide_index=True,
                        key="inf_import_dups",
                    )
                if st.button(
                    _("Import the valid rows"),
                    key="inf_import_go",
                    type="primary",
                    disabled=not (counts["imported"] or counts["updated"]),
                ):
                    done: dict = {}

                    def run_import(session):
                        fresh = csv_import.preview_import(
                            session, data, mapping=mapping, on_duplicate=on_dup, file_name=upload.name
                        )
                        done.update(csv_import.apply_import(session, actor, fresh, source=upload.name))

                    with st.status(_("Importing..."), expanded=False) as status_box:
                        ok = run_action("inf_import", run_import)
                        status_box.update(
                            label=_("Import finished") if ok else _("Import failed"),
                            state="complete" if ok else "error",
                        )
                    if ok:
                        st.success(
                            _(
                                "Imported {imported}, updated {updated}, unchanged {unchanged}, skipped {skipped}, "
                                "rejected {rejected}.",
                                **done,
                            )
                        )
                    clear_caches()
                form_feedback("inf_import")

    with tabs[3]:
        st.write(_("Possible duplicates: the same handle on different platforms, or the same phone number."))
        with session_scope() as s:
            pairs = queries.possible_duplicates(s)
        if pairs.empty:
            st.info(_("No likely duplicates found. Exact duplicates (same email or handle) are refused on entry."))
        else:
            st.dataframe(pairs, hide_index=True, key="inf_dup_pairs")
        st.write(_("Merge two records: everything of the second moves to the first, which is kept."))
        m1, m2 = st.columns(2)
        keep_id = count_input(
            _("Keep influencer #"), key="inf_merge_keep", minimum=1, describe=_influencer_named, container=m1
        )
        other_id = count_input(
            _("Merge influencer #"), key="inf_merge_other", minimum=1, describe=_influencer_named, container=m2
        )
        if st.button(_("Merge"), key="inf_merge_go", disabled=not (keep_id and other_id)):
            report_box: dict = {}

            def merge(session):
                report_box["r"] = contacts.merge_influencers(session, actor, int(keep_id), int(other_id))

            if run_action("inf_merge", merge):
                report = report_box["r"]
                st.success(
                    _(
                        "Merged #{other} into #{keep}: moved {moved}.",
                        other=report.merged_id,
                        keep=report.kept_id,
                        moved=report.moved,
                    )
                )
                for line in report.combined_collaborations:
                    st.info(line)
        form_feedback("inf_merge")

with tabs[-1]:
    benchmarks_tab(TIER_LABELS)

# -- detail: under the Directory tab only (opened there; the Add, Import and Duplicates tabs are other tasks) ---

with tabs[0]:
    opened = st.session_state.get("inf_open")
    if opened is not None:
        with session_scope() as session:
            detail = queries.influencer_detail(session, int(opened))
            results = roi.collaboration_results(session, influencer_id=int(opened))
            edit_values = contacts.form_values(detail["influencer"]) if detail else None
        if detail is None:
            st.warning(_("This influencer no longer exists."))
            st.stop()
        person = detail["influencer"]
        st.divider()
        st.header(person.name)
        if detail["merged_into_id"]:
            st.warning(_("This record was merged into #{id}.", id=detail["merged_into_id"]))
        st.caption(
            " · ".join(
                x
                for x in (
                    person.email,
                    person.phone,
                    person.city,
                    person.country,
                    STATUS_LABELS.get(person.status),
                    _("Owner: {owner}", owner=person.owner) if person.owner else None,
                )
                if x
            )
        )
        st.write(
            _(
                "Niches: {niches}. Tags: {tags}.",
                niches=", ".join(detail["labels"]["niche"]) or "-",
                tags=", ".join(detail["labels"]["tag"]) or "-",
            )
        )
        paid = detail["total_paid"]
        cols = st.columns(max(1, len(paid)) + 1)
        cols[0].metric(_("Collaborations"), len(detail["collaborations"]))
        for col, (cur, amount) in zip(cols[1:], paid.items(), strict=False):
            tile(col, _("Total paid ({currency})", currency=cur), amount, cur)
        if not paid:
            st.caption(_("Nothing paid yet."))
        st.subheader(_("Handles"))
        handles = labelled(_with_moments(detail["handles"], "metrics_updated_at"), {"platform": "platform"})

        # figures the user's way (31.115 and 2,73 in Bahasa Indonesia), every header a word, never a field code
        def count(v) -> str:  # a whole count even when pandas read a column with gaps as floats
            return "" if is_missing(v) else number(int(v))

        handles = handles.assign(
            followers=[count(v) for v in handles["followers"]],
            engagement_rate=[fmt(v, 2) for v in handles["engagement_rate"]],
            avg_views=[count(v) for v in handles["avg_views"]],
        )
        dated_table(
            handles,
            column_labels(
                handles.columns,
                profile_url=st.column_config.LinkColumn(_("Profile")),
                avg_views=_("Average views"),
                metrics_updated_at=_("Figures updated"),
            ),
            key="inf_detail_handles",
        )
        st.subheader(_("Collaborations"))
        if detail["collaborations"].empty:
            st.info(_("Not in any program yet. Add this creator to a program on the Programs page."))
        else:
            collabs = labelled(
                _with_moments(detail["collaborations"], "stage_changed_at"), {"stage": "stage", "fee_type": "fee_type"}
            )
            # the fee in its currency (Rp12.500.000), as the Programs page writes it; blank when none was agreed
            collabs["fee"] = [
                "" if is_missing(fee) else money(fee, cur)
                for fee, cur in zip(collabs["fee"], collabs["currency"], strict=True)
            ]
            # `id` is the collaboration's number, the one the Programs page's tables show as "Collaboration"
            labels = column_labels(collabs.columns, id=_(COLUMN_LABELS["collaboration_id"]))
            dated_table(collabs, labels, key="inf_detail_collabs")
        st.subheader(_("Results"))
        totals = roi.rollup(results, ["influencer_id"])
        if totals.empty:
            st.info(_("No results yet: they appear once deliverables are published and their results recorded."))
        else:
            # the Programs page's rule: amounts with the row's currency (Rp13.000.000), counts grouped, ratios 2 places
            shown = results_text(totals[["currency", "collaborations", *roi.ROI_COLUMNS]])
            st.dataframe(shown, hide_index=True, key="inf_detail_results", column_config=column_labels(shown.columns))
        st.subheader(_("Interactions"))
        if detail["interactions"].empty:
            st.caption(_("No interactions logged yet."))
        else:
            interactions = _with_moments(detail["interactions"], "at")
            dated_table(interactions, column_labels(interactions.columns), key="inf_detail_interactions")
        if can_edit:
            with st.form("inf_interaction_form", clear_on_submit=True):
                c1, c2 = st.columns([1, 3])
                channel = c1.selectbox(
                    _("Channel"),
                    INTERACTION_CHANNELS,
                    key="inf_interaction_channel",
                    format_func=lambda c: term(CHANNEL_LABELS, c),
                )
                when = c1.date_input(_("Date"), value=today(), key="inf_interaction_date", format=picker_format())
                summary = c2.text_area(_("What happened"), key="inf_interaction_summary")
                if st.form_submit_button(_("Log interaction"), key="inf_interaction_submit"):
                    at = dt.datetime.combine(when, dt.datetime.now(dt.UTC).time(), tzinfo=dt.UTC)
                    if run_action(
                        "inf_interaction",
                        contacts.add_interaction,
                        actor,
                        person.id,
                        channel,
                        summary,
                        at,
                        success=_("Interaction logged."),
                    ):
                        st.rerun()
            form_feedback("inf_interaction")
            _field_error("inf_interaction", "summary", "channel")

            st.subheader(_("Edit"))
            # loaded again for another influencer or language (figures are written the language's way), never
            # because someone else saved: what the user typed stays, and saving it on the old version is a conflict
            token = (person.id, edit_values["version_id"], current_language())
            loaded = st.session_state.get("inf_edit__loaded") or (None, None, None)
            if (loaded[0], loaded[2]) != (person.id, current_language()):
                load_form("inf_edit", token, _values_of(edit_values))
                st.session_state["inf_edit__version"] = edit_values["version_id"]
            with st.form("inf_edit_form"):
                _contact_fields("inf_edit")
                st.form_submit_button(
                    _("Save changes"), on_click=_save_edit, args=(person.id,), type="primary", key="inf_edit_submit"
                )
            form_feedback("inf_edit", labels=_contact_labels())
            if st.session_state.get("inf_edit__conflict") and st.button(
                _("Discard my changes and load the latest values"), key="inf_edit_reload"
            ):
                reload_form("inf_edit")
                st.rerun()
