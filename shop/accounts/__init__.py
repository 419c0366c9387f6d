"""
The accounts service: users (who sign in by email, through allauth), their
address books, staff roles and API tokens, and closing an account. Other apps
use ``public`` and ``events`` only; README.md says what it owns, offers,
publishes and consumes.
"""
