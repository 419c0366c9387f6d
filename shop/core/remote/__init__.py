"""
Calling a service that runs in another process, through the same interface.

``SHOP_REMOTE_APPS`` (``payments=http://127.0.0.1:8001``) names the apps
that run elsewhere: they are not installed here, and importing
``shop.<app>.public`` gives a module with the same functions, data classes
and exceptions whose calls go over HTTP to that service's generic internal
endpoint (``client``, ``views``). The code that calls them does not change.
``install`` puts the importer in place; the settings module calls it, before
any app is loaded.
"""

import importlib.abc
import importlib.util
import sys


class RemotePublicImporter(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Serves ``shop.<app>.public`` of a remote app with its remote stand-in."""

    def __init__(self, apps: dict[str, str]):
        self.apps = dict(apps)

    def find_spec(self, fullname, path=None, target=None):
        parts = fullname.split(".")
        remote = len(parts) == 3 and parts[0] == "shop" and parts[2] == "public"
        if remote and parts[1] in self.apps:
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        from .client import remote_module

        app = spec.name.split(".")[1]
        return remote_module(app, self.apps[app])

    def exec_module(self, module):
        """Nothing to run: ``create_module`` built it whole."""


def install(apps: dict[str, str]) -> None:
    """Serve the remote ``apps``' public modules from now on (once per process)."""
    for finder in sys.meta_path:
        if isinstance(finder, RemotePublicImporter):
            finder.apps.update(apps)
            return
    if apps:
        sys.meta_path.insert(0, RemotePublicImporter(apps))
