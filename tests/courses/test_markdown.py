import re
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.core.cache import cache

from courses import markdown
from courses.markdown import markdown_render, markdown_render_uncached

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


class ElementCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, attrs))

    handle_startendtag = handle_starttag


def executable_parts(html: str) -> list[str]:
    """What a browser would run: script-like elements, event handlers, script URLs."""
    collector = ElementCollector()
    collector.feed(html)
    found = []
    for tag, attrs in collector.elements:
        if tag in EXECUTABLE_TAGS:
            found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                found.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and value is not None:
                url = re.sub(r"[\x00-\x20]", "", value)
                if not SAFE_URL.match(url):
                    found.append(f"{tag}[{name}={value}]")
    return found


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_renders_with_nothing_executable(payload):
    html = markdown_render_uncached(f"正文开始\n\n{payload}\n\n正文结束")

    assert executable_parts(html) == [], html
    assert "正文开始" in html


def test_the_checker_itself_spots_executable_html():
    assert executable_parts('<p><img src="x" onerror="alert(1)"></p>') == ["img[onerror]"]
    assert executable_parts('<a href=" javascript:alert(1)">x</a>')
    assert executable_parts("<iframe></iframe><script></script>") == ["<iframe>", "<script>"]
    assert executable_parts('<a href="https://a.cn/">x</a><a href="#fn:1">1</a>') == []


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

    assert '<h1 id="接案流程">' in html
    assert '<a class="headerlink" href="#接案流程"' in html
    assert '<th align="left">栏目</th>' in html
    assert '<code class="language-python">' in html
    assert 'href="#fn:1"' in html
    assert '<div class="footnote">' in html


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


def test_empty_markdown_renders_nothing():
    assert markdown_render("") == ""
