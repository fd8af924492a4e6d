"""Every page of the demo workspace read in Bahasa Indonesia by an admin shows no English and no raw codes.

Each page (each tab of the Programs page, whose closed tabs do not run, and the parts shown once a record is
picked) is rendered under AppTest; every text a person sees is collected from the element tree (titles,
headings, markdown, captions, alerts, HTML text, metric labels, values and help, widget labels, options,
captions, placeholders and help texts, tab and expander labels, table column names and the cells of text
columns, chart titles and the text values a chart's encodings draw) and checked three ways:

(a) a text that is an English msgid of locales/messages.pot whose Bahasa msgstr differs was shown untranslated
    (a missing `_()`, or a text translated before the language was known); texts filled from a msgid with
    placeholders are matched against the msgid's fixed words too;
(b) a table cell, chart value or option that is a domain code (the codes tests/test_labels.py collects and
    the keys of pages/components/terms.LABEL_MAPS whose label reads differently) or a snake_case token, shown
    raw instead of its label;
(c) a text holding an unambiguous English UI word, once the demo's own data (names, notes: read from the
    database), brand names and currency codes are taken out.

The failure message names the page, the element and the text of every hit."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from babel.messages.pofile import read_po
from streamlit.runtime.scriptrunner import get_script_run_ctx

from finance.exports.registry import EXPORTS
from pages.components.navigation import PAGES
from tests.influencers.conftest import PROGRAM_TABS, program_tab
from tests.pages import open_page

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = "pages/programs/programs.py"
EXPORT_NAMES = list(EXPORTS)
CAMPAIGNS = "pages/campaigns/campaigns.py"


@dataclass(frozen=True)
class Pick:
    """A record opened on the page: `key`'s widget set to `value`, or to the first value `sql` finds in the demo
    (AppTest's own selectbox setters format options outside the app's language, so the state is set instead)."""

    key: str
    value: object = None
    sql: str = ""

    def __str__(self) -> str:
        shown = self.sql.split("'")[1].strip(" |%") if "'" in self.sql else self.sql.split()[-1] if self.sql else None
        return f"{self.key}-{shown or self.value}"


def _campaign(prefix: str) -> Pick:
    return Pick("campaigns_detail", sql=f"SELECT min(id) FROM campaign WHERE name LIKE '{prefix}%'")


# (page, Programs tab or None, a record opened or None): every page as it opens, the Programs page once per tab,
# and the parts a page shows once a record is picked (a campaign of each platform, a creator, a calendar entry,
# each export).
VIEWS: list[tuple[str, str | None, Pick | None]] = [
    *((spec.path, None, None) for spec in PAGES if spec.path != PROGRAMS),
    *((PROGRAMS, code, None) for code in PROGRAM_TABS),
    *((CAMPAIGNS, None, _campaign(prefix)) for prefix in ("ID |", "TikTok |", "Google |")),
    ("pages/influencers/influencers.py", None, Pick("inf_open", sql="SELECT min(id) FROM influencer")),
    ("pages/calendar/calendar.py", None, Pick("cal_open_pick", 0)),
    *(("pages/exports/exports.py", None, Pick("exports_report", name)) for name in EXPORT_NAMES[1:]),
]


def _view_id(page: str, tab: str | None, pick: Pick | None) -> str:
    name = page.split("/")[-1][:-3]
    return f"{name}-{tab}" if tab else f"{name}-{pick}" if pick else name


# Words no Bahasa Indonesia sentence of this app uses (whole words, case-sensitive: "No" starts an English
# sentence, "No." is Indonesian for "number"). Not here: "Total" and "Traffic", which Bahasa Indonesia writes the
# same (KBBI's "total"; the catalog keeps Meta's objective name "Traffic" as Indonesian marketers say it).
ENGLISH_WORDS = (
    "the",
    "The",
    "Remaining",
    "remaining",
    "Spend",
    "spend",
    "Budget",
    "budget",
    "Campaign",
    "campaign",
    "Campaigns",
    "Paid",
    "paid",
    "Due",
    "due",
    "No",
    "and",
    "with",
    "from",
    "This",
    "this",
    "Show",
    "Choose",
    "Select",
    "Upload",
    "Save",
    "Add",
    "Delete",
    "Edit",
    "Overdue",
    "overdue",
    "Month",
    "month",
    "Week",
    "week",
    "Yes",
    "None",
    "nan",
    "NaT",
    "Unknown",
    "unknown",
    "Other",
    "Pending",
    "pending",
    "Approved",
    "approved",
    "Draft",
    "draft",
    "Results",
    "Payments",
    "Deliverables",
    "Influencer fees",
    "Settings",
    "Sales",
    "Active",
    "Paused",
)
# Names that read the same in both languages: brands, platforms, metrics, file types, currency codes
ALLOWED = (
    "LinkedIn Campaign Manager",
    "TikTok Ads Manager",
    "Ads Manager",
    "Meta Ads",
    "Meta",
    "TikTok",
    "Google Ads",
    "Google",
    "LinkedIn",
    "Instagram",
    "YouTube",
    "Facebook",
    "WhatsApp",
    "Streamlit",
    "Pantau",
    "CSV",
    "XLSX",
    "XLS",
    "ROAS",
    "CPA",
    "CTR",
    "CPM",
    "CPC",
    "ECB",
)
SNAKE = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+)+$")
PLACEHOLDER = re.compile(r"\{[a-z_0-9]*(![rs])?(:[^}]*)?\}")
# Technical text shown as it is typed: a file's header line (date,from,to,rate), a quoted command
TECHNICAL = re.compile(r"\w+(\[?,\w+\]?)+|\"[^\"]*\(.*?\"|`[^`]*`|\bNo\.")
# Tables that show the platform's or the file's own identifiers on purpose (docs/i18n.md): the export preview
# (under "First rows") keeps the file's column names; the conversion definition's reference lists the report
# columns and Meta action types behind each event.
RAW_HEADERS_AFTER = ("First rows",)
RAW_CELLS_UNDER = ("Report columns", "Meta action types, in order")
TAGS = re.compile(r"<[^>]+>")
MARKUP = re.compile(r"[*_`#>]+|:material/[a-z_]+:|:[a-z]+\[|\]")


@cache
def _catalog() -> dict[str, str]:
    """English msgid -> Bahasa msgstr for the msgids whose Bahasa text differs."""
    with (ROOT / "locales" / "messages.pot").open("rb") as fh:
        ids = {m.id for m in read_po(fh) if m.id and isinstance(m.id, str)}
    with (ROOT / "locales" / "id" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        strings = {m.id: m.string for m in read_po(fh, locale="id") if m.id and isinstance(m.id, str)}
    return {i: strings[i] for i in ids if strings.get(i) and strings[i] != i}


@cache
def _english_exact() -> frozenset[str]:
    """Msgids without placeholders that no Bahasa text also reads as (so seeing one means English)."""
    catalog = _catalog()
    bahasa = set(catalog.values())
    return frozenset(m for m in catalog if "{" not in m and m not in bahasa)


@cache
def _english_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Msgids with placeholders whose fixed words are at least two words long, as full-match patterns."""
    patterns = []
    for msgid in _catalog():
        if "{" not in msgid:
            continue
        fixed = PLACEHOLDER.sub(" ", msgid)
        if len(re.findall(r"[A-Za-z]{2,}", fixed)) < 2:
            continue
        # split() returns each literal, then the placeholder's two groups: every third item is a literal
        literal = [p for i, p in enumerate(PLACEHOLDER.split(msgid)) if i % 3 == 0]
        patterns.append((msgid, re.compile("(?s)" + "(.+?)".join(re.escape(p) for p in literal))))
    return patterns


@cache
def _codes() -> frozenset[str]:
    """Domain codes whose Bahasa label reads differently from the code itself."""
    from pages.components.i18n import _catalog as runtime_catalog
    from pages.components.terms import LABEL_MAPS
    from tests.test_labels import _domain_codes

    bahasa = runtime_catalog("id")
    codes: set[str] = set()
    for labels in LABEL_MAPS.values():
        for code, text in labels.items():
            if isinstance(code, str) and bahasa.get(text, text) != code:
                codes.add(code)
    for kind, found in _domain_codes().items():
        labels = LABEL_MAPS.get(kind, {})
        codes.update(c for c in found if isinstance(c, str) and bahasa.get(labels.get(c, c), c) != c)
    return frozenset(c for c in codes if len(c) > 2)


def _demo_texts(url: str) -> list[str]:
    """Every text value the demo stores that is not a code (names, notes, subjects), longest first."""
    engine = sa.create_engine(url)
    found: set[str] = set()
    try:
        with engine.connect() as conn:
            meta = sa.MetaData()
            meta.reflect(conn)
            for table in meta.sorted_tables:
                columns = [c for c in table.columns if isinstance(c.type, sa.String | sa.Text)]
                if not columns:
                    continue
                for row in conn.execute(sa.select(*columns)):
                    found.update(v for v in row if isinstance(v, str) and len(v) > 2)
    finally:
        engine.dispose()
    codes = _codes()
    return sorted((t for t in found if t not in codes and not SNAKE.match(t)), key=len, reverse=True)


def _bahasa(msgids: tuple[str, ...]) -> set[str]:
    from pages.components.i18n import _catalog as runtime_catalog

    return {runtime_catalog("id").get(m, m) for m in msgids}


def _walk(node: Any, where: str, seen: list[str] | None = None) -> Iterator[tuple[str, str, str]]:
    """(element, text, kind) for every text under `node` in page order; kind is "text", "option" or "cell".
    `seen` collects the texts yielded so far (a table reads the heading just above it)."""
    seen = [] if seen is None else seen
    for found in _walk_node(node, where, seen):
        seen.append(found[1])
        yield found


def _walk_node(node: Any, where: str, seen: list[str]) -> Iterator[tuple[str, str, str]]:
    kind = getattr(node, "type", "")
    proto = getattr(node, "proto", None)
    if kind in ("tab", "expander", "status", "popover"):
        label = getattr(node, "label", None) or getattr(proto, "label", "")
        if label:
            yield f"{where} {kind}", label, "text"
            where = f"{where} > {kind} {label!r}"
    if hasattr(node, "children"):
        for child in node.children.values():
            yield from _walk(child, where, seen)
        return
    if kind == "dataframe" or kind == "table":
        yield from _table(node, where, seen[-1] if seen else "")
        return
    if kind in ("arrow_vega_lite_chart", "vega_lite_chart"):
        yield from _chart(proto, f"{where} chart")
        return
    if proto is None or kind in ("code", "json", "exception"):
        return
    element = f"{where} {kind}"
    for field in ("label", "body", "help", "placeholder", "delta", "value"):
        value = getattr(proto, field, None)
        if isinstance(value, str) and value.strip():
            if kind == "html" or "<" in value:
                value = html.unescape(TAGS.sub(" ", value))
            yield f"{element} {field}", value, "text"
    for field, what in (("options", "option"), ("captions", "text")):
        values = getattr(proto, field, None)
        if values is None or isinstance(values, str):
            continue
        for option in values:
            text = option if isinstance(option, str) else getattr(option, "content", None)
            if isinstance(text, str) and text.strip():
                yield f"{element} {what}", text, what


def _chart(proto: Any, element: str) -> Iterator[tuple[str, str, str]]:
    """A Vega-Lite chart's titles (chart, axes, legends) and the text values of its data (series names)."""
    from streamlit import dataframe_util

    def titles(spec: object) -> Iterator[str]:
        if isinstance(spec, dict):
            for key, value in spec.items():
                if key == "title" and isinstance(value, str):
                    yield value
                elif key == "title" and isinstance(value, dict) and isinstance(value.get("text"), str):
                    yield value["text"]
                else:
                    yield from titles(value)
        elif isinstance(spec, list):
            for value in spec:
                yield from titles(value)

    def shown_fields(spec: object, encoded: bool = False) -> Iterator[str]:
        """The data fields a chart draws as text: those its encodings (axes, legends, tooltips, labels) name."""
        if isinstance(spec, dict):
            if encoded and isinstance(spec.get("field"), str):
                yield spec["field"]
            for key, value in spec.items():
                yield from shown_fields(value, encoded or key == "encoding")
        elif isinstance(spec, list):
            for value in spec:
                yield from shown_fields(value, encoded)

    spec = json.loads(proto.spec or "{}")
    for title in titles(spec):
        if title.strip():
            yield f"{element} title", title, "text"
    fields = set(shown_fields(spec))
    frames = [proto.data.data] if proto.HasField("data") else []
    frames += [named.data.data for named in proto.datasets]
    for data in frames:
        if not data:
            continue
        frame = dataframe_util.convert_arrow_bytes_to_pandas_df(data)
        for column in frame.columns:
            if column not in fields:
                continue
            for value in _text_values(frame[column]):
                yield f"{element} data {column!r}", value, "cell"


def _text_values(values: pd.Series) -> list[str]:
    """The distinct texts of a text column (at most 200); none for numbers, dates and flags."""
    if not (values.dtype == object or isinstance(values.dtype, pd.StringDtype | pd.CategoricalDtype)):
        return []
    return [v for v in values.dropna().unique()[:200] if isinstance(v, str) and v.strip()]


def _table(node: Any, where: str, heading: str) -> Iterator[tuple[str, str, str]]:
    frame: pd.DataFrame = node.value
    raw_headers = MARKUP.sub("", heading).strip() in _bahasa(RAW_HEADERS_AFTER)
    config = json.loads(node.proto.columns) if getattr(node.proto, "columns", "") else {}
    order = list(getattr(node.proto, "column_order", []) or [])
    for column in frame.columns:
        name = str(column)
        settings = config.get(f"name:{name}") or config.get(name) or {}
        if settings.get("hidden") or (order and name not in order):
            continue
        shown = settings.get("label") or name
        if not raw_headers:
            yield f"{where} table column", shown, "text"
        if shown in _bahasa(RAW_CELLS_UNDER):
            continue
        for value in _text_values(frame[column]):
            yield f"{where} table {shown!r} cell", value, "cell"


def _stripped(text: str, demo: list[str]) -> str:
    for value in demo:
        if value in text:
            text = text.replace(value, " ")
    for name in ALLOWED:
        text = text.replace(name, " ")
    text = TECHNICAL.sub(" ", text)
    return re.sub(r"\b[A-Z]{3}\b", " ", text)  # currency codes


def _hits(element: str, text: str, kind: str, demo: list[str]) -> list[str]:
    hits = []
    plain = MARKUP.sub("", text).strip()
    pieces = {text.strip(), plain, *(line.strip() for line in plain.splitlines() if line.strip())}
    english = _english_exact()
    for piece in pieces:
        if piece in english and piece not in demo:
            hits.append(f"(a) untranslated msgid {piece!r}")
            break
    else:
        if len(plain) > 12:
            for msgid, pattern in _english_patterns():
                if pattern.fullmatch(text.strip()) or pattern.fullmatch(plain):
                    hits.append(f"(a) untranslated msgid {msgid!r}")
                    break
    if kind in ("cell", "option") and text.strip() in _codes():
        hits.append("(b) raw code")
    elif kind in ("cell", "option") and SNAKE.match(text.strip()):
        hits.append("(b) snake_case code")
    rest = _stripped(text, demo)
    words = [w for w in ENGLISH_WORDS if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", rest)]
    if words:
        hits.append(f"(c) English {words}")
    return [f"{element}: {text!r} -> {', '.join(hits)}"] if hits else []


def _view(app_test: Any, url: str, page: str, tab: str | None, pick: Pick | None) -> Any:
    at = open_page(app_test(timeout=240), page, language="id")
    if tab is not None:
        at = program_tab(at, tab)
    if pick is not None:
        value = pick.value
        if pick.sql:
            engine = sa.create_engine(url)
            try:
                with engine.connect() as conn:
                    value = conn.execute(sa.text(pick.sql)).scalar_one()
            finally:
                engine.dispose()
            assert value is not None, pick
        at.session_state[pick.key] = value
        at.run()
        assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(("page", "tab", "pick"), VIEWS, ids=[_view_id(*view) for view in VIEWS])
def test_the_page_reads_in_bahasa_indonesia(
    demo_url: str, app_test: Any, monkeypatch: pytest.MonkeyPatch, page: str, tab: str | None, pick: Pick | None
) -> None:
    # AppTest formats each selectbox's value with the page's format_func in the test's own thread, which has no
    # session and so no language: `_()` there read English and a picked record's label was not among the Bahasa
    # options. That thread now reads Bahasa too; the app's runs read the language from their session as always.
    from pages.components import i18n

    monkeypatch.setattr(i18n, "browser_language", lambda: "id")
    # Outside a script run `st.session_state` is one state for the whole process: an earlier test's language
    # stays there. The test thread (no run context) reads Bahasa; the app's runs read their own session.
    in_session = i18n._session_language
    monkeypatch.setattr(
        i18n, "_session_language", lambda: "id" if get_script_run_ctx(suppress_warning=True) is None else in_session()
    )
    at = _view(app_test, demo_url, page, tab, pick)
    demo = _demo_texts(demo_url)
    where = page if tab is None else f"{page} tab {tab}"
    where = where if pick is None else f"{where} with {pick.key}={at.session_state[pick.key]!r}"
    texts = list(_walk(at._tree, where))
    assert len(texts) > 5, f"{where}: only {texts}"
    hits = sorted({hit for element, text, kind in texts for hit in _hits(element, text, kind, demo)})
    assert not hits, f"{len(hits)} English or raw texts on {where}:\n" + "\n".join(hits)
