from django.apps import AppConfig


class ImConfig(AppConfig):
    name = "im"
    verbose_name = "TTSPC IM"
