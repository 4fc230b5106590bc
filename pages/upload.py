import streamlit as st

st.title("upload")
st.info("This page is being built.")
