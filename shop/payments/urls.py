from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("test/<uuid:payment_id>/<str:key>/", views.pay_on_test_gateway, name="test-gateway"),
]
