from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "chainboard.reporting"
    verbose_name = "企业填报"
