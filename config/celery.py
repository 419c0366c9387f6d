"""
The Celery application; configuration comes from Django settings (CELERY_*).

Tasks are registered by the apps themselves: each app's ``AppConfig.ready()``
imports its task modules, and Celery's Django fix-up sets Django up (so runs
every ``ready()``) when a worker or beat starts. Nothing is discovered by
module name, so a consumer exists exactly when its app is installed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("shop")
app.config_from_object("django.conf:settings", namespace="CELERY")
