from django.apps import AppConfig


class StrategyConfig(AppConfig):
    name = "chainboard.strategy"

    def ready(self) -> None:
        from chainboard.imports.registry import register_importer
        from chainboard.strategy.importers import PanelImporter

        register_importer(PanelImporter)
