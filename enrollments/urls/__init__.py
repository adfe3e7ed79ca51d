"""Public URLs, one module per area, included from ``academy/urls.py``: ``learning``
(My learning, hours, notices), ``exams`` (考前练习: exams, practice, the wrong-answer book,
under /learning/exams/), ``certificates`` and ``attendance``."""
