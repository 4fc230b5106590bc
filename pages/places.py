import streamlit as st

st.title("places")
st.info("This page is being built.")
