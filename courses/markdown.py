"""Lesson Markdown: rendered with ``markdown``, sanitised with ``nh3``, cached by content.

Lesson images are written as ``![caption](image:N)``, where N is the image's
position (from 1) in the lesson's Images panel; the renderer swaps in the URL of
a web-sized rendition. Any other image source must be an http(s) address or the
image is dropped. Raw HTML is allowed through Markdown but only the tags and
attributes listed below survive sanitising.
"""

import hashlib
import json
from collections.abc import Mapping
from xml.etree.ElementTree import Element

import markdown
import nh3
from django.core.cache import cache
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

# Bump when the output for the same Markdown changes, so cached HTML is renewed.
RENDERER_VERSION = "1"
CACHE_TIMEOUT = 60 * 60 * 24 * 30
IMAGE_SCHEME = "image:"
SAFE_IMAGE_PREFIXES = ("https://", "http://")

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "div",
    "dl",
    "dt",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "kbd",
    "li",
    "ol",
    "p",
    "pre",
    "s",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "abbr": {"title"},
    "code": {"class"},
    "div": {"class"},
    "h1": {"id"},
    "h2": {"id"},
    "h3": {"id"},
    "h4": {"id"},
    "h5": {"id"},
    "h6": {"id"},
    "img": {"src", "alt", "title"},
    "li": {"id"},
    "ol": {"start"},
    "sup": {"id"},
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed together with everything inside them.
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "noscript", "template"}


class LessonImageProcessor(Treeprocessor):
    def __init__(self, md, images: Mapping[str, str]):
        super().__init__(md)
        self.images = images

    def run(self, root: Element) -> None:
        for parent in root.iter():
            for child in list(parent):
                if child.tag != "img":
                    continue
                src = (child.get("src") or "").strip()
                if src.lower().startswith(IMAGE_SCHEME):
                    src = self.images.get(src[len(IMAGE_SCHEME) :].strip(), "")
                if src and (src in self.images.values() or src.startswith(SAFE_IMAGE_PREFIXES)):
                    child.set("src", src)
                else:
                    parent.remove(child)


class LessonImageExtension(Extension):
    def __init__(self, images: Mapping[str, str]):
        self.images = images
        super().__init__()

    def extendMarkdown(self, md):  # noqa: N802 - the Markdown API's name
        md.treeprocessors.register(LessonImageProcessor(md, self.images), "lesson_images", 5)


def _markdown_to_html(text: str, images: Mapping[str, str]) -> str:
    md = markdown.Markdown(
        extensions=[
            "tables",
            "fenced_code",
            "footnotes",
            "toc",
            "sane_lists",
            LessonImageExtension(images),
        ],
        extension_configs={
            "tables": {"use_align_attribute": True},
            "toc": {"slugify": slugify_unicode, "permalink": "#", "permalink_title": ""},
        },
        output_format="html",
    )
    return md.convert(text)


def _sanitise(html: str, images: Mapping[str, str]) -> str:
    known_sources = set(images.values())

    def attribute_filter(tag: str, attribute: str, value: str) -> str | None:
        if tag == "img" and attribute == "src":
            value = value.strip()
            if value in known_sources or value.startswith(SAFE_IMAGE_PREFIXES):
                return value
            return None
        return value

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags=CLEAN_CONTENT_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        set_tag_attribute_values={"img": {"loading": "lazy"}},
        strip_comments=True,
    )


def markdown_render_uncached(text: str, *, images: Mapping[str, str] | None = None) -> str:
    images = dict(images or {})
    return _sanitise(_markdown_to_html(text, images), images)


def markdown_cache_key(text: str, images: Mapping[str, str]) -> str:
    payload = json.dumps([RENDERER_VERSION, text, sorted(images.items())], ensure_ascii=False)
    return "courses:markdown:" + hashlib.sha256(payload.encode()).hexdigest()


def markdown_render(text: str, *, images: Mapping[str, str] | None = None) -> str:
    """Safe HTML for lesson Markdown; unchanged Markdown (and images) is served from the cache."""
    if not text:
        return ""
    images = dict(images or {})
    key = markdown_cache_key(text, images)
    html = cache.get(key)
    if html is None:
        html = markdown_render_uncached(text, images=images)
        cache.set(key, html, CACHE_TIMEOUT)
    return html
