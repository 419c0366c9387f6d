"""
The system checks that hold the code to the architecture (``manage.py check``,
run by ``make lint`` and by the suite): no relation across services
(``relations``), an event catalog that matches the events and consumers
(``events``), no way around the public interfaces in the source
(``boundaries``), and a cache shared by every process in production
(``deploy``). Each error names the rule it enforces in ``docs/architecture.md``.
"""

from .boundaries import check_source_boundaries
from .deploy import check_shared_cache
from .events import check_event_catalog
from .relations import check_cross_app_relations, check_service_ownership, find_cross_app_relations

__all__ = [
    "check_cross_app_relations",
    "check_event_catalog",
    "check_service_ownership",
    "check_shared_cache",
    "check_source_boundaries",
    "find_cross_app_relations",
]
