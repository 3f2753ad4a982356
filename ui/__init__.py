"""The Streamlit app of Planwerk: a thin client of `assistant` (run `streamlit run ui/app.py`)."""
