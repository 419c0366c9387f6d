"""
Checks a web process runs before it serves anyone: a setting that would make
every request of some kind fail (a broken token-signing key) stops it at
start-up with the check's message, instead of being found by customers.
Such checks are registered with the ``STARTUP`` tag; ``manage.py check``
reports them too.
"""

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

STARTUP = "startup"


def refuse_to_start_on_errors() -> None:
    """Raise ``ImproperlyConfigured`` with every error of the start-up checks."""
    errors = [message for message in checks.run_checks(tags=[STARTUP]) if message.is_serious()]
    if errors:
        raise ImproperlyConfigured("\n".join(str(error) for error in errors))
