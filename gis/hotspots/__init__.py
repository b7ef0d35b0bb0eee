"""Hot-spot statistics for planners: Getis-Ord Gi*, emerging hot spots, network
hot spots and trace, and the repair plan built from them.

Not a Django app: results are returned values and files. The statistics take
plain arrays (counts, coordinates, sparse weights) so they can be tested against
PySAL on any data; the thin DB-facing functions do the counting in SQL.
"""
