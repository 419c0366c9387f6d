"""
The webhooks service: staff register endpoints (a URL, a secret, the event
types wanted), and each integration event an endpoint wants becomes a
delivery, an HTTP POST signed per Standard Webhooks, retried with backoff
for about a day, logged per attempt. README.md says what it owns, offers,
publishes and consumes.
"""
