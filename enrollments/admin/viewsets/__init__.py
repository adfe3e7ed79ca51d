"""The app's ModelViewSets."""
