from wagtail.users.apps import WagtailUsersAppConfig


class AcademyUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "academy.viewsets.UserViewSet"
