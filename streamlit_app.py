"""formcheck in the browser: `streamlit run streamlit_app.py`.

Thin on purpose: each page is a function in `formcheck.app`, over the same pipeline,
live session and history the command line uses.
"""
import streamlit as st

from formcheck.app import history_page, live_page, plan_page, review_page

st.set_page_config(page_title="formcheck", page_icon=":athletic_shoe:", layout="wide")

pages = [
    st.Page(live_page.render, title="Work out", icon=":material/videocam:", url_path="workout", default=True),
    st.Page(review_page.render, title="Check a video", icon=":material/movie:", url_path="review"),
    st.Page(plan_page.render, title="Workout plans", icon=":material/list:", url_path="plans"),
    st.Page(history_page.render, title="My progress", icon=":material/monitoring:", url_path="progress"),
    # The default page is served at "/" only; a link or bookmark to /live opens Work out too
    # (it is the same page: its entry in the menu is hidden, below).
    st.Page(live_page.render_alias, title="Work out ", icon=":material/videocam:", url_path="live"),
]
st.html('<style>[data-testid="stSidebarNav"] a[href$="/live"], [data-testid="stSidebarNavItems"] '
        'a[href$="/live"] {display: none !important}</style>')
st.navigation(pages).run()
