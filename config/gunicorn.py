"""
gunicorn's settings for every deployment of the shop: ``gunicorn -c
config/gunicorn.py config.wsgi`` in the Procfiles and the benchmarks, so
what is measured is what runs. Each can be set from the environment;
options on the command line win over this file.

Sync workers, two per CPU (``WEB_CONCURRENCY=4`` on the two-CPU machines
the benchmarks run on), are the choice for this workload (decision 40):
side by side, threads gave the purchase benchmark no throughput and a worse
tail, as its requests are CPU-bound Python. ``WEB_WORKER_CLASS=gthread``
(with ``WEB_THREADS``) serves several requests per process and keeps a
client's connection open between its requests (``keepalive``), where sync
workers close every connection after one answer; measure it again where
requests wait on slow remote calls (``bench/purchases.py --web-worker-class
gthread:4``, ``bench/catalog.py --servers sync gthread:4``).
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY", 4))
worker_class = os.environ.get("WEB_WORKER_CLASS", "sync")
threads = int(os.environ.get("WEB_THREADS", 1))
# Seconds an idle client connection is kept open (threaded workers only).
keepalive = int(os.environ.get("WEB_KEEPALIVE", 5))
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# --- Logs (issue 19) ---
# LOG_FORMAT=json: gunicorn's own lines (starting, workers booted or lost) as
# JSON too, and its access log off: the shop's request line replaces it
# (LOG_REQUESTS; shop.core.logformat.gunicorn_logconfig).
if os.environ.get("LOG_FORMAT", "").strip().lower() == "json":
    from shop.core.logformat import gunicorn_logconfig

    # The deployment, as its settings will name it (config.payments_settings: "payments").
    _settings = os.environ.get("DJANGO_SETTINGS_MODULE", "")
    _service = "payments" if _settings == "config.payments_settings" else "shop"
    logconfig_dict = gunicorn_logconfig(service=os.environ.get("SHOP_SERVICE_NAME", _service))


# --- Metrics (issue 19): each worker counts in files of its own under
# PROMETHEUS_MULTIPROC_DIR (the Procfiles set it), and /metrics adds them up
# (shop.core.metrics.processes).
def on_starting(server):
    from shop.core.metrics import processes

    processes.prepare()


def child_exit(server, worker):
    from shop.core.metrics import processes

    processes.process_ended(worker.pid)
