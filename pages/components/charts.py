"""Charts built once per data and language: an Altair builder runs, and its spec is validated, once; every rerun
and every session renders the cached Vega-Lite spec.

Building an Altair chart and turning it into a spec validates it against the Vega-Lite JSON schema, which cost
more than anything else on the Campaigns page (about 60 ms a run for the scatter chart alone). The spec is
converted exactly as `st.altair_chart` converts it (its data frames travel as Arrow), so what the browser gets is
the same chart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Literal

import streamlit as st
from streamlit.elements.vega_charts import _convert_altair_to_vega_lite_spec

from pages.components.chart_locale import with_locale
from pages.components.data import CACHE_TTL
from pages.components.i18n import BABEL_LOCALES, _, current_language


@st.cache_data(ttl=CACHE_TTL, show_spinner=False, max_entries=256)
def _spec(name: str, language: str, args: tuple, kwargs: dict, _builder: Callable[..., Any]) -> dict:
    """The Vega-Lite spec of `_builder(*args, **kwargs)` in `language` (`name` and the arguments are the key)."""
    spec = _convert_altair_to_vega_lite_spec(_builder(*args, translate=_, **kwargs))
    return with_locale(spec, BABEL_LOCALES[language])  # axes and tooltips in the language's number/date format


def chart(
    builder: Callable[..., Any],
    *args: Any,
    key: str,
    container: Any = st,
    on_select: Literal["rerun", "ignore"] = "ignore",
    selection_mode: str | Iterable[str] | None = None,
    width: Literal["stretch", "content"] | int | None = None,
    **kwargs: Any,
) -> Any:
    """Draw `builder(*args, translate=_, **kwargs)` (a pure Altair builder from a domain `charts` module) like
    `st.altair_chart`, building its spec only when the data, the arguments or the language change."""
    name = f"{builder.__module__}.{builder.__qualname__}"
    spec = _spec(name, current_language(), args, kwargs, builder)
    return container.vega_lite_chart(
        spec=spec, key=key, on_select=on_select, selection_mode=selection_mode, width=width
    )
