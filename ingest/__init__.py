"""Turn files into typed text blocks and chunks. Knows nothing of stores, models or the UI."""
