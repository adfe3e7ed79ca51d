"""What the public pages share between visitors, kept in the cache between requests.

Everything here is keyed by one *pages generation*: a number in the cache that goes
up whenever a page is saved (publish, unpublish, a revision approved and published),
moved or deleted, a view restriction or site changes, or a class session changes. A
new generation makes every cached route, site, menu and page fragment unreachable at
once, so nothing shown can be older than the last change; the old entries expire.

The generation is read once per request (``request_pages_generation``). It lives in
the cache every web process shares (Redis in production), so a change made in one
process is seen by all of them on their next request.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import BaseCache, cache, caches
from django.db.models.signals import post_delete, post_migrate, post_save
from django.utils import translation

GENERATION_KEY = "academy:pages:generation"
# Cached entries outlive their generation by at most this long.
ENTRY_SECONDS = 24 * 3600
ROLES_KEY = "academy:roles:generation"


def pages_generation() -> int:
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # A cache that lost the key (restart, eviction) starts from the clock, never
        # from a number it may already have used.
        generation = time.time_ns()
        if not cache.add(GENERATION_KEY, generation, timeout=None):
            generation = cache.get(GENERATION_KEY, generation)
    return int(generation)


def pages_generation_bump(**_signal) -> None:
    """Make every cached page part stale (connected to the signals of what they show)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)


def request_pages_generation(request) -> int:
    generation = getattr(request, "_academy_pages_generation", None)
    if generation is None:
        generation = pages_generation()
        if request is not None:
            request._academy_pages_generation = generation
    return generation


def pages_cache() -> BaseCache:
    """Where entries under ``shared_key`` keys live: the ``template_fragments`` alias,
    which keeps them in the process's memory in front of the shared cache
    (``academy.local_cache``); they never change under their key."""
    return caches["template_fragments"]


def shared_key(request, *parts: Any) -> str:
    """A cache key for something every visitor sees alike, in the active language."""
    text = ":".join(str(part) for part in parts)
    return f"academy:pages:{request_pages_generation(request)}:{translation.get_language()}:{text}"


def roles_generation() -> int:
    generation = cache.get(ROLES_KEY)
    if generation is None:
        generation = time.time_ns()
        if not cache.add(ROLES_KEY, generation, timeout=None):
            generation = cache.get(ROLES_KEY, generation)
    return int(generation)


def roles_generation_bump(**_signal) -> None:
    """Make every cached role flag stale (a user's groups or a group's permissions changed)."""
    try:
        cache.incr(ROLES_KEY)
    except ValueError:
        cache.set(ROLES_KEY, time.time_ns(), timeout=None)


def pages_cache_connect() -> None:
    """Connect the bumps to what the cached parts are made of."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed
    from wagtail.models import PageViewRestriction, Site
    from wagtail.signals import page_published, page_unpublished, post_page_move

    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(pages_generation_bump, dispatch_uid=f"academy-pages-{id(signal)}")
    # Subclasses send their own post_save; sender=None catches every page type.
    post_save.connect(_page_changed, dispatch_uid="academy-pages-save")
    post_delete.connect(_page_changed, dispatch_uid="academy-pages-delete")
    post_migrate.connect(pages_generation_bump, dispatch_uid="academy-pages-migrate")
    pages_cache_watch(PageViewRestriction, Site)
    from .models import AcademySettings

    post_save.connect(_academy_settings_forget, sender=AcademySettings, dispatch_uid="as-s")
    post_delete.connect(_academy_settings_forget, sender=AcademySettings, dispatch_uid="as-d")
    from .roles import user_role_names_forget

    User = get_user_model()
    m2m_changed.connect(user_role_names_forget, sender=User.groups.through, dispatch_uid="rn-ug")
    m2m_changed.connect(roles_generation_bump, sender=User.groups.through, dispatch_uid="rg-ug")
    m2m_changed.connect(
        roles_generation_bump, sender=User.user_permissions.through, dispatch_uid="rg-up"
    )
    m2m_changed.connect(
        roles_generation_bump, sender=Group.permissions.through, dispatch_uid="rg-gp"
    )
    # A user's own flags (staff, superuser, active) are part of their key instead.
    for model in (Group, Permission):
        post_save.connect(roles_generation_bump, sender=model, dispatch_uid=f"rg-s-{model}")
        post_delete.connect(roles_generation_bump, sender=model, dispatch_uid=f"rg-d-{model}")


def pages_cache_watch(*models: type) -> None:
    """Bump the generation when a row of one of ``models`` is saved or deleted."""
    for model in models:
        post_save.connect(pages_generation_bump, sender=model, dispatch_uid=f"pc-s-{model}")
        post_delete.connect(pages_generation_bump, sender=model, dispatch_uid=f"pc-d-{model}")


def _page_changed(sender, instance=None, **_signal) -> None:
    from wagtail.models import Page

    if isinstance(instance, Page):
        pages_generation_bump()


def _academy_settings_forget(sender, instance, **_signal) -> None:
    from .models import academy_settings_cache_key

    cache.delete(academy_settings_cache_key(instance.site_id))
