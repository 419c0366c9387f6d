"""The shipping service: zones, delivery methods and their rates (README.md)."""
