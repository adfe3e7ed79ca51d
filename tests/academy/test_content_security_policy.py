"""The Content-Security-Policy header: strict on the public site, inline code only in the admin."""

import pytest
from django.urls import reverse

from tests.academy import factories as people
from tests.courses import factories as tree
from tests.enrollments import factories as ef

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"


def directives(response) -> dict[str, list[str]]:
    policy = response.headers[HEADER]
    parsed = {}
    for part in policy.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_strict(response):
    assert response.status_code == 200, response.status_code
    assert "Content-Security-Policy-Report-Only" not in response.headers
    policy = directives(response)
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "https:", "data:"]
    assert policy["default-src"] == ["'self'"]
    assert "'unsafe-inline'" not in response.headers[HEADER]
    assert "'unsafe-eval'" not in response.headers[HEADER]


@pytest.fixture
def site(home_page):
    course = tree.course(parent=tree.curriculum(parent=tree.catalog_page()))
    lesson = tree.lesson(parent=course)
    trainee = people.trainee()
    ef.enrollment(course=course, user=trainee)
    return course, lesson, trainee


def test_public_pages_send_the_strict_policy(client, site):
    course, lesson, trainee = site
    catalogue = course.get_parent().get_parent()

    for url in ["/", reverse("accounts:login"), catalogue.url, course.url]:
        assert_strict(client.get(url))
    client.force_login(trainee)
    for url in [lesson.url, reverse("enrollments:dashboard")]:
        assert_strict(client.get(url))


def test_public_pages_carry_no_inline_script_handler_or_style(client, site):
    from html5lib import parse

    course, lesson, trainee = site
    client.force_login(trainee)
    for url in ["/", course.url, lesson.url, reverse("enrollments:dashboard")]:
        document = parse(client.get(url).content, treebuilder="etree", namespaceHTMLElements=False)
        for element in document.iter():
            if element.tag == "script":
                assert element.get("src") or element.get("type") == "application/json", url
            assert not [name for name in element.attrib if name.startswith("on")], url
            assert element.get("style") is None, (url, element.tag)
        assert document.find(".//style") is None


@pytest.mark.parametrize("path", ["/admin/", "/django-admin/", "/django-rq/"])
def test_admin_screens_allow_inline_scripts_and_styles_only_there(client, admin_user, path):
    client.force_login(admin_user)

    response = client.get(path, follow=True)

    assert response.status_code == 200
    policy = directives(response)
    assert policy["script-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_a_path_merely_starting_like_admin_gets_the_strict_policy(client, home_page):
    response = client.get("/administration-notes/")

    assert "'unsafe-inline'" not in response.headers[HEADER]
