"""A year of demo history at the academy's size: past courses, sessions, attendance,
completions, the hours ledger, certificates and evaluations.

About 40 courses over the four tracks, 160 class-hours and 3,600 person-times (人次) in
the last twelve months, by some 900 trainees of three dozen organisations. The names
are data in ``history.json``; the numbers come from a fixed random seed, so every run
builds the same academy. The rows are bulk-inserted for speed and kept consistent the
way the services keep them: each attended mark has its ledger credit (and
``hours_credited`` equals it), a completion follows the course's rule (every session
attended, or every lesson done) and has its certificate, and an evaluation is given
only for a session attended or a course completed.

Certificates get their rows, serial numbers and stated facts here; their PDFs are
drawn later by the certificate sweep (``issue_pending_certificates``), not by the
seed. Runs once: when the history's courses exist, it changes nothing.
"""

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone, translation

from academy.models import Organization, QualificationLevel, TraineeProfile
from academy.roles import TRAINEE, TRAINER
from courses.models import ClassSession, CoursePage, CurriculumPage, DeliveryMode, LessonPage
from enrollments.models import (
    Attendance,
    Certificate,
    CertificateSerialCounter,
    Enrollment,
    Evaluation,
    EvaluationAnswer,
    EvaluationQuestion,
    EvaluationQuestionnaire,
    HourEntry,
    LessonProgress,
    SessionAttendanceState,
)
from enrollments.selectors.attendance import attendance_rule_get
from enrollments.services.attendance import attendance_hours_for

User = get_user_model()
T = TypeVar("T")

SEED = 20261202
SLUG_PREFIX = "history-"
TRAINEES = 900
ORGANIZATIONS = 36
SESSION_HOURS = Decimal("3.0")
SESSION_MINUTES = 210
LESSON_HOURS = Decimal("1.0")
LESSONS_PER_ONLINE_COURSE = 2
CLASSROOM_ENROLMENT = (88, 104)
ONLINE_ENROLMENT = (50, 60)
ONLINE_COMPLETION_SHARE = 0.82
# Marks of each trainee at each session, weighted.
MARKS = [
    (Attendance.Status.PRESENT, 78),
    (Attendance.Status.LATE, 7),
    (Attendance.Status.LEFT_EARLY, 5),
    (Attendance.Status.EXCUSED, 3),
    (Attendance.Status.ABSENT, 7),
]
SESSION_EVALUATION_SHARE = 0.8
COURSE_EVALUATION_SHARE = 0.6
COMMENT_SHARE = 0.12
RATINGS = [(5, 45), (4, 35), (3, 14), (2, 5), (1, 1)]
# The history runs from almost a year ago until a couple of days ago.
FIRST_DAY_AGO = 350
LAST_DAY_AGO = 2
DEMO_TRAINEE = "trainee"
PLACES = ["城东区民生路 88 号社会工作服务大楼 301 教室", "东湖街道社区服务中心多功能厅"]


def _data() -> dict:
    with (Path(__file__).resolve().parent / "history.json").open(encoding="utf-8") as data:
        return json.load(data)


def _weighted(rng: random.Random, choices: list[tuple[T, int]]) -> T:
    values = [value for value, _weight in choices]
    return rng.choices(values, weights=[weight for _value, weight in choices])[0]


def _at(day_ago: int, hour: int, now: datetime) -> datetime:
    day = timezone.localdate(now) - timedelta(days=day_ago)
    return timezone.make_aware(datetime.combine(day, time(hour)))


@dataclass
class _Ledger:
    """The rows being written, and each enrolment's hours (what its certificate states)."""

    attendances: list[Attendance] = field(default_factory=list)
    entries: list[HourEntry] = field(default_factory=list)
    progress: list[LessonProgress] = field(default_factory=list)
    hours: dict[int, Decimal] = field(default_factory=dict)

    def credit(self, *, enrollment: Enrollment, hours: Decimal, **fields) -> None:
        self.entries.append(
            HourEntry(user_id=enrollment.user_id, enrollment=enrollment, hours=hours, **fields)
        )
        self.hours[enrollment.pk] = self.hours.get(enrollment.pk, Decimal("0")) + hours


def _organizations(rng: random.Random, data: dict) -> list[Organization]:
    kinds = data["organization_kinds"]
    names = []
    for index in range(ORGANIZATIONS):
        kind, suffix = kinds[index % len(kinds)]
        district = data["districts"][index % len(data["districts"])]
        word = data["organization_words"][index // len(kinds) % len(data["organization_words"])]
        names.append((f"{district}{word}{suffix}", kind, district))
    existing = set(Organization.objects.values_list("name", flat=True))
    Organization.objects.bulk_create(
        Organization(name=name, kind=kind, district=district)
        for name, kind, district in names
        if name not in existing
    )
    return list(Organization.objects.filter(name__in=[name for name, *_ in names]))


def _people(*, role: str, names: list[tuple[str, str]], organizations, rng, now) -> list:
    """Accounts without a password (they use "forgot password"); the login name is the
    mobile number, as for any account without an email address."""
    password = make_password(None)
    users = User.objects.bulk_create(
        User(
            username=phone,
            phone=phone,
            full_name=name,
            password=password,
            date_joined=now - timedelta(days=rng.randrange(380, 1500)),
        )
        for name, phone in names
    )
    group = Group.objects.get(name=role)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=group.pk) for user in users
    )
    levels = [
        QualificationLevel.NONE,
        QualificationLevel.ASSISTANT,
        QualificationLevel.INTERMEDIATE,
    ]
    TraineeProfile.objects.bulk_create(
        TraineeProfile(
            user=user,
            organization=rng.choice(organizations),
            qualification_level=(level := rng.choice(levels)),
            registration_date=(
                timezone.localdate(now) - timedelta(days=rng.randrange(200, 2000))
                if level != QualificationLevel.NONE
                else None
            ),
        )
        for user in users
    )
    return users


def _trainee_names(rng: random.Random, data: dict) -> list[tuple[str, str]]:
    surnames, given = data["surnames"], data["given"]
    names = []
    for number in range(TRAINEES):
        name = rng.choice(surnames) + rng.choice(given)
        if rng.random() < 0.7:
            name += rng.choice(given)
        names.append((name, f"136{number + 1:08d}"))
    return names


def _course(curriculum: CurriculumPage, *, slug: str, title: str, mode: str, trainers, start):
    online = mode == DeliveryMode.ONLINE
    course = CoursePage(
        slug=slug,
        title=title,
        summary=f"{title}：{curriculum.title}课程，已于 {start:%Y 年 %m 月} 开班。",
        delivery_mode=mode,
        class_hours=LESSON_HOURS * LESSONS_PER_ONLINE_COURSE if online else SESSION_HOURS,
        enrollment_opens_at=start - timedelta(days=30),
        enrollment_closes_at=start - timedelta(days=1),
        min_attendance_percent=0 if online else 100,
        min_hours=LESSON_HOURS * LESSONS_PER_ONLINE_COURSE if online else Decimal("0"),
        live=True,
        first_published_at=start - timedelta(days=30),
        last_published_at=start - timedelta(days=30),
    )
    course.trainers.set(trainers)
    curriculum.add_child(instance=course)
    return course


def _lessons(course: CoursePage, *, start: datetime) -> list[LessonPage]:
    lessons = []
    for position in range(1, LESSONS_PER_ONLINE_COURSE + 1):
        lesson = LessonPage(
            slug=f"{course.slug}-lesson-{position}",
            title=f"{course.title} · 第 {position} 讲",
            body=f"## {course.title}\n\n第 {position} 讲的学习材料。",
            class_hours=LESSON_HOURS,
            estimated_minutes=45,
            min_study_minutes=15,
            sort_order=position,
            live=True,
            first_published_at=start,
            last_published_at=start,
        )
        course.add_child(instance=lesson)
        lessons.append(lesson)
    return lessons


def _enrol(course: CoursePage, users, *, at: datetime) -> list[Enrollment]:
    enrollments = Enrollment.objects.bulk_create(
        Enrollment(user=user, course=course, status=Enrollment.Status.ACTIVE) for user in users
    )
    # The stamps of a year ago, not of today.
    Enrollment.objects.filter(course=course).update(created_at=at, updated_at=at)
    return enrollments


def _classroom_run(
    course, enrollments, *, sessions, ledger: _Ledger, rng, fixed_marks: dict[int, list[str]]
) -> dict[int, datetime]:
    """Mark every enrolled trainee at every session (``fixed_marks`` gives some trainees'
    marks); return who attended them all, with the end of the last session: they completed
    the course, whose rule asks for every session."""
    rule = attendance_rule_get()
    attended_all = {enrollment.pk: True for enrollment in enrollments}
    for position, session in enumerate(sessions):
        for enrollment in enrollments:
            fixed = fixed_marks.get(enrollment.user_id)
            status = fixed[position] if fixed else _weighted(rng, MARKS)
            hours = attendance_hours_for(status=status, session=session, rule=rule)
            checked_in = session.starts_at + timedelta(minutes=25 if status == "late" else -5)
            attended = status in Attendance.ATTENDED_STATUSES
            ledger.attendances.append(
                Attendance(
                    session=session,
                    enrollment=enrollment,
                    status=status,
                    method=(
                        Attendance.Method.ROLL_CALL
                        if rng.random() < 0.4
                        else Attendance.Method.QR_CODE
                    ),
                    checked_in_at=checked_in if attended else None,
                    hours_credited=hours,
                    marked_by=session.trainer,
                )
            )
            if hours:
                ledger.credit(
                    enrollment=enrollment,
                    hours=hours,
                    source=HourEntry.Source.CLASSROOM_SESSION,
                    date=timezone.localdate(session.starts_at),
                    course=course,
                    session=session,
                    description=str(session),
                    recorded_by=session.trainer,
                )
            attended_all[enrollment.pk] = attended_all[enrollment.pk] and attended
    finished = sessions[-1].ends_at
    return {pk: finished for pk, done in attended_all.items() if done}


def _online_run(course, enrollments, *, lessons, start, ledger: _Ledger, rng, now):
    """Study the lessons: most trainees finish them all and complete; return those."""
    completed = {}
    for enrollment in enrollments:
        done = (
            len(lessons)
            if rng.random() < ONLINE_COMPLETION_SHARE
            else rng.randrange(0, len(lessons))
        )
        day = start + timedelta(days=rng.randrange(1, 20), hours=rng.randrange(0, 10))
        for lesson in lessons[:done]:
            day = min(day + timedelta(days=rng.randrange(0, 4)), now)
            ledger.progress.append(
                LessonProgress(
                    enrollment=enrollment,
                    lesson=lesson,
                    seconds_on_task=lesson.min_study_minutes * 60 + rng.randrange(60, 1800),
                    last_beat_at=day,
                    completed_at=day,
                )
            )
            ledger.credit(
                enrollment=enrollment,
                hours=lesson.class_hours,
                source=HourEntry.Source.ONLINE_LESSON,
                date=timezone.localdate(day),
                course=course,
                lesson=lesson,
                description=lesson.title,
            )
        if done == len(lessons):
            completed[enrollment.pk] = day
    return completed


def _evaluations(
    pairs: list[tuple[Enrollment, ClassSession | None, datetime]],
    *,
    questionnaire: EvaluationQuestionnaire,
    rng: random.Random,
    comments: list[str],
    now: datetime,
) -> None:
    questions = list(questionnaire.questions.all())
    evaluations = Evaluation.objects.bulk_create(
        Evaluation(
            enrollment=enrollment,
            session=session,
            questionnaire=questionnaire,
            submitted_at=min(ended + timedelta(hours=rng.randrange(0, 72)), now),
        )
        for enrollment, session, ended in pairs
    )
    answers = []
    for evaluation in evaluations:
        mood = rng.choice((0, 0, 0, -1, 1))
        for question in questions:
            if question.kind == EvaluationQuestion.Kind.RATING:
                rating = max(1, min(5, _weighted(rng, RATINGS) + mood))
                answers.append(
                    EvaluationAnswer(evaluation=evaluation, question=question, rating=rating)
                )
            elif rng.random() < COMMENT_SHARE:
                text = rng.choice(comments)
                answers.append(
                    EvaluationAnswer(evaluation=evaluation, question=question, text=text)
                )
    EvaluationAnswer.objects.bulk_create(answers, batch_size=2000)


def _certificates(completions: dict[int, datetime], *, ledger: _Ledger) -> None:
    """Issued certificates with their serial numbers; the PDFs are left to the sweep."""
    enrollments = (
        Enrollment.objects.filter(pk__in=list(completions))
        .select_related("user", "course")
        .order_by("completed_at", "pk")
    )
    curricula = {page.path: page for page in CurriculumPage.objects.all()}
    counters = {
        (row.year, row.track_code): row.last_number
        for row in CertificateSerialCounter.objects.all()
    }
    certificates = []
    with translation.override(settings.LANGUAGE_CODE):
        for enrollment in enrollments.iterator():
            course = enrollment.course
            curriculum = curricula[course.path[: -CoursePage.steplen]]
            completed_at = timezone.localtime(enrollment.completed_at)
            code = curriculum.code.upper()
            key = (completed_at.year, code)
            counters[key] = counters.get(key, 0) + 1
            certificates.append(
                Certificate(
                    enrollment=enrollment,
                    status=Certificate.Status.ISSUED,
                    serial_number=(
                        f"{settings.CERTIFICATE_SERIAL_PREFIX}-{key[0]}-{code}-{counters[key]:05d}"
                    ),
                    holder_name=enrollment.user.full_name,
                    course_title=course.title,
                    track_name=str(curriculum.get_track_display()),
                    track_code=code,
                    hours=ledger.hours.get(enrollment.pk, Decimal("0")),
                    completed_on=completed_at.date(),
                    issued_at=enrollment.completed_at,
                    job_status=Certificate.JobStatus.PENDING,
                )
            )
    Certificate.objects.bulk_create(certificates, batch_size=500)
    for (year, code), number in counters.items():
        CertificateSerialCounter.objects.update_or_create(
            year=year, track_code=code, defaults={"last_number": number}
        )


def _history_plan(data: dict, curricula: dict) -> list[tuple[CurriculumPage, str, str]]:
    """Courses in the order they ran over the year, the tracks taking turns."""
    ordered = sorted(
        (
            (position, curricula[slug].path, curricula[slug], title, mode)
            for slug, entries in data["courses"].items()
            if slug in curricula
            for position, (title, mode) in enumerate(entries)
        ),
        key=lambda entry: entry[:2],
    )
    return [(curriculum, title, mode) for _position, _path, curriculum, title, mode in ordered]


def _sessions_of(mode: str, classroom_number: int) -> int:
    """Every fourth classroom course meets twice, a week apart; the others once."""
    if mode == DeliveryMode.ONLINE:
        return 0
    return 2 if classroom_number % 4 == 0 else 1


@transaction.atomic
def seed_history() -> None:
    if CoursePage.objects.filter(slug__startswith=SLUG_PREFIX).exists():
        return
    curricula = {page.slug: page for page in CurriculumPage.objects.all()}
    questionnaire = EvaluationQuestionnaire.objects.filter(is_default=True).first()
    if not curricula or questionnaire is None:
        return
    rng = random.Random(SEED)
    now = timezone.now()
    data = _data()
    organizations = _organizations(rng, data)
    trainers = list(User.objects.filter(username__in=["trainer", "trainer2"]).order_by("pk"))
    trainers += _people(
        role=TRAINER,
        names=[(name, phone) for name, phone in data["trainers"]],
        organizations=organizations,
        rng=rng,
        now=now,
    )
    trainees = _people(
        role=TRAINEE,
        names=_trainee_names(rng, data),
        organizations=organizations,
        rng=rng,
        now=now,
    )
    plan = _history_plan(data, curricula)
    classroom_numbers, counter = [], 0
    for _curriculum, _title, mode in plan:
        classroom_numbers.append(counter)
        counter += mode != DeliveryMode.ONLINE
    # The demo trainee missed the first of the last two-session course's sessions and
    # attended the second, which they have not evaluated yet.
    demo_trainee = User.objects.filter(username=DEMO_TRAINEE).first()
    demo_number = max(
        number
        for number, (_c, _t, mode) in enumerate(plan)
        if _sessions_of(mode, classroom_numbers[number]) == 2
    )
    spacing = (FIRST_DAY_AGO - LAST_DAY_AGO) / max(1, len(plan) - 1)
    ledger = _Ledger()
    completions: dict[int, datetime] = {}
    to_evaluate: list[tuple[Enrollment, ClassSession | None, datetime]] = []
    for number, (curriculum, title, mode) in enumerate(plan):
        sessions_wanted = _sessions_of(mode, classroom_numbers[number])
        last_day_ago = round(FIRST_DAY_AGO - number * spacing)
        first_day_ago = last_day_ago + 7 * max(0, sessions_wanted - 1)
        start = _at(first_day_ago, 9, now)
        teaching = [trainers[number % len(trainers)]]
        if number % 5 == 0:
            teaching.append(trainers[(number + 3) % len(trainers)])
        course = _course(
            curriculum,
            slug=f"{SLUG_PREFIX}{number + 1:02d}",
            title=title,
            mode=mode,
            trainers=teaching,
            start=start,
        )
        if mode == DeliveryMode.ONLINE:
            lessons = _lessons(course, start=start)
            enrollments = _enrol(
                course,
                rng.sample(trainees, rng.randint(*ONLINE_ENROLMENT)),
                at=start - timedelta(days=10),
            )
            done = _online_run(
                course, enrollments, lessons=lessons, start=start, ledger=ledger, rng=rng, now=now
            )
        else:
            sessions = _sessions(
                course,
                count=sessions_wanted,
                first_day_ago=first_day_ago,
                trainers=teaching,
                place=rng.choice(PLACES),
                now=now,
            )
            people = rng.sample(trainees, rng.randint(*CLASSROOM_ENROLMENT))
            marks: dict[int, list[str]] = {}
            if number == demo_number and demo_trainee is not None:
                people.append(demo_trainee)
                marks[demo_trainee.pk] = [Attendance.Status.ABSENT, Attendance.Status.PRESENT]
            enrollments = _enrol(course, people, at=start - timedelta(days=14))
            done = _classroom_run(
                course, enrollments, sessions=sessions, ledger=ledger, rng=rng, fixed_marks=marks
            )
            to_evaluate += [
                (enrollment, session, session.ends_at)
                for enrollment in enrollments
                if enrollment.user_id not in marks
                for session in sessions
            ]
        completions.update(done)
        by_pk = {enrollment.pk: enrollment for enrollment in enrollments}
        to_evaluate += [
            (by_pk[pk], None, at)
            for pk, at in done.items()
            if rng.random() < COURSE_EVALUATION_SHARE
        ]

    Attendance.objects.bulk_create(ledger.attendances, batch_size=1000)
    HourEntry.objects.bulk_create(ledger.entries, batch_size=1000)
    LessonProgress.objects.bulk_create(ledger.progress, batch_size=1000)
    _complete(completions)
    attended = {
        (mark.enrollment_id, mark.session_id)
        for mark in ledger.attendances
        if mark.status in Attendance.ATTENDED_STATUSES
    }
    _evaluations(
        [
            (enrollment, session, ended)
            for enrollment, session, ended in to_evaluate
            if session is None
            or ((enrollment.pk, session.pk) in attended and rng.random() < SESSION_EVALUATION_SHARE)
        ],
        questionnaire=questionnaire,
        rng=rng,
        comments=data["comments"],
        now=now,
    )
    _certificates(completions, ledger=ledger)
    _restamp()


def _sessions(course, *, count: int, first_day_ago: int, trainers, place: str, now):
    sessions = []
    for index in range(count):
        begins = _at(first_day_ago - 7 * index, 9, now)
        sessions.append(
            ClassSession(
                course=course,
                sort_order=index,
                title=f"第 {index + 1} 次课",
                kind=ClassSession.Kind.CLASSROOM,
                starts_at=begins,
                ends_at=begins + timedelta(minutes=SESSION_MINUTES),
                place=place,
                trainer=trainers[index % len(trainers)],
                capacity=120,
                class_hours=SESSION_HOURS,
            )
        )
    sessions = ClassSession.objects.bulk_create(sessions)
    # Past sessions are locked, as administrators lock them after the roll call.
    SessionAttendanceState.objects.bulk_create(
        SessionAttendanceState(
            session=session, locked_at=min(session.starts_at + timedelta(days=2), now)
        )
        for session in sessions
    )
    CoursePage.objects.filter(pk=course.pk).update(class_hours=SESSION_HOURS * count)
    return sessions


def _complete(completions: dict[int, datetime]) -> None:
    by_time: dict[datetime, list[int]] = {}
    for pk, at in completions.items():
        by_time.setdefault(at, []).append(pk)
    for at, pks in by_time.items():
        Enrollment.objects.filter(pk__in=pks).update(
            status=Enrollment.Status.COMPLETED, completed_at=at, updated_at=at
        )


def _restamp() -> None:
    """Give the marks and the classroom credits the dates they record, not today's."""
    history = ClassSession.objects.filter(course__slug__startswith=SLUG_PREFIX)
    for session in history.only("pk", "ends_at"):
        Attendance.objects.filter(session=session).update(updated_at=session.ends_at)
        HourEntry.objects.filter(session=session).update(created_at=session.ends_at)
