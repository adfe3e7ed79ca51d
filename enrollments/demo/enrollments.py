"""Demo enrolments in every state, progress, ledger entries and one completed enrolment.

Everything goes through the real services, so the completion event fires. Safe
to run again: each part is skipped when its records already exist.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from courses.models import CourseCatalogPage, CoursePage, CurriculumPage, LessonPage
from enrollments.models import Enrollment, ExternalTraining, HourEntry, LessonProgress
from enrollments.services.enrollment import (
    enrollment_approve,
    enrollment_enrol,
    enrollment_reject,
    enrollment_withdraw,
)
from enrollments.services.external_training import (
    external_training_approve,
    external_training_submit,
)
from enrollments.services.ledger import hour_entry_adjust
from enrollments.services.progress import lesson_progress_complete, lesson_progress_start

User = get_user_model()

ETHICS_SLUG = "social-work-ethics-online"
WORKSHOP_SLUG = "case-management-workshop"
DEMO_PROOF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _publish_child(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


def _demo_course(
    curriculum, course, *, lessons, slug_prefix, task, estimated_minutes, min_study_minutes, trainer
):
    """Publish a demo course with its lessons, taught by the demo trainer."""
    _publish_child(curriculum, course)
    for order, title in enumerate(lessons):
        _publish_child(
            course,
            LessonPage(
                title=title,
                slug=f"{slug_prefix}-{order + 1}",
                body=f"## {title}\n\n{task}",
                class_hours=Decimal("1.0"),
                estimated_minutes=estimated_minutes,
                min_study_minutes=min_study_minutes,
                sort_order=order,
            ),
        )
    if trainer:
        course.trainers.add(trainer)
        course.save_revision().publish()
    return course


def _demo_courses():
    ethics = CoursePage.objects.filter(slug=ETHICS_SLUG).first()
    workshop = CoursePage.objects.filter(slug=WORKSHOP_SLUG).first()
    if ethics and workshop:
        return ethics, workshop
    curriculum = CurriculumPage.objects.live().order_by("path").first()
    if curriculum is None:
        catalog = CourseCatalogPage.objects.first()
        curriculum = _publish_child(
            catalog,
            CurriculumPage(
                title="继续教育专题",
                slug="continuing-education-topics",
                track="topic",
                code="CE",
            ),
        )
    trainer = User.objects.filter(username="trainer").first()
    if ethics is None:
        ethics = _demo_course(
            curriculum,
            CoursePage(
                title="社会工作伦理与专业反思（线上）",
                slug=ETHICS_SLUG,
                summary="以案例讨论社会工作伦理守则在一线服务中的运用。",
                delivery_mode="online",
                class_hours=Decimal("3.0"),
                capacity=3,
            ),
            lessons=["伦理守则概览", "伦理困境的识别", "案例研讨：保密与知情同意"],
            slug_prefix="ethics-lesson",
            task="阅读材料并完成反思记录。",
            estimated_minutes=40,
            min_study_minutes=20,
            trainer=trainer,
        )
    if workshop is None:
        workshop = _demo_course(
            curriculum,
            CoursePage(
                title="个案管理工作坊",
                slug=WORKSHOP_SLUG,
                summary="从需求评估到结案的个案管理全流程演练，需审核报名。",
                delivery_mode="online",
                class_hours=Decimal("2.0"),
                capacity=2,
                requires_approval=True,
            ),
            lessons=["需求评估", "服务计划与结案"],
            slug_prefix="case-lesson",
            task="结合案例完成练习。",
            estimated_minutes=45,
            min_study_minutes=15,
            trainer=trainer,
        )
    return ethics, workshop


def _study(*, user, lesson):
    """Record time on task as the beats would, then mark the lesson done."""
    progress = lesson_progress_start(lesson=lesson, user=user)
    if progress.completed_at is None:
        LessonProgress.objects.filter(pk=progress.pk).update(
            seconds_on_task=lesson.min_study_minutes * 60 + 120
        )
        lesson_progress_complete(lesson=lesson, user=user)


@transaction.atomic
def seed_enrollments():
    people = {u.username: u for u in User.objects.filter(username__startswith="trainee")}
    admin = User.objects.get(username="admin")
    ethics, workshop = _demo_courses()
    ethics_lessons = list(LessonPage.objects.child_of(ethics).live().order_by("path"))
    workshop_lessons = list(LessonPage.objects.child_of(workshop).live().order_by("path"))

    if not Enrollment.objects.filter(course=ethics).exists():
        for username in ("trainee", "trainee2", "trainee3", "trainee4"):
            enrollment_enrol(user=people[username], course=ethics)
        # 李晓明 finishes every lesson: the enrolment completes through the real rule.
        for lesson in ethics_lessons:
            _study(user=people["trainee"], lesson=lesson)
        _study(user=people["trainee2"], lesson=ethics_lessons[0])
        lesson_progress_start(lesson=ethics_lessons[1], user=people["trainee2"])

    if not Enrollment.objects.filter(course=workshop).exists():
        first = enrollment_enrol(user=people["trainee"], course=workshop)
        enrollment_approve(enrollment_id=first.pk, actor=admin)
        enrollment_enrol(user=people["trainee5"], course=workshop)
        waiting = enrollment_enrol(user=people["trainee2"], course=workshop)
        enrollment_reject(
            enrollment_id=waiting.pk, actor=admin, reason="本期名额已满，请报名下一期。"
        )
        leaving = enrollment_enrol(user=people["trainee3"], course=workshop)
        enrollment_withdraw(enrollment=leaving, user=people["trainee3"])
        lesson_progress_start(lesson=workshop_lessons[0], user=people["trainee"])

    trainee = people["trainee"]
    if not ExternalTraining.objects.filter(user=trainee).exists():
        proof = ContentFile(DEMO_PROOF, name="certificate.pdf")
        training = external_training_submit(
            user=trainee,
            title="社区治理与社会工作专题讲座",
            provider="市社会工作者协会",
            date=timezone.localdate() - timedelta(days=40),
            hours=Decimal("4.0"),
            proof=proof,
        )
        external_training_approve(training_id=training.pk, actor=admin)
        external_training_submit(
            user=trainee,
            title="儿童保护实务培训",
            provider="省社会工作培训中心",
            date=timezone.localdate() - timedelta(days=10),
            hours=Decimal("6.0"),
            proof=ContentFile(DEMO_PROOF, name="training.pdf"),
        )
    trainee2 = people["trainee2"]
    if not HourEntry.objects.filter(user=trainee2, source=HourEntry.Source.ADJUSTMENT).exists():
        hour_entry_adjust(
            user=trainee2,
            hours=Decimal("2.5"),
            date=date(timezone.localdate().year, 1, 15),
            description="补录年初线下督导学时",
            actor=admin,
        )
