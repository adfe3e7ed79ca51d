"""What the home page shows (its template context), in a fixed number of queries."""

from courses.selectors import curriculum_featured_list, session_upcoming_list

from .models import HomePage, NewsPage


def home_page_context(*, home_page: HomePage) -> dict:
    """The featured curricula, the next sessions and the latest news."""
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
