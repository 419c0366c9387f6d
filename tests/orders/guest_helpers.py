"""A guest buying through the API: an anonymous cart token, an email and an address."""

from rest_framework.test import APIClient

CHECKOUT = "/api/v1/checkout/"
BERLIN = {
    "full_name": "Grace Hopper",
    "line1": "Unter den Linden 1",
    "city": "Berlin",
    "postal_code": "10117",
    "country": "DE",
}


class GuestApi:
    """An anonymous API client that keeps sending the X-Cart-Token its cart was given."""

    def __init__(self):
        self.client = APIClient()
        self.token = ""

    def headers(self) -> dict:
        return {"HTTP_X_CART_TOKEN": self.token} if self.token else {}

    def add(self, sku, quantity=1):
        response = self.client.post(
            "/api/v1/cart/items/", {"sku": sku, "quantity": quantity}, **self.headers()
        )
        assert response.status_code in (200, 201), response.content
        self.token = response.headers.get("X-Cart-Token", self.token)
        return response

    def start(self, key="g-1", email="grace@example.com", address=None, **body):
        body.setdefault("shipping_method", "express")
        body["shipping_address"] = address or BERLIN
        if email is not None:
            body["email"] = email
        return self.client.post(
            CHECKOUT, body, format="json", HTTP_IDEMPOTENCY_KEY=key, **self.headers()
        )

    def status_of(self, checkout_id):
        return self.client.get(f"{CHECKOUT}{checkout_id}/", **self.headers())
