"""Demo data, kept out of the production package ``portal``.

- ``demo.records``: a deterministic demo export of Children's Services case records (PDF, DOCX,
  EML, a manifest and the ground truth of every person and identifier each document mentions);
  ``flask demo-records`` and ``flask demo`` write one, the benchmarks and tests measure on one.
- ``demo.loader``: the ``make run`` demo loader (``flask demo``): staff of every role, requests
  in every state and of every type, and requests about children of a demo export.

``portal.cli`` imports from here inside its commands only, so ``portal`` does not depend on
``demo`` at import time.
"""

from demo.records import FORMAT, ExportSummary, generate, nhs_number_valid

__all__ = ["FORMAT", "ExportSummary", "generate", "nhs_number_valid"]
