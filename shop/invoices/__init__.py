"""
The invoices service: invoices and credit notes with numbers from gap-free
sequences per series and year, the seller's details as they were when each
was issued, and their PDFs. It calls no other service; orders asks
``public.issue_invoice`` when an order is paid and ``issue_credit_note`` when
money goes back. README.md says what it owns, offers, publishes and consumes.
"""
