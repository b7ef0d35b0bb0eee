from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from gis.workflow import roles
from gis.workflow.errors import NoRole
from layers.organizations import Organization


class Command(BaseCommand):
    help = f"Give a user a workflow role ({', '.join(roles.ROLES)}); an executor names its organization."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=roles.ROLES)
        parser.add_argument("--organization", type=int, help="Organization id (executors).")

    def handle(self, username, role, organization, **opts):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        org = None
        if organization is not None:
            org = Organization.objects.filter(pk=organization).first()
            if org is None:
                raise CommandError(f"no organization with id {organization}")
        roles.ensure_groups()
        try:
            roles.grant(user, role, organization=org)
        except NoRole as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(f"{username}: {', '.join(sorted(roles.roles_of(user)))}")
