"""
The shipping service's Celery tasks: none yet. Shipping hears no event; a
consumer added here is a ``@consumer`` task named "shipping.<verb>" and
declared in ``config/events.toml``.
"""
