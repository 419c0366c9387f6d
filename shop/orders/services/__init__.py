"""
Write logic of orders once they exist, a module per job: ``placing`` (an
order from a paid checkout), ``lifecycle`` (the status machine: ship,
deliver, cancel), ``shipping`` (the carrier's parcel), ``refunds`` (money
back, asked of payments and reported by it) and ``forgetting`` (a deleted
customer). Callers import the module of the job.

Every change runs in one transaction that first locks the order row
(``select_for_update``), so two staff members, a customer and a consumer
acting on the same order queue up; each transition is checked against
``lifecycle.TRANSITIONS`` and recorded in ``OrderStatusChange`` with its actor.
"""
