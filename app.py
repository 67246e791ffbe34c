"""circuit-court dashboard: page configuration and navigation only; pages live in app_pages/."""

import streamlit as st

st.set_page_config(page_title="circuit-court", page_icon="🤝", layout="wide")

pages = [
    st.Page("app_pages/offres.py", title="Offres", icon="📋", default=True),
    st.Page("app_pages/correspondances.py", title="Correspondances", icon="🔗"),
]
st.navigation(pages).run()
