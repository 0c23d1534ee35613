from django.apps import AppConfig


class FirmRequestsConfig(AppConfig):
    name = "chainboard.firmrequests"
    verbose_name = "政企直通车"
