from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "chainboard.evaluation"

    def ready(self) -> None:
        from chainboard.evaluation.tier_import import TierInputsImporter
        from chainboard.imports.registry import register_importer

        register_importer(TierInputsImporter)
