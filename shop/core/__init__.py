"""
The shared kernel: money helpers, integration events with a transactional
outbox, error types and the API conventions. It imports no shop app.
"""
