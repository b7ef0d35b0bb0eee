"""Django finds the layer models here; they live one per module, listed in the registry."""
from layers.registry import load

registry = load()
