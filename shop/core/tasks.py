from celery import shared_task

from .messaging import prune_messages, relay_pending


@shared_task(name="core.relay_outbox")
def relay_outbox() -> dict:
    """Periodic: re-send committed events the on-commit relay could not hand over."""
    sent, failed = relay_pending()
    return {"sent": sent, "failed": failed}


@shared_task(name="core.prune_messages")
def prune_old_messages() -> int:
    """Periodic: forget sent events and inbox marks past their retention."""
    return prune_messages()
