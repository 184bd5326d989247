#!/usr/bin/env python3
"""Build dist/sizing.pyz: the whole tool in one file, for a jump host with only Python 3.8+.

    python3 tools/build_pyz.py            # writes dist/sizing.pyz
    python3 dist/sizing.pyz --model opt-oss-120b --server dgx300 --concurrency 1000 \\
        --effective-context 131072

The archive holds the package sizer/ (sources and bytecode compiled by the Python that builds
it, used when the same version runs it, else the sources), the three catalogs as package data
(sizer/catalogs/, read with pkgutil) and a __main__.py that is sizing.py's entry. Standard
library only, as the tool itself.
"""

import argparse
import os
import py_compile
import shutil
import sys
import tempfile
import zipapp

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOGS = ("models.json", "servers.json", "storage.json")


def build(output):
    with tempfile.TemporaryDirectory() as staging:
        shutil.copytree(os.path.join(ROOT, "sizer"), os.path.join(staging, "sizer"),
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        for folder, _, files in os.walk(os.path.join(staging, "sizer")):
            for name in files:
                if name.endswith(".py"):
                    source = os.path.join(folder, name)
                    # Beside its source, as zipimport looks for it; unchecked so that the archive's
                    # timestamps do not matter.
                    py_compile.compile(source, cfile=source + "c", doraise=True,
                                       invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
        os.makedirs(os.path.join(staging, "sizer", "catalogs"))
        for name in CATALOGS:
            shutil.copy(os.path.join(ROOT, name), os.path.join(staging, "sizer", "catalogs", name))
        shutil.copy(os.path.join(ROOT, "sizing.py"), os.path.join(staging, "__main__.py"))
        os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
        zipapp.create_archive(staging, output, interpreter="/usr/bin/env python3")
    return output


def main(argv=None):
    parser = argparse.ArgumentParser(description="Build the single-file sizing.pyz.")
    parser.add_argument("--output", default=os.path.join(ROOT, "dist", "sizing.pyz"))
    args = parser.parse_args(argv)
    print(build(args.output))
    return 0


if __name__ == "__main__":
    sys.exit(main())
