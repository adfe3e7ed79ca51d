"""The Retry button of failed jobs in the admin: POST only, administrators only, own exports."""

import pytest
from django.urls import reverse

from enrollments.models import (
    AttendanceExport,
    BackgroundJob,
    Certificate,
    CertificateBundle,
    HoursRecord,
    NotificationDelivery,
)
from tests.academy import factories as people
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db
Status = BackgroundJob.JobStatus

PAGES = {
    Certificate: ("certificate", lambda job: reverse("certificates_admin:detail", args=[job.pk])),
    HoursRecord: (
        "hours-record",
        lambda job: reverse("certificates_admin:hours_records", args=[job.user_id]),
    ),
    CertificateBundle: ("bundle", lambda job: reverse("certificates_admin:bundles")),
    AttendanceExport: ("export", lambda job: reverse("attendance_admin:jobs")),
    NotificationDelivery: (
        "notification-delivery",
        lambda job: reverse("sent_notification_deliveries:inspect", args=[job.pk]),
    ),
}


def failed_job(model, **fields):
    return ef.job_row(
        model, job_status=Status.FAILED, attempts=5, error="OSError: disk full", **fields
    )


def retry_url(model, job) -> str:
    return reverse("jobs_admin:retry", args=[PAGES[model][0], job.pk])


def owner(job):
    return job.requested_by if isinstance(job, AttendanceExport) else people.administrator()


@pytest.mark.parametrize("model", list(PAGES))
def test_the_page_of_a_failed_job_offers_retry_which_queues_it_again(
    model, client, django_capture_on_commit_callbacks
):
    job = failed_job(model)
    client.force_login(owner(job))
    client.cookies["academy_language"] = "zh-hans"
    page = PAGES[model][1](job)

    listing = client.get(page).content.decode()
    assert retry_url(model, job) in listing and "重试" in listing

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(retry_url(model, job), follow=True)
    job.refresh_from_db()
    assert (job.job_status, job.attempts) == (Status.PENDING, 0)

    assert response.redirect_chain[0][0] == page
    assert "任务已重新排队。" in response.content.decode()
    callbacks[0]()  # the queue runs it
    job.refresh_from_db()
    assert job.job_status == Status.DONE
    assert job.attempts == 0


def test_retry_of_a_job_that_did_not_fail_is_refused_with_a_message(client):
    job = ef.job_row(AttendanceExport, job_status=Status.RUNNING)
    client.force_login(job.requested_by)
    client.cookies["academy_language"] = "en"

    response = client.post(retry_url(AttendanceExport, job), follow=True)

    assert "Only a failed job can be tried again." in response.content.decode()
    job.refresh_from_db()
    assert job.job_status == Status.RUNNING


@pytest.mark.parametrize("model", list(PAGES))
def test_a_trainer_or_trainee_cannot_retry(model, client):
    job = failed_job(model)
    for user in (people.trainer(), people.trainee()):
        client.force_login(user)
        # The admin turns a refusal into a redirect to its front page (or its login).
        refused = client.post(retry_url(model, job))
        assert refused.status_code == 302
        assert refused["Location"].startswith(reverse("wagtailadmin_home"))
        assert refused["Location"] != PAGES[model][1](job)
    job.refresh_from_db()
    assert (job.job_status, job.attempts) == (Status.FAILED, 5)


def test_retry_needs_a_post_and_a_login(client):
    job = failed_job(AttendanceExport)

    assert client.post(retry_url(AttendanceExport, job)).status_code == 302  # to the login
    client.force_login(job.requested_by)
    assert client.get(retry_url(AttendanceExport, job)).status_code == 405
    job.refresh_from_db()
    assert job.job_status == Status.FAILED


def test_an_administrator_cannot_retry_another_administrators_export(client):
    job = failed_job(AttendanceExport)
    client.force_login(people.administrator())

    assert client.post(retry_url(AttendanceExport, job)).status_code == 404
    job.refresh_from_db()
    assert job.job_status == Status.FAILED


def test_retry_checks_the_csrf_token(admin_user):
    from django.test import Client

    job = failed_job(CertificateBundle)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)

    assert client.post(retry_url(CertificateBundle, job)).status_code == 403
    job.refresh_from_db()
    assert job.job_status == Status.FAILED
