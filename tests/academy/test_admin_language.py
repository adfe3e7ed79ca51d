"""With Chinese active, the admin screens of a trainer's and an administrator's daily
work show no English from Wagtail, and every screen has its own title in the tab."""

import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from wagtail.admin.menu import admin_menu
from wagtail.users.models import UserProfile

from tests.academy import factories as people
from tests.courses import factories as tree

# English that Wagtail writes on the admin screens when its Chinese is missing or
# overridden, and the roles' group names; a whole-word match anywhere in the visible
# text fails the screen.
ENGLISH_WAGTAIL_WORDS = [
    "Pages",
    "Page",
    "Images",
    "Documents",
    "Search all pages",
    "editor guide",
    "Keyboard shortcuts",
    "Privacy",
    "Dashboard",
    "Reports",
    "Settings",
    "Help",
    "Edit",
    "Live",
    "Draft",
    "Publish",
    "Save draft",
    "Preview",
    "History",
    "Delete",
    "Move",
    "Copy",
    "Unpublish",
    "View live",
    "Add child page",
    "Sort menu order",
    "Status",
    "Title",
    "Type",
    "Updated",
    "Owner",
    "Actions",
    "Search",
    "Filter",
    "Filters",
    "Workflow",
    "Workflows",
    "Tasks",
    "Task",
    "Users",
    "Groups",
    "Account",
    "Log out",
    "Collections",
    "Snippets",
    "Redirects",
    "Sites",
    "Locked pages",
    "Aging pages",
    "Site history",
    "Page types",
    "Comments",
    "Checks",
    "Content",
    "Promote",
    "Information",
    "Accessibility",
    "Submit to",
    "approval",
    "Moderators",
    "Show",
    "Hide",
    "Close",
    "Cancel",
    "Add",
    "Create",
    "Choose",
    "Select",
    "Toggle",
    "Sidebar",
    "Explorer",
    "Breadcrumb",
    "Scheduled",
    "Locked",
    "Unlocked",
    "Private",
    "Public",
    "minutes ago",
    "hours ago",
    "days ago",
    "Current status",
    "Last updated",
    "Previous",
    "Next",
    "Export",
    "Download",
    "Root",
    "Administrator",
    "Trainer",
    "Trainee",
]
_WORDS = re.compile(
    r"(?<![\w-])(" + "|".join(map(re.escape, ENGLISH_WAGTAIL_WORDS)) + r")(?![\w-])"
)
_VISIBLE_ATTRIBUTES = {"placeholder", "title", "alt", "aria-label", "data-w-tooltip-content-value"}


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.title = ""
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        if tag == "title" and not self.title:
            self._in_title = True
        for name, value in attrs:
            if name in _VISIBLE_ATTRIBUTES and value:
                self.texts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1
        if tag == "title" and self._in_title:
            self._in_title = False
            self.title = " ".join(self.title.split()) or " "

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        if not self._hidden:
            self.texts.append(data)


def _read(html: str) -> _VisibleText:
    parser = _VisibleText()
    parser.feed(html)
    return parser


def _menu_urls(items, request):
    for item in items:
        if not item.is_shown(request):
            continue
        if getattr(item, "menu", None) is not None:
            yield from _menu_urls(item.menu.registered_menu_items, request)
        elif item.url and item.url.startswith("/admin/"):
            yield item.url


def _screens(user, rf, course, lesson) -> list[str]:
    request = rf.get("/admin/")
    request.user = user
    screens = [
        reverse("wagtailadmin_home"),
        reverse("wagtailadmin_explore", args=[course.pk]),
        reverse("wagtailadmin_pages:edit", args=[course.pk]),
        reverse("wagtailadmin_pages:edit", args=[lesson.pk]),
        reverse("wagtailadmin_pages:add", args=["courses", "lessonpage", course.pk]),
        reverse("wagtailadmin_pages:history", args=[course.pk]),
        reverse("wagtailadmin_account"),
    ]
    screens += sorted(set(_menu_urls(admin_menu.registered_menu_items, request)))
    return list(dict.fromkeys(screens))


def _chinese_client(user) -> Client:
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "zh-hans"
    profile.save()
    client = Client(headers={"accept-language": "zh-hans"})
    client.force_login(user)
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["administrator", "trainer"])
def test_the_admin_speaks_chinese_on_every_screen_of_daily_work(role, rf):
    user = people.administrator() if role == "administrator" else people.trainer()
    course = tree.course(trainers=[user], sessions=1)
    lesson = tree.lesson(parent=course)
    client = _chinese_client(user)
    screens = _screens(user, rf, course, lesson)
    if role == "administrator":
        screens += [
            reverse("wagtailadmin_explore", args=[course.get_parent().get_parent().pk]),
            reverse("wagtailadmin_workflows:index"),
            reverse("wagtailadmin_workflows:task_index"),
            reverse("wagtailadmin_reports:locked_pages"),
            reverse("wagtailadmin_reports:workflow"),
            reverse("wagtailadmin_reports:site_history"),
            reverse("wagtailusers_users:index"),
            reverse("wagtailusers_users:add"),
            reverse("wagtailusers_users:edit", args=[user.pk]),
        ]
    english: dict[str, set[str]] = {}
    bad_titles: dict[str, str] = {}
    for url in screens:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        page = _read(response.content.decode())
        found = {" ".join(text.split()) for text in page.texts if _WORDS.search(text)}
        if found:
            english[url] = found
        heading, _, suffix = page.title.rpartition(" - ")
        if not heading.strip() or suffix != settings.WAGTAIL_SITE_NAME:
            bad_titles[url] = page.title
    assert english == {}
    assert bad_titles == {}


@pytest.mark.django_db
def test_a_trainer_submits_a_lesson_to_the_administrators_in_chinese():
    trainer = people.trainer()
    course = tree.course(trainers=[trainer])
    lesson = tree.lesson(parent=course)
    client = _chinese_client(trainer)

    page = _read(client.get(reverse("wagtailadmin_pages:edit", args=[lesson.pk])).content.decode())

    visible = " ".join(" ".join(text.split()) for text in page.texts)
    assert "提交给管理员审核" in visible
    assert "approval" not in visible
