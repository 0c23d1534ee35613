from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "chainboard.enterprises"

    def ready(self) -> None:
        from chainboard.enterprises.importers import EnterpriseImporter, FiguresImporter
        from chainboard.imports.registry import register_importer

        register_importer(EnterpriseImporter, FiguresImporter)
