"""
The plain data of the reports service's public interface (standard library
only): none, since nothing calls reports. What it reads from the other
services comes in their data classes; what it shows is in ``figures``.
"""
