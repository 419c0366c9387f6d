"""
The orders service: the checkout saga and the orders it makes. What it owns,
calls, publishes and consumes is in ``README.md`` beside this file.
"""
