"""
For the answers written out by hand (decision 0041): ``recorded_answers``
makes a serializer record, for every answer it gives, what it wrote out and
what its declared fields give through DRF's generic loop
(``serializers.Serializer.to_representation``); ``assert_same_answer`` checks
that the two are the same to the byte, key order and types included.
"""

from collections.abc import Mapping

from rest_framework import serializers
from rest_framework.renderers import JSONRenderer


def declared_answer(serializer) -> dict:
    """What ``serializer``'s declared fields give for its instance, the generic way."""
    return serializers.Serializer.to_representation(serializer, serializer.instance)


def recorded_answers(monkeypatch, serializer_class) -> list[tuple[dict, dict]]:
    """
    From now on, each answer ``serializer_class`` gives is kept as a pair,
    (written out, declared), in the list returned; the written one is answered.
    """
    pairs = []
    written_out = serializer_class.to_representation

    def both(serializer, instance):
        written = written_out(serializer, instance)
        pairs.append((written, serializers.Serializer.to_representation(serializer, instance)))
        return written

    monkeypatch.setattr(serializer_class, "to_representation", both)
    return pairs


def assert_same_answer(written, declared) -> None:
    render = JSONRenderer().render
    assert render(written) == render(declared)
    assert _shape(written) == _shape(declared)


def _shape(value):
    """The value with its keys in order and the exact type of every leaf."""
    if isinstance(value, Mapping):
        return ("object", [(key, _shape(item)) for key, item in value.items()])
    if isinstance(value, list | tuple):
        return ("array", [_shape(item) for item in value])
    return (type(value).__name__, value)
