"""Command line: argparse with translated messages, options to records, output streams, main.
"""
