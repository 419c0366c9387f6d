"""
Integration events the payments service publishes (frozen dataclasses deriving
from ``shop.core.events.Event``, named "payments.<EventName>"). Other apps may
import this module.
"""
