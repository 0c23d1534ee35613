from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chainboard.accounts"
    verbose_name = "账号与安全"

    def ready(self) -> None:
        from chainboard.accounts import signals  # noqa: F401  (connects the audit receivers)
