"""
Whatever changes an endpoint (the admin, the staff API, the shop disabling
it) tells the relay what the endpoints want once the change commits, so an
event nobody wants costs its publisher nothing, and a new endpoint hears
the next one.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .db import db
from .models import Endpoint
from .services import endpoints


@receiver(post_save, sender=Endpoint)
@receiver(post_delete, sender=Endpoint)
def announce_demand_after_commit(sender, **kwargs):
    db.on_commit(endpoints.announce_demand)
