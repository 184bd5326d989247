"""Frozen records: the package's typed, immutable value classes, without the cost of dataclasses.

`@record` reads a class's annotations (bases first, as dataclasses does) and gives it what a
`@dataclass(frozen=True)` has and the package uses: keyword or positional construction with
defaults, field-wise equality and hashing, refusal of attribute assignment, and the helpers
`fields`, `replace` and `asdict`. It writes no code with exec: one shared __init__ reads the
class's field table, so declaring a record costs microseconds, not the half millisecond a
dataclass costs (which is most of a run's time when fifty of them are declared).
"""

_MISSING = object()


class FrozenRecordError(AttributeError):
    """Raised on an attempt to assign or delete a field of a record."""


# What @record writes; a record class that defines one of these itself would lose it, so it is refused.
_WRITTEN = ("__init__", "__eq__", "__hash__", "__setattr__", "__delattr__", "__repr__")


def record(cls):
    """Make `cls` a frozen record whose fields are its annotated names (bases' fields first)."""
    lazy = "__annotate__" in cls.__dict__ or "__annotate_func__" in cls.__dict__
    if "__annotations__" not in cls.__dict__ and lazy:
        # Python 3.14 keeps a class's annotations unevaluated behind __annotate__ unless its module has
        # `from __future__ import annotations`, which every record module has (tests/test_structure.py).
        raise TypeError("%s: a record's module needs `from __future__ import annotations`" % cls.__name__)
    written = [name for name in _WRITTEN if name in cls.__dict__]
    if written:
        raise TypeError("%s: @record writes %s itself" % (cls.__name__, ", ".join(written)))
    names = []
    for klass in reversed(cls.__mro__):
        for name in klass.__dict__.get("__annotations__", {}):
            if name not in names:
                names.append(name)
    defaults = {}
    for name in names:
        default = getattr(cls, name, _MISSING)
        if default is not _MISSING:
            if isinstance(default, (list, dict, set)):
                raise TypeError("%s: field %r has a mutable default, shared by every instance" % (cls.__name__, name))
            defaults[name] = default
        elif defaults:
            raise TypeError("%s: field %r without a default follows a field with one" % (cls.__name__, name))
    cls._record_fields = tuple(names)
    cls._record_field_set = frozenset(names)
    cls._record_defaults = tuple(defaults.items())
    cls.__init__ = _init
    cls.__eq__ = _eq
    cls.__hash__ = _hash
    cls.__setattr__ = _refuse_set
    cls.__delattr__ = _refuse_delete
    cls.__repr__ = _repr
    return cls


def _init(self, *args, **kwargs):
    cls = type(self)
    names = cls._record_fields
    values = self.__dict__
    if not kwargs and len(args) == len(names):          # every field by position: most records
        values.update(zip(names, args))
        return
    if len(args) > len(names):
        raise TypeError("%s() takes %d positional arguments but %d were given"
                        % (cls.__name__, len(names), len(args)))
    values.update(zip(names, args))
    if kwargs:
        unknown = kwargs.keys() - cls._record_field_set
        if unknown:
            raise TypeError("%s() got an unexpected keyword argument %r" % (cls.__name__, sorted(unknown)[0]))
        twice = kwargs.keys() & values.keys()
        if twice:
            raise TypeError("%s() got multiple values for argument %r" % (cls.__name__, sorted(twice)[0]))
        values.update(kwargs)
    if len(values) != len(names):
        for name, default in cls._record_defaults:
            values.setdefault(name, default)
        if len(values) != len(names):
            missing = [name for name in names if name not in values]
            raise TypeError("%s() missing required argument %r" % (cls.__name__, missing[0]))


def _values(obj):
    values = obj.__dict__
    return tuple([values[name] for name in obj._record_fields])


def _eq(self, other):
    if other.__class__ is self.__class__:
        return _values(self) == _values(other)
    return NotImplemented


def _hash(self):
    return hash(_values(self))


def _refuse_set(self, name, value):
    raise FrozenRecordError("cannot assign to field %r of %s" % (name, type(self).__name__))


def _refuse_delete(self, name):
    raise FrozenRecordError("cannot delete field %r of %s" % (name, type(self).__name__))


def _repr(self):
    return "%s(%s)" % (type(self).__name__,
                       ", ".join("%s=%r" % (name, value) for name, value in zip(self._record_fields, _values(self))))


def is_record(obj):
    """Whether `obj` is a record instance (not a record class)."""
    return not isinstance(obj, type) and hasattr(type(obj), "_record_fields")


def fields(obj_or_class):
    """The field names of a record or record class, in declaration order."""
    return obj_or_class._record_fields


def replace(obj, **changes):
    """A copy of the record `obj` with the given fields changed (dataclasses.replace)."""
    cls = type(obj)
    unknown = changes.keys() - cls._record_field_set
    if unknown:
        raise TypeError("%s has no field %r" % (cls.__name__, sorted(unknown)[0]))
    new = cls.__new__(cls)
    values = new.__dict__
    old = obj.__dict__
    for name in cls._record_fields:
        values[name] = old[name]
    values.update(changes)
    return new


def asdict(obj):
    """A record as a dict of its fields, records inside turned into dicts too (dataclasses.asdict)."""
    if is_record(obj):
        return {name: asdict(value) for name, value in zip(obj._record_fields, _values(obj))}
    if isinstance(obj, (list, tuple)):
        return type(obj)(asdict(value) for value in obj)
    if isinstance(obj, dict):
        return type(obj)((asdict(key), asdict(value)) for key, value in obj.items())
    return obj
