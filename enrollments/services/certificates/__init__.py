"""Certificates, one module per part: ``issuing`` (request, issue, failures, sweep),
``lifecycle`` (revoke, re-issue), ``bundles`` (ZIP downloads), ``hours_records``
(continuing-education hours records) and ``notifications`` (the issued email).
Import from the module; reads are in ``enrollments.selectors.certificates``."""
