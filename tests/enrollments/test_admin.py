import pytest
from django.urls import reverse

from enrollments.models import Enrollment, ExternalTraining, HourEntry
from tests.academy import factories
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db
Status = Enrollment.Status


@pytest.fixture
def courses(trainer_user):
    mine = tree.course(title="我的课程", requires_approval=True, trainers=[trainer_user])
    theirs = tree.course(title="别人的课程", requires_approval=True)
    return mine, theirs


def test_administrator_lists_and_filters_enrolments(client, admin_user, courses):
    mine, theirs = courses
    ef.enrollment(course=mine, user=factories.trainee(full_name="甲学员"), status=Status.PENDING)
    ef.enrollment(course=theirs, user=factories.trainee(full_name="乙学员"), status=Status.ACTIVE)
    client.force_login(admin_user)

    page = client.get(reverse("learning_enrollments:index")).content.decode()
    assert "甲学员" in page and "乙学员" in page
    filtered = client.get(reverse("learning_enrollments:index") + "?status=pending")
    assert "甲学员" in filtered.content.decode()
    assert "乙学员" not in filtered.content.decode()


@pytest.mark.parametrize("listing", ["learning_enrollments:index", "learning_hours:index"])
def test_records_filter_by_the_trainees_organisation_under_a_chinese_label(
    client, admin_user, courses, listing
):
    mine, _ = courses
    sunshine = factories.OrganizationFactory(name="阳光社工中心")
    harbour = factories.OrganizationFactory(name="港湾社工站")
    for name, organization in (("甲学员", sunshine), ("乙学员", harbour)):
        trainee = factories.trainee(full_name=name, organization=organization)
        ef.enrollment(course=mine, user=trainee, status=Status.ACTIVE)
        ef.hour_entry(user=trainee, hours=1, course=mine)
    client.force_login(admin_user)

    page = client.get(reverse(listing)).content.decode()
    assert "所在机构" in page
    assert "trainee profile" not in page
    filtered = client.get(
        reverse(listing), {"user__trainee_profile__organization": sunshine.pk}
    ).content.decode()
    assert "甲学员" in filtered
    assert "乙学员" not in filtered


def test_trainer_sees_and_decides_only_their_courses(client, trainer_user, courses):
    mine, theirs = courses
    own = ef.enrollment(
        course=mine, user=factories.trainee(full_name="甲学员"), status=Status.PENDING
    )
    other = ef.enrollment(
        course=theirs, user=factories.trainee(full_name="乙学员"), status=Status.PENDING
    )
    client.force_login(trainer_user)

    page = client.get(reverse("learning_enrollments:index")).content.decode()
    assert "甲学员" in page
    assert "乙学员" not in page
    assert client.get(reverse("learning_enrollments:inspect", args=[other.pk])).status_code == 404

    client.post(reverse("enrollments_admin:enrollment_decide", args=[other.pk, "approve"]))
    other.refresh_from_db()
    assert other.status == Status.PENDING

    client.post(reverse("enrollments_admin:enrollment_decide", args=[own.pk, "approve"]))
    own.refresh_from_db()
    assert own.status == Status.ACTIVE


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_reject_action_requires_a_reason(client, admin_user, courses):
    mine, _theirs = courses
    enrollment = ef.enrollment(course=mine, user=factories.trainee(), status=Status.PENDING)
    client.force_login(admin_user)
    client.cookies["academy_language"] = "en"
    url = reverse("enrollments_admin:enrollment_decide", args=[enrollment.pk, "reject"])

    refused = client.post(url, {"reason": "   "}, follow=True)
    enrollment.refresh_from_db()
    assert enrollment.status == Status.PENDING
    assert _messages(refused) == ["Give a reason for the rejection."]

    client.post(url, {"reason": "名额已满"})
    enrollment.refresh_from_db()
    assert enrollment.status == Status.REJECTED


def test_enrolment_records_cannot_be_edited_in_the_admin(client, admin_user, courses):
    mine, _theirs = courses
    enrollment = ef.enrollment(course=mine, user=factories.trainee(), status=Status.PENDING)
    client.force_login(admin_user)
    response = client.post(
        reverse("learning_enrollments:edit", args=[enrollment.pk]), {"status": "active"}
    )
    # Wagtail answers a refused admin action by sending the user back to the dashboard.
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    enrollment.refresh_from_db()
    assert enrollment.status == Status.PENDING


def test_trainee_ledger_admin_view_and_adjustment(client, admin_user, trainer_user):
    trainee = factories.trainee()
    url = reverse("enrollments_admin:trainee_ledger", args=[trainee.pk])

    client.force_login(trainer_user)
    refused = client.get(url)
    assert refused.status_code == 302
    assert refused.url == reverse("wagtailadmin_home")

    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    client.post(url, {"hours": "2.5", "date": "2026-01-15", "description": "补录督导学时"})
    entry = HourEntry.objects.get(user=trainee)
    assert entry.source == HourEntry.Source.ADJUSTMENT
    assert entry.recorded_by == admin_user


def test_ledger_adjustment_form_shows_the_services_refusal(client, admin_user):
    trainee = factories.trainee()
    client.force_login(admin_user)
    client.cookies["academy_language"] = "en"
    url = reverse("enrollments_admin:trainee_ledger", args=[trainee.pk])

    response = client.post(url, {"hours": "0", "date": "2026-01-15", "description": "补录"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "An adjustment needs a number of hours other than zero."
    ]
    assert not HourEntry.objects.exists()


def test_trainee_ledger_queries_do_not_grow_with_enrolments(
    client, admin_user, django_assert_max_num_queries
):
    trainee = factories.trainee()
    client.force_login(admin_user)
    url = reverse("enrollments_admin:trainee_ledger", args=[trainee.pk])
    ef.enrollment(course=tree.course(), user=trainee)
    client.get(url)
    # The admin menu reads the user's roles once (academy.roles.user_role_names).
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for _index in range(5):
        ef.enrollment(course=tree.course(), user=trainee)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200


def test_external_training_review_in_the_admin(client, admin_user):
    training = ef.external_training(user=factories.trainee())
    client.force_login(admin_user)
    assert (
        client.get(reverse("learning_external_training:inspect", args=[training.pk])).status_code
        == 200
    )
    client.cookies["academy_language"] = "en"
    refused = client.post(
        reverse("enrollments_admin:external_training_decide", args=[training.pk, "reject"]),
        {"reason": ""},
        follow=True,
    )
    training.refresh_from_db()
    assert training.status == ExternalTraining.Status.SUBMITTED
    assert _messages(refused) == ["Give a reason for the rejection."]

    client.post(
        reverse("enrollments_admin:external_training_decide", args=[training.pk, "approve"])
    )
    training.refresh_from_db()
    assert training.status == ExternalTraining.Status.APPROVED
    assert HourEntry.objects.filter(external_training=training).count() == 1


def test_policy_is_editable_by_administrators(client, admin_user):
    from enrollments.models import ContinuingEducationPolicy

    policy = ContinuingEducationPolicy.objects.get(qualification_level="assistant")
    client.force_login(admin_user)
    client.post(
        reverse("learning_ce_policies:edit", args=[policy.pk]),
        {
            "qualification_level": "assistant",
            "hours_required": "80",
            "cycle_years": "3",
            "online_hours_cap": "24",
        },
    )
    policy.refresh_from_db()
    assert policy.hours_required == 80
    assert policy.online_hours_cap == 24
