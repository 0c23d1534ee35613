from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "chainboard.jobs"
    verbose_name = "后台任务"
