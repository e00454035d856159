"""Inter-annotator agreement: span F1, kappa, Krippendorff's alpha and alpha_u.

Qt-free like storage/ and export/; used by ``saywho agreement`` and the GUI.
Entry point: :func:`compute_agreement` (see :mod:`agreement.report`).
"""

from __future__ import annotations

from agreement.report import (
    AgreementOptions,
    AgreementReport,
    GroupResult,
    LabelResult,
    NotEnoughAnnotations,
    compute_agreement,
)

__all__ = [
    "AgreementOptions",
    "AgreementReport",
    "GroupResult",
    "LabelResult",
    "NotEnoughAnnotations",
    "compute_agreement",
]
