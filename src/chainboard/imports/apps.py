from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "chainboard.imports"
