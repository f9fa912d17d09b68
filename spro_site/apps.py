from importlib import import_module

from axes.apps import AppConfig as BaseAxesConfig
from django.apps import apps
from django.contrib.admin.apps import SimpleAdminConfig
from django.utils.module_loading import module_has_submodule


class SproAdminConfig(SimpleAdminConfig):
    """The admin, autodiscovering every app's admin module except django-leaflet's.

    leaflet/admin.py imports django.contrib.gis, which needs GDAL; this project stores
    latitude/longitude as plain numbers and does not use GeoDjango (docs/adr/0001).
    """

    skipped_admin_modules = {"leaflet"}

    def ready(self):
        super().ready()
        for app_config in apps.get_app_configs():
            if app_config.name in self.skipped_admin_modules:
                continue
            if module_has_submodule(app_config.module, "admin"):
                import_module(f"{app_config.name}.admin")


class AxesConfig(BaseAxesConfig):
    """django-axes (login lockout), named in French in the admin."""

    verbose_name = "Sécurité des connexions"
