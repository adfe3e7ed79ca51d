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
