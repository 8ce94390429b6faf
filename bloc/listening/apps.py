from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListeningConfig(AppConfig):
    name = "bloc.listening"
    label = "listening"
    verbose_name = _("Listening")

    def ready(self) -> None:
        from bloc.listening import opinions  # noqa: F401  (the polls tick receiver)
