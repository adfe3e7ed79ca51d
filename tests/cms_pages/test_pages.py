import pytest
from django.conf import settings
from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase

from cms_pages.demo import seed_site
from cms_pages.models import HomePage, NewsIndexPage, NewsPage, StandardPage
from courses.models import CourseCatalogPage


class CmsPageTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.home = seed_site()
        cls.news_index = NewsIndexPage.objects.get()
        cls.news = NewsPage.objects.first()
        cls.standard = StandardPage.objects.get(slug="about")

    def test_tree_rules(self):
        self.assertCanCreateAt(Page, HomePage)
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(StandardPage, StandardPage)
        self.assertCanNotCreateAt(HomePage, NewsPage)
        self.assertCanNotCreateAt(NewsPage, NewsPage)
        self.assertAllowedParentPageTypes(NewsPage, {NewsIndexPage})
        self.assertAllowedParentPageTypes(StandardPage, {HomePage, StandardPage})
        self.assertAllowedSubpageTypes(HomePage, {StandardPage, NewsIndexPage, CourseCatalogPage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage})

    def test_pages_are_routable_renderable_and_previewable(self):
        for page in (self.home, self.news_index, self.news, self.standard):
            with self.subTest(page=page):
                self.assertPageIsRoutable(page)
                self.assertPageIsRenderable(page)
                self.assertPageIsPreviewable(page)

    def test_home_page_shows_news_in_chinese(self):
        response = self.client.get("/")

        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "cms_pages/home_page.html")
        content = response.content.decode()
        self.assertIn('lang="zh-Hans"', content)
        self.assertIn("最新动态", content)
        self.assertIn(self.news.title, content)

    def test_language_switcher_turns_the_page_english(self):
        response = self.client.post(
            reverse("set_language"), {"language": "en", "next": "/"}, follow=True
        )

        content = response.content.decode()
        self.assertIn('lang="en"', content)
        self.assertIn("Latest news", content)
        self.assertEqual(self.client.cookies[settings.LANGUAGE_COOKIE_NAME].value, "en")

    def test_browser_language_does_not_override_the_chinese_default(self):
        response = self.client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

        self.assertIn('lang="zh-Hans"', response.content.decode())


@pytest.mark.django_db
def test_home_page_query_count_does_not_grow_with_news(client, django_assert_max_num_queries):
    home = seed_site()
    news_index = NewsIndexPage.objects.get()
    client.get("/")
    for number in range(20):
        page = NewsPage(title=f"通知 {number}", slug=f"notice-{number}")
        news_index.add_child(instance=page)
        page.save_revision().publish()
    assert home.news_count == 4

    with django_assert_max_num_queries(12):
        response = client.get("/")
    assert response.status_code == 200
