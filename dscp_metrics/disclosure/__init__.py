"""Disclosure control: which numbers a publication hides, and the audit that proves nothing hidden leaks."""
