"""Expected refusals the domain raises: an English message template (the catalog id) with parameters.

Domain packages never import Streamlit or the translation layer. They mark their message templates with
`N_()` so the catalog extractor finds them, raise a `DomainError` (or a subclass) carrying the template and
its parameters, and the pages translate the template and fill the parameters in the user's language. The
command line prints `str(error)`: the English text with the parameters filled in.

A parameter that lists codes ("use one of {choices}") is `Codes(kind, values)`: the command line shows the codes
(`flat, commission`), pages show each code's label from the label map named `kind` (pages/components/terms.py
`LABEL_MAPS`: `flat fee, commission`, `biaya tetap, komisi`).
"""

from __future__ import annotations

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


@dataclass(frozen=True)
class Message:
    """A translatable sentence: `text` is the English template, `params` fill its `{placeholders}`.

    A parameter may itself be a `Message` (a translated word such as a stage label); pages translate it too.
    A `Codes` parameter is written with `label` (pages: each code's label), else as the codes.
    """

    text: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, translate: Any = None, label: Labeller | None = None, money: MoneyFormat | None = None) -> str:
        """The sentence with its parameters, translated by `translate(text) -> text` when given, its codes
        written by `label(kind, code) -> text` and its amounts by `money(amount, currency) -> text`."""
        template = translate(self.text) if translate else self.text
        values = {k: _rendered(v, translate, label, money) for k, v in self.params.items()}
        try:
            return template.format(**values) if values else template
        except (KeyError, IndexError, ValueError):
            # A translation with a broken placeholder must not hide the message: fall back to English.
            return self.text.format(**values) if values else self.text

    def __str__(self) -> str:
        return self.render()

    def to_data(self) -> dict[str, Any]:
        """The message as JSON data, to store with a record (a failed sync run) and translate when shown."""
        return {"text": self.text, "params": {k: _param_data(v) for k, v in self.params.items()}}

    @classmethod
    def from_data(cls, data: Mapping[str, Any]) -> Message:
        """The message `to_data` wrote."""
        return cls(str(data.get("text", "")), {k: _param_value(v) for k, v in (data.get("params") or {}).items()})


def _param_data(value: Any) -> Any:
    if isinstance(value, Message):
        return {"message": value.to_data()}
    if isinstance(value, Codes):
        return {"codes": [value.kind, list(value.codes)]}
    if isinstance(value, Amount):
        return {"amount": [str(value.value), value.currency]}
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
    return data


def _rendered(value: Any, translate: Any, label: Labeller | None, money: MoneyFormat | None = None) -> Any:
    if isinstance(value, Message):
        return value.render(translate, label, money)
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
            self.message = Message(message.text, {**message.params, **params})
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
