import pickle
from typing import Any

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers


class DefaultLanguageMiddleware:
    """Use the language the visitor chose with the switcher, else the site's default.

    The browser's Accept-Language is deliberately not consulted: the academy's
    pages are Chinese first, whatever language a phone is set to.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's policy, with ``CONTENT_SECURITY_POLICY_ADMIN`` in its place on the
    admin screens (``CONTENT_SECURITY_POLICY_ADMIN_PREFIXES``).

    The public site forbids inline scripts, event handlers and styles. Wagtail's
    admin, Django's admin and the django-rq dashboard write inline scripts and
    styles, so they get a policy that allows them and is otherwise as strict.
    """

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        prefixes = tuple(settings.CONTENT_SECURITY_POLICY_ADMIN_PREFIXES)
        if not report_only and parts.config is None and request.path_info.startswith(prefixes):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN["DIRECTIVES"]
        return parts


class PageRouteCacheMiddleware:
    """Reuse Wagtail's site lookup and page routing across requests.

    Wagtail keeps the site (``request._wagtail_site``) and the route of a page request
    (``request._wagtail_route_for_request``) on the request; this middleware fills both
    from the pages cache before the view runs and stores them after a first request
    found them, so a page request that was routed before reads no page from the
    database. The stored route holds the page's own row (its fields as loaded, nothing a
    request added to it), and every request gets a fresh copy of it. The keys carry the
    pages generation (``academy.page_cache``), so a publish, unpublish, move or deletion
    routes afresh. Wagtail's serve view still checks view restrictions on every request;
    for a page that had none when its route was stored (a new restriction starts a new
    generation) the check reads nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        from .page_cache import ENTRY_SECONDS, pages_cache, shared_key

        cache = pages_cache()
        host = request._get_raw_host()
        site_key = shared_key(request, "routed-site", host, request.get_port())
        route_key = shared_key(request, "routed-page", host, request.path_info)
        found = cache.get_many([site_key, route_key])
        site = found.get(site_key)
        if site is not None:
            request._wagtail_site = pickle.loads(site)  # noqa: S301 - written below
            route = found.get(route_key)
            if route is not None:
                self._route_set(request, route)
        response = self.get_response(request)
        if site is None and getattr(request, "_wagtail_site", None) is not None:
            cache.set(site_key, pickle.dumps(request._wagtail_site), ENTRY_SECONDS)
        if (
            route_key not in found
            and response.status_code == 200
            and getattr(request, "_academy_route_cached", False) is False
        ):
            route = getattr(request, "_wagtail_route_for_request", None)
            if route is not None and not route.args and not route.kwargs:
                restricted = route.page.get_view_restrictions().exists()
                cache.set(route_key, (_page_row(route.page), restricted), ENTRY_SECONDS)
        return response

    @staticmethod
    def _route_set(request, route) -> None:
        from wagtail.models import PageViewRestriction
        from wagtail.url_routing import RouteResult

        row, restricted = route
        page: Any = pickle.loads(row)  # noqa: S301 - our own cache, written by _page_row
        if not restricted:
            # Neither the page nor an ancestor had a restriction when the route was
            # stored, and adding one makes a new generation: nothing to look up.
            page.get_view_restrictions = PageViewRestriction.objects.none
        request._wagtail_route_for_request = RouteResult(page)
        request._academy_route_cached = True


def _page_row(page) -> bytes:
    """The page as its row was loaded (its concrete fields only), pickled."""
    model = type(page)
    fields = [field for field in model._meta.concrete_fields if field.attname in page.__dict__]
    clean = model.from_db(
        page._state.db,
        [field.attname for field in fields],
        [getattr(page, field.attname) for field in fields],
    )
    return pickle.dumps(clean)
