"""Every named URL of the public site and the admin keeps its path: bookmarks, QR codes
printed on certificates and the tests all depend on them."""

import pytest
from django.test import Client
from django.urls import resolve, reverse

from tests.academy import factories

PUBLIC_URLS = [
    ("enrollments:dashboard", {}, "/learning/"),
    ("enrollments:ledger", {}, "/learning/hours/"),
    ("enrollments:external_training_new", {}, "/learning/hours/external/new/"),
    (
        "enrollments:external_training_proof",
        {"training_id": 3},
        "/learning/hours/external/3/proof/",
    ),
    ("enrollments:enrol", {"course_id": 4}, "/learning/courses/4/enrol/"),
    ("enrollments:withdraw", {"course_id": 4}, "/learning/courses/4/withdraw/"),
    ("enrollments:lesson_beat", {"lesson_id": 5}, "/learning/lessons/5/beat/"),
    ("enrollments:lesson_complete", {"lesson_id": 5}, "/learning/lessons/5/complete/"),
    ("attendance:sessions", {}, "/attendance/"),
    ("attendance:roll_call", {"session_id": 6}, "/attendance/sessions/6/"),
    ("attendance:mark", {"session_id": 6}, "/attendance/sessions/6/mark/"),
    ("attendance:walk_in", {"session_id": 6}, "/attendance/sessions/6/walk-in/"),
    ("attendance:checkin_screen", {"session_id": 6}, "/attendance/sessions/6/screen/"),
    ("attendance:signin_sheet", {"session_id": 6}, "/attendance/sessions/6/sign-in-sheet.pdf"),
    ("attendance:checkin_by_code", {}, "/attendance/check-in/"),
    ("attendance:checkin", {"session_id": 6}, "/attendance/check-in/6/"),
    ("attendance:checkout", {"session_id": 6}, "/attendance/check-in/6/out/"),
    ("certificates:mine", {}, "/certificates/"),
    ("certificates:verify_search", {}, "/certificates/verify/"),
    ("certificates:verify", {"code": "abc"}, "/certificates/verify/abc/"),
    ("certificates:download", {"certificate_id": 7}, "/certificates/7/download/"),
    ("certificates:hours_records", {}, "/certificates/hours/"),
    ("certificates:hours_download", {"record_id": 8}, "/certificates/hours/8/download/"),
    ("certificates:hours_verify", {"code": "xyz"}, "/certificates/hours/verify/xyz/"),
    ("courses:course_ical", {"course_id": 4}, "/courses/4/calendar.ics"),
    ("accounts:register", {}, "/accounts/register/"),
    ("accounts:login", {}, "/accounts/login/"),
    ("accounts:profile", {}, "/accounts/profile/"),
    ("health", {}, "/health/"),
]

ADMIN_URLS = [
    (
        "enrollments_admin:enrollment_decide",
        {"enrollment_id": 1, "action": "approve"},
        "/admin/learning/enrolments/1/approve/",
    ),
    (
        "enrollments_admin:external_training_decide",
        {"training_id": 2, "action": "reject"},
        "/admin/learning/external-training/2/reject/",
    ),
    ("enrollments_admin:trainee_ledger", {"user_id": 3}, "/admin/learning/ledger/3/"),
    ("enrollments_admin:roster_courses", {}, "/admin/learning/roster/"),
    ("enrollments_admin:roster_upload", {"course_id": 4}, "/admin/learning/roster/4/"),
    (
        "enrollments_admin:roster_preview",
        {"course_id": 4, "token": "t"},
        "/admin/learning/roster/4/t/",
    ),
    ("certificates_admin:detail", {"certificate_id": 5}, "/admin/certificate-admin/5/"),
    ("certificates_admin:revoke", {"certificate_id": 5}, "/admin/certificate-admin/5/revoke/"),
    ("certificates_admin:reissue", {"certificate_id": 5}, "/admin/certificate-admin/5/reissue/"),
    (
        "certificates_admin:download",
        {"certificate_id": 5},
        "/admin/certificate-admin/5/download/",
    ),
    ("certificates_admin:bundles", {}, "/admin/certificate-admin/downloads/"),
    (
        "certificates_admin:bundle_download",
        {"bundle_id": 6},
        "/admin/certificate-admin/downloads/6/",
    ),
    ("certificates_admin:hours_records", {"user_id": 3}, "/admin/certificate-admin/hours/3/"),
    (
        "certificates_admin:hours_download",
        {"record_id": 7},
        "/admin/certificate-admin/hours/record/7/download/",
    ),
    ("attendance_admin:sessions", {}, "/admin/attendance/sessions/"),
    ("attendance_admin:lock", {"session_id": 8}, "/admin/attendance/sessions/8/lock/"),
    ("attendance_admin:export", {}, "/admin/attendance/export/"),
    ("attendance_admin:jobs", {}, "/admin/attendance/export/jobs/"),
    ("attendance_admin:download", {"export_id": 9}, "/admin/attendance/export/jobs/9/download/"),
    ("attendance_admin:hours_summary", {}, "/admin/attendance/hours/"),
    ("attendance_admin:import", {}, "/admin/attendance/import/"),
    ("attendance_admin:import_preview", {"token": "ab12"}, "/admin/attendance/import/ab12/"),
    ("django_rq:home", {}, "/django-rq/"),
]


@pytest.mark.parametrize(("name", "kwargs", "path"), PUBLIC_URLS + ADMIN_URLS)
def test_named_url_keeps_its_path(name, kwargs, path):
    assert reverse(name, kwargs=kwargs) == path
    assert resolve(path).view_name == name


def _menu_urls(items, request):
    for item in items:
        if not item.is_shown(request):
            continue
        if getattr(item, "menu", None) is not None:
            yield from _menu_urls(item.menu.registered_menu_items, request)
        elif item.url:
            yield item.url


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["administrator", "trainer"])
def test_every_admin_menu_entry_shown_opens(role, rf):
    from wagtail.admin.menu import admin_menu

    user = factories.administrator() if role == "administrator" else factories.trainer()
    request = rf.get("/admin/")
    request.user = user
    urls = sorted(set(_menu_urls(admin_menu.registered_menu_items, request)))
    assert "/attendance/" in urls
    assert ("/admin/attendance/sessions/" in urls) == (role == "administrator")
    client = Client()
    client.force_login(user)
    for url in urls:
        if url.startswith("/"):  # the menu also links to Wagtail's online guide
            assert client.get(url, follow=True).status_code == 200, url
