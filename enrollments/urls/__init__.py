"""Public URLs, one module per area, included from ``academy/urls.py``."""
