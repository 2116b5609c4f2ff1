"""The records that are not notebook runs: sign-offs, nonconformities and their corrective actions,
documented information and competence, citations of evidence, and exports."""
