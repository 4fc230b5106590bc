import streamlit as st

st.title("history")
st.info("This page is being built.")
