"""
What Prometheus scrapes at ``/metrics`` (docs/operations.md, "Metrics").

- Counters of things that happen are incremented where they happen, by each
  service's own code (``shop/<service>/metrics.py``), after the transaction
  that did them commits; Celery's tasks are counted by their signals
  (``celerytasks``) and requests by a middleware (``requests``).
- Gauges of how things stand (the outbox backlog, reservations holding
  stock, flagged payments) are read when Prometheus scrapes: each service
  registers a reader of its own tables in its ``AppConfig.ready``
  (``gauges.register``), so the kernel reads no service's tables and a
  deployment reports the services it runs.
- Under gunicorn and Celery's pool each process counts in files of its own
  (``processes``); a scrape adds them up.
- ``access`` decides who may scrape; ``views`` answers.
"""
