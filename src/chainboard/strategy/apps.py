from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "chainboard.strategy"
