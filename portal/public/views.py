"""The public blueprint's routes: importing this module registers them, module by module.

    pages.py          start page, privacy notice, accessibility statement
    steps.py          the online form's questions, one page each, and what its pages share
    evidence_step.py  the form's optional proof of identity or authority
    check.py          check your answers, send the request, confirmation
    status.py         find a request (reference and email, or a one-time link), its status page,
                      evidence for a request already made

The blueprint itself is in blueprint.py; the released pack's download has its own blueprint
("download.*", download.py).
"""

from __future__ import annotations

# isort: off
# In journey order, so the url_map lists the routes in the order they had in one module.
from portal.public import pages, steps, evidence_step, check, status  # noqa: F401

# isort: on
from portal.public.blueprint import bp

__all__ = ["bp"]
