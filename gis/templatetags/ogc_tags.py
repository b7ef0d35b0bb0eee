"""Template helpers for the OGC API's HTML pages."""
from django import template

register = template.Library()


@register.filter
def prop(properties: dict, name: str):
    value = properties.get(name)
    return "" if value is None else value


@register.filter
def html_format(href: str) -> str:
    return href.replace("f=json", "f=html")
