"""
The cart service: each customer's (or anonymous visitor's) list of SKUs and
quantities, priced from the catalog whenever it is shown. Other apps use
``public`` and ``events`` only; README.md says what it owns, offers,
publishes and consumes.
"""
