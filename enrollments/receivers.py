"""Listeners that hand events to services; they hold no rules."""

from django.dispatch import receiver

from enrollments.signals import enrollment_completed


@receiver(enrollment_completed, dispatch_uid="enrollments.certificate_request")
def request_certificate(sender, enrollment_id, **kwargs):
    from enrollments.services.certificates.issuing import certificate_request

    certificate_request(enrollment_id=enrollment_id)
