"""CSV exports that a spreadsheet opens safely.

A cell whose text starts with `=`, `+`, `-` or `@` (or a tab or carriage return, which some
spreadsheet apps skip before reading a formula) is run as a formula when the file is opened:
`=HYPERLINK(…)` in a creator's category would become a live link. Every text cell of every
export goes through `safe_cell`, which prefixes such text with a `'`, the spreadsheet
convention for "this is text". Numbers are written as numbers.
"""

import csv

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value, with text that a spreadsheet would run as a formula made inert."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_lines(header: list[str], rows):
    """Yield CSV lines: the header, then each row with every text cell made safe.

    An iterator, so that 100,000 rows stream in constant memory.
    """
    writer = csv.writer(_Echo())
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(cell) for cell in row])
