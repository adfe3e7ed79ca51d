def home_page_context(*, home_page) -> dict:
    """Everything the home page shows, in a fixed number of queries."""
    from courses.selectors import curriculum_featured_list, session_upcoming_list

    from .models import NewsPage

    featured = curriculum_featured_list(home_page=home_page)
    news = list(
        NewsPage.objects.live()
        .public()
        .descendant_of(home_page)
        .order_by("-date", "-pk")[: home_page.news_count]
    )
    return {
        "featured_curricula": featured,
        "upcoming_sessions": session_upcoming_list(limit=6),
        "latest_news": news,
    }
