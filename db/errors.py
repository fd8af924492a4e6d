"""Expected refusals the domain raises: an English message template (the catalog id) with parameters.

Domain packages never import Streamlit or the translation layer. They mark their message templates with
`N_()` so the catalog extractor finds them, raise a `DomainError` (or a subclass) carrying the template and
its parameters, and the pages translate the template and fill the parameters in the user's language. The
command line prints `str(error)`: the English text with the parameters filled in.

A parameter that lists codes ("use one of {choices}") is `Codes(kind, values)`: the command line shows the codes
(`flat, commission`), pages show each code's label from the label map named `kind` (pages/components/terms.py
`LABEL_MAPS`: `flat fee, commission`, `biaya tetap, komisi`). A day is `Day(date)` (a bare `datetime.date` counts as
one) and a month `Month(date)`: the command line shows ISO (`2026-10-20`, `2026-10`), pages the reader's date
(`20 Okt 2026`, `Oktober 2026`). A message whose text tells the reader to run a command can carry `page_text`, the
same sentence naming the page or section instead; pages show that one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


def N_(message: str) -> str:  # noqa: N802 - the gettext convention extractors look for
    """Mark `message` for extraction without translating it (pages translate it when shown)."""
    return message


# label(kind, code) -> the code's label in the reader's language (pages pass pages.components.terms.label)
Labeller = Callable[[str, str], str]


@dataclass(frozen=True, init=False)
class Codes:
    """Codes of one kind as a message parameter: `Codes("fee_type", FEE_TYPES)`.

    `kind` names a label map of pages/components/terms.py `LABEL_MAPS`; rendered with a labeller each code
    reads as its label, without one (the command line, logs) as the code itself.
    """

    kind: str
    codes: tuple[str, ...]

    def __init__(self, kind: str, codes: Iterable[object]) -> None:
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "codes", tuple(str(code) for code in codes))

    def render(self, label: Labeller | None = None) -> str:
        """The codes joined with ", ", each as its label when `label` is given."""
        return ", ".join(label(self.kind, code) if label else code for code in self.codes)

    def __str__(self) -> str:
        return self.render()


# money(amount, currency) -> the amount as the reader writes it (pages pass pages.components.money.money)
MoneyFormat = Callable[[Any, str], str]


@dataclass(frozen=True)
class Amount:
    """An amount of money as a message parameter: pages write it in the reader's locale (`Rp250.000`), the command
    line and logs as the plain amount and its currency (`250000 IDR`)."""

    value: Any  # Decimal
    currency: str

    def render(self, money: MoneyFormat | None = None) -> str:
        if money:
            return money(self.value, self.currency)
        from db.money import plain  # db.money's errors are Messages: imported here, not at the top

        return f"{plain(self.value, self.currency)} {self.currency}"

    def __str__(self) -> str:
        return self.render()


# dates(value, kind) -> the day ("day") or month ("month") as the reader writes it (pages pass
# pages.components.i18n's date_text / month_text through pages.components.inputs)
DateFormat = Callable[[dt.date, str], str]


@dataclass(frozen=True, init=False)
class Day:
    """A calendar day as a message parameter: the command line and logs write ISO (`2026-10-20`), pages the
    reader's date (`20 Okt 2026`, `Oct 20, 2026`). A datetime counts as its date."""

    value: dt.date

    def __init__(self, value: dt.date) -> None:
        object.__setattr__(self, "value", value.date() if isinstance(value, dt.datetime) else value)

    def render(self, dates: DateFormat | None = None) -> str:
        return dates(self.value, "day") if dates else self.value.isoformat()

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True, init=False)
class Month:
    """A calendar month as a message parameter (any day of it): the command line and logs write `2026-10`, pages
    the reader's month (`Oktober 2026`, `October 2026`)."""

    value: dt.date  # the month's first day

    def __init__(self, value: dt.date) -> None:
        object.__setattr__(self, "value", dt.date(value.year, value.month, 1))

    def render(self, dates: DateFormat | None = None) -> str:
        return dates(self.value, "month") if dates else f"{self.value:%Y-%m}"

    def __str__(self) -> str:
        return self.render()


def period_param(text: str) -> Day | Month | str:
    """An ISO day (`2026-10-20`) or month (`2026-10`) as its parameter; any other text stays as it is."""
    try:
        if len(text) == 10:
            return Day(dt.date.fromisoformat(text))
        if len(text) == 7:
            return Month(dt.date.fromisoformat(f"{text}-01"))
    except ValueError:
        pass
    return text


@dataclass(frozen=True)
class Message:
    """A translatable sentence: `text` is the English template, `params` fill its `{placeholders}`.

    A parameter may itself be a `Message` (a translated word such as a stage label); pages translate it too.
    A `Codes` parameter is written with `label` (pages: each code's label), else as the codes. `page_text`, when
    given, is the sentence pages show instead of `text` (it names a page where `text` names a command).
    """

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)
    page_text: str | None = None

    def render(
        self,
        translate: Any = None,
        label: Labeller | None = None,
        money: MoneyFormat | None = None,
        dates: DateFormat | None = None,
        page: bool = False,
    ) -> str:
        """The sentence with its parameters, translated by `translate(text) -> text` when given, its codes
        written by `label(kind, code) -> text`, its amounts by `money(amount, currency) -> text` and its days
        and months by `dates(date, "day" | "month") -> text`. `page`: the page variant (`page_text`) if any."""
        english = self.page_text if page and self.page_text else self.text
        template = translate(english) if translate else english
        values = {k: _rendered(v, translate, label, money, dates, page) for k, v in self.params.items()}
        try:
            return template.format(**values) if values else template
        except (KeyError, IndexError, ValueError):
            # A translation with a broken placeholder must not hide the message: fall back to English.
            return english.format(**values) if values else english

    def __str__(self) -> str:
        return self.render()

    def to_data(self) -> dict[str, Any]:
        """The message as JSON data, to store with a record (a failed sync run) and translate when shown."""
        data: dict[str, Any] = {"text": self.text, "params": {k: _param_data(v) for k, v in self.params.items()}}
        if self.page_text:
            data["page_text"] = self.page_text
        return data

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Message:
        """The message `to_data` wrote (older data: dates stored as ISO text stay that text)."""
        params = {k: _param_value(v) for k, v in (data.get("params") or {}).items()}
        page_text = data.get("page_text")
        return cls(str(data.get("text", "")), params, str(page_text) if page_text else None)


def _param_data(value: Any) -> Any:
    if isinstance(value, Message):
        return {"message": value.to_data()}
    if isinstance(value, Codes):
        return {"codes": [value.kind, list(value.codes)]}
    if isinstance(value, Amount):
        return {"amount": [str(value.value), value.currency]}
    if isinstance(value, Month):
        return {"month": f"{value.value:%Y-%m}"}
    if isinstance(value, Day) or _is_day(value):
        return {"day": str(value)}
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def _param_value(data: Any) -> Any:
    if isinstance(data, dict) and "message" in data:
        return Message.from_data(data["message"])
    if isinstance(data, dict) and "codes" in data:
        kind, codes = data["codes"]
        return Codes(kind, codes)
    if isinstance(data, dict) and "amount" in data:
        value, currency = data["amount"]
        return Amount(Decimal(value), currency)
    if isinstance(data, dict) and "day" in data:
        return _stored_period(data["day"], 10)
    if isinstance(data, dict) and "month" in data:
        return _stored_period(data["month"], 7)
    return data


def _stored_period(text: Any, length: int) -> Day | Month | str:
    """A stored day or month; text that is not one (a hand-edited record) stays its text, never an exception."""
    return period_param(str(text)) if len(str(text)) == length else str(text)


def _is_day(value: Any) -> bool:
    """A bare date (not a datetime: a moment is not a day) passed as a parameter is a `Day`."""
    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _rendered(
    value: Any,
    translate: Any,
    label: Labeller | None,
    money: MoneyFormat | None = None,
    dates: DateFormat | None = None,
    page: bool = False,
) -> Any:
    if isinstance(value, Message):
        return value.render(translate, label, money, dates, page)
    if isinstance(value, Day | Month):
        return value.render(dates)
    if _is_day(value):
        return Day(value).render(dates)
    if isinstance(value, Codes):
        return value.render(label)
    if isinstance(value, Amount):
        return value.render(money)
    return value


def as_message(value: str | Message) -> Message:
    """A plain English string becomes a parameterless `Message`."""
    return value if isinstance(value, Message) else Message(str(value))


def joined(messages: list[Message]) -> Message:
    """Several reasons as one message, `a; b; c`, each still translated on its own."""
    if not messages:
        return Message("")
    result = messages[0]
    for message in messages[1:]:
        result = Message(N_("{first}; {second}"), {"first": result, "second": message})
    return result


class DomainError(ValueError):
    """A refusal with a translatable message: `DomainError(N_("No rate for {pair}."), pair="IDR/USD")`."""

    def __init__(self, message: str | Message, /, **params: Any):
        if isinstance(message, Message):
            self.message = Message(message.text, {**message.params, **params}, message.page_text)
        else:
            self.message = Message(message, params)
        super().__init__(str(self.message))

    @property
    def params(self) -> Mapping[str, Any]:
        return self.message.params


class FieldErrors(DomainError):
    """Input was refused; `errors` maps each field to its reason (shown next to the field)."""

    def __init__(self, errors: Mapping[str, str | Message]):
        self.messages = {name: as_message(reason) for name, reason in errors.items()}
        self.errors = {name: str(message) for name, message in self.messages.items()}  # English, for the CLI
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in self.errors.items()))


class ConflictError(DomainError):
    """Someone else saved the record since it was loaded; nothing was overwritten."""

    def __init__(self, entity: str, entity_id: object, latest: Mapping[str, Any] | None):
        self.entity = entity
        self.entity_id = entity_id
        self.latest = dict(latest or {})
        super().__init__(
            N_(
                "This {entity} (#{entity_id}) was changed by someone else since you opened it; your changes were "
                "not saved. Review the latest values and save again."
            ),
            entity=Message(entity),  # a record word ("program", "budget plan") pages translate too
            entity_id=entity_id,
        )


class TransitionError(DomainError):
    """A status or stage change that the rules do not allow."""


class NotFound(DomainError):
    """The record does not exist (or was merged away)."""
