import streamlit as st

st.title("theme")
st.info("This page is being built.")
