from django.apps import AppConfig


class SupplyConfig(AppConfig):
    name = "chainboard.supply"
    verbose_name = "供应链韧性"
