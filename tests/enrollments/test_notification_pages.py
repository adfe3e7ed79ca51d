"""The bell, the list of notices, the channel choices and the administrators' record."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enrollments.models import (
    Notification,
    NotificationChannel,
    NotificationKind,
    NotificationPreference,
)
from enrollments.selectors.notifications import notification_preferences
from enrollments.services.notifications import notification_send
from tests.academy import factories

pytestmark = pytest.mark.django_db
Kind = NotificationKind


def notice(user, key="k", title="您已成功报名", link="/learning/", **fields) -> Notification:
    return notification_send(
        recipient=user,
        kind=fields.pop("kind", Kind.ENROLLMENT_APPROVED),
        key=key,
        title=title,
        body="可以开始学习了",
        link=link,
    )


def unread_shown(client) -> str:
    page = client.get(reverse("enrollments:ledger")).content.decode()
    return re.search(r'data-unread="(\d+)"', page).group(1)


def test_the_bell_shows_the_unread_count_for_one_query_then_from_the_cache(client, trainee_user):
    notice(trainee_user, key="a")
    notice(trainee_user, key="b")
    notice(factories.trainee(), key="a")
    Notification.objects.filter(key="b").update(read_at="2026-01-01T00:00:00Z")
    client.force_login(trainee_user)

    page = client.get(reverse("enrollments:ledger")).content.decode()
    assert 'data-unread="1"' in page
    assert '<span class="notification-bell__count" aria-hidden="true">1</span>' in page
    assert "1 条未读通知" in page

    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("enrollments:ledger"))
    bell = [q["sql"] for q in queries.captured_queries if "enrollments_notification" in q["sql"]]
    assert bell == []


def test_the_cached_count_follows_every_change_of_the_users_notices(client, trainee_user):
    client.force_login(trainee_user)
    assert unread_shown(client) == "0"
    first = notice(trainee_user, key="a")
    assert unread_shown(client) == "1"
    notice(trainee_user, key="b")
    notice(factories.trainee(), key="c")
    assert unread_shown(client) == "2"

    client.post(reverse("enrollments:notification_open", args=[first.pk]))
    assert unread_shown(client) == "1"
    client.post(reverse("enrollments:notifications_read"))
    assert unread_shown(client) == "0"

    notice(trainee_user, key="d").delete()
    notice(trainee_user, key="e")
    assert unread_shown(client) == "1"
    Notification.objects.get(key="e").delete()
    assert unread_shown(client) == "0"


def test_a_merge_moves_the_count_to_the_kept_account(client, trainee_user, admin_user):
    from enrollments.services.accounts import account_merge

    other = factories.trainee()
    notice(other, key="moved")
    client.force_login(trainee_user)
    assert unread_shown(client) == "0"

    account_merge(kept=trainee_user, merged=other, actor=admin_user)

    assert unread_shown(client) == "1"


def test_anonymous_visitors_get_no_bell_and_no_query(client):
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("accounts:login")).content.decode()
    assert "notification-bell" not in page
    assert not [q for q in queries.captured_queries if "enrollments_notification" in q["sql"]]


def test_the_list_shows_only_the_visitors_own_notices(client, trainee_user):
    notice(trainee_user, title="我的通知")
    notice(factories.trainee(), title="别人的通知")
    client.force_login(trainee_user)

    response = client.get(reverse("enrollments:notifications"))

    page = response.content.decode()
    assert "我的通知" in page and "别人的通知" not in page
    assert reverse("enrollments:notification_settings") in page


def test_opening_a_notice_marks_it_read_and_goes_to_its_link(client, trainee_user):
    own = notice(trainee_user, link="/learning/hours/")
    other = notice(factories.trainee())
    client.force_login(trainee_user)

    assert client.get(reverse("enrollments:notification_open", args=[own.pk])).status_code == 405
    response = client.post(reverse("enrollments:notification_open", args=[own.pk]))
    assert response.status_code == 302 and response["Location"] == "/learning/hours/"
    own.refresh_from_db()
    assert own.read_at is not None

    assert client.post(reverse("enrollments:notification_open", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_an_outside_link_is_not_followed(client, trainee_user):
    outside = notice(trainee_user, link="https://evil.example/")
    client.force_login(trainee_user)

    response = client.post(reverse("enrollments:notification_open", args=[outside.pk]))

    assert response["Location"] == reverse("enrollments:notifications")


def test_mark_all_read_needs_a_post_with_csrf_and_touches_only_own(trainee_user):
    from django.test import Client

    notice(trainee_user, key="a")
    notice(trainee_user, key="b")
    other = notice(factories.trainee())
    client = Client(enforce_csrf_checks=True)
    client.force_login(trainee_user)
    url = reverse("enrollments:notifications_read")

    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    page = client.get(reverse("enrollments:notifications"))
    token = page.cookies["csrftoken"].value
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 302

    assert not Notification.objects.filter(recipient=trainee_user, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_the_settings_page_keeps_each_choice(client, trainee_user):
    client.force_login(trainee_user)
    page = client.get(reverse("enrollments:notification_settings")).content.decode()
    boxes = dict(re.findall(r'<input type="checkbox" name="(\w+)"[^>]*?( checked)?>', page))
    assert len(boxes) == len(Kind) * 2
    assert boxes["session_reminder__sms"] == " checked"
    assert boxes["enrollment_rejected__email"] == " checked"
    assert boxes["enrollment_rejected__sms"] == ""

    response = client.post(
        reverse("enrollments:notification_settings"),
        {"enrollment_rejected__email": "on", "certificate_issued__sms": "on"},
    )

    assert response.status_code == 302
    chosen = notification_preferences(user=trainee_user)
    assert chosen[(Kind.CERTIFICATE_ISSUED, NotificationChannel.SMS)] is True
    assert chosen[(Kind.SESSION_REMINDER, NotificationChannel.SMS)] is False
    assert chosen[(Kind.SESSION_REMINDER, NotificationChannel.EMAIL)] is False
    assert chosen[(Kind.ENROLLMENT_REJECTED, NotificationChannel.EMAIL)] is True
    assert NotificationPreference.objects.filter(user=trainee_user).count() == len(Kind) * 2


def test_the_pages_need_login(client):
    for name in ("enrollments:notifications", "enrollments:notification_settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_administrators_see_what_was_sent_filtered_by_kind_channel_and_status(
    client, admin_user, trainee_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice(trainee_user, key="a", title="报名通过通知")
        notice(trainee_user, key="b", title="证书通知", kind=Kind.CERTIFICATE_ISSUED)
    client.force_login(admin_user)

    notices = client.get(reverse("sent_notifications:index") + "?kind=certificate_issued")
    assert notices.status_code == 200
    page = notices.content.decode()
    assert "证书通知" in page and "报名通过通知" not in page

    deliveries = client.get(
        reverse("sent_notification_deliveries:index") + "?channel=sms&job_status=done"
    )
    page = deliveries.content.decode()
    assert trainee_user.phone in page and trainee_user.email not in page


def test_trainers_and_trainees_cannot_see_what_was_sent(client, trainer_user, trainee_user):
    for user in (trainer_user, trainee_user):
        client.force_login(user)
        response = client.get(reverse("sent_notifications:index"))
        assert response.status_code in (302, 403)
