"""
Write logic of the accounts service, a module per job: ``profile`` (name and
phone), ``addresses`` (the address book), ``deletion`` (closing an account)
and ``verification`` (allauth's record of the sign-in address); ``locking``
holds the row locks they take. Callers import the module of the job.

Every function runs in one transaction and raises an ``errors`` exception (a
``ShopError`` with a stable code) for bad input; another user's address is
"not found", never "forbidden".
"""
