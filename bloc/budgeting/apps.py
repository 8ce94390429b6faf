from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "bloc.budgeting"
    label = "budgeting"
    verbose_name = _("Participatory budgeting")
