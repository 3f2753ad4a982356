"""Planwerk core library. Never imports the UI."""
