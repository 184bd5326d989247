"""main(argv) -> exit status: parse, compute, render, write. The only code that prints.
"""

import itertools
import sys

from sizer.cli.files import OutputClosed, OutputError, emit, report_error
from sizer.cli.options import model_config_values, options_from_args
from sizer.cli.parser import DefaultValue, UsageError, build_parser, default_catalog, requested_language
from sizer.compute.records import exit_status
from sizer.fileio import check_output_paths, write_files_atomically
from sizer.frozen import replace
from sizer.model.catalog import load_inputs
from sizer.model.hub import model_config_inputs
from sizer.numbers import InputError, _choice, _option_text, printable
from sizer.render import DEFAULT_FORMAT, FORMATS, FORMAT_BY_NAME, SUBJECT_TEXT, TRAILING_FORMAT, render_all
from sizer.vocab import COMPARED_OPTIONS, LIST_KINDS, MAX_COMBINATIONS, NUMERIC_COLUMNS, ORDER_BY, Status, T


def main(argv=None):
    """Run the CLI; returns the exit status.

    0: sized. 1: sized, with an error alert (a scenario fits no session, the weights
    do not fit). 2: bad input or environment, with one `sizing: error:` line on
    stderr. A closed pipe on stdout (`sizing ... | head`) stops quietly with the
    status the run would have had.
    """
    argv = sys.argv[1:] if argv is None else list(argv)
    lang = requested_language(argv)
    status = 2
    try:
        status, text = _run(argv, lang)
        if text is not None:
            emit(sys.stdout, text)
        return status
    except (InputError, OutputError) as error:
        report_error(error.text, lang)
        return 2
    except OutputClosed:
        return status
    except KeyboardInterrupt:
        # Ctrl-C: one line, no traceback; outputs are renamed into place only when whole, so every
        # file is as it was or complete. 130 is the shell's status for SIGINT (128 + 2).
        report_error(T("err.interrupted"), lang)
        return INTERRUPTED


# A list of integers that reads as one number with thousands separators too ('2,500', '131,072'): the
# first item has 1 to 3 digits and every other exactly 3, with no space. Such a list is refused with
# both readings; a comparison is written with a space after each comma ('2, 500') or in another order.
def reads_as_thousands(text):
    parts = text.split(",")
    return (len(parts) > 1 and all(part.isascii() and part.isdigit() for part in parts)
            and 1 <= len(parts[0]) <= 3 and all(len(part) == 3 for part in parts[1:]))
# The exit status of a run stopped by Ctrl-C, as a shell reports SIGINT.
INTERRUPTED = 130


def compared_values(args):
    """The options given as lists: (((Options field, parsed values), ...), the arguments with each list's
    first value). Each value is parsed alone, as options_from_args parses it, so it is checked once."""
    import argparse
    single = argparse.Namespace(**vars(args))
    raws = {}
    for field, option in COMPARED_OPTIONS:
        value = getattr(args, field)
        if value is None or isinstance(value, DefaultValue):
            continue
        items = model_config_values(value) if field == "model_config" else _option_text(value).split(",")
        if field in NUMERIC_COLUMNS and reads_as_thousands(_option_text(value)):
            text = _option_text(value)
            raise InputError("err.thousands_or_list", option=option, value=text, number=text.replace(",", ""),
                             spaced=", ".join(str(int(item)) for item in items))
        if any(not item.strip() for item in items):
            raise InputError("err.list_item", option=option, value=printable(",".join(items)))
        items = [item if field == "model_config" else item.strip() for item in items]
        setattr(single, field, items[0])
        if len(items) > 1:
            raws[field] = (option, items)
    combinations = 1
    for _, items in raws.values():
        combinations *= len(items)
    if combinations > MAX_COMBINATIONS:
        raise InputError("err.too_many_combinations", n=combinations, maximum=MAX_COMBINATIONS)
    variants = []
    for field, (option, items) in raws.items():
        values = []
        for item in items:
            alone = argparse.Namespace(**vars(single))
            setattr(alone, field, item)
            values.append(getattr(options_from_args(alone), field))
        variants.append((field, tuple(values)))
    return tuple(variants), single


def _formats_asked(args):
    """(the format printed on stdout, [(--output-X-file, path, format)]) from the registry's options."""
    stdout_format = next((f.name for f in FORMATS if f.only_option and getattr(args, f.only_dest)), DEFAULT_FORMAT)
    outputs = [(f.file_option, getattr(args, f.file_dest), f.name) for f in FORMATS
               if f.file_option and getattr(args, f.file_dest) is not None]
    return stdout_format, outputs


def _render_and_write(subject, stdout_format, outputs, lang, kind="report"):
    """Render each format asked once, write the files whole, and return the text for stdout (the
    default format is followed by the JSON document)."""
    wanted = {stdout_format} | {name for _, _, name in outputs}
    if stdout_format == DEFAULT_FORMAT:
        wanted.add(TRAILING_FORMAT)
    rendered = render_all(wanted, subject, lang, kind)
    write_files_atomically([(option, path, rendered[name]) for option, path, name in outputs])
    text = rendered[stdout_format]
    if stdout_format == DEFAULT_FORMAT:
        text += "\n" + rendered[TRAILING_FORMAT]
    return text


def _check_renderers(stdout_format, outputs, kind):
    """Every format asked renders a `kind` subject ("comparison" or "search"); a format that does not is
    refused by its option before anything is sized."""
    asked = [(FORMAT_BY_NAME[stdout_format].only_option, stdout_format)] + [(o, name) for o, _, name in outputs]
    for option, name in asked:
        if getattr(FORMAT_BY_NAME[name], kind) is None:
            raise InputError("err.format_subject", option=option, subject=T(SUBJECT_TEXT[kind]))


def _outputs_and_loader(args, options, variants, kind):
    """For a run over several configurations (a comparison or a search): the format on stdout, the
    output files (checked against every input the run reads), and a loader of each configuration's
    model, server and storage that reads each once."""
    stdout_format, outputs = _formats_asked(args)
    _check_renderers(stdout_format, outputs, kind)
    configs = [value for field, values in variants if field == "model_config" for value in values]
    inputs = [("--servers-file", options.servers_file), ("--storage-file", options.storage_file)] + [
        ("--model-config", path) for value in configs + [options.model_config] for path in model_config_inputs(value)]
    if options.model_config is None:
        inputs.append(("--models-file", options.models_file))
    check_output_paths([(option, path) for option, path, _ in outputs], inputs)
    loaded = {}

    def load(changed):
        key = (changed.model, changed.model_config, changed.server, changed.storage)
        if key not in loaded:
            loaded[key] = load_inputs(changed)
        return loaded[key]
    return stdout_format, outputs, load


def _run_comparison(args, options, variants, lang):
    """Size every combination; render the table in the formats asked; write the files."""
    from sizer.compute.compare import compare
    if options.solve is not None or args.calibrate_from is not None or args.commands:
        raise InputError("err.compare_unsupported", option="--solve" if options.solve else
                         "--calibrate-from" if args.calibrate_from is not None else "--commands")
    order_by = None if args.order_by is None else _choice(_option_text(args.order_by), "--order-by", ORDER_BY)
    stdout_format, outputs, load = _outputs_and_loader(args, options, variants, "comparison")
    # Names, catalogs and configs are checked before anything is sized: a bad one is bad input.
    named = [(field, values) for field, values in variants if field in ("model", "model_config", "server", "storage")]
    for values in itertools.product(*(values for _, values in named)):
        load(replace(options, **dict(zip((field for field, _ in named), values))))
    comparison = compare(options, variants, load, order_by)
    text = _render_and_write(comparison, stdout_format, outputs, lang, kind="comparison")
    return (0 if comparison.status == Status.OK else 1), text


def given_fields(parser, argv):
    """The Options fields the command line sets itself (not left at their defaults): argparse fills a
    default only where the namespace has no value yet, so a namespace of markers keeps the rest (an
    option whose default is None, such as the repeated --model-config, is given when it has a value)."""
    import argparse
    marker = object()
    namespace = argparse.Namespace(**{action.dest: marker for action in parser._actions
                                      if action.dest != argparse.SUPPRESS and action.default is not None})
    parsed = parser.parse_args(argv, namespace)
    return frozenset(name for name, value in vars(parsed).items() if value is not marker and value is not None)


def _run_search(args, options, variants, lang, given):
    """Search the layouts (compute/search.py); render the answer in the formats asked; write the files."""
    from sizer.compute.search import search
    from sizer.compute.searchspace import SearchRequest, parse_allowed_weights, parse_search_space
    for refused, option in ((options.solve is not None, "--solve"), (args.calibrate_from is not None,
                                                                       "--calibrate-from")):
        if refused:
            raise InputError("err.search_unsupported", option=option)
    order_by = None if args.order_by is None else _choice(_option_text(args.order_by), "--order-by", ORDER_BY)
    request = SearchRequest(options, variants, given,
                            {} if args.search_space is None else parse_search_space(args.search_space),
                            parse_allowed_weights(args.allow_weight_precision), order_by)
    stdout_format, outputs, load = _outputs_and_loader(args, options, variants, "search")
    result = search(request, load)
    text = _render_and_write(result, stdout_format, outputs, lang, kind="search")
    return (0 if result.status == Status.OK else 1), text


def _run(argv, lang):
    """Parse, compute, render and write the files; returns (status, text for stdout)."""
    parser = build_parser(lang)
    try:
        args = parser.parse_args(argv)
    except UsageError as error:
        raise InputError("err.usage", message=str(error))
    except SystemExit as done:       # --help and --version, already printed
        return done.code or 0, None
    except OutputClosed:             # `sizing --help | true`
        return 0, None
    if args.list is not None:
        from sizer.render.listing import catalog_listing, render_listing
        kind = _choice(_option_text(args.list), "--list", LIST_KINDS)
        listing = catalog_listing(kind, args.models_file or default_catalog("models.json"),
                                  args.servers_file or default_catalog("servers.json"),
                                  args.storage_file or default_catalog("storage.json"))
        return 0, render_listing(listing, lang, args.json_only)
    if not args.search:
        for option, value in (("--search-space", args.search_space),
                              ("--allow-weight-precision", args.allow_weight_precision)):
            if value is not None:
                raise InputError("err.search_only", option=option)
    given = given_fields(parser, argv) if args.search else None
    variants, args = compared_values(args)
    options = options_from_args(args)
    if args.search:
        return _run_search(args, options, variants, lang, given)
    stdout_format, outputs = _formats_asked(args)
    if variants or FORMAT_BY_NAME[stdout_format].report is None or any(
            FORMAT_BY_NAME[name].report is None for _, _, name in outputs):
        return _run_comparison(args, options, variants, lang)
    inputs = [("--model-config", path) for path in model_config_inputs(options.model_config)] + [
        ("--servers-file", options.servers_file), ("--storage-file", options.storage_file),
        ("--calibrate-from", args.calibrate_from)]
    if options.model_config is None:
        inputs.append(("--models-file", options.models_file))
    check_output_paths([(option, path) for option, path, _ in outputs], inputs)
    model, server, storage = load_inputs(options)
    if args.calibrate_from is not None:
        from sizer.enginelog import calibrated_options, check_log_model, load_engine_log
        if options.kv_cache_memory_bytes is not None or options.gpu_memory_utilization is not None:
            raise InputError("err.calibrate_conflict")
        log = load_engine_log(args.calibrate_from)
        log = check_log_model(log, model, options)
        options = calibrated_options(options, log, model)
    if options.solve and args.commands:
        raise InputError("err.commands_solve")
    if options.solve:
        from sizer.compute.solve import solve_report as sizing
    else:
        from sizer.compute.report import build_report as sizing
    report = sizing(options, model, server, storage)
    if args.commands:
        from sizer.compute.commands import engine_commands
        report = replace(report, commands=engine_commands(report))
    return exit_status(report), _render_and_write(report, stdout_format, outputs, lang)


if __name__ == "__main__":
    sys.exit(main())
