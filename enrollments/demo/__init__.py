"""Idempotent demo data for ``seed_demo``."""
