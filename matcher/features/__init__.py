"""Score components, one module each. Every component takes the prepared offers and profiles
frames plus candidate pairs (positional index arrays) and returns one value in [0, 1] per pair."""
