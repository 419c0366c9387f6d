"""
The reports service: the sales dashboard staff read in the admin. It owns
no figures: it asks orders, payments and catalog for theirs through their
public interfaces (and the kernel for parked events), adds them up, draws
them (server-side SVG) and hands each table out as CSV. Nothing calls it.
README.md says what it owns, offers, publishes and consumes.
"""
