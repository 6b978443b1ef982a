"""Measuring the product: labelled clips, the naive baseline, perturbations."""
