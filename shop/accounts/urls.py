"""
The account pages, under /accounts/ next to allauth's (login/, signup/,
email/, password/…, confirm-email/…), which ``config.urls`` includes after
these; none of these paths is one of allauth's.
"""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("profile/", views.profile, name="profile"),
    path("addresses/", views.address_list, name="addresses"),
    path("addresses/add/", views.address_add, name="address_add"),
    path("addresses/<int:address_id>/edit/", views.address_edit, name="address_edit"),
    path("addresses/<int:address_id>/delete/", views.address_delete, name="address_delete"),
    path(
        "addresses/<int:address_id>/default/",
        views.address_make_default,
        name="address_make_default",
    ),
    path("verify-email/", views.verify_email, name="verify_email"),
    path("delete/", views.delete_account, name="delete"),
]
