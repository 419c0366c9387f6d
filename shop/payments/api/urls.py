from django.urls import path

from . import views

app_name = "payments-api"

urlpatterns = [
    path("webhooks/stripe/", views.StripeWebhookView.as_view(), name="stripe-webhook"),
    path("test/<uuid:payment_id>/<str:key>/", views.TestGatewayView.as_view(), name="test-gateway"),
]
