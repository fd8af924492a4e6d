"""Lighter reruns: Streamlit's full garbage collection after every script run is off (.streamlit/config.toml),
and the app freezes what it has loaded once per process, so the collections Python still runs skip it."""

from __future__ import annotations

import gc
import os
from pathlib import Path

from streamlit import config

ROOT = Path(__file__).resolve().parents[2]


def test_the_project_config_turns_off_the_collection_after_every_run(tmp_path: Path) -> None:
    """`streamlit run` reads ./.streamlit/config.toml from where it starts (the bench and the docs start it here)."""
    original = os.getcwd()
    try:
        os.chdir(tmp_path)
        config.get_config_options(force_reparse=True)
        assert config.get_option("runner.postScriptGC") is True  # Streamlit's default, which the project changes
        os.chdir(ROOT)
        config.get_config_options(force_reparse=True)
        assert config.get_option("runner.postScriptGC") is False
    finally:
        os.chdir(original)
        config.get_config_options(force_reparse=True)


def test_a_run_freezes_the_long_lived_objects(migrated_url: str, app_test) -> None:
    """The first run of a process collects once and freezes what is loaded (streamlit_app._long_lived_frozen)."""
    import streamlit as st

    st.cache_resource.clear()  # as in a fresh server process
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    at = app_test()
    at.run()
    assert not at.exception, at.exception
    assert gc.get_freeze_count() > 100_000  # modules, pandas, SQLAlchemy: all out of the collector's walk
