"""--list: the catalogs' names with one line each, in text or JSON.
"""

from __future__ import annotations      # record annotations stay text (3.8 reads `X | None`)

import json

from sizer import SCHEMA_VERSION
from sizer.frozen import record
from sizer.i18n import say
from sizer.inputs import load_catalog
from sizer.model.catalog import load_models
from sizer.model.config import _aliases
from sizer.records import SERVER_FIELDS, ServerField, server_from_entry, storage_from_entry
from sizer.render.json import _json_ready
from sizer.vocab import DIRECTION_TEXT, INTERCONNECT_TEXT, Join, KV_PRECISIONS, T, Text, WEIGHT_PRECISIONS


@record
class Listing:
    kind: str
    items: tuple[tuple[str, Text | Join | str, tuple[str, ...], str | None], ...]                # ((name, description Text or str, aliases, use or None), ...)
    fields: tuple[ServerField, ...] = ()          # the servers catalog: what each field of an entry is (ServerField)


def catalog_listing(kind, models_file, servers_file, storage_file):
    """A Listing of one catalog (each entry validated, as a sizing run validates them)."""
    if kind == "models":
        catalog, _ = load_models(models_file)
        items = tuple((name, entry.get("description") or "", tuple(_aliases(entry, models_file, name)), None)
                      for name, entry in sorted(catalog.items(), key=lambda item: item[0].lower()))
    elif kind == "servers":
        catalog = load_catalog(servers_file, "servers")
        servers = [server_from_entry(name, entry, servers_file) for name, entry in catalog.items()]
        items = tuple((server.name, server_line(server), (), server.use)
                      for server in sorted(servers, key=lambda server: server.name))
        return Listing(kind, items, SERVER_FIELDS)
    elif kind == "storage":
        storages = [storage_from_entry(name, entry, storage_file)
                    for name, entry in load_catalog(storage_file, "storage").items()]
        items = tuple((item.name, T("list.storage", type=item.type, read=item.read_throughput_gb_s,
                                    latency=item.read_latency_p99_ms), (), None)
                      for item in sorted(storages, key=lambda item: item.name))
    else:
        names = sorted(set(KV_PRECISIONS) | set(WEIGHT_PRECISIONS))
        items = tuple((name, Join(tuple(part for part in (
            T("list.kv_precision", bytes=KV_PRECISIONS[name]) if name in KV_PRECISIONS else None,
            T("list.weight_precision", bytes=WEIGHT_PRECISIONS[name]) if name in WEIGHT_PRECISIONS else None)
            if part is not None), "; "), (), None) for name in names)
    return Listing(kind, items)


def server_line(server):
    """GPUs and memory, the scale-up link, the rack's trays, and the catalog's description."""
    parts = [T("list.server_gpus", gpus=server.gpus, hbm=server.hbm_per_gpu_gb,
               kind="" if server.memory_kind is None else " " + server.memory_kind)]
    if server.rack_scale:
        parts.append(T("list.server_rack", trays=server.trays, tray=server.gpus_per_tray))
    if server.interconnect is not None:
        kind = T(INTERCONNECT_TEXT[server.interconnect])
        parts.append(kind if server.interconnect_per_gpu_gb_s is None else T(
            "value.interconnect", kind=kind, bandwidth=server.interconnect_per_gpu_gb_s,
            direction=T(DIRECTION_TEXT[server.interconnect_direction])))
    return T("list.server", facts=Join(tuple(parts)), description=server.description or "")


def field_documents(fields):
    """The servers file's fields as JSON: kind, unit, whether required, choices and what it is."""
    return {field.name: {"type": field.kind, "unit": field.unit, "required": field.required,
                         "choices": list(field.choices), "description": T(field.text_id)} for field in fields}


def render_listing(listing, lang, as_json):
    if as_json:
        document = {"schema_version": SCHEMA_VERSION, "list": listing.kind, "language": lang,
                    "items": [dict({"name": name, "description": description, "aliases": list(aliases)},
                                   **({"use": use} if listing.fields else {}))
                              for name, description, aliases, use in listing.items]}
        if listing.fields:
            document["fields"] = field_documents(listing.fields)
        return json.dumps(_json_ready(document, lang), ensure_ascii=False, indent=2) + "\n"
    width = max([len(say(name, lang)) for name, _, _, _ in listing.items] + [4])
    lines = []
    for name, description, aliases, use in listing.items:
        text = say(description, lang)      # a catalog's own words have their control characters escaped
        if aliases:
            text += say(T("list.aliases", aliases=Join(aliases)), lang)
        lines.append(("%-*s  %s" % (width, say(name, lang), text)).rstrip())
        if use:
            lines.append("%-*s  %s" % (width, "", say(T("list.use", use=use), lang)))
    return "\n".join(lines) + "\n"
