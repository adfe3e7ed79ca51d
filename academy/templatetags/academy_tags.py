from django import template
from django.conf import settings
from wagtail.models import Site

from academy.models import AcademySettings

register = template.Library()


@register.simple_tag(takes_context=True)
def academy_name(context):
    request = context.get("request")
    if request is not None:
        return AcademySettings.for_request(request).academy_name
    return settings.WAGTAIL_SITE_NAME


@register.simple_tag(takes_context=True)
def nav_links(context):
    """Top-level pages marked 'show in menus' under the current site's root."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return []
    cache = getattr(request, "_academy_nav_links", None)
    if cache is None:
        cache = [
            {"title": page.title, "url": page.get_url(request=request)}
            for page in site.root_page.get_children().live().in_menu()
        ]
        request._academy_nav_links = cache
    return cache


@register.simple_tag
def site_name():
    """The site's name from settings, for places that must not query (every admin tab)."""
    return settings.WAGTAIL_SITE_NAME
