"""Admin views that are not viewsets."""
