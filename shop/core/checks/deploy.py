"""``check --deploy``: what production needs beyond Django's own deployment checks."""

from django.conf import settings
from django.core import checks


def check_shared_cache(app_configs=None, **kwargs):
    """
    Production needs a cache every process shares. With a per-process cache,
    a price change invalidates cached pages in one worker only, and sign-in
    rate limits count per process.
    """
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        return [
            checks.Warning(
                f"The default cache ({backend}) is not shared between processes.",
                hint="Set CACHE_URL (or REDIS_URL) to a Redis server.",
                id="shop.W001",
            )
        ]
    return []
