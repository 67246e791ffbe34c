"""Reference data: the occupation referential (ROME) with its title classifier, and the communes base (geography)."""
