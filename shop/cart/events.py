"""
Integration events the cart service publishes (frozen dataclasses deriving
from ``shop.core.events.Event``, named "cart.<EventName>"). Other apps may
import this module.
"""
