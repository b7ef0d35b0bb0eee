"""OGC API (Features parts 1-3, Processes) over the layer registry, rendered in SQL."""
