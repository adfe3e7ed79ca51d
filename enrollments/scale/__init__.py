"""Scale data for the benchmark: tens of thousands of trainees and millions of records.

Everything is written in bulk (``bulk``): PostgreSQL's COPY for the large tables,
multi-row INSERTs elsewhere. The course tree (``tree``) is made of real Wagtail
pages: their tree paths, depths, child counts and URL paths are computed here and
the pages are inserted directly (published, without revisions), then added to the
search index. ``people`` makes the organisations, trainers and trainees,
``sessions`` the class sessions, ``records`` the enrolments, lesson progress,
attendance and hours ledger; ``seed`` runs them all in one transaction.

The data is recognisable by its prefix (usernames and curriculum codes start with
``scale-``); ``scale_data_seed`` refuses to run on a database that already holds it.
"""

from .seed import ScaleDataExists, scale_data_present, scale_data_seed
from .sizes import DEFAULT_SCALE, PREFIX, SMALL_SCALE, Scale

__all__ = [
    "DEFAULT_SCALE",
    "PREFIX",
    "SMALL_SCALE",
    "Scale",
    "ScaleDataExists",
    "scale_data_present",
    "scale_data_seed",
]
