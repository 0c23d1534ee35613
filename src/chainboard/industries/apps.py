from django.apps import AppConfig


class IndustriesConfig(AppConfig):
    name = "chainboard.industries"
