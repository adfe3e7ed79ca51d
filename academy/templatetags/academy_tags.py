import time
import uuid

from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from wagtail.models import Site

from academy.models import AcademySettings
from academy.page_cache import (
    ENTRY_SECONDS,
    pages_cache,
    request_pages_generation,
    roles_generation,
    shared_key,
)

register = template.Library()

FRAGMENT_SECONDS = 24 * 3600


@register.simple_tag(takes_context=True)
def academy_name(context):
    request = context.get("request")
    if request is not None:
        return AcademySettings.for_request(request).academy_name
    return settings.WAGTAIL_SITE_NAME


@register.simple_tag(takes_context=True)
def nav_links(context):
    """Top-level pages marked 'show in menus' under the current site's root.

    Kept in the cache per site and language until a page changes.
    """
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return []
    links = getattr(request, "_academy_nav_links", None)
    if links is None:
        key = shared_key(request, "nav", site.pk)
        links = pages_cache().get(key)
        if links is None:
            links = [
                {"title": page.title, "url": page.get_url(request=request)}
                for page in site.root_page.get_children().live().in_menu()
            ]
            pages_cache().set(key, links, ENTRY_SECONDS)
        request._academy_nav_links = links
    return links


@register.simple_tag(takes_context=True)
def can_access_admin(context) -> bool:
    """Whether the header shows the Admin link (and the Wagtail user bar) to the visitor.

    Kept in the cache per user until their flags, groups or a group's permissions change.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return False
    if user.is_staff or user.is_superuser:
        return True
    flag = getattr(request, "_academy_can_access_admin", None)
    if flag is None:
        key = f"academy:roles:{roles_generation()}:admin:{user.pk}:{int(user.is_active)}"
        flag = cache.get(key)
        if flag is None:
            flag = user.has_perm("wagtailadmin.access_admin")
            cache.set(key, flag, ENTRY_SECONDS)
        request._academy_can_access_admin = flag
    return flag


class SharedVersion(str):
    """A ``{% cache %}`` vary-on value; ``seconds`` is the fragment's timeout (0 in a
    preview, whose draft must never be stored nor served from the cache)."""

    seconds = FRAGMENT_SECONDS


@register.simple_tag(takes_context=True)
def shared_version(context, seconds: int = 0) -> SharedVersion:
    """What a ``{% cache version.seconds ... version %}`` fragment of shared page content
    varies on besides the page: the active language and the pages generation, and with
    ``seconds`` the current window of that many seconds (for fragments that show how
    sessions stand now)."""
    request = context.get("request")
    if getattr(request, "is_preview", False):
        version = SharedVersion(f"preview-{uuid.uuid4()}")
        version.seconds = 0
        return version
    text = f"{translation.get_language()}-{request_pages_generation(request)}"
    if not seconds:
        return SharedVersion(text)
    version = SharedVersion(f"{text}-{int(time.time() // seconds)}")
    # A window's fragments are not read after it ends: let them expire with it.
    version.seconds = 2 * seconds
    return version


@register.simple_tag
def site_name():
    """The site's name from settings, for places that must not query (every admin tab)."""
    return settings.WAGTAIL_SITE_NAME
