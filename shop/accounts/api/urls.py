from django.urls import path

from . import views

app_name = "accounts-api"

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("addresses/", views.AddressListView.as_view(), name="address-list"),
    path("addresses/<int:address_id>/", views.AddressDetailView.as_view(), name="address-detail"),
    path(
        "addresses/<int:address_id>/default/",
        views.DefaultAddressView.as_view(),
        name="address-default",
    ),
]
