from wagtail import hooks

from .models import CourseCatalogPage
from .permissions import trainer_explorable_pages
from .roles import catalog_page_permissions_sync


@hooks.register("after_create_page")
def grant_trainer_permissions_on_new_catalog(request, page):
    if isinstance(page.specific, CourseCatalogPage):
        catalog_page_permissions_sync()


@hooks.register("construct_explorer_page_queryset")
def show_trainers_their_own_courses(parent_page, pages, request):
    return trainer_explorable_pages(pages=pages, user=request.user)
