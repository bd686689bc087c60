"""Payments at the store (CPM and MPM) and their cancels."""
