"""Open311 GeoReport v2: any bot or app files and follows appeals without custom code."""
