"""One of each admin guard: the administrator-only view decorator, the menu items
shown by role, the view-only permission policy, and the private-file download."""

from functools import wraps
from urllib.parse import quote

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header
from wagtail.admin.menu import MenuItem, SubmenuMenuItem
from wagtail.permission_policies.base import BasePermissionPolicy

from .roles import ADMINISTRATOR, TRAINER, is_administrator, is_trainer


def administrator_required(view):
    """Administrators only: a visitor who is not logged in is sent to log in, anyone else
    gets 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_administrator(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


class AdministratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_administrator(request.user)


class AdministratorSubmenuMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return is_administrator(request.user)


class TrainerMenuItem(MenuItem):
    """Shown to trainers who are not administrators (administrators have their own entry)."""

    def is_shown(self, request):
        return is_trainer(request.user) and not is_administrator(request.user)


class ViewOnlyPolicy(BasePermissionPolicy):
    """Records changed only through their own actions: the admin may list and inspect them.

    Administrators may view; trainers too where ``trainers_may_view`` (their views narrow
    the rows to their own courses). Nobody adds, changes or deletes through a form.
    """

    def __init__(self, model, *, trainers_may_view: bool = False):
        super().__init__(model)
        self.trainers_may_view = trainers_may_view

    def user_has_permission(self, user, action):
        if action != "view" or not user.is_active:
            return False
        return is_administrator(user) or (self.trainers_may_view and is_trainer(user))

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return get_user_model().objects.none()
        roles = [ADMINISTRATOR, TRAINER] if self.trainers_may_view else [ADMINISTRATOR]
        return get_user_model().objects.filter(is_active=True, groups__name__in=roles).distinct()

    def users_with_permission(self, action):
        return self.users_with_any_permission([action])


def private_file_response(
    file_field, *, allowed: bool, filename: str, content_type: str, inline: bool = False
) -> HttpResponseBase:
    """Hand a private file to someone the caller has checked may have it.

    ``allowed`` is the caller's ownership check; a refusal and a missing file are both a
    404, so nobody learns which files exist. A file in object storage is a redirect to a
    signed address that expires; a local one is streamed by Django or, with
    ``PRIVATE_MEDIA_ACCEL_REDIRECT``, by the web server from its internal location.
    """
    if not allowed or not file_field:
        raise Http404
    storage, name = file_field.storage, file_field.name
    disposition = content_disposition_header(not inline, filename)
    response: HttpResponseBase
    if not _is_local(storage):
        response = HttpResponseRedirect(
            storage.url(
                name,
                parameters={
                    "ResponseContentDisposition": disposition,
                    "ResponseContentType": content_type,
                },
                expire=settings.PRIVATE_MEDIA_URL_EXPIRE_SECONDS,
            )
        )
    elif settings.PRIVATE_MEDIA_ACCEL_REDIRECT:
        if not storage.exists(name):
            raise Http404
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = settings.PRIVATE_MEDIA_ACCEL_REDIRECT.rstrip("/") + (
            "/" + quote(name)
        )
        if disposition:
            response["Content-Disposition"] = disposition
    else:
        try:
            handle = file_field.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, as_attachment=not inline, filename=filename, content_type=content_type
        )
    patch_cache_control(response, private=True, no_store=True)
    return response


def _is_local(storage) -> bool:
    try:
        storage.path("")
    except NotImplementedError:
        return False
    return True
