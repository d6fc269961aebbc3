"""X12: envelope reading, 850/860 mapping, and the 997/TA1 writer."""
