"""The demo site's page tree (home, catalogue, news, about) and the home page's featured
curricula; each function is safe to run again."""

from datetime import date

from django.db import transaction
from wagtail.models import Page, Site

from academy.models import AcademySettings
from cms_pages.models import HomePage, HomePageFeaturedPage, NewsIndexPage, NewsPage, StandardPage
from courses.models import CourseCatalogPage, CurriculumPage

DEMO_NEWS = {
    "2026-autumn-term": {
        "title": "2026 年秋季培训班开始报名",
        "date": date(2026, 9, 1),
        "intro": "新人培育班、中级进阶班和考前培训班同步开放报名。",
        "body": "<p>请登录平台选择课程报名，名额有限，额满即止。</p>",
    },
    "continuing-education-notice": {
        "title": "关于继续教育学时登记的通知",
        "date": date(2026, 10, 15),
        "intro": "持证社工请在登记周期内完成继续教育学时。",
        "body": "<p>助理社会工作师每个登记周期不少于 72 学时，社会工作师不少于 90 学时。</p>",
    },
}


def _child(parent: Page, page_class, slug: str, **fields):
    existing = page_class.objects.child_of(parent).filter(slug=slug).first()
    if existing is not None:
        return existing
    page = page_class(slug=slug, **fields)
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def seed_site():
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's placeholder "Welcome" page holds the slug; the site is re-pointed below.
        for placeholder in root.get_children().filter(slug="home"):
            if type(placeholder.specific) is Page:
                Site.objects.filter(root_page=placeholder).delete()
                placeholder.delete()
        home = HomePage(
            title="首页",
            slug="home",
            intro="学以致用，助人自助：社会工作者的终身学习平台",
            body=(
                "<p>区社工学院面向全区社会工作者与志愿者，提供新人培育、中级进阶、"
                "考前培训和专题课程，线上线下结合，学时自动累计，结业证书在线可查。</p>"
            ),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="社工学院",
        )
    elif site.root_page_id != home.pk:
        site.root_page = home
        site.save()
    home.refresh_from_db()
    settings_row = AcademySettings.for_site(Site.objects.get(is_default_site=True))
    if not settings_row.address:
        settings_row.academy_name = "社工学院"
        settings_row.address = "城东区民生路 88 号社会工作服务大楼 3 楼"
        settings_row.contact_phone = "0571-8888 6666"
        settings_row.contact_email = "academy@academy.example"
        settings_row.footer_text = "区民政局指导 · 区社会工作者协会主办"
        settings_row.save()

    _child(
        home,
        CourseCatalogPage,
        "courses",
        title="课程",
        show_in_menus=True,
        intro="<p>按课程体系、授课方式和开课时间查找课程。</p>",
    )
    news_index = _child(home, NewsIndexPage, "news", title="新闻动态", show_in_menus=True)
    _child(
        home,
        StandardPage,
        "about",
        title="关于学院",
        show_in_menus=True,
        intro="区社工学院是全区社会工作人才培养的公共平台。",
        body="<p>学院承担全区社会工作者继续教育、新人培育和考前辅导，"
        "联合高校、社工机构和街道开展线上线下培训。</p>",
    )
    for slug, fields in DEMO_NEWS.items():
        _child(news_index, NewsPage, slug, **fields)
    return home


@transaction.atomic
def seed_home_features() -> None:
    """Feature the curricula on the home page, in catalogue order, once."""
    home = HomePage.objects.first()
    if home is None or home.featured_pages.exists():
        return
    curricula = CurriculumPage.objects.live().order_by("path")
    for position, curriculum in enumerate(curricula):
        home.featured_pages.add(HomePageFeaturedPage(page=curriculum, sort_order=position))
    home.save_revision().publish()
