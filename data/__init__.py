"""The demo city: a deterministic Petropavl generated from a seed, loaded with COPY.

`data.generate.build_city(seed, scale)` makes every layer's rows in memory;
`data.load.load_demo_city()` writes them in one transaction, once.
"""
