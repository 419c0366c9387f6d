"""
Integration events the catalog service publishes (frozen dataclasses deriving
from ``shop.core.events.Event``, named "catalog.<EventName>"). Other apps may
import this module.
"""
