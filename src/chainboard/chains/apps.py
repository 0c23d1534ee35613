from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "chainboard.chains"
