"""
The plain data of the webhooks service's public interface (standard library
only): none, since no service calls webhooks. It hears the others' events.
"""
