"""Metric tiles that always fit: how many characters a tile holds and the style that makes every tile hold them.

Streamlit draws a metric's value at 2.25rem on one line and cuts what does not fit with an ellipsis, so the same
amount fitted one day and was cut the next (`SGD11,2 rb` in a row of five at 1280 px). This style sizes every
value to its tile instead: at most its usual 2.25rem, smaller when the tile is too narrow to hold `TILE_CHARS`
characters (a size relative to the tile's own width, a CSS container query, as Streamlit itself does when it
prints). So a value of up to `TILE_CHARS` characters is never cut on any screen; `budget_widgets.tile` shows an
amount in full up to that length and compact (`Rp14,1 jt`, the exact one in help) beyond it. Tiles of one row
have one width, so they keep one size. Checked in a browser by tests/e2e/test_tiles_fit.py and test_bahasa.py.
"""

from __future__ import annotations

import streamlit as st

# The longest value a tile holds (the compact forms are at most 12: `-US$999,9 rb`).
TILE_CHARS = 12
# A character's width in em at the metric's font: 0.44-0.48 measured for amounts (digits, `Rp`, `SGD`); 0.5
# leaves the tile's edge a margin.
EM_PER_CHAR = 0.5


def metric_fit_css(chars: int = TILE_CHARS) -> str:
    """The style that fits `chars` characters of a metric's value into every tile."""
    return (
        '<style>[data-testid="stMetric"] { container-type: inline-size; }'
        f'[data-testid="stMetricValue"] {{ font-size: min(2.25rem, calc(100cqi / {chars * EM_PER_CHAR:g})); }}'
        "</style>"
    )


def fit_metrics() -> None:
    """Add the style to this run (every page, every language)."""
    st.html(metric_fit_css())
