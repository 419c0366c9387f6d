"""Model instances as plain values, to compare two reads' answers whole."""


def snapshot(instance, seen=None):
    """
    ``instance``'s class, database, every attribute (fields, annotations,
    what ``from_db`` remembered) and the related objects it holds, joined
    ones included; an object met again is named by its class and key.
    """
    if instance is None:
        return None
    seen = set() if seen is None else seen
    if id(instance) in seen:
        return ("again", type(instance), instance.pk)
    seen.add(id(instance))
    attributes = {
        name: value
        for name, value in vars(instance).items()
        if name not in ("_state", "_prefetched_objects_cache")
    }
    related = {
        name: snapshot(other, seen) for name, other in sorted(instance._state.fields_cache.items())
    }
    prefetched = {
        name: [snapshot(other, seen) for other in objects]
        for name, objects in sorted(getattr(instance, "_prefetched_objects_cache", {}).items())
    }
    state = (instance._state.db, instance._state.adding)
    return type(instance), state, attributes, related, prefetched
