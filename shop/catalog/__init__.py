"""
The catalog service: categories, products, variants (SKUs with prices and
stock on hand), product images and stock reservations. Other apps use it only
through ``shop.catalog.public`` and ``shop.catalog.events``; what it owns,
offers, publishes and runs is described in ``shop/catalog/README.md``.
"""
