"""
The URLs of a product image's thumbnails, by the image's file name,
remembered per process: django-imagekit names a thumbnail by hashing its spec
and source (about half a millisecond each, a tenth of a list page's time),
and the URL of a name never changes. A test that changes the media settings
starts afresh (``setting_changed``).
"""

from functools import lru_cache

from django.dispatch import receiver
from django.test.signals import setting_changed

from .models import ProductImage


@lru_cache(maxsize=20_000)
def list_thumbnail_url(name: str) -> str:
    return ProductImage(image=name).list_thumbnail.url


@lru_cache(maxsize=20_000)
def detail_image_url(name: str) -> str:
    return ProductImage(image=name).detail_image.url


@receiver(setting_changed)
def forget_urls(**kwargs) -> None:
    list_thumbnail_url.cache_clear()
    detail_image_url.cache_clear()
