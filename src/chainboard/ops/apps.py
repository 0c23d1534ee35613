from django.apps import AppConfig


class OpsConfig(AppConfig):
    verbose_name = "运维"
    name = "chainboard.ops"
