"""Administrator screens of the Wagtail admin that are not viewsets."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from .access import administrator_required
from .models import Organization
from .selectors import unlisted_organization_counts
from .services import organization_map_unlisted


class UnlistedOrganizationMapForm(forms.Form):
    name = forms.CharField(max_length=200, widget=forms.HiddenInput)
    organization = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"),
        queryset=Organization.objects.order_by("name"),
        empty_label=gettext_lazy("Choose the organisation"),
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def unlisted_organizations(request):
    """The names trainees typed for an organisation not in the list; each is mapped to a
    listed organisation, which puts those trainees in it."""
    if request.method == "POST":
        form = UnlistedOrganizationMapForm(request.POST)
        if form.is_valid():
            changed = organization_map_unlisted(
                name=form.cleaned_data["name"], organization=form.cleaned_data["organization"]
            )
            messages.success(
                request,
                _("%(count)s trainees are now in %(organization)s.")
                % {"count": changed, "organization": form.cleaned_data["organization"]},
            )
        else:
            messages.error(request, _("Choose the organisation to map the name to."))
        return redirect("unlisted_organizations")
    rows = list(unlisted_organization_counts()[:200])
    organizations = list(Organization.objects.order_by("name").values_list("pk", "name"))
    return TemplateResponse(
        request,
        "academy/admin/unlisted_organizations.html",
        {
            "page_title": _("Unlisted organisations"),
            "header_title": _("Unlisted organisations"),
            "header_icon": "group",
            "rows": rows,
            "organizations": organizations,
        },
    )
