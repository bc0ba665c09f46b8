"""Docking: replications of published models with the shared civilian rules (Epstein 2002)."""
