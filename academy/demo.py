"""Demo people and the page tree; each function is safe to run again."""

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.models import Page, Site

from .models import AcademySettings, Organization, QualificationLevel, TraineeProfile
from .roles import ADMINISTRATOR, TRAINEE, TRAINER
from .services import user_assign_role

User = get_user_model()

DEMO_PASSWORD = "shegong-demo-2026"  # noqa: S105 - published demo logins

ORGANIZATIONS = [
    ("阳光社会工作服务中心", Organization.Kind.SOCIAL_WORK, "城东区"),
    ("启明社工事务所", Organization.Kind.SOCIAL_WORK, "城西区"),
    ("和美社区志愿服务队", Organization.Kind.VOLUNTEER_TEAM, "城东区"),
    ("东湖街道办事处", Organization.Kind.STREET_OFFICE, "城东区"),
]

# username, full name, email, phone, role, organisation index, qualification, registered
PEOPLE = [
    (
        "admin",
        "王海燕",
        "admin@academy.example",
        "13800000001",
        ADMINISTRATOR,
        None,
        QualificationLevel.SENIOR,
        date(2022, 3, 1),
    ),
    (
        "trainer",
        "陈立群",
        "trainer@academy.example",
        "13800000002",
        TRAINER,
        0,
        QualificationLevel.INTERMEDIATE,
        date(2021, 9, 1),
    ),
    (
        "trainer2",
        "刘思远",
        "trainer2@academy.example",
        "13800000003",
        TRAINER,
        1,
        QualificationLevel.SENIOR,
        date(2020, 6, 1),
    ),
    (
        "trainee",
        "李晓明",
        "trainee@academy.example",
        "13900000001",
        TRAINEE,
        0,
        QualificationLevel.ASSISTANT,
        date(2024, 7, 1),
    ),
    (
        "trainee2",
        "张丽华",
        "trainee2@academy.example",
        "13900000002",
        TRAINEE,
        1,
        QualificationLevel.INTERMEDIATE,
        date(2023, 11, 15),
    ),
    (
        "trainee3",
        "赵建国",
        "trainee3@academy.example",
        "13900000003",
        TRAINEE,
        2,
        QualificationLevel.NONE,
        None,
    ),
    (
        "trainee4",
        "孙梅",
        "trainee4@academy.example",
        "13900000004",
        TRAINEE,
        3,
        QualificationLevel.ASSISTANT,
        date(2025, 1, 10),
    ),
    (
        "trainee5",
        "周雨萱",
        "trainee5@academy.example",
        "13900000005",
        TRAINEE,
        0,
        QualificationLevel.NONE,
        None,
    ),
]

DEMO_LOGINS = [
    ("admin@academy.example", DEMO_PASSWORD, "Administrator"),
    ("trainer@academy.example", DEMO_PASSWORD, "Trainer"),
    ("trainee@academy.example", DEMO_PASSWORD, "Trainee"),
]


@transaction.atomic
def seed_people() -> dict[str, object]:
    organizations = []
    for name, kind, district in ORGANIZATIONS:
        organization, _created = Organization.objects.get_or_create(
            name=name, defaults={"kind": kind, "district": district}
        )
        organizations.append(organization)
    people = {}
    for username, full_name, email, phone, role, org_index, level, registered in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username, full_name=full_name, email=email, phone=phone)
            user.set_password(DEMO_PASSWORD)
            user.save()
        user_assign_role(user=user, role=role)
        TraineeProfile.objects.update_or_create(
            user=user,
            defaults={
                "organization": organizations[org_index] if org_index is not None else None,
                "qualification_level": level,
                "registration_date": registered,
            },
        )
        people[username] = user
    return {"organizations": organizations, "people": people}


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
    from cms_pages.models import HomePage, NewsIndexPage, NewsPage, StandardPage
    from courses.models import CourseCatalogPage

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
    _child(
        news_index,
        NewsPage,
        "2026-autumn-term",
        title="2026 年秋季培训班开始报名",
        date=date(2026, 9, 1),
        intro="新人培育班、中级进阶班和考前培训班同步开放报名。",
        body="<p>请登录平台选择课程报名，名额有限，额满即止。</p>",
    )
    _child(
        news_index,
        NewsPage,
        "continuing-education-notice",
        title="关于继续教育学时登记的通知",
        date=date(2026, 10, 15),
        intro="持证社工请在登记周期内完成继续教育学时。",
        body="<p>助理社会工作师每个登记周期不少于 72 学时，社会工作师不少于 90 学时。</p>",
    )
    return home
