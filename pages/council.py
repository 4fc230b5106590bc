import streamlit as st

st.title("council")
st.info("This page is being built.")
