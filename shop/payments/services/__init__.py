"""
Write logic of payments, a module per job: ``creating`` (a payment and its
gateway session), ``status`` (applying what a gateway reports: the status
machine and the payment's log), ``refunds`` (asking for money back, and
sending a refund again after an outage), ``cancelling`` (closing a pending
payment's page) and ``validation`` (what callers send). Callers import the
module of the job.

``status.apply_update`` is the one place a payment's status changes, whoever
learnt of the change (a webhook, the test gateway, a cancel, a reconcile). It
locks the payment row, moves the status only forward, and publishes the event
of each transition in the same transaction, so an event is published once
however many times the news arrives and in whatever order.

Gateway calls are made holding no row lock (nobody waits on a payment while
the network is slow); what they return is applied in a short locked
transaction afterwards.
"""
