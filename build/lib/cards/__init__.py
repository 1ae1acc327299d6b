"""Adaptive Cards and user-facing texts: pure functions of domain state, viewer and language."""
