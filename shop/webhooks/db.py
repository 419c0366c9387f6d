"""The database the webhooks service's tables live on, for its transactions (``shop.core.db``)."""

from shop.core.db import Database

db = Database("webhooks")
