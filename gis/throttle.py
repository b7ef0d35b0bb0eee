"""Login throttling: after too many failed logins for one user name, or from one address, in a
window, every further attempt is refused (even with the right password) until the window ends.

Failures are counted from Django's `user_login_failed` signal, so the site's login page and
the admin's both count; a successful login clears its user name's count (not the address's:
someone guessing other people's passwords from one address stays throttled). The counters
are the rate limiter's (gis/ratelimit.py): shared by every worker process.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.utils.translation import gettext as _

from gis import ratelimit


def _names(request, username: str) -> tuple[str, str]:
    return (f"login-user:{(username or '').strip().lower()[:150]}",
            f"login-ip:{ratelimit.client_ip(request) if request is not None else '-'}")


def wait_seconds(request, username: str) -> int:
    """Seconds until this user name and address may try again; 0: now."""
    conf = settings.QALA_LOGIN_THROTTLE
    user_key, ip_key = _names(request, username)
    counts, window = ratelimit.hits([user_key, ip_key], conf["window"])
    locked = ((conf["failures"] > 0 and counts[user_key] >= conf["failures"])
              or (conf["ip_failures"] > 0 and counts[ip_key] >= conf["ip_failures"]))
    return window.left if locked else 0


@receiver(user_login_failed, dispatch_uid="qala-login-failed")
def _count_failure(sender, credentials, request=None, **kwargs):
    """A failure without a request (a script calling authenticate()) has no address to count."""
    window = settings.QALA_LOGIN_THROTTLE["window"]
    user_key, ip_key = _names(request, credentials.get("username", ""))
    ratelimit.hit(user_key, window)
    if request is not None:
        ratelimit.hit(ip_key, window)


@receiver(user_logged_in, dispatch_uid="qala-logged-in")
def _clear_failures(sender, request, user, **kwargs):
    ratelimit.forget(_names(request, user.get_username())[0], settings.QALA_LOGIN_THROTTLE["window"])


def refusal(request, wait: int) -> str:
    minutes = max(1, round(wait / 60))
    return _("Too many failed logins. Try again in %(minutes)s min.") % {"minutes": minutes}


def throttled_response(response, wait: int):
    response.status_code = 429
    response["Retry-After"] = str(wait)
    return response


class LoginView(auth_views.LoginView):
    """Django's login view that refuses (429, with the reason on the page) while throttled."""

    def post(self, request, *args, **kwargs):
        wait = wait_seconds(request, request.POST.get("username", ""))
        if wait:
            message = refusal(request, wait)
            form = form_with_error(self.get_form_class(), request, message)
            context = self.get_context_data(form=form, throttled=message)
            return throttled_response(self.render_to_response(context), wait)
        return super().post(request, *args, **kwargs)


def form_with_error(form_class, request, message: str):
    """An unbound login form showing `message`: binding it would try the password again."""
    from django.forms.utils import ErrorDict, ErrorList

    form = form_class(request)
    form._errors = ErrorDict({"__all__": ErrorList([message])})
    return form
