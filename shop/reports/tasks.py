"""The reports service's Celery tasks: none (it reads on request and consumes no event)."""
