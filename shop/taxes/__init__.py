"""
The taxes service: tax classes (standard, reduced, zero …), the rates of each
class per country with their validity dates, and the calculation of an
order's tax by the country it ships to. It calls no other service; catalog
stores a tax class code per variant and orders asks ``public.calculate``.
README.md says what it owns, offers, publishes and consumes.
"""
