"""The invoices service's Celery tasks: none (orders calls it; it consumes no event)."""
