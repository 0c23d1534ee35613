from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "chainboard.notifications"
    verbose_name = "站内通知"
