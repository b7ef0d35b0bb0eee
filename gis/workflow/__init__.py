"""The 109 workflow: appeal lifecycle, deadlines, routing by location, dig-order notices, roles.

Framework-neutral services called by the API, the admin, the CLI and the tests; the rules
they enforce are data (layers/catalog.csv, gis/workflow/states.py) and the database keeps
what must never be lost (see the layers migrations: append-only history, no deletion).
"""
