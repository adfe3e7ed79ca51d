"""Telling the trainee that a certificate is ready."""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from enrollments.models import Certificate, NotificationKind
from enrollments.selectors.certificates import absolute_url, certificate_verification_url
from enrollments.services.notifications import notification_send


def certificate_issued_notify(*, certificate_id: int, reissued: bool) -> None:
    """Tell the holder, in the site and on the channels they allowed, that the certificate
    (or its new PDF) can be downloaded; once per version of the PDF."""
    certificate = Certificate.objects.select_related("enrollment__user").get(pk=certificate_id)
    user = certificate.enrollment.user
    mine = reverse("certificates:mine")
    with translation.override(settings.LANGUAGE_CODE):
        title = (
            _("Your certificate for %(course)s has been re-issued")
            if reissued
            else _("Your certificate for %(course)s is ready")
        ) % {"course": certificate.course_title}
        body = _(
            "Dear %(name)s,\n\n"
            "your completion certificate for %(course)s (serial number %(serial)s) is ready. "
            "Download it from your certificates page:\n%(mine)s\n\n"
            "Anyone can check it at:\n%(verify)s\n"
        ) % {
            "name": certificate.holder_name,
            "course": certificate.course_title,
            "serial": certificate.serial_number,
            "mine": absolute_url(path=mine),
            "verify": certificate_verification_url(certificate=certificate),
        }
    notification_send(
        recipient=user,
        kind=NotificationKind.CERTIFICATE_ISSUED,
        key=f"certificate:{certificate.pk}:v{certificate.version}",
        title=title,
        body=body,
        link=mine,
    )
