from django.apps import AppConfig


class TilesConfig(AppConfig):
    name = "tiles"
    verbose_name = "Map tiles"

    def ready(self):
        from django.db.models.signals import post_migrate

        from tiles import changes

        post_migrate.connect(changes.install, sender=self)
