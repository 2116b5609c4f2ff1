"""Internal audit (ISO/IEC 42001 9.2)"""

from .assessment import PROCESS

__all__ = ["PROCESS"]
