"""
The shop's admin site: the index has one section per service, named for it
(accounts' section holds Django's groups and allauth's email addresses too,
because accounts owns them: ``shop.core.registry``), and one "Messaging"
section at the end with every service's outbox and inbox, named by service,
for the staff who look after events. Installed in place of
``django.contrib.admin`` (``ShopAdminConfig``), so ``admin.site`` is this.
Its sign-in counts failed attempts per address and per account
(``shop.core.adminlogin``) and answers 429 with ``Retry-After`` once either
is used up.
"""

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig

from .registry import owner_of, shop_app_labels

MESSAGING = "messaging"


class ShopAdminSite(admin.AdminSite):
    index_title = "Catalog, customers, payments, taxes and orders"

    @property
    def site_header(self):
        return f"{settings.SHOP_NAME} administration"

    @property
    def site_title(self):
        return f"{settings.SHOP_NAME} admin"

    @property
    def login_form(self):
        # Imported when asked for: this module is imported before the models are.
        from .adminlogin import AdminLoginForm

        return AdminLoginForm

    def login(self, request, extra_context=None):
        response = super().login(request, extra_context)
        form = (getattr(response, "context_data", None) or {}).get("form")
        retry_after = getattr(form, "retry_after", None)
        if retry_after:
            response.status_code = 429
            response["Retry-After"] = str(retry_after)
        return response

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            return app_list
        return self.by_service(app_list)

    def by_service(self, app_list: list[dict]) -> list[dict]:
        """Django's app list regrouped: a section per owning service, then messaging."""
        from .admin import is_messaging_model

        sections: dict[str, dict] = {}
        messaging = []
        for app in app_list:
            owner = owner_of(app["app_label"]) or app["app_label"]
            for entry in app["models"]:
                if is_messaging_model(entry["model"]):
                    messaging.append({**entry, "name": f"{app['name']} {entry['name'].lower()}"})
                    continue
                section = sections.setdefault(owner, self._section(owner, app))
                section["models"].append(entry)
        order = {label: index for index, label in enumerate(shop_app_labels())}
        grouped = sorted(
            sections.values(), key=lambda s: (order.get(s["app_label"], len(order)), s["name"])
        )
        for section in grouped:
            section["models"].sort(key=lambda entry: entry["name"])
        if messaging:
            grouped.append(
                {
                    "name": "Messaging",
                    "app_label": MESSAGING,
                    "app_url": "",
                    "has_module_perms": True,
                    "models": sorted(messaging, key=lambda entry: entry["name"]),
                }
            )
        return grouped

    @staticmethod
    def _section(owner: str, app: dict) -> dict:
        from django.apps import apps

        if owner == app["app_label"]:
            return {**app, "models": []}
        config = apps.get_app_config(owner)
        return {
            **app,
            "name": str(config.verbose_name),
            "app_label": owner,
            "app_url": app["app_url"].replace(f"/{app['app_label']}/", f"/{owner}/"),
            "models": [],
        }


class ShopAdminConfig(AdminConfig):
    default_site = "shop.core.adminsite.ShopAdminSite"
