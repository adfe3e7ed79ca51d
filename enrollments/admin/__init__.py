"""The Wagtail admin of the app: viewsets, admin views, menus and their URLs."""
