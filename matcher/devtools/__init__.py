"""Developer tooling, not part of the product's data flow: the sample generator, synthetic data and the evaluations."""
