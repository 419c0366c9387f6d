"""
The shop split in two deployments on this machine (``make split-stack``,
``Procfile.split``): "shop", the storefront and every service but payments,
and "payments", the payments service on its own (``config.payments_settings``).
This file is the one place that says what each deployment's processes get on
top of the shared environment (``.env.split``, ``deploy/write_env.py --split``):

- shop: ``SHOP_REMOTE_APPS=payments=<payments address>`` (payments' public
  functions go over HTTP), its databases ``DATABASE_URL`` and, with
  ``SHOP_DATABASES=per-app``, ``<name>_catalog``, ``<name>_cart``, ``<name>_taxes``,
  ``<name>_shipping``, ``<name>_invoices``, ``<name>_promotions``, ``<name>_orders``,
  ``<name>_reports``, ``<name>_webhooks``.
- payments: ``DJANGO_SETTINGS_MODULE=config.payments_settings``, its one
  database ``PAYMENTS_DATABASE_URL`` (default ``<DATABASE_URL>_payments``: the
  database payments has in the per-app monolith), ``SECRET_KEY`` from
  ``PAYMENTS_SECRET_KEY``, ``SHOP_REMOTE_APPS=accounts=<shop address>``,
  ``PAYMENTS_URL`` (its own address, where payment links point), and no
  ``JWT_PRIVATE_KEY`` (only accounts signs tokens).
- both: the broker, the cache, ``SHOP_SERVICE_SECRET`` (required: it signs
  the calls between the two), a ``STATIC_ROOT`` each (``SHOP_STATIC_ROOT``,
  ``PAYMENTS_STATIC_ROOT``; default ``staticfiles/``, ``staticfiles-payments/``).

    python deploy/split.py run shop|payments COMMAND...  # COMMAND as a process of that deployment
    python deploy/split.py env shop|payments             # what that deployment's processes get
    python deploy/split.py prepare                       # databases, static files, checks: both
    python deploy/split.py announce                      # both addresses, once they answer
"""

import argparse
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOYMENTS = ("shop", "payments")
HOST = "127.0.0.1"
# Settings one deployment must not take from the shared environment.
NOT_FOR_PAYMENTS = ("JWT_PRIVATE_KEY", "PAYMENTS_SECRET_KEY")


class SplitError(Exception):
    """The shared environment lacks what the split topology needs."""


def addresses(env) -> dict[str, str]:
    """Where each deployment serves: its gunicorn on this machine."""
    return {
        "shop": f"http://{HOST}:{env.get('SHOP_PORT', '8000')}",
        "payments": f"http://{HOST}:{env.get('PAYMENTS_PORT', '8001')}",
    }


def deployment_environment(name: str, env=os.environ) -> dict[str, str]:
    """The environment of a process of deployment ``name``, from the shared one."""
    for required in ("DATABASE_URL", "SHOP_SERVICE_SECRET", "PAYMENTS_SECRET_KEY"):
        if not env.get(required):
            raise SplitError(f"{required} is not set (deploy/write_env.py --split writes it).")
    where = addresses(env)
    if name == "shop":
        return {
            **env,
            "SHOP_REMOTE_APPS": f"payments={where['payments']}",
            "STATIC_ROOT": env.get("SHOP_STATIC_ROOT", str(ROOT / "staticfiles")),
        }
    if name == "payments":
        shared = {key: value for key, value in env.items() if key not in NOT_FOR_PAYMENTS}
        return {
            **shared,
            "DJANGO_SETTINGS_MODULE": "config.payments_settings",
            "DATABASE_URL": env.get("PAYMENTS_DATABASE_URL") or env["DATABASE_URL"] + "_payments",
            "SHOP_DATABASES": "shared",
            "SECRET_KEY": env["PAYMENTS_SECRET_KEY"],
            "SHOP_REMOTE_APPS": f"accounts={where['shop']}",
            "PAYMENTS_URL": env.get("PAYMENTS_URL", where["payments"]),
            "STATIC_ROOT": env.get("PAYMENTS_STATIC_ROOT", str(ROOT / "staticfiles-payments")),
        }
    raise SplitError(f"No deployment {name!r}: {' or '.join(DEPLOYMENTS)}.")


def run(name: str, command: list[str]) -> None:
    """Become ``command`` (same process: signals reach it) with the deployment's settings."""
    os.chdir(ROOT)
    os.execvpe(command[0], command, deployment_environment(name))


def prepare(env=os.environ) -> None:
    """
    ``deploy/prepare.py`` for both deployments at once (their databases and
    static files are apart): create and migrate the databases, collect static
    files, ``check --deploy``. Each one's output is printed when it is done.
    """
    running = {
        name: subprocess.Popen(
            [sys.executable, str(ROOT / "deploy" / "prepare.py")],
            cwd=ROOT,
            env=deployment_environment(name, env),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name in DEPLOYMENTS
    }
    failed = []
    for name, process in running.items():
        output, _ = process.communicate()
        print(f"== {name}: databases, static files, check --deploy\n{output}", end="", flush=True)
        if process.returncode:
            failed.append(name)
    if failed:
        raise SplitError(f"Preparing {' and '.join(failed)} failed (above).")
    print(banner(env), flush=True)


def banner(env) -> str:
    where = addresses(env)
    return (
        f"The shop (storefront, API, admin): {where['shop']}/\n"
        f"Payments, a service of its own (payment pages, Stripe webhook, its admin): "
        f"{where['payments']}/"
    )


def serving(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/healthz", timeout=1):
            return True
    except OSError:
        return False


def announce(env=os.environ, patience: float = 120) -> None:
    """
    Print both addresses once both answer (a process of Procfile.split, so the
    line comes after the start-up output), then wait quietly until stopped.
    """
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
    pending = dict(addresses(env))
    deadline = time.monotonic() + patience
    while pending and time.monotonic() < deadline:
        pending = {name: url for name, url in pending.items() if not serving(url)}
        time.sleep(0.5)
    if pending:
        print(f"Not answering after {patience:.0f}s: {', '.join(pending.values())}", flush=True)
    print(banner(env), flush=True)
    while True:
        signal.pause()


def differences(own: dict[str, str], shared=os.environ) -> str:
    """What a deployment's processes get that the shared environment does not (secrets hidden)."""
    lines = []
    for key in sorted({*own, *shared}):
        if key not in own:
            lines.append(f"{key} (unset)")
        elif own[key] != shared.get(key):
            lines.append(f"{key}=" + ("…" if "SECRET" in key else own[key]))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run_command = commands.add_parser("run", help="run a command as a process of a deployment")
    run_command.add_argument("deployment", choices=DEPLOYMENTS)
    run_command.add_argument("argv", nargs=argparse.REMAINDER, metavar="COMMAND")
    env_command = commands.add_parser("env", help="print what a deployment's processes get")
    env_command.add_argument("deployment", choices=DEPLOYMENTS)
    commands.add_parser("prepare", help="prepare both deployments' databases and static files")
    commands.add_parser("announce", help="print both addresses once they answer")
    args = parser.parse_args()
    try:
        if args.command == "run":
            if not args.argv:
                parser.error("run needs a command")
            run(args.deployment, args.argv)
        elif args.command == "env":
            print(differences(deployment_environment(args.deployment)))
        elif args.command == "prepare":
            prepare()
        else:
            announce()
    except SplitError as error:
        print(f"deploy/split.py: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
