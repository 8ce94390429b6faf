from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConfederationConfig(AppConfig):
    name = "bloc.confederation"
    label = "confederation"
    verbose_name = _("Councils")

    def ready(self) -> None:
        # A counted assembly poll may decide something for a council (join, elect,
        # recall, a mandate, a ratification): see bloc.confederation.outcomes.
        from bloc.confederation import outcomes  # noqa: F401
