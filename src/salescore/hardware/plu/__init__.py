"""Label-printing scales offline: the PLU table and its file for the vendor's loader (G4).

A label-printing scale [весы с печатью этикеток] holds its own product table
and prints weight labels without the till. salescore builds the table
(:class:`PluTable` of :class:`PluRecord`), checks it against a scale model's
limits (:class:`ScaleProfile`), writes it as the CSV file the vendor's loader
program reads (:func:`to_csv`, :func:`from_csv`) and checks the barcodes the
scale prints (:func:`label_barcode`, :func:`check_label_barcode`). No live
vendor protocol is spoken: loading the file is the loader program's job.
"""

from salescore.hardware.plu.barcode import check_label_barcode, label_barcode
from salescore.hardware.plu.export import from_csv, layout_pattern, to_csv
from salescore.hardware.plu.profile import FIELDS, GENERIC_CSV, SHTRIH_PRINT_CSV, ScaleProfile
from salescore.hardware.plu.record import PluRecord, PluTable, SoldBy, label_price

__all__ = [
    "FIELDS",
    "GENERIC_CSV",
    "SHTRIH_PRINT_CSV",
    "PluRecord",
    "PluTable",
    "ScaleProfile",
    "SoldBy",
    "check_label_barcode",
    "from_csv",
    "label_barcode",
    "label_price",
    "layout_pattern",
    "to_csv",
]
