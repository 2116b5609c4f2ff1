"""What runs in a kernel for a person: the template runtime, the forms built from answers models,
drafts, and the HTML and SVG drawing of evidence sections."""
