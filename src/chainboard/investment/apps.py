from typing import Any

from django.apps import AppConfig
from django.db.models.signals import pre_delete


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
        pre_delete.connect(
            _project_deleted, sender="projects.Project", dispatch_uid="investment_project_deleted"
        )


def _project_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    from chainboard.investment.services import leads_project_deleted

    leads_project_deleted(project=instance)
