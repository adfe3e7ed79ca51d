"""The course tree: curricula, courses and lessons as published Wagtail pages, inserted
directly with their tree paths, depths, child counts and URL paths, then indexed."""

import uuid
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from academy.models import QualificationLevel
from cms_pages.demo import seed_site
from courses.demo import demo_lesson_text
from courses.models import CourseCatalogPage, CoursePage, CurriculumPage, LessonPage

from .bulk import first_free_id, rows_insert, spread
from .sizes import PREFIX, Scale

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
    return f"# 第 {number} 课 {topic}\n\n{demo_lesson_text('intake')}"


LESSON_HOURS = [Decimal("1.0"), Decimal("1.5"), Decimal("2.0")]


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


def tree_insert(*, scale: Scale, trainers: list[int], now) -> dict:
    """Curricula, courses and lessons under the catalogue, and the courses' trainers."""
    seed_site()
    catalog = CourseCatalogPage.objects.get()
    next_id = first_free_id(Page)
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
    course_counts = spread(scale.courses, len(curricula))
    lesson_counts = spread(scale.lessons, scale.courses)
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
    first_link = first_free_id(through)
    rows_insert(
        through,
        ["id", "coursepage_id", "user_id"],
        ((first_link + index, *link) for index, link in enumerate(trainer_links)),
    )
    return {"curricula": curricula, "courses": courses, "lessons": lessons}


def search_index_add(pages_by_model: dict) -> None:

    backend = get_search_backend()
    for model, pages in pages_by_model.items():
        backend.add_bulk(model, pages)
