"""--list: the catalogs' names with one line each, in text or JSON.
"""

import json

from sizer import SCHEMA_VERSION
from sizer.i18n import say
from sizer.inputs import load_catalog
from sizer.model.catalog import load_models
from sizer.model.config import _aliases
from sizer.records import server_from_entry, storage_from_entry
from sizer.render.json import _json_ready
from sizer.vocab import Join, KV_PRECISIONS, T, WEIGHT_PRECISIONS, record


@record
class Listing:
    kind: str
    items: tuple                # ((name, description Text or str, aliases), ...)


def catalog_listing(kind, models_file, servers_file, storage_file):
    """A Listing of one catalog (each entry validated, as a sizing run validates them)."""
    if kind == "models":
        catalog, _ = load_models(models_file)
        items = tuple((name, entry.get("description") or "", tuple(_aliases(entry, models_file, name)))
                      for name, entry in sorted(catalog.items(), key=lambda item: item[0].lower()))
    elif kind == "servers":
        catalog = load_catalog(servers_file, "servers")
        servers = [server_from_entry(name, entry, servers_file) for name, entry in catalog.items()]
        items = tuple((server.name, T("list.server", gpus=server.gpus, hbm=server.hbm_per_gpu_gb,
                                      description=catalog[server.name].get("description") or ""), ())
                      for server in sorted(servers, key=lambda server: server.name))
    elif kind == "storage":
        storages = [storage_from_entry(name, entry, storage_file)
                    for name, entry in load_catalog(storage_file, "storage").items()]
        items = tuple((item.name, T("list.storage", type=item.type, read=item.read_throughput_gb_s,
                                    latency=item.read_latency_p99_ms), ())
                      for item in sorted(storages, key=lambda item: item.name))
    else:
        names = sorted(set(KV_PRECISIONS) | set(WEIGHT_PRECISIONS))
        items = tuple((name, Join(tuple(part for part in (
            T("list.kv_precision", bytes=KV_PRECISIONS[name]) if name in KV_PRECISIONS else None,
            T("list.weight_precision", bytes=WEIGHT_PRECISIONS[name]) if name in WEIGHT_PRECISIONS else None)
            if part is not None), "; "), ()) for name in names)
    return Listing(kind, items)


def render_listing(listing, lang, as_json):
    if as_json:
        document = {"schema_version": SCHEMA_VERSION, "list": listing.kind, "language": lang,
                    "items": [{"name": name, "description": description, "aliases": list(aliases)}
                              for name, description, aliases in listing.items]}
        return json.dumps(_json_ready(document, lang), ensure_ascii=False, indent=2) + "\n"
    width = max([len(say(name, lang)) for name, _, _ in listing.items] + [4])
    lines = []
    for name, description, aliases in listing.items:
        text = say(description, lang)      # a catalog's own words have their control characters escaped
        if aliases:
            text += say(T("list.aliases", aliases=Join(aliases)), lang)
        lines.append(("%-*s  %s" % (width, say(name, lang), text)).rstrip())
    return "\n".join(lines) + "\n"
