"""Answering a question: its analysis, the cue words it is read with, and (in time) the
stages that retrieve, check and write the answer."""
