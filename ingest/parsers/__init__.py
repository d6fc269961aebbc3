"""Parsers: pure functions from raw bytes to normalized orders, one plugin per format."""
