from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "chainboard.chains"

    def ready(self) -> None:
        from chainboard.chains.importers import ChainFirmsImporter
        from chainboard.imports.registry import register_importer

        register_importer(ChainFirmsImporter)
