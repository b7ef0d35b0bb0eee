from django.apps import AppConfig


class LayersConfig(AppConfig):
    name = "layers"
    verbose_name = "City layers"

    def ready(self):
        from django.db.models.signals import post_migrate

        from layers import guards

        post_migrate.connect(guards.install, sender=self)

        from gis.workflow import roles

        post_migrate.connect(roles.ensure_groups, sender=self)
