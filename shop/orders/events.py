"""
Integration events the orders service publishes (frozen dataclasses deriving
from ``shop.core.events.Event``, named "orders.<EventName>"). Other apps may
import this module.
"""
