"""Scheduling: when each subject's review is due, the periodic review that re-runs what is due, the
executors it runs on, and one status per AI system."""
