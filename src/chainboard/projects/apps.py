from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "chainboard.projects"
    verbose_name = "重点项目"

    def ready(self) -> None:
        # The project pool import joins the shared import page, CLI and API.
        from chainboard.imports.registry import register_importer
        from chainboard.projects.importers import ProjectImporter

        register_importer(ProjectImporter)
