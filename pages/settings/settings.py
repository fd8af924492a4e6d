"""Settings: users and roles, workspace settings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from db.engine import session_scope
from db.settings import get_setting
from db.users import list_users
from pages.components.auth import require_page
from pages.components.i18n import _

require_page("settings")
st.title(_("Settings"))
st.caption(_("Users and roles, reporting currency and the Meta connection."))

with session_scope() as session:
    users = [(u.email, u.role, u.active) for u in list_users(session)]
    currency = get_setting(session, "reporting_currency")

st.subheader(_("Users"))
if users:
    st.dataframe(pd.DataFrame(users, columns=["email", "role", "active"]), hide_index=True, key="settings_users")
else:
    st.info(_("No users yet. Add the first admin with `python cli.py users add EMAIL --role admin`."))
st.subheader(_("Workspace"))
st.write(_("Reporting currency: {currency}", currency=currency))
