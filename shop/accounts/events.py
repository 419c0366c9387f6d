"""
Integration events the accounts service publishes (frozen dataclasses deriving
from ``shop.core.events.Event``, named "accounts.<EventName>"). Other apps may
import this module.
"""
