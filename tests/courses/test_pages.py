from django.urls import reverse
from wagtail.models import Page
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from cms_pages.models import HomePage, StandardPage
from courses.models import (
    CourseCatalogPage,
    CoursePage,
    CurriculumPage,
    EnrollmentState,
    LessonPage,
    Track,
)
from tests.academy import factories as people
from tests.courses import factories


class CoursePageTreeTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.trainer = people.trainer(full_name="陈立群")
        cls.catalog = factories.catalog_page()
        cls.curriculum = factories.curriculum(
            parent=cls.catalog, title="新人培育课程体系", track=Track.NEWCOMER
        )
        cls.course = factories.course(
            parent=cls.curriculum, title="个案工作入门", trainers=[cls.trainer], sessions=2
        )
        cls.lesson = factories.lesson(
            parent=cls.course,
            title="接案与初次会谈",
            body="## 学习目标\n\n| 栏目 | 要点 |\n|--|--|\n| 基本信息 | 联系方式 |\n",
        )

    def test_tree_rules(self):
        self.assertCanCreateAt(HomePage, CourseCatalogPage)
        self.assertCanCreateAt(CourseCatalogPage, CurriculumPage)
        self.assertCanCreateAt(CurriculumPage, CoursePage)
        self.assertCanCreateAt(CoursePage, LessonPage)
        self.assertCanNotCreateAt(HomePage, CurriculumPage)
        self.assertCanNotCreateAt(HomePage, CoursePage)
        self.assertCanNotCreateAt(CourseCatalogPage, CoursePage)
        self.assertCanNotCreateAt(CurriculumPage, LessonPage)
        self.assertCanNotCreateAt(LessonPage, LessonPage)
        self.assertCanNotCreateAt(StandardPage, CoursePage)
        self.assertAllowedParentPageTypes(CourseCatalogPage, {HomePage})
        self.assertAllowedParentPageTypes(CurriculumPage, {CourseCatalogPage})
        self.assertAllowedParentPageTypes(CoursePage, {CurriculumPage})
        self.assertAllowedParentPageTypes(LessonPage, {CoursePage})
        self.assertAllowedSubpageTypes(CourseCatalogPage, {CurriculumPage})
        self.assertAllowedSubpageTypes(CurriculumPage, {CoursePage})
        self.assertAllowedSubpageTypes(CoursePage, {LessonPage})
        self.assertAllowedSubpageTypes(LessonPage, set())

    def test_only_one_catalogue(self):
        self.assertFalse(CourseCatalogPage.can_create_at(self.catalog.get_parent()))

    def test_pages_are_routable_renderable_and_previewable(self):
        for page in (self.catalog, self.curriculum, self.course, self.lesson):
            with self.subTest(page=type(page).__name__):
                self.assertPageIsRoutable(page)
                self.assertPageIsRenderable(page)
                self.assertPageIsPreviewable(page)

    def test_administrator_can_create_each_page_type_in_the_admin(self):
        self.client.force_login(people.administrator())
        curriculum_data = nested_form_data(
            {"title": "考前培训", "slug": "exam", "track": Track.EXAM_PREP, "code": "KQ-T"}
        )
        curriculum_data["target_qualification_level"] = "assistant"
        self.assertCanCreate(self.catalog, CurriculumPage, curriculum_data)
        course_data = nested_form_data(
            {
                "title": "法规与政策",
                "slug": "policy",
                "summary": "法规政策速览",
                "delivery_mode": "online",
                "class_hours": "4.0",
                "min_attendance_percent": "0",
                "min_hours": "0",
                "sessions": inline_formset([]),
            }
        )
        self.assertCanCreate(self.curriculum, CoursePage, course_data)
        lesson_data = nested_form_data(
            {
                "title": "强制报告制度",
                "slug": "report",
                "body": "# 强制报告",
                "class_hours": "1.0",
                "estimated_minutes": "30",
                "min_study_minutes": "10",
                "sort_order": "1",
                "is_required": "on",
                "attachments": inline_formset([]),
                "images": inline_formset([]),
            }
        )
        self.assertCanCreate(self.course, LessonPage, lesson_data)

    def test_course_page_shows_lessons_sessions_hours_and_enrolment_state(self):
        self.client.cookies["academy_language"] = "en"
        response = self.client.get(self.course.url)

        content = response.content.decode()
        self.assertContains(response, "接案与初次会谈")
        self.assertContains(response, "第 1 次课")
        self.assertContains(response, 'id="enrollment"')
        self.assertContains(response, "Open for enrolment")
        self.assertIn(reverse("courses:course_ical", args=[self.course.pk]), content)
        self.assertEqual(response.context["enrollment_state"], EnrollmentState.OPEN)

    def test_lesson_page_renders_markdown_and_leaves_room_for_progress(self):
        response = self.client.get(self.lesson.url)

        self.assertContains(response, '<h2 id="user-content-学习目标">')
        self.assertContains(response, "<table>")
        self.assertContains(response, '<section id="progress"')
        self.assertContains(response, self.course.title)

    def test_lesson_preview_renders_unsaved_markdown(self):
        self.client.force_login(people.administrator())
        data = nested_form_data(
            {
                "title": "预览中的课",
                "slug": self.lesson.slug,
                "body": "# 预览标题\n\n<script>alert(1)</script>正文[^1]\n\n[^1]: 脚注",
                "class_hours": "1.0",
                "estimated_minutes": "30",
                "min_study_minutes": "0",
                "sort_order": "1",
                "attachments": inline_formset([]),
                "images": inline_formset([]),
            }
        )
        preview_url = reverse("wagtailadmin_pages:preview_on_edit", args=[self.lesson.pk])

        posted = self.client.post(preview_url, data)
        self.assertEqual(posted.json(), {"is_valid": True, "is_available": True})
        response = self.client.get(preview_url)

        content = response.content.decode()
        self.assertIn('<h1 id="user-content-预览标题">', content)
        self.assertIn('class="footnote"', content)
        self.assertNotIn("<script>alert(1)</script>", content)
        self.assertNotIn("预览标题", LessonPage.objects.get(pk=self.lesson.pk).body)

    def test_unpublished_lessons_are_not_listed_on_the_course(self):
        draft = factories.lesson(parent=self.course, title="草稿课")
        draft.unpublish()

        response = self.client.get(self.course.url)

        self.assertNotContains(response, "草稿课")

    def test_curriculum_page_lists_its_courses(self):
        response = self.client.get(self.curriculum.url)

        self.assertContains(response, "个案工作入门")
        self.assertEqual(Page.objects.get(pk=self.course.pk).specific, self.course)
