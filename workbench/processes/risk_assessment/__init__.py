"""The AI risk assessment (ISO/IEC 42001 6.1.2, 6.1.3, 8.2, 8.3)"""

from .assessment import PROCESS

__all__ = ["PROCESS"]
