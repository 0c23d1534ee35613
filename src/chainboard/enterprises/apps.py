from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "chainboard.enterprises"
