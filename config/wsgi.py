import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Traces, when OTEL_EXPORTER_OTLP_ENDPOINT is set: before the handler loads its
# middleware, in each gunicorn worker (this module is imported after the fork).
from shop.core import tracing

tracing.setup("web")

application = get_wsgi_application()

# A setting every request of some kind would trip over stops the process here.
from shop.core.startup import refuse_to_start_on_errors  # noqa: E402

refuse_to_start_on_errors()
