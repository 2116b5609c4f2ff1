"""The AI policy's answers (ISO/IEC 42001 5.2, A.2.2): its text in Markdown, where the text makes each
commitment the standard requires, its version and its next review date; and the text rendered as HTML
with every raw tag escaped and no image fetched."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

import mistune
from markupsafe import Markup
from pydantic import Field, field_validator, model_validator

from workbench.validate import Strict

# the commitments 5.2 requires of an AI policy, paraphrased
COMMITMENTS = {
    "purpose": "fits the purpose of the organisation",
    "objectives-framework": "gives a framework for setting AI objectives",
    "requirements": "commits to meeting the requirements that apply",
    "continual-improvement": "commits to continually improving the AI management system",
}
VERSION = r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,19}$"


def _words(text: str) -> str:
    return " ".join(text.split()).casefold()


class Commitment(Strict):
    """One commitment of the policy and the passage of its text that makes it."""

    commitment: Literal[tuple(COMMITMENTS)]  # type: ignore[valid-type]
    where: str = Field(min_length=10, max_length=1000,
                       description="the passage of the policy text that makes it, quoted as written")


class PolicyAnswers(Strict):
    """The AI policy as top management is asked to approve it (unknown fields refused)."""

    version: str = Field(min_length=1, max_length=20,
                         description="the policy's version, e.g. 2.0; each record is a new one")
    title: str = Field(default="AI policy", min_length=1, max_length=200)
    text: str = Field(min_length=1, max_length=50_000, description="the policy text, in Markdown (HTML is shown as "
                                                                   "text, never run)")
    commitments: list[Commitment] = Field(min_length=1, max_length=20,
                                          description="each commitment 5.2 requires, with where the text makes it")
    review_date: date = Field(description="when the policy is reviewed next (A.2.4)")

    @field_validator("version")
    @classmethod
    def _version(cls, value: str) -> str:
        if not re.fullmatch(VERSION, value):
            raise ValueError("must be letters, digits, dots and hyphens, starting with a letter or digit, e.g. 2.0")
        return value

    @model_validator(mode="after")
    def _commitments_made(self) -> "PolicyAnswers":
        given = [c.commitment for c in self.commitments]
        twice = sorted({c for c in given if given.count(c) > 1})
        if twice:
            raise ValueError(f"commitments: {', '.join(twice)} mapped more than once; one passage each")
        missing = [c for c in COMMITMENTS if c not in given]
        if missing:
            raise ValueError("commitments: the policy makes no commitment that it "
                             + "; nor that it ".join(COMMITMENTS[c] for c in missing)
                             + f" ({', '.join(missing)}): 5.2 requires each; quote where the text makes it")
        text = _words(self.text)
        for i, c in enumerate(self.commitments):
            if _words(c.where) not in text:
                raise ValueError(f"commitments[{i}].where: {c.where[:60]!r} is not in the policy text; quote the "
                                 f"passage that {COMMITMENTS[c.commitment]}, as written")
        return self

    def line_of(self, passage: str) -> int:
        """The line of the text on which ``passage`` starts (1 for the first)."""
        words = passage.split()
        pattern = r"\s+".join(re.escape(w) for w in words)
        found = re.search(pattern, self.text, flags=re.IGNORECASE)
        return self.text.count("\n", 0, found.start()) + 1 if found else 0


class _EvidenceRenderer(mistune.HTMLRenderer):
    """Markdown for evidence: raw HTML escaped, headings under the section's own, images as text."""

    def heading(self, text: str, level: int, **attrs) -> str:
        return super().heading(text, min(level + 2, 6), **attrs)

    def image(self, text: str, url: str, title: str | None = None) -> str:
        return f"[image: {text} ({mistune.escape(url)})]"


def policy_html(text: str) -> Markup:
    """The policy's Markdown as HTML: tags typed in it are shown as text, harmful links are dropped
    (mistune's own check) and images are named, never fetched."""
    render = mistune.create_markdown(escape=True, renderer=_EvidenceRenderer(escape=True))
    return Markup(render(text))
