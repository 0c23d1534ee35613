from django.apps import AppConfig


class ChiefsConfig(AppConfig):
    name = "chainboard.chiefs"
    verbose_name = "链长制与揭榜挂帅"

    def ready(self) -> None:
        from chainboard.chains.briefs import register_brief_section
        from chainboard.chiefs.importers import ChokepointImporter
        from chainboard.chiefs.selectors import brief_sections
        from chainboard.imports.registry import register_importer

        register_brief_section(brief_sections)
        register_importer(ChokepointImporter)
