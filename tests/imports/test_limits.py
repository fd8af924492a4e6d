"""The reader's limits hold inside the app: Streamlit never accepts an upload larger than the reader would read."""

from __future__ import annotations

import tomllib
from pathlib import Path

from db.tabular import DEFAULT_LIMITS, MB

ROOT = Path(__file__).resolve().parents[2]


def test_streamlit_upload_limit_is_not_above_the_readers() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] * MB <= DEFAULT_LIMITS.max_bytes


def test_every_import_uploader_passes_the_readers_limit() -> None:
    for page in ("pages/sync/sync.py", "pages/influencers/influencers.py"):
        source = (ROOT / page).read_text(encoding="utf-8")
        assert "max_upload_size=" in source, page
        assert "DEFAULT_LIMITS.max_bytes // MB" in source, page
