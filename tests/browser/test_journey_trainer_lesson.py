"""A trainer writes a lesson in the Wagtail admin, an administrator publishes it.

The trainer adds a lesson under a course they teach, in Markdown with a table and
an image from the lesson's Images panel, and submits it to the approval workflow;
the administrator approves it from the admin dashboard; the public course page
then lists the lesson, and the lesson shows its table and its image.
"""

import io
import re

import pytest
from django.core.files.images import ImageFile
from PIL import Image as PillowImage
from playwright.sync_api import expect
from wagtail.images.models import Image

from courses.models import CoursePage, LessonPage

LESSON_TITLE = "家访安全须知"
IMAGE_TITLE = "家访路线图"
IMAGE_CAPTION = "家访前的路线规划"
LESSON_BODY = f"""## 出发之前

| 项目 | 要点 |
|:--|:--|
| 同行 | 两人一组，告知督导行程 |
| 联络 | 手机电量充足，约定回报时间 |

![{IMAGE_TITLE}](image:1)

到达后先观察环境，再敲门说明来意。
"""


@pytest.fixture
def library_image(demo_site):
    """An image the trainer uploaded to the image library earlier."""
    buffer = io.BytesIO()
    PillowImage.new("RGB", (640, 360), (46, 125, 50)).save(buffer, format="PNG")
    return Image.objects.create(
        title=IMAGE_TITLE, file=ImageFile(buffer, name="home-visit-route.png")
    )


def test_trainer_writes_a_lesson_and_an_administrator_publishes_it(visit, library_image, settings):
    # The editor autosaves half a second after each change; a test types and clicks
    # faster than that, so its autosave would race the submission. People don't.
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    course = CoursePage.objects.get(slug="casework-basics")
    trainer = visit("trainer", language="en")
    page = trainer.page
    trainer.log_in("trainer@academy.example")

    # The trainer opens their course in the page explorer and adds a lesson.
    trainer.goto(f"/admin/pages/{course.pk}/")
    expect(page.get_by_text(course.title).first).to_be_visible()
    page.locator(f'a[href$="/admin/pages/{course.pk}/add_subpage/"]').first.click()
    page.wait_for_url(re.compile(r"/admin/pages/add/courses/lessonpage/\d+/"))
    page.locator("#id_title").fill(LESSON_TITLE)
    page.locator("#id_body").fill(LESSON_BODY)

    # The image: chosen from the library into the lesson's Images panel.
    page.locator("#id_images-ADD").click()
    page.locator("#inline_child_images-0-panel-content button.chooser__choose-button").click()
    modal = page.locator(".modal-content")
    modal.get_by_role("link", name=IMAGE_TITLE).click()
    expect(modal).to_be_hidden()
    assert page.locator("#id_images-0-image").input_value() == str(library_image.pk)
    page.locator("#id_images-0-caption").fill(IMAGE_CAPTION)
    trainer.screenshot("lesson-editor")

    # Submitted to the administrator approval workflow.
    page.locator("footer .w-dropdown__toggle").first.click()
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile(r"^Submit to ")).click()
    page.wait_for_load_state("networkidle")
    expect(page.locator(".messages")).to_contain_text("submitted for moderation")
    lesson = LessonPage.objects.child_of(course).get(title=LESSON_TITLE)
    assert not lesson.live
    assert lesson.current_workflow_state is not None

    # The administrator approves it from the dashboard.
    admin = visit("administrator", language="en")
    admin.log_in("admin@academy.example")
    admin.goto("/admin/")
    row = admin.page.locator("tr", has_text=LESSON_TITLE)
    expect(row).to_be_visible()
    admin.screenshot("awaiting-review")
    row.get_by_role("button", name="Actions").first.click()
    with admin.page.expect_navigation():
        row.get_by_role("button", name="Approve", exact=True).click()
    admin.page.wait_for_load_state("networkidle")
    lesson.refresh_from_db()
    assert lesson.live

    # Anyone sees it on the course page, with its table and image.
    reader = visit("reader")
    reader.goto(course.url)
    lessons = reader.page.locator(".lesson-list")
    expect(lessons).to_contain_text(LESSON_TITLE)
    reader.assert_fits_the_screen()
    reader.screenshot("course-with-new-lesson")
    lessons.get_by_role("link", name=LESSON_TITLE).click()
    reader.page.wait_for_load_state("networkidle")
    body = reader.page.locator("article.lesson-body")
    expect(body.locator("table")).to_contain_text("两人一组，告知督导行程")
    image = body.get_by_role("img", name=IMAGE_TITLE)
    expect(image).to_be_visible()
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")
    reader.assert_fits_the_screen()
    reader.screenshot("published-lesson")
