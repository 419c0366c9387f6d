from django.urls import path

from . import views

app_name = "webhooks-api"

urlpatterns = [
    path("endpoints/", views.EndpointListView.as_view(), name="endpoint-list"),
    path("endpoints/<int:pk>/", views.EndpointDetailView.as_view(), name="endpoint-detail"),
    path(
        "endpoints/<int:pk>/rotate-secret/",
        views.RotateSecretView.as_view(),
        name="endpoint-rotate-secret",
    ),
]
