"""
The refusals of the reports service: none of its own. A period that ends
before it starts or runs longer than a year is the kernel's
``shop.core.errors.InvalidPeriod`` (``invalid_period``), which every service
that reports by day raises alike; the dashboard's form says so to staff
before anything is read.
"""
