"""The Statement of Applicability (ISO/IEC 42001 6.1.3 d to f)"""

from .assessment import PROCESS

__all__ = ["PROCESS"]
