"""Scale data for the benchmark: tens of thousands of trainees and millions of records.

Everything is written in bulk: PostgreSQL's COPY for the large tables, multi-row
INSERTs elsewhere. The course tree is made of real Wagtail pages: their tree paths,
depths, child counts and URL paths are computed here and the pages are inserted
directly (published, without revisions), then added to the search index.

The data is recognisable by its prefix (usernames and curriculum codes start with
``scale-``); ``scale_data_seed`` refuses to run on a database that already holds it.
"""

import random
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.models import Locale, Page

from academy.models import Organization, QualificationLevel, TraineeProfile
from academy.roles import TRAINEE, TRAINER

PREFIX = "scale-"


@dataclass(frozen=True)
class Scale:
    trainees: int = 20_000
    organizations: int = 230
    courses: int = 200
    lessons: int = 2_000
    sessions: int = 1_000
    progress: int = 1_000_000
    attendance: int = 1_000_000
    enrollments_per_trainee: int = 13
    trainers: int = 40
    # One session in this many is still to come (so it has no attendance yet).
    upcoming_every: int = 5

    def as_dict(self) -> dict:
        return asdict(self)


DEFAULT_SCALE = Scale()
SMALL_SCALE = Scale(
    trainees=500,
    organizations=23,
    courses=20,
    lessons=200,
    sessions=100,
    progress=25_000,
    attendance=24_000,
    trainers=4,
)


class ScaleDataExists(Exception):
    """The database already holds scale data; the seed runs once per database."""


SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯"
    "邓曹彭曾萧田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈姚卢"
)
GIVEN = "晓明丽华建国梅雨萱思远立群海燕秀英桂兰志强文静子涵浩然欣怡佳琪宇轩俊杰雅婷嘉怡梓萱诗涵"
DISTRICTS = [
    "城东区",
    "城西区",
    "城南区",
    "城北区",
    "江滨区",
    "高新区",
    "湖畔区",
    "开发区",
    "山前区",
]
ORG_WORDS = [
    "阳光",
    "启明",
    "和美",
    "同心",
    "暖阳",
    "春晖",
    "晨曦",
    "善行",
    "安康",
    "融爱",
    "彩虹",
    "新航",
    "益众",
    "厚德",
    "惠民",
    "乐龄",
    "向日葵",
    "青禾",
    "明德",
    "仁和",
    "众和",
    "博爱",
    "恒心",
    "睦邻",
    "携手",
    "助航",
]
ORG_KINDS = [
    (Organization.Kind.SOCIAL_WORK, "社会工作服务中心"),
    (Organization.Kind.SOCIAL_WORK, "社工事务所"),
    (Organization.Kind.VOLUNTEER_TEAM, "志愿服务队"),
    (Organization.Kind.STREET_OFFICE, "街道社工站"),
]
TRACKS = [
    ("newcomer", "新人培育课程体系", QualificationLevel.NONE),
    ("intermediate", "中级进阶课程体系", QualificationLevel.ASSISTANT),
    ("exam_prep", "考前培训课程体系", QualificationLevel.NONE),
    ("topic", "专题课程", QualificationLevel.INTERMEDIATE),
]
TOPICS = [
    "个案工作实务",
    "小组工作方法",
    "社区工作与居民参与",
    "老年社会工作",
    "青少年社会工作",
    "儿童保护与家庭支持",
    "残障人士社会工作",
    "医务社会工作",
    "社会救助政策解读",
    "社区矫正与安置帮教",
    "心理危机干预",
    "社会工作伦理",
    "项目设计与评估",
    "督导与同伴支持",
    "志愿者管理",
    "社会工作综合能力",
    "社会工作实务",
    "社会工作法规与政策",
    "优势视角与增能",
    "家庭治疗入门",
]


def lesson_body(*, topic: str, number: int) -> str:
    """A real lesson text, different for every lesson so that no rendering is shared."""
    from courses.demo import demo_lesson_text

    return f"# 第 {number} 课 {topic}\n\n{demo_lesson_text('intake')}"


LESSON_HOURS = [Decimal("1.0"), Decimal("1.5"), Decimal("2.0")]
SESSION_HOURS = Decimal("3.0")
ATTENDANCE_STATUS_CUTS = [(85, "present"), (90, "late"), (93, "left_early"), (95, "excused")]
PARTIAL_SHARE = Decimal("0.5")


def scale_data_present() -> bool:
    from courses.models import CurriculumPage

    return (
        get_user_model().objects.filter(username__startswith=PREFIX).exists()
        or CurriculumPage.objects.filter(code__startswith=PREFIX).exists()
    )


def _spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` whole shares that differ by at most one."""
    if parts <= 0:
        return []
    return [(index + 1) * total // parts - index * total // parts for index in range(parts)]


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _insert(model, columns: list[str], rows: Iterable[tuple]) -> int:
    """Write rows of column values into the model's own table; returns the row count.

    PostgreSQL gets a COPY; other databases get multi-row INSERTs of values prepared
    by the model's fields.
    """
    table = model._meta.db_table
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
            return count
        by_column = {field.column: field for field in model._meta.local_concrete_fields}
        fields = [by_column[column] for column in columns]
        batch_size = max(1, 900 // len(columns))
        placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
        batch: list = []

        def flush():
            values = ", ".join([placeholders] * (len(batch) // len(columns)))
            # Table and column names come from the model, values are parameters.
            statement = f"INSERT INTO {quote(table)} ({names}) VALUES {values}"  # noqa: S608
            cursor.execute(statement, batch)

        for row in rows:
            batch.extend(
                field.get_db_prep_value(value, connection, prepared=False)
                for field, value in zip(fields, row, strict=True)
            )
            count += 1
            if count % batch_size == 0:
                flush()
                batch = []
        if batch:
            flush()
    return count


def _person_name(rng: random.Random) -> str:
    given = rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(SURNAMES) + given


def _organizations(*, scale: Scale) -> list[int]:
    first = _next_id(Organization)
    rows = []
    for index in range(scale.organizations):
        district = DISTRICTS[index % len(DISTRICTS)]
        word = ORG_WORDS[(index // len(DISTRICTS)) % len(ORG_WORDS)]
        kind, suffix = ORG_KINDS[index % len(ORG_KINDS)]
        rows.append((first + index, f"{district}{word}{suffix}{index + 1:03d}", kind, district))
    _insert(Organization, ["id", "name", "kind", "district"], rows)
    return [row[0] for row in rows]


def _users(
    *, count: int, role: str, label: str, phone_prefix: str, rng, now, organizations: list[int]
) -> list[int]:
    User = get_user_model()
    first = _next_id(User)
    password = make_password(None)
    ids = list(range(first, first + count))
    _insert(
        User,
        [
            "id",
            "password",
            "is_superuser",
            "username",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "full_name",
            "phone",
        ],
        (
            (
                user_id,
                password,
                False,
                f"{PREFIX}{label}-{number:06d}",
                f"{PREFIX}{label}-{number:06d}@academy.example",
                False,
                True,
                now - timedelta(days=rng.randrange(30, 1500)),
                _person_name(rng),
                f"{phone_prefix}{number:08d}",
            )
            for number, user_id in enumerate(ids, start=1)
        ),
    )
    group_id = Group.objects.get(name=role).pk
    first_link = _next_id(User.groups.through)
    _insert(
        User.groups.through,
        ["id", "user_id", "group_id"],
        ((first_link + index, user_id, group_id) for index, user_id in enumerate(ids)),
    )
    levels = [level for level, _label in QualificationLevel.choices]
    first_profile = _next_id(TraineeProfile)
    today = timezone.localdate(now)
    _insert(
        TraineeProfile,
        [
            "id",
            "user_id",
            "organization_id",
            "qualification_level",
            "qualification_number",
            "registration_date",
        ],
        (
            (
                first_profile + index,
                user_id,
                organizations[index % len(organizations)] if organizations else None,
                level,
                f"ZS{user_id:010d}" if level != QualificationLevel.NONE else "",
                today - timedelta(days=rng.randrange(100, 3000))
                if level != QualificationLevel.NONE
                else None,
            )
            for index, user_id in enumerate(ids)
            for level in [levels[(user_id * 7) % len(levels)]]
        ),
    )
    return ids


def _page_insert(pages: list[Page]) -> None:
    """Insert specific pages whose ids and tree fields are already set: the wagtailcore_page
    rows first, then the rows of each concrete page class."""
    if not pages:
        return
    model = type(pages[0])
    chain = [*reversed(model._meta.get_parent_list()), model]
    for concrete in chain:
        fields = list(concrete._meta.local_concrete_fields)
        batch = connection.ops.bulk_batch_size(fields, pages) or len(pages)
        for start in range(0, len(pages), batch):
            concrete._base_manager._insert(
                pages[start : start + batch], fields=fields, using=connection.alias
            )


def _child_pages(parent: Page, pages: list[Page], *, first_id: int, now) -> int:
    """Place ``pages`` as the next children of ``parent``; returns the next free id."""
    if not pages:
        return first_id
    last = parent.get_last_child()
    step = (int(last.path[-Page.steplen :], 36) if last else 0) + 1
    locale = Locale.get_default()
    content_type = ContentType.objects.get_for_model(type(pages[0]))
    for offset, page in enumerate(pages):
        page.id = page.page_ptr_id = first_id + offset
        page.path = Page._get_path(parent.path, parent.depth + 1, step + offset)
        page.depth = parent.depth + 1
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.draft_title = page.title
        page.content_type = content_type
        page.locale = locale
        page.translation_key = uuid.uuid4()
        page.live = True
        page.has_unpublished_changes = False
        page.first_published_at = page.last_published_at = now
    return first_id + len(pages)


def _tree(*, scale: Scale, trainers: list[int], now) -> dict:
    """Curricula, courses and lessons under the catalogue, and the courses' trainers."""
    from academy.demo import seed_site
    from courses.models import CourseCatalogPage, CoursePage, CurriculumPage, LessonPage

    seed_site()
    catalog = CourseCatalogPage.objects.get()
    next_id = _next_id(Page)
    curricula = [
        CurriculumPage(
            title=f"{title}（规模数据）",
            slug=f"{PREFIX}{track.replace('_', '-')}",
            track=track,
            code=f"{PREFIX}{index + 1}",
            target_qualification_level=level,
            description=f"<p>{title}：规模测试用课程体系。</p>",
        )
        for index, (track, title, level) in enumerate(TRACKS)
    ]
    next_id = _child_pages(catalog, curricula, first_id=next_id, now=now)
    course_counts = _spread(scale.courses, len(curricula))
    lesson_counts = _spread(scale.lessons, scale.courses)
    courses, lessons, trainer_links = [], [], []
    number = 0
    for curriculum, count in zip(curricula, course_counts, strict=True):
        curriculum.numchild = count
        children = []
        for _index in range(count):
            topic = TOPICS[number % len(TOPICS)]
            children.append(
                CoursePage(
                    title=f"{topic}（第 {number // len(TOPICS) + 1} 期）",
                    slug=f"course-{number + 1:04d}",
                    summary=f"{topic}：理论讲授、案例研讨与情景演练相结合的系统课程。",
                    description=f"<p>本课程围绕{topic}展开，线上学习与面授结合。</p>",
                    delivery_mode="blended",
                    class_hours=Decimal("20.0"),
                    min_attendance_percent=75,
                    numchild=lesson_counts[number],
                )
            )
            number += 1
        next_id = _child_pages(curriculum, children, first_id=next_id, now=now)
        courses.extend(children)
    for course_index, course in enumerate(courses):
        topic = TOPICS[course_index % len(TOPICS)]
        children = [
            LessonPage(
                title=f"第 {position + 1} 课 {topic}",
                slug=f"lesson-{position + 1:02d}",
                body=lesson_body(topic=topic, number=position + 1),
                class_hours=LESSON_HOURS[position % len(LESSON_HOURS)],
                estimated_minutes=45,
                sort_order=position,
                is_required=position < lesson_counts[course_index] - 1 or position == 0,
                numchild=0,
            )
            for position in range(lesson_counts[course_index])
        ]
        next_id = _child_pages(course, children, first_id=next_id, now=now)
        lessons.append(children)
        if trainers:
            trainer_links.append((course.pk, trainers[course_index % len(trainers)]))
    _page_insert(curricula)
    _page_insert(courses)
    _page_insert([lesson for group in lessons for lesson in group])
    Page.objects.filter(pk=catalog.pk).update(numchild=catalog.numchild + len(curricula))
    through = CoursePage.trainers.through
    first_link = _next_id(through)
    _insert(
        through,
        ["id", "coursepage_id", "user_id"],
        ((first_link + index, *link) for index, link in enumerate(trainer_links)),
    )
    return {"curricula": curricula, "courses": courses, "lessons": lessons}


def _local_time(day, hour: int):
    return timezone.make_aware(datetime.combine(day, clock(hour, 0)))


def _sessions(*, scale: Scale, courses: list, trainers: list[int], now) -> list[list[tuple]]:
    """Each course's sessions as (id, starts_at, is_past); past ones on consecutive days
    ending yesterday, one upcoming session in ``upcoming_every``."""
    from courses.models import ClassSession

    counts = _spread(scale.sessions, len(courses))
    upcoming = [max(0, count // scale.upcoming_every) for count in counts]
    past_total = sum(counts) - sum(upcoming)
    today = timezone.localdate(now)
    first_day = today - timedelta(days=past_total)
    next_id = _next_id(ClassSession)
    rows, by_course = [], []
    past_index = 0
    for course_index, course in enumerate(courses):
        trainer = trainers[course_index % len(trainers)] if trainers else None
        sessions = []
        for position in range(counts[course_index]):
            is_past = position < counts[course_index] - upcoming[course_index]
            if is_past:
                day = first_day + timedelta(days=past_index)
                past_index += 1
            else:
                day = today + timedelta(days=1 + (course_index * 3 + position) % 120)
            starts_at = _local_time(day, 9)
            rows.append(
                (
                    next_id,
                    position,
                    course.pk,
                    f"第 {position + 1} 次面授",
                    "classroom",
                    starts_at,
                    starts_at + timedelta(hours=3),
                    f"社会工作服务大楼 {300 + course_index % 20} 室",
                    "",
                    trainer,
                    None,
                    SESSION_HOURS,
                )
            )
            sessions.append((next_id, starts_at, is_past, trainer))
            next_id += 1
        by_course.append(sessions)
    _insert(
        ClassSession,
        [
            "id",
            "sort_order",
            "course_id",
            "title",
            "kind",
            "starts_at",
            "ends_at",
            "place",
            "meeting_url",
            "trainer_id",
            "capacity",
            "class_hours",
        ],
        rows,
    )
    return by_course


def _enrollments(*, scale: Scale, trainees: list[int], courses: list, sessions, now):
    """Each trainee in ``enrollments_per_trainee`` consecutive courses. Every fifth
    enrolment is completed, one in fifty withdrawn, the rest active."""
    from enrollments.models import Enrollment

    per_trainee = min(scale.enrollments_per_trainee, len(courses))
    first = _next_id(Enrollment)
    by_course: list[list[tuple]] = [[] for _course in courses]
    rows = []
    enrollment_id = first
    for trainee_index, user_id in enumerate(trainees):
        for offset in range(per_trainee):
            course_index = (trainee_index * per_trainee + offset) % len(courses)
            past = [starts for _id, starts, is_past, _t in sessions[course_index] if is_past]
            enrolled_at = (min(past) if past else now) - timedelta(days=20 + trainee_index % 30)
            status = "active"
            completed_at = withdrawn_at = None
            if enrollment_id % 5 == 0:
                status = "completed"
                completed_at = (max(past) if past else now) + timedelta(hours=4)
            elif enrollment_id % 50 == 3:
                status = "withdrawn"
                withdrawn_at = enrolled_at + timedelta(days=10)
            rows.append(
                (
                    enrollment_id,
                    user_id,
                    courses[course_index].pk,
                    status,
                    "self",
                    enrolled_at,
                    completed_at or withdrawn_at or enrolled_at,
                    "",
                    completed_at,
                    withdrawn_at,
                )
            )
            by_course[course_index].append((enrollment_id, user_id, status, enrolled_at))
            enrollment_id += 1
    _insert(
        Enrollment,
        [
            "id",
            "user_id",
            "course_id",
            "status",
            "source",
            "created_at",
            "updated_at",
            "decision_reason",
            "completed_at",
            "withdrawn_at",
        ],
        rows,
    )
    return by_course


HOUR_COLUMNS = [
    "user_id",
    "source",
    "hours",
    "date",
    "course_id",
    "enrollment_id",
    "lesson_id",
    "session_id",
    "description",
    "recorded_by_id",
    "created_at",
]


def _progress(*, scale: Scale, courses, lessons, enrollments, now) -> tuple[int, list[tuple]]:
    """Lesson progress: completed enrolments finished every lesson, the others spread the
    rest of the rows (all but the last lesson they opened are done). Returns the row count
    and the matching online-lesson hour entries."""
    from enrollments.models import LessonProgress

    everyone = [
        (course_index, enrollment)
        for course_index, group in enumerate(enrollments)
        for enrollment in group
    ]
    completed = [item for item in everyone if item[1][2] == "completed"]
    others = [item for item in everyone if item[1][2] != "completed"]
    budget = scale.progress
    plan = []
    for course_index, enrollment in completed:
        take = min(len(lessons[course_index]), budget)
        plan.append((course_index, enrollment, take, take))
        budget -= take
    for (course_index, enrollment), share in zip(
        others, _spread(max(budget, 0), len(others)), strict=True
    ):
        take = min(share, max(len(lessons[course_index]) - 1, 0))
        plan.append((course_index, enrollment, take, max(take - 1, 0)))
    hour_rows: list[tuple] = []

    def rows():
        for course_index, (enrollment_id, user_id, _status, enrolled_at), take, done in plan:
            course_id = courses[course_index].pk
            for position, lesson in enumerate(lessons[course_index][:take]):
                started = enrolled_at + timedelta(days=1 + position, hours=enrollment_id % 12)
                finished = started + timedelta(minutes=50) if position < done else None
                yield (
                    enrollment_id,
                    lesson.pk,
                    started,
                    finished or started + timedelta(minutes=20),
                    3000 if finished else 1200,
                    finished,
                )
                if finished:
                    hour_rows.append(
                        (
                            user_id,
                            "online_lesson",
                            lesson.class_hours,
                            timezone.localdate(finished),
                            course_id,
                            enrollment_id,
                            lesson.pk,
                            None,
                            "",
                            None,
                            finished,
                        )
                    )

    count = _insert(
        LessonProgress,
        [
            "enrollment_id",
            "lesson_id",
            "started_at",
            "last_beat_at",
            "seconds_on_task",
            "completed_at",
        ],
        rows(),
    )
    return count, hour_rows


def _attendance(*, scale: Scale, courses, sessions, enrollments) -> tuple[int, list[tuple]]:
    """Attendance spread evenly over the past sessions, with the matching classroom credits."""
    from enrollments.models import Attendance

    past = [
        (course_index, session)
        for course_index, group in enumerate(sessions)
        for session in group
        if session[2]
    ]
    hour_rows: list[tuple] = []

    def rows():
        for (course_index, session), share in zip(
            past, _spread(scale.attendance, len(past)), strict=True
        ):
            session_id, starts_at, _is_past, trainer = session
            course_id = courses[course_index].pk
            for enrollment_id, user_id, status, _enrolled in enrollments[course_index][:share]:
                if status == "completed":
                    mark = "present"
                else:
                    roll = (enrollment_id * 31 + session_id * 17) % 100
                    mark = next((m for cut, m in ATTENDANCE_STATUS_CUTS if roll < cut), "absent")
                hours = {
                    "present": SESSION_HOURS,
                    "late": SESSION_HOURS * PARTIAL_SHARE,
                    "left_early": SESSION_HOURS * PARTIAL_SHARE,
                }.get(mark, Decimal("0.0"))
                by_code = enrollment_id % 3 == 0
                checked_in = (
                    starts_at + timedelta(minutes=(enrollment_id % 25) - 10)
                    if mark in Attendance.ATTENDED_STATUSES
                    else None
                )
                yield (
                    session_id,
                    enrollment_id,
                    mark,
                    "qr_code" if by_code else "roll_call",
                    checked_in,
                    hours,
                    None if by_code else trainer,
                    starts_at + timedelta(hours=3),
                )
                if hours:
                    hour_rows.append(
                        (
                            user_id,
                            "classroom_session",
                            hours,
                            timezone.localdate(starts_at),
                            course_id,
                            enrollment_id,
                            None,
                            session_id,
                            "",
                            trainer,
                            starts_at + timedelta(hours=3),
                        )
                    )

    count = _insert(
        Attendance,
        [
            "session_id",
            "enrollment_id",
            "status",
            "method",
            "checked_in_at",
            "hours_credited",
            "marked_by_id",
            "updated_at",
        ],
        rows(),
    )
    return count, hour_rows


def _search_index(pages_by_model: dict) -> None:
    from wagtail.search.backends import get_search_backend

    backend = get_search_backend()
    for model, pages in pages_by_model.items():
        backend.add_bulk(model, pages)


def scale_data_seed(
    *, scale: Scale, now=None, log: Callable[[str], None] = lambda message: None
) -> dict:
    """Build the scale dataset in one transaction; returns the counts and timings.

    Refuses (``ScaleDataExists``) when the database already holds scale data.
    """
    from courses.models import ClassSession, CoursePage, CurriculumPage, LessonPage
    from enrollments.models import Enrollment, HourEntry

    if scale_data_present():
        raise ScaleDataExists(
            "This database already holds scale data (users named 'scale-…'). "
            "seed_scale runs once per database: use a fresh database to build it again."
        )
    now = now or timezone.now()
    rng = random.Random(20260)
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def step(name: str):
        timings[name] = round(time.perf_counter() - started - sum(timings.values()), 2)
        log(f"{name}: {timings[name]} s")

    with transaction.atomic():
        organizations = _organizations(scale=scale)
        trainers = _users(
            count=scale.trainers,
            role=TRAINER,
            label="trainer",
            phone_prefix="167",
            rng=rng,
            now=now,
            organizations=organizations,
        )
        trainees = _users(
            count=scale.trainees,
            role=TRAINEE,
            label="trainee",
            phone_prefix="166",
            rng=rng,
            now=now,
            organizations=organizations,
        )
        step("people")
        tree = _tree(scale=scale, trainers=trainers, now=now)
        step("pages")
        sessions = _sessions(scale=scale, courses=tree["courses"], trainers=trainers, now=now)
        enrollments = _enrollments(
            scale=scale, trainees=trainees, courses=tree["courses"], sessions=sessions, now=now
        )
        step("sessions and enrolments")
        progress_count, online_hours = _progress(
            scale=scale,
            courses=tree["courses"],
            lessons=tree["lessons"],
            enrollments=enrollments,
            now=now,
        )
        step("lesson progress")
        attendance_count, classroom_hours = _attendance(
            scale=scale, courses=tree["courses"], sessions=sessions, enrollments=enrollments
        )
        step("attendance")
        hour_count = _insert(HourEntry, HOUR_COLUMNS, online_hours)
        hour_count += _insert(HourEntry, HOUR_COLUMNS, classroom_hours)
        del online_hours, classroom_hours
        step("hours ledger")
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                no_style(),
                [
                    Organization,
                    get_user_model(),
                    get_user_model().groups.through,
                    TraineeProfile,
                    Page,
                    CoursePage.trainers.through,
                    ClassSession,
                    Enrollment,
                ],
            ):
                cursor.execute(statement)
        _search_index(
            {
                CurriculumPage: tree["curricula"],
                CoursePage: tree["courses"],
                LessonPage: [lesson for group in tree["lessons"] for lesson in group],
            }
        )
        step("search index")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        step("analyze")
    return {
        "scale": scale.as_dict(),
        "counts": {
            "organizations": len(organizations),
            "trainers": len(trainers),
            "trainees": len(trainees),
            "curricula": len(tree["curricula"]),
            "courses": len(tree["courses"]),
            "lessons": sum(len(group) for group in tree["lessons"]),
            "sessions": sum(len(group) for group in sessions),
            "enrollments": sum(len(group) for group in enrollments),
            "lesson_progress": progress_count,
            "attendance": attendance_count,
            "hour_entries": hour_count,
        },
        "seconds": round(time.perf_counter() - started, 2),
        "timings": timings,
    }


__all__ = [
    "DEFAULT_SCALE",
    "SMALL_SCALE",
    "Scale",
    "ScaleDataExists",
    "scale_data_present",
    "scale_data_seed",
]
