"""The bell in the site header: ``{% load notification_tags %}{% notification_bell %}``.

One query for a signed-in visitor (the count of unread notices), none for anyone else.
"""

from django import template

from enrollments.selectors.notifications import notification_unread_count

register = template.Library()


@register.inclusion_tag("enrollments/includes/notification_bell.html", takes_context=True)
def notification_bell(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "unread": notification_unread_count(user=user)}
