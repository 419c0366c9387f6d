"""
The promotions service: vouchers (codes that take money off a basket), and
later sales and gift cards. It calls no other service: callers hand it the
basket's facts (lines with their SKU, product and categories, unit price and
quantity; the shipping cost; the customer's key) and get back the discount
allocated to each line and to shipping. README.md says what it owns, offers,
publishes and consumes.
"""
