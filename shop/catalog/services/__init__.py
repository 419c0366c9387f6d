"""
Write logic of the catalog, one module per job:

- ``stock``: stock on hand (counts, adjustments with keys, returns) and its ledger;
- ``prices``: prices and compare-at prices;
- ``reservations``: what checkouts hold, commit and release;
- ``lines``: the ``(sku, quantity)`` lines and keys other apps pass in;
- ``locks``: row locks on variants, in the one order every writer takes them.

Every function runs in one transaction and locks what it changes with
``select_for_update``: a reservation's row first, then the variant rows in
primary-key order. Writers on one SKU queue up instead of interleaving, and
taking locks in one order means they cannot deadlock. Why availability is
computed and checked after the lock: docs/decisions/0003-stock-reservations.md.

Callers import the job's module: ``from shop.catalog.services import stock``.
"""
