"""
The webhooks service's work, by job: ``endpoints`` (registering, changing,
rotating a secret, what the endpoints want now), ``deliveries`` (one per
event and endpoint, sending the due ones, retrying, giving up, disabling an
endpoint that fails for a day).
"""
