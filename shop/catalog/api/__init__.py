"""The catalog's slice of the REST API, under ``/api/v1/catalog/``."""
