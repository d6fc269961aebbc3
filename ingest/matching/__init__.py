"""Matching: which customer sent an order and which of our products each line means."""
