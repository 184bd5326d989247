"""Compute: pure functions returning frozen records, no sentences.
"""
