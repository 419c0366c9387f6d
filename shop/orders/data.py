"""
The plain data of the orders service's public interface (standard library
only). ``public.py`` offers no function yet, so there is none; the events
carry their own data classes (``events.OrderedLine``).
"""
