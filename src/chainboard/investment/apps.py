from django.apps import AppConfig


class InvestmentConfig(AppConfig):
    name = "chainboard.investment"
    verbose_name = "招商"

    def ready(self) -> None:
        from chainboard.chains.gap_panels import register_gap_panel
        from chainboard.imports.registry import register_importer
        from chainboard.investment.importers import LeadImporter
        from chainboard.investment.selectors import gap_pipeline

        register_importer(LeadImporter)
        register_gap_panel(gap_pipeline)
