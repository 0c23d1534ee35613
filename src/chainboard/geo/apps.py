from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "chainboard.geo"
