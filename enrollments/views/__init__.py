"""Public views: learning, hours, attendance, check-in, certificates."""
