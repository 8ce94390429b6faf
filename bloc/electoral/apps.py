from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ElectoralConfig(AppConfig):
    name = "bloc.electoral"
    label = "electoral"
    verbose_name = _("Electoral accountability")

    def ready(self) -> None:
        # An assembly's ranking poll, once counted, is its ballot for the platform.
        from bloc.electoral import outcomes  # noqa: F401
