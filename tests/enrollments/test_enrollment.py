from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from academy.errors import RuleViolation
from enrollments.models import Enrollment
from enrollments.selectors.enrollment import course_has_free_seat, course_seats_taken
from enrollments.services.enrollment import (
    enrollment_admit,
    enrollment_admit_from_waitlist,
    enrollment_approve,
    enrollment_enrol,
    enrollment_reject,
    enrollment_withdraw,
)
from tests.academy import factories
from tests.concurrency import run_in_threads
from tests.courses import factories as tree
from tests.enrollments import factories as ef

Status = Enrollment.Status
pytestmark = pytest.mark.django_db


def test_enrolment_window_is_enforced():
    now = timezone.now()
    course = tree.course(
        enrollment_opens_at=now + timedelta(days=1), enrollment_closes_at=now + timedelta(days=9)
    )
    trainee = factories.trainee()

    with pytest.raises(RuleViolation) as closed:
        enrollment_enrol(user=trainee, course=course, now=now)
    assert closed.value.code == "window_closed"
    with pytest.raises(RuleViolation):
        enrollment_enrol(user=trainee, course=course, now=now + timedelta(days=9))

    enrollment = enrollment_enrol(user=trainee, course=course, now=now + timedelta(days=2))
    assert enrollment.status == Status.ACTIVE


def test_capacity_puts_the_next_trainee_on_the_waiting_list():
    course = tree.course(capacity=2)
    first, second, third = (factories.trainee() for _ in range(3))

    assert enrollment_enrol(user=first, course=course).status == Status.ACTIVE
    assert enrollment_enrol(user=second, course=course).status == Status.ACTIVE
    waiting = enrollment_enrol(user=third, course=course)

    assert waiting.status == Status.WAITLISTED
    assert waiting.waitlisted_at is not None


def test_withdrawal_moves_the_earliest_waitlisted_trainee_up():
    course = tree.course(capacity=1)
    holder, early, late = (factories.trainee() for _ in range(3))
    seat = enrollment_enrol(user=holder, course=course)
    now = timezone.now()
    early_wait = enrollment_enrol(user=early, course=course, now=now)
    late_wait = enrollment_enrol(user=late, course=course, now=now + timedelta(minutes=1))

    enrollment_withdraw(enrollment=seat, user=holder)

    early_wait.refresh_from_db()
    late_wait.refresh_from_db()
    assert early_wait.status == Status.ACTIVE
    assert late_wait.status == Status.WAITLISTED
    seat.refresh_from_db()
    assert seat.status == Status.WITHDRAWN


def test_leaving_the_waiting_list_frees_no_place():
    course = tree.course(capacity=1)
    holder, waiting_user = factories.trainee(), factories.trainee()
    enrollment_enrol(user=holder, course=course)
    waiting = enrollment_enrol(user=waiting_user, course=course)

    enrollment_withdraw(enrollment=waiting, user=waiting_user)

    assert Enrollment.objects.get(user=holder).status == Status.ACTIVE
    assert Enrollment.objects.get(user=waiting_user).status == Status.WITHDRAWN


def test_course_needing_approval_holds_the_enrolment_until_approved(trainer_user, admin_user):
    course = tree.course(requires_approval=True, trainers=[trainer_user])
    trainee = factories.trainee()

    enrollment = enrollment_enrol(user=trainee, course=course)
    assert enrollment.status == Status.PENDING

    with pytest.raises(PermissionDenied):
        enrollment_approve(enrollment_id=enrollment.pk, actor=factories.trainer())
    with pytest.raises(PermissionDenied):
        enrollment_approve(enrollment_id=enrollment.pk, actor=trainee)

    approved = enrollment_approve(enrollment_id=enrollment.pk, actor=trainer_user)
    assert approved.status == Status.ACTIVE
    assert approved.decided_by == trainer_user
    with pytest.raises(RuleViolation):
        enrollment_approve(enrollment_id=enrollment.pk, actor=admin_user)


def test_rejection_needs_a_reason_and_promotes_the_waiting_list(admin_user):
    course = tree.course(requires_approval=True, capacity=1)
    applicant, waiting_user = factories.trainee(), factories.trainee()
    pending = enrollment_enrol(user=applicant, course=course)
    waiting = enrollment_enrol(user=waiting_user, course=course)
    assert waiting.status == Status.WAITLISTED

    with pytest.raises(RuleViolation):
        enrollment_reject(enrollment_id=pending.pk, actor=admin_user, reason="  ")
    enrollment_reject(enrollment_id=pending.pk, actor=admin_user, reason="不符合报名条件")

    pending.refresh_from_db()
    waiting.refresh_from_db()
    assert pending.status == Status.REJECTED
    assert pending.decision_reason == "不符合报名条件"
    # Promoted on a course that needs approval: the place is held pending a decision.
    assert waiting.status == Status.PENDING
    with pytest.raises(RuleViolation) as again:
        enrollment_enrol(user=applicant, course=course)
    assert again.value.code == "rejected"


def test_admit_from_waitlist_respects_capacity(admin_user):
    course = tree.course(capacity=1)
    holder, waiting_user = factories.trainee(), factories.trainee()
    enrollment_enrol(user=holder, course=course)
    waiting = enrollment_enrol(user=waiting_user, course=course)

    with pytest.raises(RuleViolation) as full:
        enrollment_admit_from_waitlist(enrollment_id=waiting.pk, actor=admin_user)
    assert full.value.code == "course_full"

    course.capacity = 2
    course.save()
    admitted = enrollment_admit_from_waitlist(enrollment_id=waiting.pk, actor=admin_user)
    assert admitted.status == Status.ACTIVE


def test_withdrawn_or_waiting_enrolments_take_no_place():
    course = tree.course(capacity=2)
    for status in (Status.PENDING, Status.ACTIVE, Status.WITHDRAWN, Status.WAITLISTED):
        ef.enrollment(course=course, status=status)

    assert course_seats_taken(course=course) == 2
    assert not course_has_free_seat(course=course)


def test_admitting_reopens_a_withdrawal_without_its_old_stamps(admin_user):
    course = tree.course(capacity=1)
    holder, trainee = factories.trainee(), factories.trainee()
    enrollment_enrol(user=holder, course=course)
    waiting = enrollment_enrol(user=trainee, course=course)
    enrollment_withdraw(enrollment=waiting, user=trainee)
    waiting.refresh_from_db()
    assert waiting.withdrawn_at is not None

    admitted = enrollment_admit(
        user=trainee, course=course, source=Enrollment.Source.ADMIN, actor=admin_user
    )

    admitted.refresh_from_db()
    assert admitted.pk == waiting.pk
    assert admitted.status == Status.ACTIVE
    assert admitted.source == Enrollment.Source.ADMIN
    assert (admitted.withdrawn_at, admitted.waitlisted_at) == (None, None)
    assert admitted.decided_by == admin_user


def test_admitting_holds_capacity_when_asked(admin_user):
    course = tree.course(capacity=1)
    enrollment_enrol(user=factories.trainee(), course=course)
    trainee = factories.trainee()

    with pytest.raises(RuleViolation) as full:
        enrollment_admit(
            user=trainee,
            course=course,
            source=Enrollment.Source.ADMIN,
            actor=admin_user,
            ignore_capacity=False,
        )

    assert full.value.code == "course_full"
    assert not Enrollment.objects.filter(user=trainee).exists()


def test_re_enrolling_after_a_rejection_by_staff_clears_the_reason(admin_user):
    course = tree.course(requires_approval=True)
    trainee = factories.trainee()
    pending = enrollment_enrol(user=trainee, course=course)
    enrollment_reject(enrollment_id=pending.pk, actor=admin_user, reason="材料不全")

    again = enrollment_enrol(
        user=trainee, course=course, source=Enrollment.Source.ROSTER, actor=admin_user
    )

    assert again.status == Status.ACTIVE
    assert again.decision_reason == ""


def test_one_enrolment_per_trainee_per_course():
    course = tree.course()
    trainee = factories.trainee()
    enrollment_enrol(user=trainee, course=course)

    with pytest.raises(RuleViolation) as duplicate:
        enrollment_enrol(user=trainee, course=course)
    assert duplicate.value.code == "duplicate"
    assert Enrollment.objects.filter(user=trainee, course=course).count() == 1


def test_withdrawn_trainee_can_enrol_again():
    course = tree.course()
    trainee = factories.trainee()
    enrollment = enrollment_enrol(user=trainee, course=course)
    enrollment_withdraw(enrollment=enrollment, user=trainee)

    again = enrollment_enrol(user=trainee, course=course)

    assert again.pk == enrollment.pk
    assert again.status == Status.ACTIVE


def test_a_trainee_cannot_withdraw_someone_else():
    course = tree.course()
    owner, other = factories.trainee(), factories.trainee()
    enrollment = enrollment_enrol(user=owner, course=course)

    with pytest.raises(PermissionDenied):
        enrollment_withdraw(enrollment=enrollment, user=other)


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Row locks and concurrent transactions need PostgreSQL; SQLite serialises writers.",
)


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_concurrent_requests_make_one_enrolment():
    course = tree.course()
    trainee = factories.trainee()

    results, errors = run_in_threads(lambda _i: enrollment_enrol(user=trainee, course=course), 2)

    assert Enrollment.objects.filter(user=trainee, course=course).count() == 1
    assert len(results) == 1
    assert len(errors) == 1
    assert isinstance(errors[0], RuleViolation)


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_capacity_holds_under_concurrent_enrolment():
    course = tree.course(capacity=1)
    trainees = [factories.trainee() for _ in range(4)]

    results, errors = run_in_threads(lambda i: enrollment_enrol(user=trainees[i], course=course), 4)

    assert errors == []
    statuses = sorted(e.status for e in Enrollment.objects.filter(course=course))
    assert statuses == [Status.ACTIVE] + [Status.WAITLISTED] * 3


# Views


def test_enrol_and_withdraw_views(client):
    course = tree.course(capacity=5)
    trainee = factories.trainee()
    client.force_login(trainee)

    response = client.post(reverse("enrollments:enrol", args=[course.pk]))
    assert response.status_code == 302
    assert Enrollment.objects.get(user=trainee, course=course).status == Status.ACTIVE

    client.post(reverse("enrollments:withdraw", args=[course.pk]))
    assert Enrollment.objects.get(user=trainee, course=course).status == Status.WITHDRAWN


def test_enrol_view_needs_login_and_post(client):
    course = tree.course()
    response = client.post(reverse("enrollments:enrol", args=[course.pk]))
    assert response.status_code == 302
    assert reverse("accounts:login") in response.url
    client.force_login(factories.trainee())
    assert client.get(reverse("enrollments:enrol", args=[course.pk])).status_code == 405
    assert not Enrollment.objects.exists()


def test_withdraw_view_only_touches_the_visitors_own_enrolment(client):
    course = tree.course()
    owner, intruder = factories.trainee(), factories.trainee()
    enrollment_enrol(user=owner, course=course)
    client.force_login(intruder)

    response = client.post(reverse("enrollments:withdraw", args=[course.pk]))

    assert response.status_code == 404
    assert Enrollment.objects.get(user=owner).status == Status.ACTIVE


def test_enrol_view_reports_a_closed_window(client):
    course = tree.course(enrollment_closes_at=timezone.now() - timedelta(days=1))
    client.force_login(factories.trainee())
    client.cookies["academy_language"] = "en"

    response = client.post(reverse("enrollments:enrol", args=[course.pk]), follow=True)

    assert "Enrolment for this course is not open." in response.content.decode()
    assert not Enrollment.objects.exists()


def test_course_page_shows_places_left_and_the_enrol_button(client):
    course = tree.course(capacity=3)
    enrollment_enrol(user=factories.trainee(), course=course)
    client.force_login(factories.trainee())
    client.cookies["academy_language"] = "en"

    page = client.get(course.url).content.decode()

    assert 'id="enrollment"' in page
    assert "2 places left" in page
    assert reverse("enrollments:enrol", args=[course.pk]) in page
