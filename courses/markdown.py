"""Lesson Markdown: rendered with ``markdown``, sanitised with ``nh3``, cached by content.

Lesson images are written as ``![caption](image:N)``, where N is the image's
position (from 1) in the lesson's Images panel; the renderer swaps in the URL of
a web-sized rendition. Any other image source must be an http(s) address or the
image is dropped. Raw HTML is allowed through Markdown but only the tags and
attributes listed below survive sanitising, and:

- ``id`` values get the prefix ``user-content-`` (so a lesson cannot clobber the
  page's own ids, such as a fake ``csrfmiddlewaretoken``), and in-page links
  ``#x`` point at ``#user-content-x``, so heading anchors and footnotes still work;
  ``name`` is dropped;
- ``class`` keeps only the classes the renderer itself writes (``CLASS_ALLOWED``);
- raw HTML tags that sanitising would drop go before Markdown reads the text, and
  the elements that stay end with their paragraph, as in CommonMark: one left
  open (``<style>``, ``<textarea>``, ``<title>``, ``<table>``, ``<!--``, ...) is
  closed at the next blank line, so the rest of the lesson still renders (the
  page after the lesson is safe in any case: the sanitiser writes balanced HTML);
- table cells say their alignment with the classes ``align-left``,
  ``align-center`` and ``align-right`` (styled in the site stylesheet).
"""

import hashlib
import json
import re
from collections.abc import Mapping
from xml.etree.ElementTree import Element

import markdown
import nh3
from django.core.cache import cache
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

# Bump when the output for the same Markdown changes, so cached HTML is renewed.
RENDERER_VERSION = "2"
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
    "td": {"class"},
    "th": {"class"},
}
ALIGN_CLASSES = {"align-left", "align-center", "align-right"}
# The classes the renderer writes: heading permalinks, footnotes, [TOC], table alignment.
CLASS_ALLOWED = {
    "a": {"headerlink", "footnote-ref", "footnote-backref"},
    "div": {"footnote", "toc"},
    "td": ALIGN_CLASSES,
    "th": ALIGN_CLASSES,
}
# Fenced code names its language: ```python gives <code class="language-python">.
CODE_LANGUAGE_CLASS = re.compile(r"language-[a-z0-9][a-z0-9+#._-]{0,31}")
ID_PREFIX = "user-content-"
URL_SCHEMES = {"http", "https", "mailto"}
# Removed together with everything inside them.
CLEAN_CONTENT_TAGS = {"script", "style", "iframe", "object", "embed", "noscript", "template"}

# Raw HTML in a lesson, before Markdown reads it. Tags the sanitiser would drop anyway
# (``<form>``, ``<math>``, ``<mtext>``, ``<plaintext>``, ...) go now, their text kept:
# left open, some take what follows into content the sanitiser removes whole. The
# elements that stay end with their paragraph, as in CommonMark: a ``<style>``,
# ``<textarea>``, ``<title>``, ``<table>`` or comment left open is closed at the next
# blank line. Code spans are left as they are.
CODE_SPAN_OR_TAG = re.compile(
    r"(?P<code>(`+).+?(?<!`)\2(?!`))|<(?P<end>/?)(?P<name>[a-z][a-z0-9-]*)(?=[\s/>]|$)[^>]*>?",
    re.IGNORECASE | re.DOTALL,
)
RAW_TEXT_TAGS = {"textarea", "title", "xmp", "noembed", "noframes", "select"}
VOID_ELEMENTS = {"br", "hr", "img", "wbr"}
BLANK_LINE = re.compile(r"(\n[ \t]*\n)")
INDENTED_CODE_LINE = re.compile(r"^( {4}|\t)")


def _closed_block(block: str) -> str:
    """The block without the tags sanitising drops, and with what it leaves open closed."""
    lines = [line for line in block.split("\n") if line.strip()]
    if lines and all(INDENTED_CODE_LINE.match(line) for line in lines):
        return block  # an indented code block: Markdown shows it as text
    still_open: list[str] = []

    def tag(match: re.Match) -> str:
        if match.group("code"):
            return match.group(0)
        name = match.group("name").lower()
        if name not in ALLOWED_TAGS | CLEAN_CONTENT_TAGS | RAW_TEXT_TAGS:
            return ""
        if name in VOID_ELEMENTS:
            return match.group(0)
        if not match.group("end"):
            still_open.append(name)
        elif name in still_open:
            # An end tag ends its own element only, as in a browser.
            del still_open[len(still_open) - 1 - still_open[::-1].index(name)]
        return match.group(0)

    block = CODE_SPAN_OR_TAG.sub(tag, block)
    closing = "".join(f"</{name}>" for name in reversed(still_open))
    if block.rfind("<!--") > block.rfind("-->"):
        closing = " -->" + closing
    return block + closing


class RawElementCloser(Preprocessor):
    """Runs after fenced code is set aside and before raw HTML blocks are read."""

    def run(self, lines: list[str]) -> list[str]:
        parts = BLANK_LINE.split("\n".join(lines))
        parts[::2] = [_closed_block(block) for block in parts[::2]]
        return "".join(parts).split("\n")


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


class TableAlignProcessor(Treeprocessor):
    """Table cells' ``align`` attribute becomes a class: CSS, not presentational HTML."""

    def run(self, root: Element) -> None:
        for cell in root.iter():
            if cell.tag not in {"th", "td"}:
                continue
            align = cell.attrib.pop("align", None)
            if align in {"left", "center", "right"}:
                cell.set("class", f"align-{align}")


class LessonExtension(Extension):
    def __init__(self, images: Mapping[str, str]):
        self.images = images
        super().__init__()

    def extendMarkdown(self, md):  # noqa: N802 - the Markdown API's name
        md.preprocessors.register(RawElementCloser(md), "raw_element_closer", 22)
        md.treeprocessors.register(LessonImageProcessor(md, self.images), "lesson_images", 5)
        md.treeprocessors.register(TableAlignProcessor(md), "table_align", 4)


def _markdown_to_html(text: str, images: Mapping[str, str]) -> str:
    md = markdown.Markdown(
        extensions=[
            "tables",
            "fenced_code",
            "footnotes",
            "toc",
            "sane_lists",
            LessonExtension(images),
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
        if attribute == "id":
            return _prefixed(value.strip()) or None
        if attribute == "href" and value.startswith("#") and len(value) > 1:
            return "#" + _prefixed(value[1:])
        if attribute == "class":
            return " ".join(name for name in value.split() if _class_allowed(tag, name)) or None
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


def _prefixed(name: str) -> str:
    return name if not name or name.startswith(ID_PREFIX) else ID_PREFIX + name


def _class_allowed(tag: str, name: str) -> bool:
    if tag == "code":
        return CODE_LANGUAGE_CLASS.fullmatch(name) is not None
    return name in CLASS_ALLOWED.get(tag, ())


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
