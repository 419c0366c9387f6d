"""The taxes service's Celery tasks: none yet (it consumes no event and runs no periodic job)."""
