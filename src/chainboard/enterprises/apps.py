from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "chainboard.enterprises"

    def ready(self) -> None:
        from chainboard.enterprises.importers import EnterpriseImporter, FiguresImporter
        from chainboard.enterprises.name_match import name_aliases_save
        from chainboard.enterprises.qualification_import import QualificationImporter
        from chainboard.imports.registry import register_importer, register_name_alias_saver

        register_importer(EnterpriseImporter, FiguresImporter, QualificationImporter)
        register_name_alias_saver(name_aliases_save)
