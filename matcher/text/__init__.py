"""French job text: normalisation (folding, gender forms, abbreviations, stemming) and the skills vocabulary."""
