"""The catalogs (models.json, servers.json, storage.json) and the one function that loads a
run's model, server and storage.
"""

import os

from sizer.frozen import replace
from sizer.inputs import (_where, load_catalog, load_json_file, pick_entry, read_regular_file,
    require_positive_int, resolve_name)
from sizer.model.config import _aliases, model_from_config
from sizer.model.hub import SAFETENSORS_INDEX, model_config_name, model_config_path
from sizer.numbers import InputError, printable
from sizer.records import server_from_entry, storage_from_entry


def load_models(path):
    """The models catalog and its names: every entry name and alias, each exactly once."""
    catalog = load_catalog(path, "models")
    names = {name: name for name in catalog}
    for name, entry in catalog.items():
        for alias in _aliases(entry, path, name):
            if alias in names:
                raise InputError("err.alias_repeated", where=_where(path, name, "aliases"), alias=alias)
            names[alias] = name
    return catalog, names


# Catalogs already built in this process, by kind, path and exact contents: building every entry of a
# catalog is what costs, and a comparison or a search loads the same three files again and again. A
# file that changed has other contents, so it is read and checked anew.
_BUILT = {}
MAX_BUILT_CATALOGS = 64


def _built(kind, path, build):
    """build(path), or its result when this process already built the same contents of `path`."""
    key = (kind, path, read_regular_file(path))
    if key not in _BUILT:
        if len(_BUILT) >= MAX_BUILT_CATALOGS:
            _BUILT.clear()
        _BUILT[key] = build(path)
    return _BUILT[key]


def _models(path):
    catalog, names = load_models(path)
    return catalog, names, {name: model_from_config(name, entry, path) for name, entry in catalog.items()}


def _servers(path):
    return {name: server_from_entry(name, entry, path) for name, entry in load_catalog(path, "servers").items()}


def _storages(path):
    return {name: storage_from_entry(name, entry, path) for name, entry in load_catalog(path, "storage").items()}


def load_inputs(options):
    """The Model, Server and Storage; every catalog entry is validated, not only the chosen one."""
    if options.model_config is not None:
        path = model_config_path(options.model_config)
        raw = load_json_file(path, allow_constants=True)
        if not isinstance(raw, dict):
            raise InputError("err.config_not_object", path=path)
        name = model_config_name(options.model_config, path)
        model = model_from_config(name, raw, path)
        if model.source is None:
            model = replace(model, source=printable(options.model_config))
        model = _with_checkpoint_size(model, os.path.join(os.path.dirname(path), SAFETENSORS_INDEX))
    else:
        catalog, names, models = _built("models", options.models_file, _models)
        requested = resolve_name(names, options.model, "--model", options.models_file)
        name = names[requested]
        model = models[name]
        if requested != name:
            model = model_from_config(name, catalog[name], options.models_file, aliased_from=requested)
    servers = _built("servers", options.servers_file, _servers)
    storages = _built("storage", options.storage_file, _storages)
    return (model, pick_entry(servers, options.server, "--server", options.servers_file),
            pick_entry(storages, options.storage, "--storage", options.storage_file))


def _with_checkpoint_size(model, index_path):
    """Totals from the parameter count, and the exact checkpoint bytes when the safetensors
    index (metadata.total_size) sits beside the config."""
    if model.weights_bytes is not None or not os.path.exists(index_path):
        return model
    index = load_json_file(index_path)
    metadata = index.get("metadata") if isinstance(index, dict) else None
    if not isinstance(metadata, dict):
        raise InputError("err.field_missing", where=_where(index_path, "metadata", "total_size"))
    size = require_positive_int(metadata, "total_size", index_path, "metadata")
    return replace(model, weights_bytes=size, weights_bytes_source="index")
