"""seed_scale builds the benchmark data in bulk, correctly, once per database."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone
from wagtail.models import Page
from wagtail.search.models import IndexEntry

from academy.models import Organization, TraineeProfile
from academy.roles import TRAINEE
from courses.models import ClassSession, CoursePage, CurriculumPage, LessonPage
from enrollments.models import Attendance, Enrollment, HourEntry, LessonProgress
from enrollments.scale import Scale, ScaleDataExists, scale_data_seed

TINY = Scale(
    trainees=30,
    organizations=5,
    courses=4,
    lessons=14,
    sessions=10,
    progress=200,
    attendance=150,
    enrollments_per_trainee=3,
    trainers=2,
)

User = get_user_model()


@pytest.fixture
def seeded(db):
    return scale_data_seed(scale=TINY)


def test_counts_match_the_scale(seeded):
    trainees = User.objects.filter(username__startswith="scale-trainee-")
    assert trainees.count() == 30
    assert trainees.filter(groups__name=TRAINEE).count() == 30
    assert (
        TraineeProfile.objects.filter(user__in=trainees, organization__isnull=False).count() == 30
    )
    assert Organization.objects.filter(name__endswith="001").exists()
    assert Organization.objects.count() == 5
    assert CurriculumPage.objects.filter(code__startswith="scale-").count() == 4
    assert CoursePage.objects.count() == 4
    assert LessonPage.objects.count() == 14
    assert ClassSession.objects.count() == 10
    assert Enrollment.objects.count() == 30 * 3
    assert LessonProgress.objects.count() == 200
    assert Attendance.objects.count() == 150
    assert seeded["counts"]["attendance"] == 150
    assert seeded["counts"]["hour_entries"] == HourEntry.objects.count()


def test_the_hours_ledger_matches_progress_and_attendance(seeded):
    done = LessonProgress.objects.filter(completed_at__isnull=False)
    online = HourEntry.objects.filter(source=HourEntry.Source.ONLINE_LESSON)
    assert online.count() == done.count()
    assert (
        online.aggregate(total=Sum("hours"))["total"]
        == done.aggregate(total=Sum("lesson__class_hours"))["total"]
    )
    classroom = HourEntry.objects.filter(source=HourEntry.Source.CLASSROOM_SESSION)
    assert classroom.count() == Attendance.objects.filter(hours_credited__gt=0).count()
    assert (
        classroom.aggregate(total=Sum("hours"))["total"]
        == Attendance.objects.aggregate(total=Sum("hours_credited"))["total"]
    )
    for enrollment in Enrollment.objects.filter(status=Enrollment.Status.COMPLETED)[:5]:
        lessons = LessonPage.objects.child_of(enrollment.course).count()
        assert enrollment.lesson_progress.filter(completed_at__isnull=False).count() == lessons
    assert not Attendance.objects.filter(session__starts_at__gt=timezone.now()).exists()
    assert Attendance.objects.filter(status=Attendance.Status.PRESENT).exists()
    assert Attendance.objects.filter(hours_credited=Decimal("1.5")).exists()


def test_the_page_tree_is_a_valid_wagtail_tree(seeded):
    assert all(not problems for problems in Page.find_problems())
    for course in CoursePage.objects.all():
        assert course.numchild == course.get_children().count()
        assert course.url_path.startswith(course.get_parent().url_path)
        assert course.live and not course.has_unpublished_changes


def test_the_pages_render(seeded, client):
    course = CoursePage.objects.order_by("path").first()
    lesson = LessonPage.objects.child_of(course).order_by("path").first()
    enrollment = Enrollment.objects.filter(course=course, status=Enrollment.Status.ACTIVE).first()
    client.force_login(enrollment.user)
    for page in (course.get_parent(), course, lesson):
        response = client.get(page.url)
        assert response.status_code == 200
        assert page.title in response.content.decode()
    lessons = ContentType.objects.get_for_model(LessonPage)
    assert IndexEntry.objects.filter(content_type=lessons).count() == 14


def test_ids_carry_on_after_the_seed(seeded):
    user = User.objects.create(username="after-seed", full_name="新用户")
    assert user.pk > User.objects.exclude(pk=user.pk).order_by("-pk").first().pk
    organization = Organization.objects.create(name="新机构", kind=Organization.Kind.OTHER)
    assert organization.pk > Organization.objects.exclude(pk=organization.pk).order_by("-pk")[0].pk


def test_a_second_run_is_refused_and_changes_nothing(seeded):
    with pytest.raises(ScaleDataExists):
        scale_data_seed(scale=TINY)
    assert User.objects.filter(username__startswith="scale-trainee-").count() == 30
    with pytest.raises(CommandError, match="already holds scale data"):
        call_command("seed_scale", "--small", stdout=StringIO())


@pytest.mark.django_db
def test_the_command_takes_counts_and_reports_them():
    output = StringIO()
    call_command(
        "seed_scale",
        "--small",
        "--trainees=12",
        "--courses=3",
        "--lessons=6",
        "--sessions=6",
        "--progress=20",
        "--attendance=10",
        "--json",
        stdout=output,
    )
    result = json.loads(output.getvalue())
    assert result["counts"]["trainees"] == 12
    assert result["counts"]["lessons"] == 6
    assert result["counts"]["attendance"] == 10
    assert LessonProgress.objects.count() == 20
