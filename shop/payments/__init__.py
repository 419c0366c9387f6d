"""
The payments service: takes money through a gateway (Stripe or the built-in
test gateway), gives it back, and keeps the record of every payment, refund
and gateway notification. Other apps use ``public`` and ``events`` only;
README.md says what it owns, offers, publishes and consumes.
"""
